// Browser side of the quality harness (bundled with esbuild at run time by tests/quality/run.ts).
// For one fixture: find the face as the pipeline does, build the rig, and for each preset render the
// clip with the WebGPU renderer, then run a separate FaceLandmarker on every analysed output frame.
// Returns raw per-frame data; metrics are computed in Node (run.ts).
import type { FaceLandmarker } from '@mediapipe/tasks-vision';
import { createChecker, redetectClip, redetectCrop, type FrameChannels } from './redetect';
import { CHANNELS, channelOf } from './channels';
import { chooseFace } from '../../lib/face/choose';
import { createFaceFinder, type FaceFinder } from '../../lib/face/detect';
import type { Face } from '../../lib/face/types';
import { createPerformance, type MotionSettings } from '../../lib/motion/catalog';
import { restPose, type Performance } from '../../lib/motion/curves';
import { retarget, type DrivenPerformance } from '../../lib/motion/retarget';
import { createFaceTracker, type FaceTracker, type TrackedDriver } from '../../lib/face/track';
import { measureSmileResponse } from '../../lib/pipeline/calibrate';
import { buildRig } from '../../lib/render/mesh';
import { countFlippedTriangles, poseRig } from '../../lib/render/pose';
import { eyeGeometry, irisShift } from '../../lib/render/eyes';
import { createWebGpuRenderer, getGpuDevice } from '../../lib/render/webgpu';
import { createCpuRenderer } from '../../lib/render/cpu';
import type { FrameRenderer, Rig } from '../../lib/render/types';
import { loadSource } from '../../lib/source/load';
import { sourceSample } from '../../lib/render/source';
import { createMp4Encoder, frameTime } from '../../lib/video/encode';
import { renderLabelLayer } from '../../lib/watermark/label';

const N = 478;

export interface FrameData {
  t: number;
  /** On the regular grid (used for jitter), or an extra frame at a blink's peak. */
  grid: boolean;
  intended: number[]; // 478 x,y in output px
  detected: number[] | null;
  blend: Record<string, number> | null;
  matrix: number[] | null;
  flipped: number;
  intendedPose: { yaw: number; pitch: number; blink: number; jaw: number; smile: number };
  ssim: number | null;
}

export interface ClipData {
  preset: string;
  width: number;
  height: number;
  faceBox256: number; // px per 256-scaled px: scale factor to 256
  frames: FrameData[];
  blinks: Array<{ startS: number; durationS: number }>;
  renderMs: number;
  detectMs: number;
  sheet: string; // PNG data URL
}

let finder: FaceFinder | null = null;
let checker: FaceLandmarker | null = null;
let device: GPUDevice | null = null;

async function init(): Promise<string> {
  finder = await createFaceFinder({ wasmBaseUrl: '/wasm', modelAssetUrl: '/model/face_landmarker.task' });
  checker = await createChecker('/wasm', '/model/face_landmarker.task');
  device = await getGpuDevice();
  if (!device) throw new Error('no WebGPU device');
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  return `${info?.vendor ?? ''} ${info?.architecture ?? ''} ${info?.description ?? ''}`.trim();
}

interface Loaded {
  bitmap: ImageBitmap;
  face: Face;
  rig: Rig;
  outW: number;
  outH: number;
  ref: ImageData; // the source at output size (what the renderer samples)
  crop: { x: number; y: number; side: number };
  headMask: Uint8Array; // 1 inside the dilated head region (output px)
  faceMs: number;
}

let loaded: Loaded | null = null;

function grayOf(d: Uint8ClampedArray, n: number): Float32Array {
  const g = new Float32Array(n);
  for (let i = 0; i < n; i++) g[i] = 0.299 * d[i * 4]! + 0.587 * d[i * 4 + 1]! + 0.114 * d[i * 4 + 2]!;
  return g;
}

