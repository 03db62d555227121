/**
 * Prefilter: when the source is larger than the output, downscale it once with high-quality
 * resampling so that per-frame bilinear sampling at ~1:1 does not alias. Returns the bitmap to
 * sample (the source itself when no downscale is needed) and whether it was created here.
 */
export async function prefilterSource(
  source: ImageBitmap,
  outWidth: number,
  outHeight: number,
): Promise<{ bitmap: ImageBitmap; owned: boolean }> {
  if (source.width > outWidth * 1.05 || source.height > outHeight * 1.05) {
    const bitmap = await createImageBitmap(source, {
      resizeWidth: outWidth,
      resizeHeight: outHeight,
      resizeQuality: 'high',
    });
    return { bitmap, owned: true };
  }
  return { bitmap: source, owned: false };
}

/** Read an ImageBitmap's pixels (straight alpha) through a 2D OffscreenCanvas. */
export function bitmapPixels(bitmap: ImageBitmap): ImageData {
  const c = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = c.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('2D context unavailable');
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
}

/** Overlay pixels (straight alpha) at the output size. */
export function overlayPixels(overlay: ImageBitmap, width: number, height: number): ImageData {
  const c = new OffscreenCanvas(width, height);
  const ctx = c.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('2D context unavailable');
  ctx.drawImage(overlay, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height);
}

/**
 * The source's pixels at most `longSide` px long (for reading the face's appearance when the rig is
 * built; see mouth-cover.ts), with the scale from source px.
 */
export async function sourceSample(source: ImageBitmap, longSide = 768): Promise<{ image: ImageData; scaleX: number; scaleY: number }> {
  const k = Math.min(1, longSide / Math.max(source.width, source.height));
  const width = Math.max(1, Math.round(source.width * k));
  const height = Math.max(1, Math.round(source.height * k));
  const { bitmap, owned } = await prefilterSource(source, width, height);
  const image = bitmapPixels(bitmap);
  if (owned) bitmap.close();
  return { image, scaleX: image.width / source.width, scaleY: image.height / source.height };
}
