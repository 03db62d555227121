// Signed exports of a clip (animated GIF, animated WebP, poster PNG), made in the offscreen document
// on demand and kept next to the clip, so that the second download, share, drag or copy is instant.
// Deleting a clip deletes its exports in the same transaction (lib/store/clips.ts).
import { assertRoomFor, request, tx } from './db';

export const EXPORT_FORMATS = ['gif', 'webp', 'png'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_MIME: Record<ExportFormat, string> = { gif: 'image/gif', webp: 'image/webp', png: 'image/png' };
export const EXPORT_NAMES: Record<ExportFormat, string> = { gif: 'animated GIF', webp: 'animated WebP', png: 'poster PNG' };

export interface ExportRecord {
  /** `${clipId}:${format}` */
  key: string;
  clipId: string;
  format: ExportFormat;
  mime: string;
  /** The signed bytes, exactly as read back and checked after signing. */
  bytes: Blob;
  width: number;
  height: number;
  frames: number;
  createdAt: number;
  /** Time to decode, encode, sign and check (ms). */
  makeMs: number;
  /** Watermark detection on the signed bytes, decoded again (0..1) when they were checked. */
  watermarkConfidence: number;
  /** Read-back state of the export's content credentials ('Trusted' or 'Valid'). */
  credentialsState: string;
  /** Where the time went (ms): checking the stored clip, encoding, signing, checking the watermark. */
  timings?: Record<string, number>;
}

export const exportKey = (clipId: string, format: ExportFormat) => `${clipId}:${format}`;

export const putExport = async (r: ExportRecord) => {
  await assertRoomFor(r.bytes.size);
  return tx('exports', 'readwrite', (s) => s.put(r));
};

export const getExport = (clipId: string, format: ExportFormat) =>
  tx<ExportRecord | undefined>('exports', 'readonly', (s) => s.get(exportKey(clipId, format)));

export const listExportsOf = (clipId: string) =>
  tx<ExportRecord[]>('exports', 'readonly', (s) => request(s.index('clipId').getAll(clipId)) as Promise<ExportRecord[]>);

/** Delete every export of a clip inside an open read-write transaction on 'exports'. */
export function deleteExportsIn(store: IDBObjectStore, clipId: string): void {
  const keys = store.index('clipId').getAllKeys(clipId);
  keys.onsuccess = () => {
    for (const k of keys.result) store.delete(k);
  };
}

/** Bytes all kept exports take (shown with the storage used in the gallery). */
export async function exportsBytes(): Promise<number> {
  const all = await tx<ExportRecord[]>('exports', 'readonly', (s) => request(s.getAll()) as Promise<ExportRecord[]>);
  return all.reduce((n, r) => n + (r.bytes?.size ?? 0), 0);
}