/** Pixels covered by triangles with any head-following vertex, at rest, dilated by `r` px. */
function headMask(rig: Rig, outW: number, outH: number, r: number): Uint8Array {
  const c = new OffscreenCanvas(outW, outH);
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = '#fff';
  const s = outW / rig.width;
  const sy = outH / rig.height;
  ctx.beginPath();
  for (let t = 0; t < rig.indices.length; t += 3) {
    const a = rig.indices[t]!, b = rig.indices[t + 1]!, cc = rig.indices[t + 2]!;
    if (rig.headWeight[a] === 0 && rig.headWeight[b] === 0 && rig.headWeight[cc] === 0) continue;
    ctx.moveTo(rig.rest[a * 2]! * s, rig.rest[a * 2 + 1]! * sy);
    ctx.lineTo(rig.rest[b * 2]! * s, rig.rest[b * 2 + 1]! * sy);
    ctx.lineTo(rig.rest[cc * 2]! * s, rig.rest[cc * 2 + 1]! * sy);
    ctx.closePath();
  }
  ctx.fill();
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = 2 * r;
  ctx.lineJoin = 'round';
  ctx.stroke();
  const d = ctx.getImageData(0, 0, outW, outH).data;
  const m = new Uint8Array(outW * outH);
  for (let i = 0; i < m.length; i++) m[i] = d[i * 4 + 3]! > 0 ? 1 : 0;
  return m;
}

async function loadFixture(url: string, outLong: number): Promise<{ ok: boolean; faces: number; faceMs: number; box?: Face['box']; error?: string }> {
  if (loaded) loaded.bitmap.close();
  loaded = null;
  const src = await loadSource(url);
  const t0 = performance.now();
  const faces = await finder!.find(src.bitmap);
  const faceMs = performance.now() - t0;
  const face = chooseFace(faces);
  if (!face) return { ok: false, faces: 0, faceMs, error: 'no face' };
  const w = src.bitmap.width;
  const h = src.bitmap.height;
  const k = Math.min(1, outLong / Math.max(w, h));
  const outW = Math.max(2, 2 * Math.round((w * k) / 2));
  const outH = Math.max(2, 2 * Math.round((h * k) / 2));
  const rig = buildRig(face, w, h, await sourceSample(src.bitmap));
  // Reference: the source as the renderer samples it (prefiltered to the output size).
  const refBmp = w > outW * 1.05 || h > outH * 1.05 ? await createImageBitmap(src.bitmap, { resizeWidth: outW, resizeHeight: outH, resizeQuality: 'high' }) : src.bitmap;
  const rc = new OffscreenCanvas(outW, outH);
  const rctx = rc.getContext('2d', { willReadFrequently: true })!;
  rctx.drawImage(refBmp, 0, 0, outW, outH);
  const ref = rctx.getImageData(0, 0, outW, outH);
  // Crop for re-detection: a square around the face, 2.2x its box, fixed for the clip.
  const sx = outW / w;
  const bx = face.box.x * sx, by = face.box.y * sx, bw = face.box.w * sx, bh = face.box.h * sx;
  const side = Math.min(Math.max(outW, outH), Math.max(bw, bh) * 2.2);
  const crop = { x: bx + bw / 2 - side / 2, y: by + bh / 2 - side / 2, side };
  loaded = { bitmap: src.bitmap, face, rig, outW, outH, ref, crop, headMask: headMask(rig, outW, outH, Math.max(4, 0.015 * outW)), faceMs };
  return { ok: true, faces: faces.length, faceMs, box: face.box, landmarks: Array.from(face.landmarks), w, h, mouthCover: rig.mouthCover ?? 0 } as { ok: boolean; faces: number; faceMs: number };
}

