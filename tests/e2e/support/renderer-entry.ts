// Browser side of the renderer test (bundled by tests/support/bundle-page.ts): draws the same clip
// with the label and the watermark four ways and compares the pixels: the WebGPU renderer one frame
// at a time; the same pipelined, as the clip pipeline draws; the WebGPU renderer without the
// watermark, with the watermark then added on the CPU over the whole frame (the GPU adds it while
// drawing); and the CPU fallback.
import { chooseFace } from '../../../lib/face/choose';
import { createFaceFinder } from '../../../lib/face/detect';
import { createPerformance, type PresetId } from '../../../lib/motion/catalog';
import { buildRig } from '../../../lib/render/mesh';
import { poseRig } from '../../../lib/render/pose';
import { CAVITY_STRIDE, CAVITY_VERTEX_COUNT, mouthCavity } from '../../../lib/render/mouth';
import { createCpuRenderer } from '../../../lib/render/cpu';
import { createWebGpuRenderer, getGpuDevice } from '../../../lib/render/webgpu';
import { loadSource } from '../../../lib/source/load';
import { sourceSample } from '../../../lib/render/source';
import { frameTime } from '../../../lib/video/encode';
import { renderLabelLayer } from '../../../lib/watermark/label';
import { informedField } from '../../../lib/watermark/informed';
import { addPatternField } from '../../../lib/watermark/pattern';

export interface RendererComparison {
  frames: number;
  /** Frames where pipelined draw() differs from render() at all, and the largest difference. */
  drawDiffFrames: number;
  drawMaxDiff: number;
  /** Largest per-channel difference between the GPU's watermarked frames and the unwatermarked ones with the field added on the CPU. */
  wmMaxDiff: number;
  /** Share of channels where they differ by more than 1. */
  wmOffShare: number;
  /**
   * Largest per-channel difference between the WebGPU renderer drawing every moving triangle in every
   * frame and the CPU renderer, and the share of channels that differ.
   */
  cpuMaxDiff: number;
  cpuDiffShare: number;
  /** Mean per-channel difference between the WebGPU and the CPU renderer (levels). */
  cpuMeanDiff: number;
  /**
   * The WebGPU renderer as the pipeline runs it (drawing again only triangles that moved more than the
   * tolerance since they were last drawn, redraw.ts) against the one drawing every triangle: largest
   * per-channel difference, share of channels more than 4 levels apart, mean difference.
   */
  incMaxDiff: number;
  incOver4Share: number;
  incMeanDiff: number;
  /** Frames in which something moved (differs from frame 0), so the comparison is not of still frames. */
  movingFrames: number;
  /** Frames in which the mouth is open (the cavity drawn), and whether it opens under hair (rig.mouthSeam). */
  openMouthFrames: number;
  mouthUnderHair: boolean;
}

/**
 * A translucent band with text across the face, where the moving parts reach into the overlay's box:
 * the renderer then draws the overlay again over them, marking as it blends.
 */
function bandOverFace(w: number, h: number, face: { x: number; y: number; w: number; h: number }): ImageBitmap {
  const c = new OffscreenCanvas(w, h);
  const g = c.getContext('2d')!;
  const y = face.y + face.h * 0.35;
  g.fillStyle = 'rgba(15, 15, 20, 0.55)';
  g.fillRect(0, y, w, face.h * 0.3);
  g.fillStyle = 'rgba(255, 255, 255, 0.9)';
  g.font = `bold ${Math.round(face.h * 0.2)}px sans-serif`;
  g.fillText('AI-generated', face.x - face.w * 0.3, y + face.h * 0.24);
  g.fillStyle = 'rgba(250, 250, 250, 0.3)';
  g.fillRect(face.x + face.w * 0.2, 0, face.w * 0.15, h);
  return c.transferToImageBitmap();
}

