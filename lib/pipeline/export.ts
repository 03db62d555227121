// Exports of a stored clip: an animated GIF or WebP (for chats that do not play video) or a poster
// PNG. Runs ONLY in the offscreen document (ARCHITECTURE invariant 2): the request names a stored
// clip and a format, never bytes. The stored MP4's own credentials are checked first; its frames
// already carry the visible label and the invisible watermark, so the export keeps both; the
// export is signed with the person's identity (AI-generated, watermarked, with the signed MP4 as
// its parent ingredient), read back, and its watermark detected again in the signed bytes before
// anything is handed out or kept.
import '../provenance/wasm-asset';
import { SfumatoError } from '../messages/errors';
import { motionName as motionNameOf } from '../motion/catalog';
import { exportRootPem, getOrCreateIdentity } from '../provenance/identity';
import { readCredentials } from '../provenance/read';
import { signClipWithReport } from '../provenance/sign';
import { getClip, type ClipRecord } from '../store/clips';
import { isStorageFull } from '../store/db';
import { EXPORT_MIME, EXPORT_NAMES, exportKey, getExport, putExport, type ExportFormat, type ExportRecord } from '../store/exports';
import { fileNameFor } from '../store/filenames';
import { SFUMATO_VERSION } from '../version';
import { decodeImageFrames, decodeVideoFrames, fitSize } from '../video/decode';
import { encodeImage, jpegBytes } from '../video/image-encoder';
import { buildPalette, GifEncoder } from '../video/gif';
import { muxAnimatedWebp } from '../video/webp';
import { detectWatermark } from '../watermark/detect';
import { clipIdToPayload, WATERMARK_ALG } from '../watermark/payload';

/** Animated exports: frames per second and longest side (chat-friendly sizes). */
export const EXPORT_FPS = 15;
export const EXPORT_LONG_SIDE = 480;
/** Canvas WebP quality per frame (lossy VP8). */
export const WEBP_QUALITY = 0.75;
/** GIF ordered-dither strength (levels): 6 keeps gradients smooth and the watermark readable. */
export const GIF_DITHER = 6;

export interface ExportOutcome {
  record: ExportRecord;
  /** Set when the export could be made but not kept (storage full). */
  notice?: string;
}

const now = () => performance.now();

/** Frame i's duration, in `unit` per second, so the durations add up to the clip's length. */
const tick = (i: number, fps: number, unit: number) => Math.round(((i + 1) * unit) / fps) - Math.round((i * unit) / fps);

interface Encoded {
  bytes: Uint8Array;
  width: number;
  height: number;
  frames: number;
  firstFrame: { rgba: Uint8ClampedArray; width: number; height: number };
}

/** The GIF palette comes from the first frames (a painting's colours hardly change over a clip). */
const GIF_PALETTE_FRAMES = 8;

/**
 * Frames are encoded as they are decoded (a 20 s clip would otherwise hold 300 full frames in
 * memory): WebP frames one by one; GIF frames once the palette is chosen from the first few.
 */
async function encodeAnimated(clip: ClipRecord, format: 'gif' | 'webp'): Promise<Encoded> {
  const { width, height } = fitSize(clip.width, clip.height, EXPORT_LONG_SIDE);
  let first: Uint8ClampedArray | null = null;
  let count = 0;
  let gif: GifEncoder | null = null;
  const pending: Uint8ClampedArray[] = [];
  const gifAdd = (rgba: Uint8ClampedArray) => gif!.addFrame(rgba, tick(count++, EXPORT_FPS, 100));
  const gifStart = () => {
    const picks = pending.filter((_, k) => k % 2 === 0 || k === pending.length - 1);
    gif = new GifEncoder({ width, height, dither: GIF_DITHER }, buildPalette(picks));
    for (const f of pending.splice(0)) gifAdd(f);
  };
  const stills: Uint8Array[] = [];

  for await (const f of decodeVideoFrames(clip.mp4, EXPORT_FPS, width, height)) {
    first ??= f.rgba;
    if (format === 'gif') {
      if (gif) gifAdd(f.rgba);
      else {
        pending.push(f.rgba);
        if (pending.length === GIF_PALETTE_FRAMES) gifStart();
      }
    } else {
      const blob = await encodeImage(new ImageData(f.rgba as Uint8ClampedArray<ArrayBuffer>, width, height), { type: 'image/webp', quality: WEBP_QUALITY });
      if (blob.type !== 'image/webp') throw new Error('this browser cannot encode WebP');
      stills.push(new Uint8Array(await blob.arrayBuffer()));
      count++;
    }
  }
  if (!first) throw new Error('no frame could be decoded from the clip');
  let bytes: Uint8Array;
  if (format === 'gif') {
    if (!gif) gifStart();
    bytes = gif!.finish();
  } else {
    bytes = muxAnimatedWebp(
      stills,
      stills.map((_, i) => tick(i, EXPORT_FPS, 1000)),
      { width, height },
    );
  }
  return { bytes, width, height, frames: count, firstFrame: { rgba: first, width, height } };
}