/** Mean SSIM (8x8 windows, stride 4) over windows entirely outside the head mask. */
function ssimOutside(a: Float32Array, b: Float32Array, mask: Uint8Array, w: number, h: number): number | null {
  const C1 = (0.01 * 255) ** 2;
  const C2 = (0.03 * 255) ** 2;
  let sum = 0;
  let n = 0;
  for (let y = 0; y + 8 <= h; y += 4) {
    for (let x = 0; x + 8 <= w; x += 4) {
      let inside = false;
      for (let j = 0; j < 8 && !inside; j += 7) for (let i = 0; i < 8; i += 7) if (mask[(y + j) * w + x + i]) inside = true;
      if (inside || mask[(y + 4) * w + x + 4]) continue;
      let ma = 0, mb = 0;
      for (let j = 0; j < 8; j++) for (let i = 0; i < 8; i++) {
        const p = (y + j) * w + x + i;
        ma += a[p]!;
        mb += b[p]!;
      }
      ma /= 64;
      mb /= 64;
      let va = 0, vb = 0, cov = 0;
      for (let j = 0; j < 8; j++) for (let i = 0; i < 8; i++) {
        const p = (y + j) * w + x + i;
        const da = a[p]! - ma, db = b[p]! - mb;
        va += da * da;
        vb += db * db;
        cov += da * db;
      }
      va /= 63;
      vb /= 63;
      cov /= 63;
      sum += ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
      n++;
    }
  }
  return n > 0 ? sum / n : null;
}

/**
 * The re-detector's floor (run.ts, QUALITY_FLOOR): the face moved without any warp, by a
 * similarity (turning in the image plane, scaling, shifting about the face box's centre) of about
 * the size of the presets' motion, so every landmark's intended position is exact and any error is
 * the re-detector's. Every landmark has head weight 1 and moves exactly so; hair, neck and the rest
 * of the head region follow by their weight and the background stays, as in every clip.
 */
function rigidPositions(rig: Rig, box: Face['box'], t: number, out: Float32Array): void {
  const bw = Math.max(box.w, box.h);
  const cx = box.x + box.w / 2, cy = box.y + box.h / 2;
  const w = (2 * Math.PI) / 3;
  const ang = 0.05 * Math.sin(w * t);
  const sc = 1 + 0.03 * Math.sin(2 * w * t + 1);
  const tx = 0.02 * bw * Math.sin(w * t + 2);
  const ty = 0.015 * bw * Math.sin(2 * w * t);
  const c = Math.cos(ang) * sc, sn = Math.sin(ang) * sc;
  for (let i = 0; i < rig.rest.length / 2; i++) {
    const x = rig.rest[i * 2]! - cx, y = rig.rest[i * 2 + 1]! - cy;
    const k = rig.headWeight[i]!;
    out[i * 2] = cx + x + k * (c * x - sn * y + tx - x);
    out[i * 2 + 1] = cy + y + k * (sn * x + c * y + ty - y);
  }
}

let tracker: FaceTracker | null = null;
let driver: TrackedDriver | null = null;

/** The driving video made by makeDriver: how it was tracked, and what the independent re-detector reads in it. */
export interface DriverInfo {
  frames: number;
  coverage: number;
  msPerFrame: number;
  /** The channels re-detected in the driving video at the analysed frame rate (as the drive round trip reads its driver). */
  channels: Array<Pick<FrameChannels, 't' | 'values'>>;
}

/**
 * Issue 8's driving video: the loaded portrait animated with `motion` (no label, unmarked, as any
 * video of a face would be), encoded to H.264 MP4 as the product encodes, then tracked frame by
 * frame as the product tracks a driving video (kept for runClip's `driven` clips), and re-detected
 * at `fps` by the independent re-detector (for the round trip in run.ts).
 */
async function makeDriver(motion: MotionSettings, fps: number): Promise<DriverInfo> {
  const L = loaded!;
  const renderer = await createWebGpuRenderer({ device: device!, source: L.bitmap, rig: L.rig, outWidth: L.outW, outHeight: L.outH, presentMode: 'readback' });
  const encoder = await createMp4Encoder(L.outW, L.outH);
  const perf = createPerformance(motion);
  const positions = new Float32Array(L.rig.rest.length);
  const n = Math.round(motion.durationS * 30);
  for (let i = 0; i < n; i++) {
    const p = perf.at(i / 30);
    poseRig(L.rig, p, positions);
    const t = frameTime(i);
    const frame = await renderer.draw(positions, p, t.timestampUs, t.durationUs);
    await encoder.addFrame(i, () => frame);
    frame.close();
  }
  const mp4 = await encoder.finish();
  renderer.destroy();
  tracker ??= await createFaceTracker({ wasmBaseUrl: '/wasm', modelAssetUrl: '/model/face_landmarker.task' });
  driver = await tracker.track(new Blob([mp4 as Uint8Array<ArrayBuffer>], { type: 'video/mp4' }), { fps: 30 });
  const found = driver.samples.filter((x) => x.face).length;
  const seen = await redetectClip(checker!, mp4, fps);
  return {
    frames: driver.samples.length,
    coverage: found / Math.max(1, driver.samples.length),
    msPerFrame: driver.msPerFrame,
    channels: seen.frames.map((f) => ({ t: f.t, values: f.values })),
  };
}

