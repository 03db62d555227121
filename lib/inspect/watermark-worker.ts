// Runs the watermark check off the panel's main thread: decodes pictures (createImageBitmap),
// scales frames, reads their pixels and runs the detector.
import { detectWatermark, type WatermarkFrame } from '../watermark/detect';

/** Frames are scaled so their long side is at most this (the detector works at 320 px or less). */
const FRAME_LONG_SIDE = 768;

function grab(src: CanvasImageSource, w: number, h: number): WatermarkFrame {
  const k = Math.min(1, FRAME_LONG_SIDE / Math.max(w, h));
  const width = Math.max(1, Math.round(w * k));
  const height = Math.max(1, Math.round(h * k));
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(src, 0, 0, width, height);
  return { data: ctx.getImageData(0, 0, width, height).data, width, height, channels: 4 };
}

type Req = { id: number; blob?: Blob; videoFrames?: VideoFrame[] };

self.onmessage = async (ev: MessageEvent<Req>) => {
  const { id, blob, videoFrames } = ev.data;
  const post = (m: unknown) => (self as unknown as Worker).postMessage(m);
  try {
    const frames: WatermarkFrame[] = [];
    if (blob) {
      const bmp = await createImageBitmap(blob);
      try {
        frames.push(grab(bmp, bmp.width, bmp.height));
      } finally {
        bmp.close();
      }
    }
    for (const vf of videoFrames ?? []) {
      try {
        frames.push(grab(vf, vf.displayWidth, vf.displayHeight));
      } finally {
        vf.close();
      }
    }
    if (frames.length === 0) return post({ id, error: 'no picture could be decoded' });
    const d = detectWatermark(frames);
    post({ id, found: d.found, payload: d.payload, confidence: d.confidence });
  } catch (e) {
    for (const vf of videoFrames ?? []) vf.close();
    post({ id, error: e instanceof Error ? e.message : String(e) });
  }
};