async function encodePoster(clip: ClipRecord): Promise<Encoded> {
  // The poster is frame 0 as rendered (label and watermark included), stored as a PNG.
  const bitmap = await createImageBitmap(clip.poster);
  const c = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = c.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, c.width, c.height).data;
  const bytes = clip.poster.type === 'image/png' ? new Uint8Array(await clip.poster.arrayBuffer()) : new Uint8Array(await (await encodeImage(c, { type: 'image/png' })).arrayBuffer());
  return { bytes, width: c.width, height: c.height, frames: 1, firstFrame: { rgba, width: c.width, height: c.height } };
}

/**
 * Make (or fetch the kept) signed export of a stored clip. Throws SfumatoError with a sentence for
 * the person; never returns bytes that did not read back as signed, AI-generated and watermarked.
 */
export async function makeExport(clipId: string, format: ExportFormat): Promise<ExportOutcome> {
  const cached = await getExport(clipId, format).catch(() => undefined);
  if (cached) return { record: cached };
  const t0 = now();
  const timings: Record<string, number> = {};
  let lap = t0;
  const mark = (k: string) => {
    const t = now();
    timings[k] = Math.round(t - lap);
    lap = t;
  };
  const clip = await getClip(clipId);
  if (!clip) throw new SfumatoError('clip-missing');
  if (!clip.signed) throw new SfumatoError('export-failed', 'the clip is not signed');
  const mime = EXPORT_MIME[format];
  const mp4 = new Uint8Array(await clip.mp4.arrayBuffer());
  const identity = await getOrCreateIdentity();

  // The stored clip must itself check out before anything is derived from it.
  const parent = await readCredentials(mp4, 'video/mp4', { trustAnchorsPem: exportRootPem(identity) });
  if ((parent.state !== 'Trusted' && parent.state !== 'Valid') || !parent.aiGenerated) {
    throw new SfumatoError('export-failed', `the stored clip's content credentials do not check out (${parent.state})`);
  }
  mark('checkParentMs');

  let encoded: Encoded;
  try {
    encoded = format === 'png' ? await encodePoster(clip) : await encodeAnimated(clip, format);
  } catch (e) {
    throw e instanceof SfumatoError ? e : new SfumatoError('export-failed', e instanceof Error ? e.message : String(e));
  }
  mark('encodeMs');

  const motionName = motionNameOf(clip.motion);
  const filename = fileNameFor(clip, format);
  const what =
    format === 'png'
      ? `Poster frame of the signed clip, as a PNG (${encoded.width}×${encoded.height}).`
      : `Converted from the signed MP4 clip to an ${EXPORT_NAMES[format]} (${EXPORT_FPS} fps, ${encoded.width}×${encoded.height}); the visible label and the invisible watermark are kept in every frame.`;
  let signed;
  try {
    signed = await signClipWithReport({
      mp4: encoded.bytes,
      identity,
      parentBytes: mp4,
      meta: {
        title: filename,
        generatorVersion: SFUMATO_VERSION,
        motionName,
        mimeType: mime,
        clipThumbnailJpeg: await jpegBytes(new ImageData(new Uint8ClampedArray(encoded.firstFrame.rgba), encoded.firstFrame.width, encoded.firstFrame.height), 320),
        createdAt: new Date(),
        watermark: { payloadHex: clip.watermarkPayload, alg: WATERMARK_ALG },
        source: {
          title: clip.credentials?.sourceArtwork ?? clip.title,
          url: /^https?:/.test(clip.sourceUrl) ? clip.sourceUrl : undefined,
          pageUrl: /^https?:/.test(clip.pageUrl) ? clip.pageUrl : undefined,
        },
        derivedFrom: { title: fileNameFor(clip, 'mp4'), format: 'video/mp4', description: what },
      },
    });
  } catch (e) {
    throw new SfumatoError('export-failed', e instanceof Error ? e.message : String(e));
  }

  mark('signMs');
  // The signed bytes, decoded again, must still carry this clip's watermark.
  const blob = new Blob([signed.bytes], { type: mime });
  let confidence = 0;
  try {
    const frames = await decodeImageFrames(blob, mime, 6);
    const d = detectWatermark(frames.map((f) => ({ data: f.rgba, width: f.width, height: f.height })));
    if (!d.found || d.payload !== clipIdToPayload(clip.id)) throw new Error(`the watermark was not found again in the ${EXPORT_NAMES[format]}`);
    confidence = d.confidence;
  } catch (e) {
    throw new SfumatoError('export-failed', e instanceof Error ? e.message : String(e));
  }
  mark('watermarkCheckMs');

  const record: ExportRecord = {
    key: exportKey(clip.id, format),
    clipId: clip.id,
    format,
    mime,
    bytes: blob,
    width: encoded.width,
    height: encoded.height,
    frames: encoded.frames,
    createdAt: Date.now(),
    makeMs: now() - t0,
    watermarkConfidence: confidence,
    credentialsState: signed.report.state,
    timings,
  };
  try {
    // Only if the clip is still there (it may have been deleted meanwhile).
    if (await getClip(clip.id)) await putExport(record);
  } catch (e) {
    if (await isStorageFull(e, blob.size)) {
      return { record, notice: new SfumatoError('export-storage-full').message };
    }
    console.warn('Sfumato: export not kept', e);
  }
  return { record };
}