/** The driver's blinks in a driven performance: each run of frames with the eyes more than half shut, as (start, length) whose 0.41 point is its most shut frame. */
function drivenBlinks(perf: DrivenPerformance): Array<{ startS: number; durationS: number }> {
  const dt = perf.durationS / Math.max(1, perf.frames.length);
  const shut = perf.frames.map((p) => ((p.expressions.eyeBlinkLeft ?? 0) + (p.expressions.eyeBlinkRight ?? 0)) / 2);
  const out: Array<{ startS: number; durationS: number }> = [];
  for (let i = 0; i < shut.length; i++) {
    if (!(shut[i]! > 0.5)) continue;
    let j = i;
    let peak = i;
    while (j + 1 < shut.length && shut[j + 1]! > 0.5) if (shut[++j]! > shut[peak]!) peak = j;
    const durationS = (j - i + 1) * dt;
    out.push({ startS: peak * dt - 0.41 * durationS, durationS });
    i = j;
  }
  return out;
}

async function runClip(motion: MotionSettings, opts: { clipS: number; fps: number; ssimEvery: number; sheetFrames: number; rigid?: boolean; driven?: boolean }): Promise<ClipData> {
  const L = loaded!;
  const { rig, outW, outH } = L;
  // A driven clip takes the driver's motion as the product does: the smile on this portrait's own
  // scale (calibrate.ts), then retarget.
  let perf: Performance;
  let blinks: Array<{ startS: number; durationS: number }>;
  if (opts.driven) {
    if (!driver) throw new Error('makeDriver first');
    const smile = await measureSmileResponse(L.bitmap, rig, L.face, finder!, outW, outH).catch(() => null);
    const driven = retarget(driver, { intensity: 1, responses: smile ? { mouthSmileLeft: smile, mouthSmileRight: smile } : undefined });
    perf = driven;
    blinks = drivenBlinks(driven);
  } else {
    const preset = createPerformance(motion);
    perf = preset;
    blinks = opts.rigid ? [] : preset.blinks;
  }
  const label = opts.rigid ? 'rigid' : opts.driven ? 'driven' : motion.preset;
  const renderer: FrameRenderer = await createWebGpuRenderer({ device: device!, source: L.bitmap, rig, outWidth: outW, outHeight: outH, presentMode: 'readback' });
  const ctx = (renderer.canvas as OffscreenCanvas).getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D;
  const refGray = grayOf(L.ref.data, outW * outH);
  const s = outW / rig.width;
  // Analysed times: a regular grid at opts.fps, plus each blink's fully closed instant.
  const times: Array<{ t: number; grid: boolean }> = [];
  const nGrid = Math.round(opts.clipS * opts.fps);
  for (let i = 0; i < nGrid; i++) times.push({ t: i / opts.fps, grid: true });
  for (const b of blinks) {
    const tp = b.startS + b.durationS * 0.41;
    if (tp < opts.clipS) times.push({ t: Math.round(tp * 30) / 30, grid: false });
  }
  times.sort((a, b) => a.t - b.t);
  const crop = L.crop;
  const det = new OffscreenCanvas(384, 384);
  const sheetIdx = new Set<number>();
  const gridIdx = times.map((x, i) => (x.grid ? i : -1)).filter((i) => i >= 0);
  for (let k = 0; k < opts.sheetFrames; k++) sheetIdx.add(gridIdx[Math.round((k * (gridIdx.length - 1)) / (opts.sheetFrames - 1))]!);
  const thumbs: Array<{ t: number; bmp: ImageBitmap }> = [];
  const frames: FrameData[] = [];
  const positions = new Float32Array(rig.rest.length);
  let renderMs = 0;
  let detectMs = 0;
  let gridCount = 0;
  for (let fi = 0; fi < times.length; fi++) {
    const { t, grid } = times[fi]!;
    const p = opts.rigid ? restPose() : perf.at(t);
    const a = performance.now();
    if (opts.rigid) rigidPositions(rig, L.face.box, t, positions);
    else poseRig(rig, p, positions);
    await renderer.render(positions, p);
    renderMs += performance.now() - a;
    const intended: number[] = new Array(N * 2);
    for (let i = 0; i < N * 2; i++) intended[i] = positions[i]! * s;
    // The iris is drawn as a disc moved by the gaze (lib/render/eyes.ts), not by the mesh.
    irisShift(rig, p).forEach(([dx, dy], eye) => {
      const c = eyeGeometry(rig)[eye]!.iris;
      for (let i = c; i < c + 5; i++) {
        intended[i * 2] = intended[i * 2]! + dx * s;
        intended[i * 2 + 1] = intended[i * 2 + 1]! + dy * s;
      }
    });
    const flipped = countFlippedTriangles(rig, positions);
    // Independent re-detection on the output pixels only.
    const b = performance.now();
    // The detected face nearest to the intended nose tip (tests/quality/redetect.ts).
    const found = redetectCrop(checker!, det, renderer.canvas as OffscreenCanvas, crop, { x: intended[2]!, y: intended[3]! });
    detectMs += performance.now() - b;
    const detected: number[] | null = found ? found.landmarks : null;
    const blend: Record<string, number> | null = found ? found.blend : null;
    const matrix: number[] | null = found ? found.matrix : null;
    let ssim: number | null = null;
    if (grid && gridCount % opts.ssimEvery === 0) {
      const img = ctx.getImageData(0, 0, outW, outH);
      ssim = ssimOutside(refGray, grayOf(img.data, outW * outH), L.headMask, outW, outH);
    }
    if (grid) gridCount++;
    if (sheetIdx.has(fi)) {
      const side = crop.side * 0.55;
      const cx = crop.x + crop.side / 2, cy = crop.y + crop.side / 2;
      thumbs.push({ t, bmp: await createImageBitmap(renderer.canvas as OffscreenCanvas, Math.round(cx - side / 2), Math.round(cy - side / 2), Math.round(side), Math.round(side), { resizeWidth: 256, resizeHeight: 256, resizeQuality: 'high' }) });
    }
    const e = p.expressions;
    frames.push({
      t,
      grid,
      intended,
      detected,
      blend,
      matrix,
      flipped,
      intendedPose: {
        yaw: p.yaw,
        pitch: p.pitch,
        blink: ((e.eyeBlinkLeft ?? 0) + (e.eyeBlinkRight ?? 0)) / 2,
        jaw: e.jawOpen ?? 0,
        smile: ((e.mouthSmileLeft ?? 0) + (e.mouthSmileRight ?? 0)) / 2,
      },
      ssim,
    });
  }
  renderer.destroy();
  // Contact sheet: face crops in a row of 4 columns, time under each.
  const cols = 4;
  const rows = Math.ceil(thumbs.length / cols);
  const sheet = new OffscreenCanvas(cols * 256, rows * 276);
  const sctx = sheet.getContext('2d')!;
  sctx.fillStyle = '#222';
  sctx.fillRect(0, 0, sheet.width, sheet.height);
  sctx.fillStyle = '#eee';
  sctx.font = '14px sans-serif';
  thumbs.forEach(({ t, bmp }, i) => {
    const x = (i % cols) * 256;
    const y = Math.floor(i / cols) * 276;
    sctx.drawImage(bmp, x, y);
    sctx.fillText(`${label} t=${t.toFixed(2)}s`, x + 6, y + 270);
    bmp.close();
  });
  const blob = await sheet.convertToBlob({ type: 'image/png' });
  const sheetUrl = await new Promise<string>((resolve) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result as string);
    r.readAsDataURL(blob);
  });
  const bw = Math.max(L.face.box.w, L.face.box.h) * s;
  return { preset: label, width: outW, height: outH, faceBox256: 256 / bw, frames, blinks, renderMs, detectMs, sheet: sheetUrl };
}

