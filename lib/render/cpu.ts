import type { FrameRenderer, Rig } from './types';
import { compositeOverlay, rasterizeMesh, restUvs, type RgbaImage } from './raster';
import { addPatternField, patternField } from '../watermark/pattern';
import { CpuFrame } from './frame-buffer';
import { bitmapPixels, overlayPixels, prefilterSource } from './source';

export interface CpuRendererOptions {
  source: ImageBitmap;
  rig: Rig;
  outWidth: number;
  outHeight: number;
  /** Same size as the output, straight-alpha RGBA (e.g. the visible label). */
  overlay?: ImageBitmap;
  /** Invisible watermark payload, added after the label (the same field as the GPU pass). */
  watermark?: bigint;
}

/** CPU fallback: rasterises the same mesh as the WebGPU renderer into a 2D OffscreenCanvas. */
export async function createCpuRenderer(opts: CpuRendererOptions): Promise<FrameRenderer> {
  const { rig, outWidth, outHeight } = opts;
  const { bitmap, owned } = await prefilterSource(opts.source, outWidth, outHeight);
  const srcData = bitmapPixels(bitmap);
  if (owned) bitmap.close();
  const src: RgbaImage = { width: srcData.width, height: srcData.height, data: srcData.data };
  let overlay: RgbaImage | null = null;
  if (opts.overlay) {
    const d = overlayPixels(opts.overlay, outWidth, outHeight);
    overlay = { width: outWidth, height: outHeight, data: d.data };
  }
  const out = new CpuFrame(new OffscreenCanvas(outWidth, outHeight), outWidth, outHeight);
  const frame = out.image;
  const frame32 = new Uint32Array(frame.data.buffer);
  const dst: RgbaImage = { width: outWidth, height: outHeight, data: frame.data };
  const wmField = opts.watermark !== undefined ? patternField(outWidth, outHeight, opts.watermark) : null;
  const uvs = restUvs(rig.rest, rig.width, rig.height);
  const scaled = new Float32Array(rig.rest.length);
  const sx = outWidth / rig.width;
  const sy = outHeight / rig.height;
  let destroyed = false;
  return {
    kind: 'cpu',
    get canvas() {
      return out.paintedCanvas();
    },
    videoFrame: (timestamp, duration) => out.videoFrame(timestamp, duration),
    async render(positions: Float32Array): Promise<void> {
      if (destroyed) throw new Error('renderer destroyed');
      for (let i = 0; i < scaled.length; i += 2) {
        scaled[i] = positions[i]! * sx;
        scaled[i + 1] = positions[i + 1]! * sy;
      }
      frame32.fill(0xff000000); // opaque black (little-endian RGBA) where nothing is drawn
      rasterizeMesh(dst, src, scaled, uvs, rig.indices);
      if (overlay) compositeOverlay(dst, overlay);
      if (wmField) addPatternField(frame.data, wmField);
      out.touch();
    },
    destroy() {
      destroyed = true;
    },
  };
}
