// Still pictures (the poster PNG, JPEG thumbnails, WebP frames) encoded in a worker. A document's
// canvas encodes blobs in idle time, and the offscreen document, busy drawing and encoding a clip,
// gets almost none: the poster PNG took 5-7 s there and a JPEG thumbnail 1 s (Chrome waits for
// its fallback timeouts), against tens of milliseconds in a worker.

export type StillType = 'image/png' | 'image/jpeg' | 'image/webp';

export interface EncodeImageRequest {
  id: number;
  /** Cloned into the worker (ImageData) or transferred (ImageBitmap). */
  image: ImageBitmap | ImageData;
  /** Output size: the picture is scaled to it. */
  width: number;
  height: number;
  type: StillType;
  quality?: number;
}

/** Width and height scaled (never up) so that the long side is at most `longSide`. */
function fitLongSide(width: number, height: number, longSide = Infinity): { width: number; height: number } {
  const k = Math.min(1, longSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
}

let worker: Worker | null = null;
let nextId = 1;

/**
 * Encode a picture, scaled so its long side is at most `longSide`. An ImageBitmap passed in is
 * transferred (closed here); an OffscreenCanvas is copied first, so it may be drawn on again.
 */
export async function encodeImage(
  source: ImageBitmap | ImageData | OffscreenCanvas | HTMLCanvasElement,
  opts: { type: StillType; quality?: number; longSide?: number },
): Promise<Blob> {
  const image = source instanceof ImageBitmap || source instanceof ImageData ? source : await createImageBitmap(source);
  const { width, height } = fitLongSide(image.width, image.height, opts.longSide);
  worker ??= new Worker(new URL('./image-encoder-worker.ts', import.meta.url), { type: 'module' });
  const w = worker;
  const id = nextId++;
  const req: EncodeImageRequest = { id, image, width, height, type: opts.type, quality: opts.quality };
  return new Promise((resolve, reject) => {
    const onMsg = (ev: MessageEvent<{ id: number; blob?: Blob; error?: string }>) => {
      if (ev.data?.id !== id) return;
      w.removeEventListener('message', onMsg);
      w.removeEventListener('error', onError);
      if (ev.data.blob) resolve(ev.data.blob);
      else reject(new Error(`the picture could not be encoded (${ev.data.error ?? 'no reason given'})`));
    };
    const onError = (ev: ErrorEvent) => {
      w.removeEventListener('message', onMsg);
      w.removeEventListener('error', onError);
      if (worker === w) worker = null;
      reject(new Error(`the picture encoder stopped (${ev.message || 'worker error'})`));
    };
    w.addEventListener('message', onMsg);
    w.addEventListener('error', onError);
    w.postMessage(req, image instanceof ImageBitmap ? [image] : []);
  });
}

/** JPEG bytes of a picture scaled to at most `longSide` (thumbnails in the content credentials). */
export async function jpegBytes(source: ImageBitmap | ImageData | OffscreenCanvas | HTMLCanvasElement, longSide: number, quality = 0.85): Promise<Uint8Array> {
  return new Uint8Array(await (await encodeImage(source, { type: 'image/jpeg', quality, longSide })).arrayBuffer());
}