/** Debug: one posed frame, cropped around the mouth-and-eyes region, as a PNG data URL. */
async function peek(pose: import('../../lib/render/types').PoseParams, zoom: number, at = -1, cpu = false): Promise<string> {
  const L = loaded!;
  const opts = { source: L.bitmap, rig: L.rig, outWidth: L.outW, outHeight: L.outH };
  const renderer = cpu ? await createCpuRenderer(opts) : await createWebGpuRenderer({ ...opts, device: device!, presentMode: 'readback' });
  await renderer.render(poseRig(L.rig, pose), pose);
  const side = L.crop.side * zoom;
  // Centred on the crop, or on a landmark's rest position.
  const s = L.outW / L.rig.width;
  const cx = at >= 0 ? L.rig.rest[at * 2]! * s : L.crop.x + L.crop.side / 2;
  const cy = at >= 0 ? L.rig.rest[at * 2 + 1]! * s : L.crop.y + L.crop.side / 2;
  const bmp = await createImageBitmap(renderer.canvas as OffscreenCanvas, Math.round(cx - side / 2), Math.round(cy - side / 2), Math.round(side), Math.round(side), { resizeWidth: 384, resizeHeight: 384, resizeQuality: 'high' });
  const c = new OffscreenCanvas(384, 384);
  c.getContext('2d')!.drawImage(bmp, 0, 0);
  renderer.destroy();
  const blob = await c.convertToBlob({ type: 'image/png' });
  return await new Promise<string>((resolve) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result as string);
    r.readAsDataURL(blob);
  });
}

