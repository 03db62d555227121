import type { FrameRenderer, PoseParams, Rig } from './types';
import { compositeOverlay, rasterizeMesh, restUvs, splitTriangles, type RgbaImage } from './raster';
import { addPatternField } from '../watermark/pattern';
import { informedField } from '../watermark/informed';
import { CpuFrame } from './frame-buffer';
import { bitmapPixels, overlayPixels, prefilterSource } from './source';
import { CAVITY_STRIDE, CAVITY_VERTEX_COUNT, mouthCavity, mouthStyle, rasterizeCavity } from './mouth';
import { EYES, LID_VERTEX_COUNT, eyeLid, lidSkinOffset, lidStyle, rasterizeLid } from './lids';
import { EYES_UNIFORM_FLOATS, eyePost, eyeUniforms } from './eyes';

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
  const style = mouthStyle(rig, src, src.width / rig.width, src.height / rig.height);
  const cavVerts = new Float32Array(CAVITY_VERTEX_COUNT * CAVITY_STRIDE);
  const lids = lidStyle(rig, src, src.width / rig.width, src.height / rig.height);
  const lidVerts = new Float32Array(LID_VERTEX_COUNT * CAVITY_STRIDE);
  const eyeData = new Float32Array(EYES_UNIFORM_FLOATS);
  let overlay: RgbaImage | null = null;
  if (opts.overlay) {
    const d = overlayPixels(opts.overlay, outWidth, outHeight);
    overlay = { width: outWidth, height: outHeight, data: d.data };
  }
  const out = new CpuFrame(new OffscreenCanvas(outWidth, outHeight), outWidth, outHeight);
  const frame = out.image;
  const frame32 = new Uint32Array(frame.data.buffer);
  const dst: RgbaImage = { width: outWidth, height: outHeight, data: frame.data };
  // The watermark field is informed by the first frame (labelled, unwatermarked), as on the GPU.
  let wmField: Float32Array | null = null;
  const uvs = restUvs(rig.rest, rig.width, rig.height);
  const scaled = new Float32Array(rig.rest.length);
  const sx = outWidth / rig.width;
  const sy = outHeight / rig.height;
  // The still background (triangles with no head-following vertex) is rasterised once; each frame
  // starts from a copy of it and draws only the triangles that move.
  const { moving, fixed } = splitTriangles(rig);
  for (let i = 0; i < scaled.length; i += 2) {
    scaled[i] = rig.rest[i]! * sx;
    scaled[i + 1] = rig.rest[i + 1]! * sy;
  }
  frame32.fill(0xff000000); // opaque black (little-endian RGBA) where nothing is drawn
  rasterizeMesh(dst, src, scaled, uvs, fixed);
  const still = Uint8ClampedArray.from(frame.data);
  let destroyed = false;
  const renderer: FrameRenderer = {
    kind: 'cpu',
    get canvas() {
      return out.paintedCanvas();
    },
    videoFrame: (timestamp, duration) => out.videoFrame(timestamp, duration),
    async draw(positions, pose, timestamp, duration) {
      // render() finishes before it returns (no awaits), so overlapping calls cannot interleave.
      await renderer.render(positions, pose);
      return out.videoFrame(timestamp, duration);
    },
    async render(positions: Float32Array, pose?: PoseParams): Promise<void> {
      if (destroyed) throw new Error('renderer destroyed');
      for (let i = 0; i < scaled.length; i += 2) {
        scaled[i] = positions[i]! * sx;
        scaled[i + 1] = positions[i + 1]! * sy;
      }
      frame.data.set(still);
      // The gaze composite (eyes.ts) runs on the moving triangles' pixels, as in the GPU's mesh shader.
      rasterizeMesh(dst, src, scaled, uvs, moving, eyePost(src, rig, eyeUniforms(rig, pose, sx, eyeData)));
      const cavAlpha = mouthCavity(rig, positions, cavVerts);
      if (cavAlpha > 0) {
        for (let i = 0; i < cavVerts.length; i += CAVITY_STRIDE) {
          cavVerts[i] = cavVerts[i]! * sx;
          cavVerts[i + 1] = cavVerts[i + 1]! * sy;
        }
        rasterizeCavity(dst, cavVerts, style, cavAlpha, sx);
      }
      for (let eye = 0; eye < EYES.length; eye++) {
        const a = eyeLid(rig, positions, eye, lidVerts, pose);
        if (!(a > 0)) continue;
        const offset = lidSkinOffset(rig, positions, lids, eye);
        for (let i = 0; i < lidVerts.length; i += CAVITY_STRIDE) {
          lidVerts[i] = lidVerts[i]! * sx;
          lidVerts[i + 1] = lidVerts[i + 1]! * sy;
        }
        rasterizeLid(dst, lidVerts, lids, eye, a, [sx, sy], src, [src.width / rig.width, src.height / rig.height], offset);
      }
      if (overlay) compositeOverlay(dst, overlay);
      if (opts.watermark !== undefined && !wmField) wmField = informedField({ data: frame.data, width: outWidth, height: outHeight }, opts.watermark).field;
      if (wmField) addPatternField(frame.data, wmField);
      out.touch();
    },
    destroy() {
      destroyed = true;
    },
  };
  return renderer;
}
