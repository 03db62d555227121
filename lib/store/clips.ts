// Every clip Sfumato makes, kept in IndexedDB before it is shown anywhere.
import type { Box } from '../face/types';
import type { Corner } from '../watermark/label';
import { assertRoomFor, request, tx, txMany } from './db';
import { deleteExportsIn } from './exports';

import type { MotionSettings } from '../motion/catalog';
export type { MotionSettings };

export interface ClipTimings {
  sourceMs: number;
  detectMs: number;
  renderMsPerFrame: number;
  encodeMsPerFrame: number;
  signMs: number;
  totalMs: number;
  firstFrameMs: number;
  /** Peak JS heap of the offscreen document during the job (MB). */
  peakHeapMB: number;
  /** Driven clips: time spent tracking the driving face (total, and per driver frame). */
  trackMs?: number;
  trackMsPerFrame?: number;
}

/** What the side panel shows of a clip's content credentials, as read back right after signing. */
export interface CredentialsSummary {
  signer: string;
  signedAt: string;
  aiGenerated: boolean;
  /** 'Trusted' (checked against Sfumato's own root) or 'Valid'. */
  state: string;
  sourceArtwork: string | null;
  certificateExpires: string;
}

export interface ClipRecord {
  id: string;
  createdAt: number;
  title: string;
  sourceUrl: string;
  pageUrl: string;
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  durationS: number;
  motion: MotionSettings;
  /** Faces found in the source (boxes in the source's natural pixels), largest first. */
  faces: { index: number; box: Box }[];
  faceIndex: number;
  /** The animated face's 478 landmarks at rest, x,y,z in clip pixels (for checks and re-animation). */
  faceLandmarks: Float32Array;
  sourceSize: { width: number; height: number };
  renderer: 'webgpu' | 'cpu';
  mp4: Blob;
  poster: Blob;
  /** The invisible watermark's 64-bit payload in every frame (hex), derived from the id. */
  watermarkPayload: string;
  timings: ClipTimings;
  /** Signed with content credentials (always true for stored clips: unsigned clips are never kept). */
  signed: boolean;
  credentials?: CredentialsSummary;
  /** Driven clips: the audio codec of the driver's sound carried into the clip, or null when silent. */
  audio?: string | null;
  /** Driven clips: share of driver frames where its face was found (the rest were bridged). */
  driverCoverage?: number;
  /** The corner the visible label is burnt into (the player keeps its controls off it); older clips lack it. */
  labelCorner?: Corner;
  /** The label's box as fractions of the frame: x0, y0, x1, y1 (the player checks a cropped view still shows it). */
  labelBox?: [number, number, number, number];
}

export type ClipSummary = Omit<ClipRecord, 'mp4'>;

export function newClipId(): string {
  return `clip-${Date.now().toString(36)}-${crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36)}`;
}

export const putClip = async (clip: ClipRecord) => {
  await assertRoomFor(clip.mp4.size + clip.poster.size);
  return tx('clips', 'readwrite', (s) => s.put(clip));
};

export const getClip = (id: string) => tx<ClipRecord | undefined>('clips', 'readonly', (s) => s.get(id));

/** Delete a clip and, in the same transaction, every export made from it. */
export const deleteClip = (id: string) =>
  txMany(['clips', 'exports'], 'readwrite', (t) => {
    t.objectStore('clips').delete(id);
    deleteExportsIn(t.objectStore('exports'), id);
  });

/** Newest first. */
export async function listClips(): Promise<ClipRecord[]> {
  const all = await tx<ClipRecord[]>('clips', 'readonly', (s) => request(s.index('createdAt').getAll()) as Promise<ClipRecord[]>);
  return all.reverse();
}

/** Longest title kept (the title is shown and used in file names, never signed again). */
export const MAX_TITLE_LENGTH = 200;

/**
 * Give a clip a new title, read and written in one transaction. Only the stored title changes:
 * the signed MP4 (and the source title recorded in its credentials) stays byte for byte as made.
 * Resolves with the updated record; rejects if the clip is gone or the title is empty.
 */
export function renameClip(id: string, title: string): Promise<ClipRecord> {
  const t = title.replace(/\s+/g, ' ').trim().slice(0, MAX_TITLE_LENGTH);
  if (!t) return Promise.reject(new Error('A title cannot be empty.'));
  return tx<ClipRecord>('clips', 'readwrite', (s) =>
    new Promise<ClipRecord>((resolve, reject) => {
      const get = s.get(id);
      get.onerror = () => reject(get.error);
      get.onsuccess = () => {
        const clip = get.result as ClipRecord | undefined;
        if (!clip) return reject(new Error(`No clip ${id}.`));
        const next = { ...clip, title: t };
        s.put(next);
        resolve(next);
      };
    }),
  );
}

/** Bytes the clips take in the store (signed MP4s and posters). */
export function clipsBytes(clips: Pick<ClipRecord, 'mp4' | 'poster'>[]): number {
  return clips.reduce((n, c) => n + (c.mp4?.size ?? 0) + (c.poster?.size ?? 0), 0);
}