/**
 * Debug: render each pose and re-detect it. Per pose: the checked channels, and the lip gap (13-14),
 * the chin's drop (152) and the mouth corners' rise (61, 291; mean, up in the image) from rest,
 * intended and re-detected, in px@256.
 */
async function sweep(poses: Array<import('../../lib/render/types').PoseParams>): Promise<Array<Record<string, number | null>>> {
  const L = loaded!;
  const renderer = await createWebGpuRenderer({ device: device!, source: L.bitmap, rig: L.rig, outWidth: L.outW, outHeight: L.outH, presentMode: 'readback' });
  const det = new OffscreenCanvas(384, 384);
  const s = L.outW / L.rig.width;
  const k256 = 256 / (Math.max(L.face.box.w, L.face.box.h) * s);
  // Everything in output pixels, as the re-detected landmarks are.
  const rest = L.rig.rest.map((v) => v * s);
  const gap = (xy: ArrayLike<number>) => Math.hypot(xy[28]! - xy[26]!, xy[29]! - xy[27]!) * k256;
  const chin = (xy: ArrayLike<number>) => (xy[305]! - rest[305]!) * k256;
  const rise = (xy: ArrayLike<number>) => ((rest[123]! - xy[123]!) + (rest[583]! - xy[583]!)) / 2 * k256;
  const out: Array<Record<string, number | null>> = [];
  for (const pose of poses) {
    const pos = poseRig(L.rig, pose);
    await renderer.render(pos, pose);
    const intended = pos.map((v) => v * s);
    const f = redetectCrop(checker!, det, renderer.canvas as OffscreenCanvas, L.crop, { x: intended[2]!, y: intended[3]! });
    const row: Record<string, number | null> = {};
    for (const c of CHANNELS) row[c] = f ? channelOf(f.blend, f.matrix, c) : null;
    for (const [name, m] of [['gap', gap], ['chin', chin], ['rise', rise]] as const) {
      row[`${name}Intended`] = m(intended);
      row[`${name}Detected`] = f ? m(f.landmarks) : null;
    }
    out.push(row);
  }
  renderer.destroy();
  return out;
}

