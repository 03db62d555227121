// Reads what the extension stored, and decodes clips independently of it (mediabunny's demuxer
// for the container facts, ffmpeg for pixels).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_FORMATS, BufferSource, Input } from 'mediabunny';
import type { Page } from 'playwright-core';
import type { ClipRecord } from '@/lib/store/clips';

export type StoredClip = Omit<ClipRecord, 'mp4' | 'poster' | 'faceLandmarks'> & { mp4: Buffer; faceLandmarks: number[] };

/** Every stored clip, read from the extension's IndexedDB through one of its pages. */
export async function readStoredClips(extPage: Page): Promise<StoredClip[]> {
  const raw = await extPage.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('sfumato');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const all = await new Promise<any[]>((res, rej) => {
      const r = db.transaction('clips').objectStore('clips').getAll();
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    db.close();
    const b64 = async (b: Blob) => {
      const bytes = new Uint8Array(await b.arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    };
    return Promise.all(
      all.map(async (c) => ({ ...c, poster: undefined, mp4: await b64(c.mp4), faceLandmarks: Array.from(c.faceLandmarks as Float32Array) })),
    );
  });
  return raw.map((c: any) => ({ ...c, mp4: Buffer.from(c.mp4, 'base64') }));
}

export interface Mp4Facts {
  width: number;
  height: number;
  durationS: number;
  frameCount: number;
  fps: number;
  codec: string | null;
}

export async function probeMp4(bytes: Uint8Array): Promise<Mp4Facts> {
  const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS });
  const track = await input.getPrimaryVideoTrack();
  if (!track) throw new Error('no video track');
  const stats = await track.computePacketStats();
  return {
    width: track.displayWidth,
    height: track.displayHeight,
    durationS: await track.computeDuration(),
    frameCount: stats.packetCount,
    fps: stats.averagePacketRate,
    codec: await track.getCodecParameterString(),
  };
}

export interface Frames {
  width: number;
  height: number;
  /** RGB24 frames. */
  frames: Uint8Array[];
}

/** Decode every frame of a video (or one image) to RGB with ffmpeg, optionally resized. */
export function decodeFrames(bytes: Uint8Array, width: number, height: number, ext = 'mp4'): Frames {
  const dir = mkdtempSync(join(tmpdir(), 'sfumato-frames-'));
  const file = join(dir, `in.${ext}`);
  writeFileSync(file, bytes);
  const out = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-vf', `scale=${width}:${height}:flags=area`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { maxBuffer: 1 << 30 },
  );
  const size = width * height * 3;
  const frames: Uint8Array[] = [];
  for (let o = 0; o + size <= out.length; o += size) frames.push(new Uint8Array(out.buffer, out.byteOffset + o, size));
  return { width, height, frames };
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Mean absolute difference (0-255) between two RGB frames inside a rectangle; with `shift`, `a` is
 * read that many pixels off (a[x + dx, y + dy] against b[x, y]; the rectangle must leave room).
 */
export function meanAbsDiff(a: Uint8Array, b: Uint8Array, width: number, r: Rect, exclude?: Rect, shift = { dx: 0, dy: 0 }): number {
  const off = (shift.dy * width + shift.dx) * 3;
  let sum = 0;
  let n = 0;
  const x0 = Math.max(0, Math.floor(r.x));
  const y0 = Math.max(0, Math.floor(r.y));
  for (let y = y0; y < Math.floor(r.y + r.h); y++) {
    for (let x = x0; x < Math.floor(r.x + r.w); x++) {
      if (exclude && x >= exclude.x && x < exclude.x + exclude.w && y >= exclude.y && y < exclude.y + exclude.h) continue;
      const i = (y * width + x) * 3;
      sum += Math.abs(a[i + off]! - b[i]!) + Math.abs(a[i + off + 1]! - b[i + 1]!) + Math.abs(a[i + off + 2]! - b[i + 2]!);
      n += 3;
    }
  }
  return n ? sum / n : 0;
}

/** Bounding box of some landmarks (x,y,z packed), grown by `pad` times its size. */
export function landmarkBox(lm: ArrayLike<number>, indices: number[], pad = 0.3): Rect {
  const xs = indices.map((i) => lm[i * 3]!);
  const ys = indices.map((i) => lm[i * 3 + 1]!);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  const w = Math.max(...xs) - x;
  const h = Math.max(...ys) - y;
  return { x: x - w * pad, y: y - h * pad * 2, w: w * (1 + 2 * pad), h: h * (1 + 4 * pad) };
}

/** MediaPipe eye contour landmarks (left and right eye). */
export const LEFT_EYE = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246];
export const RIGHT_EYE = [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466];

/** Write frame `index` of a video as a PNG (to look at in artifacts). */
export function saveFramePng(bytes: Uint8Array, index: number, path: string, ext = 'mp4'): void {
  const dir = mkdtempSync(join(tmpdir(), 'sfumato-frame-'));
  const file = join(dir, `in.${ext}`);
  writeFileSync(file, bytes);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', file, '-vf', `select=eq(n\\,${index})`, '-frames:v', '1', path]);
}
