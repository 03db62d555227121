// Encodes still pictures (PNG, JPEG, WebP) for lib/video/image-encoder.ts, off the document's
// main thread and outside its idle-time scheduling.
import type { EncodeImageRequest } from './image-encoder';

self.onmessage = async (ev: MessageEvent<EncodeImageRequest>) => {
  const { id, image, width, height, type, quality } = ev.data;
  const post = (m: unknown) => (self as unknown as Worker).postMessage(m);
  try {
    const c = new OffscreenCanvas(width, height);
    const ctx = c.getContext('2d')!;
    if (image instanceof ImageData && image.width === width && image.height === height) ctx.putImageData(image, 0, 0);
    else if (image instanceof ImageData) {
      const full = new OffscreenCanvas(image.width, image.height);
      full.getContext('2d')!.putImageData(image, 0, 0);
      ctx.drawImage(full, 0, 0, width, height);
    } else {
      ctx.drawImage(image, 0, 0, width, height);
      image.close();
    }
    post({ id, blob: await c.convertToBlob({ type, quality }) });
  } catch (e) {
    post({ id, error: e instanceof Error ? e.message : String(e) });
  }
};