/** Speed: ms per frame of poseRig and of the WebGPU renderer (readback) at an output long side, with or without a watermark. */
export interface SpeedResult {
  w: number;
  h: number;
  /** poseRig per frame (CPU). */
  poseMs: number;
  /** One frame at a time (render(), then read back), the watermark on. */
  renderSerialMs: number;
  /** As the pipeline draws (draw(), three frames in flight), with the label and the watermark; median of 3 runs. */
  renderMs: number;
  /** The H.264 encoder alone on the same frames (from the first frame in to the flushed file); median of 3 runs. */
  encodeMs: number;
}

/**
 * Render speed against the encoder's at `outLong` px (long side), as the product makes a clip: the
 * "Talk" motion, the visible label and the watermark, frames pipelined into the encoder. Rendering
 * and encoding are timed apart (each alone on the machine) so that neither waits for the other.
 */
async function speed(outLong: number, frames: number): Promise<SpeedResult> {
  const L = loaded!;
  const k = outLong / Math.max(L.rig.width, L.rig.height);
  const w = 2 * Math.round((L.rig.width * k) / 2);
  const h = 2 * Math.round((L.rig.height * k) / 2);
  const box = L.face.box;
  const { layer } = await renderLabelLayer(w, h, { x: box.x * k, y: box.y * k, w: box.w * k, h: box.h * k });
  const renderer = await createWebGpuRenderer({ device: device!, source: L.bitmap, rig: L.rig, outWidth: w, outHeight: h, presentMode: 'readback', overlay: layer, watermark: 0x1234567890abcdefn });
  const perf = createPerformance({ preset: 'talk', durationS: 5, seed: 1, intensity: 1 });
  const pos = new Float32Array(L.rig.rest.length);
  const poseAt = (i: number) => {
    const p = perf.at(i / 30);
    poseRig(L.rig, p, pos);
    return p;
  };
  // Frame 0 informs the watermark, as in the pipeline; it is not timed.
  await renderer.render(pos, poseAt(0));
  let a = performance.now();
  for (let i = 1; i <= frames; i++) poseAt(i);
  const poseMs = (performance.now() - a) / frames;
  a = performance.now();
  for (let i = 1; i <= frames; i++) await renderer.render(pos, poseAt(i));
  const renderSerialMs = (performance.now() - a) / frames;
  // SwiftShader's timings vary from run to run: the median of three runs each.
  const median3 = (xs: number[]) => [...xs].sort((x, y) => x - y)[1]!;
  let out: VideoFrame[] = [];
  const renderRuns: number[] = [];
  for (let run = 0; run < 3; run++) {
    out.forEach((f) => f.close());
    out = [];
    const inFlight: Array<Promise<VideoFrame>> = [];
    a = performance.now();
    for (let i = 0; i < frames; i++) {
      const t = frameTime(i);
      inFlight.push(renderer.draw(pos, poseAt(i + 1), t.timestampUs, t.durationUs));
      if (inFlight.length >= 3) out.push(await inFlight.shift()!);
    }
    while (inFlight.length) out.push(await inFlight.shift()!);
    renderRuns.push((performance.now() - a) / frames);
  }
  renderer.destroy();
  layer.close();
  const encodeRuns: number[] = [];
  for (let run = 0; run < 3; run++) {
    const encoder = await createMp4Encoder(w, h);
    a = performance.now();
    for (let i = 0; i < out.length; i++) await encoder.addFrame(i, () => out[i]!.clone());
    await encoder.finish();
    encodeRuns.push((performance.now() - a) / frames);
  }
  out.forEach((f) => f.close());
  const renderMs = median3(renderRuns);
  const encodeMs = median3(encodeRuns);
  return { w, h, poseMs, renderSerialMs, renderMs, encodeMs };
}

(globalThis as unknown as { harness: unknown }).harness = { init, loadFixture, makeDriver, runClip, peek, sweep, speed };