async function compare(fixture: string, preset: PresetId, outLong: number, frames: number, overlay: 'label' | 'band-over-face' = 'label'): Promise<RendererComparison> {
  const finder = await createFaceFinder({ wasmBaseUrl: '/wasm', modelAssetUrl: '/model/face_landmarker.task' });
  const device = await getGpuDevice();
  if (!device) throw new Error('no WebGPU adapter');
  const src = await loadSource(fixture);
  const face = chooseFace(await finder.find(src.bitmap));
  if (!face) throw new Error('no face');
  const rig = buildRig(face, src.bitmap.width, src.bitmap.height, await sourceSample(src.bitmap));
  const k = outLong / Math.max(rig.width, rig.height);
  const w = 2 * Math.round((rig.width * k) / 2);
  const h = 2 * Math.round((rig.height * k) / 2);
  const faceOut = { x: face.box.x * k, y: face.box.y * k, w: face.box.w * k, h: face.box.h * k };
  const layer = overlay === 'label' ? (await renderLabelLayer(w, h, faceOut)).layer : bandOverFace(w, h, faceOut);
  const opts = { source: src.bitmap, rig, outWidth: w, outHeight: h, overlay: layer, watermark: 0x5f0da7e1234abcdn };
  const serial = await createWebGpuRenderer({ ...opts, device, presentMode: 'readback' });
  const piped = await createWebGpuRenderer({ ...opts, device, presentMode: 'readback' });
  const plain = await createWebGpuRenderer({ ...opts, watermark: undefined, device, presentMode: 'readback' });
  // Every moving triangle drawn in every frame: what the incremental redraw approximates.
  const full = await createWebGpuRenderer({ ...opts, device, presentMode: 'readback', redrawTolerancePx: null });
  const cpu = await createCpuRenderer(opts);
  let field: Float32Array | null = null;
  let wmMaxDiff = 0;
  let wmOff = 0;
  const perf = createPerformance({ preset, durationS: 3, seed: 7, intensity: 1 });
  const pos = new Float32Array(rig.rest.length);
  const pixels = (r: { canvas: OffscreenCanvas }) => (r.canvas.getContext('2d') as OffscreenCanvasRenderingContext2D).getImageData(0, 0, w, h).data;
  const reference: Uint8ClampedArray[] = [];
  const pending: Array<Promise<VideoFrame>> = [];
  let cpuMaxDiff = 0;
  let cpuDiffs = 0;
  let cpuDiffSum = 0;
  let incMaxDiff = 0;
  let incOver4 = 0;
  let incDiffSum = 0;
  let openMouthFrames = 0;
  const cavity = new Float32Array(CAVITY_VERTEX_COUNT * CAVITY_STRIDE);
  for (let i = 0; i < frames; i++) {
    const p = perf.at((i * 3) / 30);
    poseRig(rig, p, pos);
    if (mouthCavity(rig, pos, cavity) > 0) openMouthFrames++;
    const t = frameTime(i);
    // All draws are asked for before any is awaited, so they overlap as far as the renderer allows.
    pending.push(piped.draw(pos, p, t.timestampUs, t.durationUs));
    await serial.render(pos, p);
    await cpu.render(pos, p);
    await plain.render(pos, p);
    await full.render(pos, p);
    const g = pixels(serial);
    const e = pixels(full);
    const c = pixels(cpu);
    const u = pixels(plain);
    // The field is informed by the first frame (labelled, unwatermarked), as both renderers do.
    field ??= informedField({ data: u, width: w, height: h }, opts.watermark).field;
    addPatternField(u, field);
    for (let j = 0; j < g.length; j++) {
      const d = Math.abs(g[j]! - u[j]!);
      if (d > wmMaxDiff) wmMaxDiff = d;
      if (d > 1) wmOff++;
    }
    for (let j = 0; j < g.length; j++) {
      const d = Math.abs(g[j]! - e[j]!);
      if (d > incMaxDiff) incMaxDiff = d;
      if (d > 4) incOver4++;
      incDiffSum += d;
    }
    for (let j = 0; j < g.length; j++) {
      const d = Math.abs(e[j]! - c[j]!);
      if (d > 0) cpuDiffs++;
      cpuDiffSum += d;
      if (d > cpuMaxDiff) cpuMaxDiff = d;
    }
    reference.push(g);
  }
  let drawDiffFrames = 0;
  let drawMaxDiff = 0;
  let movingFrames = 0;
  for (let i = 0; i < frames; i++) {
    const f = await pending[i]!;
    const got = new Uint8Array(w * h * 4);
    await f.copyTo(got, { format: 'RGBA' } as VideoFrameCopyToOptions);
    f.close();
    let d = 0;
    for (let j = 0; j < got.length; j++) d = Math.max(d, Math.abs(got[j]! - reference[i]![j]!));
    if (d > 0) drawDiffFrames++;
    drawMaxDiff = Math.max(drawMaxDiff, d);
    if (i > 0 && reference[i]!.some((v, j) => v !== reference[0]![j])) movingFrames++;
  }
  serial.destroy();
  piped.destroy();
  plain.destroy();
  full.destroy();
  cpu.destroy();
  layer.close();
  return { frames, drawDiffFrames, drawMaxDiff, wmMaxDiff, wmOffShare: wmOff / (frames * w * h * 4), cpuMaxDiff, cpuDiffShare: cpuDiffs / (frames * w * h * 4), cpuMeanDiff: cpuDiffSum / (frames * w * h * 4), incMaxDiff, incOver4Share: incOver4 / (frames * w * h * 4), incMeanDiff: incDiffSum / (frames * w * h * 4), movingFrames, openMouthFrames, mouthUnderHair: rig.mouthSeam !== undefined };
}

(globalThis as unknown as { compareRenderers: typeof compare }).compareRenderers = compare;
