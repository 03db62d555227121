// Decode frames back out of a stored (signed) MP4 or an exported image, for making and checking
// exports. Browser only: mediabunny's CanvasSink over WebCodecs for MP4, ImageDecoder for images.
import { ALL_FORMATS, BlobSource, CanvasSink, Input } from 'mediabunny';

export interface DecodedFrame {
  /** RGBA pixels at the requested size. */
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
  /** Presentation time in seconds. */
  time: number;
}

/** Output size with the long side at most `longSide`, keeping the aspect ratio (even sides). */
export function fitSize(width: number, height: number, longSide: number): { width: number; height: number } {
  const k = Math.min(1, longSide / Math.max(width, height));
  const even = (v: number) => Math.max(2, 2 * Math.round((v * k) / 2));
  return { width: even(width), height: even(height) };
}

/**
 * Frames of `mp4` resampled to `fps` (the last frame at or before each tick) and resized with
 * high-quality smoothing to `width` x `height`.
 */
export async function* decodeVideoFrames(mp4: Blob, fps: number, width: number, height: number): AsyncGenerator<DecodedFrame> {
  const input = new Input({ source: new BlobSource(mp4), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) throw new Error('the clip has no video track');
    const duration = await track.computeDuration();
    const count = Math.max(1, Math.round(duration * fps));
    const first = await track.getFirstTimestamp();
    const times = Array.from({ length: count }, (_, i) => first + i / fps + 1e-4);
    const sink = new CanvasSink(track, { poolSize: 2 });
    const out = new OffscreenCanvas(width, height);
    const ctx = out.getContext('2d', { willReadFrequently: true })!;
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    let i = 0;
    for await (const wrapped of sink.canvasesAtTimestamps(times)) {
      if (wrapped) {
        ctx.clearRect(0, 0, width, height);
        ctx.drawImage(wrapped.canvas as CanvasImageSource, 0, 0, width, height);
        yield { rgba: ctx.getImageData(0, 0, width, height).data, width, height, time: times[i]! - first };
      }
      i++;
    }
  } finally {
    input.dispose?.();
  }
}

/** Up to `max` frames of an image file (still or animated), RGBA at its own size. */
export async function decodeImageFrames(bytes: Blob, type: string, max = 8): Promise<DecodedFrame[]> {
  const decoder = new ImageDecoder({ data: bytes.stream(), type });
  try {
    await decoder.tracks.ready;
    await decoder.completed;
    const total = decoder.tracks.selectedTrack?.frameCount ?? 1;
    const picks = total <= max ? Array.from({ length: total }, (_, i) => i) : Array.from({ length: max }, (_, i) => Math.round((i * (total - 1)) / (max - 1)));
    const frames: DecodedFrame[] = [];
    for (const frameIndex of picks) {
      const { image } = await decoder.decode({ frameIndex });
      const c = new OffscreenCanvas(image.displayWidth, image.displayHeight);
      const ctx = c.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(image, 0, 0);
      frames.push({ rgba: ctx.getImageData(0, 0, c.width, c.height).data, width: c.width, height: c.height, time: (image.timestamp ?? 0) / 1e6 });
      image.close();
    }
    return frames;
  } finally {
    decoder.close();
  }
}
