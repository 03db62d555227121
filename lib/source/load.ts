// Fetches and decodes a source image inside an extension page, with the extension's own
// permissions (never through a page canvas), and prepares the bitmaps the pipeline works on.
import { SfumatoError } from '../messages/errors';
import { isTruncatedJpeg, sniff, type ImageType } from './sniff';

export const MAX_SOURCE_BYTES = 100 * 1024 * 1024;
/** Long side of the working image: enough detail for a 1024 px clip, bounded memory for 30 MP art. */
export const WORK_LONG_SIDE = 2048;

export interface LoadedSource {
  bytes: Uint8Array;
  type: ImageType;
  /** Decoded at most WORK_LONG_SIDE on the long side, transparency flattened onto white. */
  bitmap: ImageBitmap;
  naturalWidth: number;
  naturalHeight: number;
}

export async function fetchSourceBytes(url: string, signal?: AbortSignal): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'omit', cache: 'force-cache', signal });
  } catch (e) {
    throw new SfumatoError('blocked', e instanceof Error ? e.message : undefined);
  }
  if (!res.ok) throw new SfumatoError('blocked', `HTTP ${res.status}`);
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > MAX_SOURCE_BYTES) throw new SfumatoError('too-large');
  const buf = new Uint8Array(await res.arrayBuffer());
  if (buf.byteLength > MAX_SOURCE_BYTES) throw new SfumatoError('too-large');
  return buf;
}

export function checkImageBytes(bytes: Uint8Array): ImageType {
  const s = sniff(bytes);
  if (s.kind !== 'image') throw new SfumatoError('not-an-image', s.kind === 'svg' ? 'SVG drawings are not supported' : undefined);
  if (s.type === 'image/jpeg' && isTruncatedJpeg(bytes)) throw new SfumatoError('unreadable', 'the JPEG ends early');
  return s.type;
}

/** Size that fits `longSide`, keeping aspect, never upscaling. */
export function fitLongSide(w: number, h: number, longSide: number): { width: number; height: number } {
  const k = Math.min(1, longSide / Math.max(w, h));
  return { width: Math.max(1, Math.round(w * k)), height: Math.max(1, Math.round(h * k)) };
}

export async function decodeSource(bytes: Uint8Array, type: ImageType): Promise<LoadedSource> {
  const blob = new Blob([bytes as BlobPart], { type });
  let full: ImageBitmap;
  try {
    // Decode once at full size only to learn the natural size; resize in the decoder for big images.
    full = await createImageBitmap(blob);
  } catch (e) {
    throw new SfumatoError('unreadable', e instanceof Error ? e.message : undefined);
  }
  const naturalWidth = full.width;
  const naturalHeight = full.height;
  const { width, height } = fitLongSide(naturalWidth, naturalHeight, WORK_LONG_SIDE);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new SfumatoError('internal', 'no 2D canvas');
  // Transparent pixels become white, not black: a cut-out portrait should look as it does on a page.
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(full, 0, 0, width, height);
  full.close();
  const bitmap = await createImageBitmap(canvas);
  return { bytes, type, bitmap, naturalWidth, naturalHeight };
}

export async function loadSource(url: string): Promise<LoadedSource> {
  const bytes = await fetchSourceBytes(url);
  return decodeSource(bytes, checkImageBytes(bytes));
}
