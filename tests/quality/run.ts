// Quality harness: `npm run quality`. For every fixture portrait and every motion preset, render the
// clip in headless Chromium (SwiftShader WebGPU) and check it with an independent FaceLandmarker
// run on the output frames. Writes bench-results/quality.md, quality.json and contact sheets.
//
// Knobs (environment): QUALITY_CLIP_S (clip length analysed, default 3), QUALITY_FPS (analysed frames
// per second, default 15 = every 2nd frame of the 30 fps clip), QUALITY_FIXTURES / QUALITY_PRESETS
// (comma-separated substrings to filter), QUALITY_OUT_LONG (output long side, default 768), QUALITY_RAW=1
// (also write the raw per-frame data to bench-results/quality-raw/), QUALITY_FLOOR=1/0 (the
// re-detector's floor, one clip a portrait with the face moved as one, unwarped: on by default in
// full runs, off when QUALITY_PRESETS is set), QUALITY_DRIVEN=1/0 (issue 8: one clip a portrait driven
// by a tracked video of QUALITY_DRIVER, default Klimt, animated with "Talk"; on by default in full runs,
// off when QUALITY_PRESETS is set). Debug: QUALITY_PEEK='[pose, ...]'
// renders those poses on the first fixture into bench-results/peek-N.png (QUALITY_PEEK_ZOOM crop size,
// QUALITY_PEEK_AT centre landmark, QUALITY_PEEK_CPU=1 for the CPU renderer). QUALITY_SPEED=1: render
// (pipelined, label and watermark on) against the encoder alone, per selected fixture, at 768 and 1024 px.
import { openHarness } from './harness-page';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { PRESET_IDS, type MotionSettings } from '../../lib/motion/catalog';
import type { ClipData, DriverInfo, FrameData } from './harness-entry';
import { LEFT_EYE, RIGHT_EYE } from '../../lib/render/landmarks';
import { CHANNELS, channelOf, compareChannels, pearson, type Channel } from './channels';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = resolve(process.env.SFUMATO_FIXTURES_DIR ?? join(ROOT, '../shared/fixtures'), 'portraits');
const MODEL = join(ROOT, 'public/models/face_landmarker.task');
const OUT = join(ROOT, 'bench-results');
const CLIP_S = Number(process.env.QUALITY_CLIP_S ?? 3);
const FPS = Number(process.env.QUALITY_FPS ?? 15);
const OUT_LONG = Number(process.env.QUALITY_OUT_LONG ?? 768);
const SEED = 1;
const filt = (env: string | undefined, xs: string[]) => (env ? xs.filter((x) => env.split(',').some((f) => x.includes(f))) : xs);
/** The fixture portraits QUALITY_FIXTURES selects (all by default), sorted. */
const selectedPortraits = () => filt(process.env.QUALITY_FIXTURES, readdirSync(FIXTURES).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort());
/** A pose from the given fields, the rest at rest. */
const poseOf = (p: object) => ({ yaw: 0, pitch: 0, roll: 0, tx: 0, ty: 0, expressions: {}, ...p });

const TARGETS = { continuity: 1, akd: 1.3, fidelity: 0.9, ssim: 0.99, jitter: 0.3, folds: 0 };
/** A step between analysed frames counts as still when the intended landmarks move less than this (px@256, mean). */
const STILL_STEP = 0.1;
/** A channel counts as moved by a preset when its intended range exceeds this. */
const MOVED: Record<Channel, number> = { blink: 0.3, jaw: 0.1, smile: 0.1, yaw: (2 * Math.PI) / 180, pitch: (2 * Math.PI) / 180 };

interface ClipMetrics {
  fixture: string;
  preset: string;
  frames: number;
  continuity: number;
  akd: number | null;
  akdRest: number | null;
  /** AKD of the motion alone: the re-detector's own offset at t = 0 taken out of every frame. */
  akdMotion: number | null;
  fidelity: Partial<Record<Channel, number | null>>;
  /** Driven clips: issue 8's round trip, per channel (roundTrip). */
  roundTrip?: Record<Channel, number | null>;
  blinks: { planned: number; detected: number; byBlendshape?: number };
  ssim: number | null;
  ssimMin: number | null;
  jitter: number | null;
  /**
   * The issue's measure: jitter over still segments only (both neighbouring steps of the intended
   * landmarks under STILL_STEP px@256), and how many such frames the clip has.
   */
  jitterStill: number | null;
  stillFrames: number;
  folds: number;
  renderMsPerFrame: number;
  detectMsPerFrame: number;
}

// pearson, anglesOf (with the QUALITY_YAW_SIGN / QUALITY_PITCH_SIGN overrides) and the channels: ./channels.ts

/** Mean lid aperture of both eyes (paired upper/lower lid landmarks, over the eye width) of a detected face. */
function aperture(p: number[]): number {
  let sum = 0;
  for (const e of [RIGHT_EYE, LEFT_EYE]) {
    const w = Math.hypot(p[e.cornerB * 2]! - p[e.cornerA * 2]!, p[e.cornerB * 2 + 1]! - p[e.cornerA * 2 + 1]!) || 1;
    let s = 0;
    for (let k = 0; k < e.upper.length; k++) s += Math.hypot(p[e.lower[k]! * 2]! - p[e.upper[k]! * 2]!, p[e.lower[k]! * 2 + 1]! - p[e.upper[k]! * 2 + 1]!);
    sum += s / e.upper.length / w;
  }
  return sum / 2;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
}

function metrics(fixture: string, clip: ClipData): ClipMetrics {
  const F = clip.frames;
  const k = clip.faceBox256;
  const det = F.filter((f) => f.detected);
  const akdOf = (f: FrameData) => {
    let s = 0;
    for (let i = 0; i < 478; i++) s += Math.hypot(f.detected![i * 2]! - f.intended[i * 2]!, f.detected![i * 2 + 1]! - f.intended[i * 2 + 1]!);
    return (s / 478) * k;
  };
  const akds = det.map(akdOf);
  // FOMM's AKD runs one detector on both videos, so a detector's fixed offset on a face cancels out;
  // here the intended positions come from the (tiled, full-resolution) detection the engine used, so
  // the same cancellation needs the re-detector's own rest landmarks: error of (det_t - det_0) against
  // (intended_t - intended_0).
  const F0 = F[0]?.detected ? F[0] : null;
  const akdMotionOf = (f: FrameData) => {
    let s = 0;
    for (let i = 0; i < 478; i++) {
      const ex = f.detected![i * 2]! - F0!.detected![i * 2]! - (f.intended[i * 2]! - F0!.intended[i * 2]!);
      const ey = f.detected![i * 2 + 1]! - F0!.detected![i * 2 + 1]! - (f.intended[i * 2 + 1]! - F0!.intended[i * 2 + 1]!);
      s += Math.hypot(ex, ey);
    }
    return (s / 478) * k;
  };
  const fidelity: Partial<Record<Channel, number | null>> = {};
  const intendedOf = (f: FrameData, c: Channel) => f.intendedPose[c];
  const detectedOf = (f: FrameData, c: Channel): number | null => channelOf(f.blend, f.matrix, c);
  for (const c of CHANNELS) {
    const iv = F.map((f) => intendedOf(f, c));
    if (Math.max(...iv) - Math.min(...iv) < MOVED[c]) continue;
    const a: number[] = [];
    const b: number[] = [];
    for (const f of F) {
      const d = detectedOf(f, c);
      if (d === null) continue;
      a.push(intendedOf(f, c));
      b.push(d);
    }
    fidelity[c] = pearson(a, b);
  }
  // Blink recall: at each blink's closed instant, the re-detected eyes are seen closing: the eyeBlink
  // blendshape rises clearly above the open-eye level (>= 0.2), or the re-detected lid aperture falls
  // to at most half its open-eye median. (The blendshape alone was the first criterion, but its range
  // depends on the face: on the Girl with a Pearl Earring it goes from 0.01 open to 0.06 for lids the
  // landmarks put together, so every blink there counted as missed; the aperture is the geometric
  // reading of "the upper lid came down over the eye".)
  const open = F.filter((f) => f.grid && f.intendedPose.blink < 0.05 && f.blend).map((f) => detectedOf(f, 'blink')!);
  const base = median(open);
  const openAperture = median(F.filter((f) => f.grid && f.intendedPose.blink < 0.05 && f.detected).map((f) => aperture(f.detected!)));
  let planned = 0;
  let found = 0;
  let foundByBlend = 0;
  for (const b of clip.blinks) {
    const tp = Math.round((b.startS + b.durationS * 0.41) * 30) / 30;
    const f = F.find((x) => !x.grid && Math.abs(x.t - tp) < 1e-6) ?? F.find((x) => Math.abs(x.t - tp) < 1e-6);
    if (!f) continue;
    planned++;
    const d = detectedOf(f, 'blink');
    const byBlend = d !== null && d - base >= 0.2;
    const byLids = f.detected !== null && openAperture > 0 && aperture(f.detected) <= 0.5 * openAperture;
    if (byBlend) foundByBlend++;
    if (byBlend || byLids) found++;
  }
  const ss = F.map((f) => f.ssim).filter((v): v is number => v !== null);
  // Jitter: temporal high-pass of the re-detection error on the regular grid, e_t - (e_{t-1} + e_{t+1}) / 2,
  // divided by sqrt(1.5) so that it estimates the per-frame noise of the detected positions.
  const G = F.filter((f) => f.grid);
  const jit: number[] = [];
  const jitStill: number[] = [];
  const step = (a: FrameData, b: FrameData) => {
    let s = 0;
    for (let i = 0; i < 478; i++) s += Math.hypot(b.intended[i * 2]! - a.intended[i * 2]!, b.intended[i * 2 + 1]! - a.intended[i * 2 + 1]!);
    return (s / 478) * k;
  };
  for (let t = 1; t + 1 < G.length; t++) {
    const [p, c, n] = [G[t - 1]!, G[t]!, G[t + 1]!];
    if (!p.detected || !c.detected || !n.detected) continue;
    let s = 0;
    for (let i = 0; i < 956; i++) {
      const e = (f: FrameData) => f.detected![i]! - f.intended[i]!;
      const d = e(c) - (e(p) + e(n)) / 2;
      s += d * d;
    }
    const j = Math.sqrt(s / 478) * k / Math.sqrt(1.5);
    jit.push(j);
    if (step(p, c) < STILL_STEP && step(c, n) < STILL_STEP) jitStill.push(j);
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : null);
  return {
    fixture,
    preset: clip.preset,
    frames: F.length,
    continuity: det.length / F.length,
    akd: mean(akds),
    akdRest: F[0]?.detected ? akdOf(F[0]) : null,
    akdMotion: F0 ? mean(det.filter((f) => f !== F0).map(akdMotionOf)) : null,
    fidelity,
    blinks: { planned, detected: found, byBlendshape: foundByBlend },
    ssim: mean(ss),
    ssimMin: ss.length ? Math.min(...ss) : null,
    jitter: mean(jit),
    jitterStill: mean(jitStill),
    stillFrames: jitStill.length,
    folds: F.reduce((s, f) => s + f.flipped, 0),
    renderMsPerFrame: clip.renderMs / F.length,
    detectMsPerFrame: clip.detectMs / F.length,
  };
}

/** The drive round trip's pass mark (issue 8): every channel's r at least this. */
const ROUND_TRIP_R = 0.85;

/**
 * Issue 8's round trip on a driven clip, as the drive end-to-end test measures it: per channel, the
 * Pearson r between what the independent re-detector reads in the driving video and in the driven
 * clip at the same instants (not against the performance the engine was given, which the smile's
 * calibration deliberately bends to this portrait's reading).
 */
function roundTrip(clip: ClipData, driver: DriverInfo['channels']): Record<Channel, number | null> {
  // The driven clip's grid frames, each with the driver's frame at the same time.
  const pairs = clip.frames.flatMap((f) => {
    const d = f.grid ? driver.find((x) => Math.abs(x.t - f.t) < 1e-3) : undefined;
    return d ? [[d.values, Object.fromEntries(CHANNELS.map((c) => [c, channelOf(f.blend, f.matrix, c)]))] as const] : [];
  });
  const agreement = compareChannels(pairs);
  return Object.fromEntries(CHANNELS.map((c) => [c, agreement[c].r])) as Record<Channel, number | null>;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  if (!existsSync(MODEL)) execSync('npm run models', { cwd: ROOT, stdio: 'inherit' });
  const harness = await openHarness();
  const adapter = harness.adapter;
  console.log(`adapter: ${adapter}`);

  if (process.env.QUALITY_PEEK) {
    // Debug: render given poses on the first selected fixture, write bench-results/peek-N.png, exit.
    const fx = selectedPortraits()[0]!;
    const face = await harness.loadFixture(fx, OUT_LONG);
    writeFileSync(join(OUT, 'peek-face.json'), JSON.stringify(face));
    const poses = JSON.parse(process.env.QUALITY_PEEK) as object[];
    for (let i = 0; i < poses.length; i++) {
      const pose = poseOf(poses[i]!);
      const url = await harness.peek(pose, Number(process.env.QUALITY_PEEK_ZOOM ?? 0.45), Number(process.env.QUALITY_PEEK_AT ?? -1), !!process.env.QUALITY_PEEK_CPU);
      writeFileSync(join(OUT, `peek-${i}.png`), Buffer.from(url.split(',')[1]!, 'base64'));
    }
    await harness.close();
    return;
  }
  if (process.env.QUALITY_SWEEP) {
    // Debug: render the given poses on each selected fixture and print what the re-detector reads.
    const poses = (JSON.parse(process.env.QUALITY_SWEEP) as object[]).map(poseOf);
    for (const fx of selectedPortraits()) {
      await harness.loadFixture(fx, OUT_LONG);
      const rows = await harness.sweep(poses);
      rows.forEach((r, i) => console.log(`${fx} ${JSON.stringify(poses[i])} ${Object.entries(r).map(([k, v]) => `${k}=${v === null ? '-' : v.toFixed(3)}`).join(' ')}`));
    }
    await harness.close();
    return;
  }
  if (process.env.QUALITY_SPEED) {
    // Speed: render (pipelined, label and watermark on) against the encoder alone, at 768 and 1024 px.
    for (const fx of selectedPortraits()) {
      await harness.loadFixture(fx, 1024);
      for (const long of [768, 1024]) console.log(`${fx} ${long}px: ${JSON.stringify(await harness.speed(long))}`);
    }
    await harness.close();
    return;
  }
  const fixtures = selectedPortraits();
  const presets = filt(process.env.QUALITY_PRESETS, PRESET_IDS as string[]);
  // The re-detector's floor: one more clip a portrait, the face moved as one, unwarped
  // (rigidPositions in harness-entry.ts). In full runs, or with QUALITY_FLOOR=1.
  const withFloor = process.env.QUALITY_FLOOR ? process.env.QUALITY_FLOOR === '1' : !process.env.QUALITY_PRESETS;
  // Issue 8: one more clip a portrait, driven by a video of a face (DRIVER animated with
  // DRIVER_MOTION, encoded and tracked as the product does). In full runs, or with QUALITY_DRIVEN=1.
  const withDriven = process.env.QUALITY_DRIVEN ? process.env.QUALITY_DRIVEN === '1' : !process.env.QUALITY_PRESETS;
  let driverInfo: DriverInfo | null = null;
  if (withDriven) {
    const info = await harness.loadFixture(DRIVER, OUT_LONG);
    if (!info.ok) throw new Error(`driver ${DRIVER}: ${info.error}`);
    driverInfo = await harness.makeDriver(DRIVER_MOTION, FPS);
    console.log(`driver: ${DRIVER} "${DRIVER_MOTION.preset}" ${DRIVER_MOTION.durationS} s, face tracked in ${(driverInfo.coverage * 100).toFixed(0)} % of ${driverInfo.frames} frames`);
  }
  mkdirSync(join(OUT, 'sheets'), { recursive: true });
  const all: ClipMetrics[] = [];
  const floors: ClipMetrics[] = [];
  const drivens: ClipMetrics[] = [];
  const failures: Array<{ fixture: string; error: string }> = [];
  for (const fx of fixtures) {
    const name = fx.replace(/\.\w+$/, '');
    const info = await harness.loadFixture(fx, OUT_LONG);
    if (!info.ok) {
      failures.push({ fixture: name, error: info.error ?? 'failed' });
      console.log(`${name}: ${info.error}`);
      continue;
    }
    for (const preset of [...presets, ...(withFloor ? [FLOOR] : []), ...(withDriven ? [DRIVEN] : [])]) {
      const rigid = preset === FLOOR;
      const driven = preset === DRIVEN;
      const motion: MotionSettings = { preset: (rigid || driven ? 'gentle-life' : preset) as MotionSettings['preset'], durationS: CLIP_S, seed: SEED, intensity: 1 };
      // A driven clip is analysed whole, as long as its driver (the round trip's frames).
      const clipS = driven ? DRIVER_MOTION.durationS : CLIP_S;
      const clip = await harness.runClip(motion, { clipS, fps: FPS, ssimEvery: 3, sheetFrames: 8, rigid, driven });
      if (process.env.QUALITY_RAW) {
        // Debug: the raw per-frame data (intended vs re-detected) for offline analysis.
        mkdirSync(join(OUT, 'quality-raw'), { recursive: true });
        writeFileSync(join(OUT, 'quality-raw', `${name}--${clip.preset}.json`), JSON.stringify({ ...clip, sheet: undefined }));
      }
      const png = Buffer.from(clip.sheet.split(',')[1]!, 'base64');
      writeFileSync(join(OUT, 'sheets', `${name}--${clip.preset}.png`), png);
      const m = metrics(name, clip);
      if (driven && driverInfo) m.roundTrip = roundTrip(clip, driverInfo.channels);
      (rigid ? floors : driven ? drivens : all).push(m);
      const fid =
        Object.entries(m.fidelity).map(([c, v]) => `${c} ${v === null || v === undefined ? '–' : v.toFixed(2)}`).join(', ') +
        (m.roundTrip ? ` | round trip ${CHANNELS.map((c) => `${c} ${m.roundTrip![c]?.toFixed(2) ?? '–'}`).join(', ')}` : '');
      console.log(
        `${name} ${clip.preset}: cont ${(m.continuity * 100).toFixed(0)}% akd ${m.akd?.toFixed(2)} (rest ${m.akdRest?.toFixed(2)}, motion ${m.akdMotion?.toFixed(2)}) fid [${fid}] blinks ${m.blinks.detected}/${m.blinks.planned} ssim ${m.ssim?.toFixed(4)} jitter ${m.jitter?.toFixed(3)} (still ${m.jitterStill?.toFixed(3) ?? '–'}, ${m.stillFrames}) folds ${m.folds} | ${m.renderMsPerFrame.toFixed(0)}+${m.detectMsPerFrame.toFixed(0)} ms/frame | ${((Date.now() - t0) / 1000).toFixed(0)} s`,
      );
    }
  }
  await harness.close();
  const elapsedS = (Date.now() - t0) / 1000;
  writeReport(all, floors, drivens, failures, { adapter, elapsedS, fixtures: fixtures.length, presets, driver: driverInfo });
}

/** The preset name of the floor clips (the face moved as one, unwarped). */
const FLOOR = 'rigid';
/** The preset name of the driven clips, and their driver (as in the drive end-to-end round trip). */
const DRIVEN = 'driven';
const DRIVER = process.env.QUALITY_DRIVER ?? 'klimt-adele-bloch-bauer.jpg';
const DRIVER_MOTION: MotionSettings = { preset: 'talk', durationS: 4, seed: 341, intensity: 1 };

function writeReport(
  all: ClipMetrics[],
  floors: ClipMetrics[],
  drivens: ClipMetrics[],
  failures: Array<{ fixture: string; error: string }>,
  run: { adapter: string; elapsedS: number; fixtures: number; presets: string[]; driver: DriverInfo | null },
): void {
  const mean = (xs: Array<number | null | undefined>) => {
    const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
  };
  const minOf = (xs: Array<number | null | undefined>) => {
    const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    return v.length ? Math.min(...v) : null;
  };
  const f = (v: number | null | undefined, d = 2) => (v === null || v === undefined ? '–' : v.toFixed(d));
  const summarize = (rows: ClipMetrics[]) => ({
    clips: rows.length,
    continuity: mean(rows.map((r) => r.continuity)),
    continuityMin: minOf(rows.map((r) => r.continuity)),
    akd: mean(rows.map((r) => r.akd)),
    akdRest: mean(rows.map((r) => r.akdRest)),
    akdMotion: mean(rows.map((r) => r.akdMotion)),
    fidelity: Object.fromEntries(CHANNELS.map((c) => [c, mean(rows.map((r) => r.fidelity[c]))])) as Record<Channel, number | null>,
    blinkRecall: (() => {
      const p = rows.reduce((s, r) => s + r.blinks.planned, 0);
      return p ? rows.reduce((s, r) => s + r.blinks.detected, 0) / p : null;
    })(),
    ssim: mean(rows.map((r) => r.ssim)),
    ssimMin: minOf(rows.map((r) => r.ssimMin)),
    jitter: mean(rows.map((r) => r.jitter)),
    // Over every still frame of these clips (clips differ in how many they have).
    jitterStill: (() => {
      const n = rows.reduce((s, r) => s + r.stillFrames, 0);
      return n ? rows.reduce((s, r) => s + (r.jitterStill ?? 0) * r.stillFrames, 0) / n : null;
    })(),
    stillFrames: rows.reduce((s, r) => s + r.stillFrames, 0),
    folds: rows.reduce((s, r) => s + r.folds, 0),
  });
  const overall = summarize(all);
  const byPreset = Object.fromEntries(run.presets.map((p) => [p, summarize(all.filter((r) => r.preset === p))]));
  const fixtures = [...new Set(all.map((r) => r.fixture))];
  const byFixture = Object.fromEntries(fixtures.map((x) => [x, summarize(all.filter((r) => r.fixture === x))]));
  const floor = floors.length ? { overall: summarize(floors), byFixture: Object.fromEntries(floors.map((r) => [r.fixture, r])) } : null;
  const roundTripMean = Object.fromEntries(CHANNELS.map((c) => [c, mean(drivens.map((r) => r.roundTrip?.[c]))])) as Record<Channel, number | null>;
  const roundTripPassed = (r: ClipMetrics) => !!r.roundTrip && CHANNELS.every((c) => (r.roundTrip![c] ?? -1) >= ROUND_TRIP_R);
  const driven = drivens.length
    ? { driver: { fixture: DRIVER, motion: DRIVER_MOTION, ...run.driver }, overall: summarize(drivens), roundTrip: { mean: roundTripMean, passed: drivens.filter(roundTripPassed).map((r) => r.fixture) }, clips: drivens }
    : null;
  writeFileSync(join(OUT, 'quality.json'), JSON.stringify({ run: { ...run, clipS: CLIP_S, analysedFps: FPS, outLong: OUT_LONG, seed: SEED, targets: TARGETS }, overall, byPreset, byFixture, clips: all, floor, driven, failures }, null, 1));

  const head = '| | clips | continuity | AKD px@256 (rest) | motion AKD | blink r | jaw r | smile r | yaw r | pitch r | blink recall | bg SSIM (min) | jitter px@256 | still jitter (frames) | folds |';
  const sep = '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';
  const line = (name: string, s: ReturnType<typeof summarize>) =>
    `| ${name} | ${s.clips} | ${f(s.continuity === null ? null : s.continuity * 100, 1)}% | ${f(s.akd)} (${f(s.akdRest)}) | ${f(s.akdMotion)} | ${CHANNELS.map((c) => f(s.fidelity[c])).join(' | ')} | ${f(s.blinkRecall === null ? null : s.blinkRecall * 100, 0)}% | ${f(s.ssim, 4)} (${f(s.ssimMin, 4)}) | ${f(s.jitter, 3)} | ${f(s.jitterStill, 3)} (${s.stillFrames}) | ${s.folds} |`;
  const clipLine = (r: ClipMetrics) =>
    `| ${r.fixture} | ${r.preset} | ${f(r.continuity * 100, 0)}% | ${f(r.akd)} (${f(r.akdRest)}) | ${f(r.akdMotion)} | ${CHANNELS.map((c) => (c in r.fidelity ? f(r.fidelity[c]) : '')).join(' | ')} | ${r.blinks.detected}/${r.blinks.planned} | ${f(r.ssim, 4)} | ${f(r.jitter, 3)} | ${f(r.jitterStill, 3)} (${r.stillFrames}) | ${r.folds} |`;
  const worst = [...all].sort((a, b) => (b.akd ?? 99) - (a.akd ?? 99)).slice(0, 10);
  const md = [
    '# Animation quality',
    '',
    `${run.fixtures} fixture portraits x ${run.presets.length} presets, seed ${SEED}, intensity 1, the first ${CLIP_S} s of each loop (a ${CLIP_S} s loop), rendered at ${OUT_LONG} px (long side) with the WebGPU renderer on ${run.adapter || 'the default adapter'}; ` +
      `every ${30 / FPS === 2 ? '2nd' : `${30 / FPS}th`} frame of the 30 fps clip (${FPS} fps) re-detected with an independent FaceLandmarker (crop around the face), plus each blink's closed frame. No visible label is drawn. Run took ${(run.elapsedS / 60).toFixed(1)} min.`,
    '',
    `Targets: continuity 100 %, AKD <= ${TARGETS.akd}, expression r >= ${TARGETS.fidelity} where the preset moves the channel (blank: not moved), every blink detected, background SSIM >= ${TARGETS.ssim}, jitter < ${TARGETS.jitter} (the issue's measure is on still segments: "still jitter"; "jitter" holds every analysed frame to it), folds 0.`,
    '',
    '## Overall and per preset',
    '',
    head,
    sep,
    line('**all**', overall),
    ...run.presets.map((p) => line(p, byPreset[p]!)),
    '',
    '## Per fixture',
    '',
    head,
    sep,
    ...fixtures.map((x) => line(x, byFixture[x]!)),
    '',
    ...(floor
      ? [
          "## The re-detector's floor",
          '',
          `The same measures on one more clip a portrait in which the face is not warped: it turns in the image plane (±0.05 rad), scales (±3 %) and shifts (±2 % of the face box) as one, about as far as the presets move it (hair and neck follow by their weight, the background stays), so every intended landmark is exact and all of the error is the re-detector's. Motion AKD ${f(floor.overall.akdMotion)} overall (the presets: ${f(overall.akdMotion)}), jitter ${f(floor.overall.jitter, 3)} (the presets: ${f(overall.jitter, 3)}).`,
          '',
          '| fixture | continuity | motion AKD, face moved unwarped | motion AKD, presets (mean) | jitter, face moved unwarped |',
          '|---|---|---|---|---|',
          ...floors.map((r) => `| ${r.fixture} | ${f(r.continuity * 100, 0)}% | ${f(r.akdMotion)} | ${f(byFixture[r.fixture]?.akdMotion)} | ${f(r.jitter, 3)} |`),
          '',
        ]
      : []),
    ...(driven
      ? [
          '## Driven clips (issue 8)',
          '',
          `Each portrait driven by a video of a face: ${DRIVER.replace(/\.\w+$/, '')} animated with "${DRIVER_MOTION.preset}" (${DRIVER_MOTION.durationS} s, seed ${DRIVER_MOTION.seed}), encoded to MP4 and tracked as a driving video (face found in ${f((run.driver?.coverage ?? 0) * 100, 0)} % of its frames), then retargeted onto the portrait as the product does (the smile on the portrait's own scale). The same measures as the presets, against the performance the engine was given; the whole ${DRIVER_MOTION.durationS} s.`,
          '',
          head,
          sep,
          line('**all driven**', driven.overall),
          line('all presets (for comparison)', overall),
          '',
          '| fixture | preset | continuity | AKD (rest) | motion AKD | blink r | jaw r | smile r | yaw r | pitch r | blinks | bg SSIM | jitter | still jitter | folds |',
          '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
          ...drivens.map(clipLine),
          '',
          `The round trip (issue 8's check, as the drive end-to-end test measures it on one portrait): per channel, r between what the independent re-detector reads in the driving video and in each driven clip, frame for frame. Pass mark ${ROUND_TRIP_R} on every channel: met on ${driven.roundTrip.passed.length} of ${drivens.length} portraits${driven.roundTrip.passed.length ? ` (${driven.roundTrip.passed.join(', ')})` : ''}.`,
          '',
          '| fixture | blink r | jaw r | smile r | yaw r | pitch r | every channel >= ' + ROUND_TRIP_R + ' |',
          '|---|---|---|---|---|---|---|',
          `| **mean** | ${CHANNELS.map((c) => f(roundTripMean[c])).join(' | ')} | ${driven.roundTrip.passed.length} of ${drivens.length} |`,
          ...drivens.map((r) => `| ${r.fixture} | ${CHANNELS.map((c) => f(r.roundTrip?.[c])).join(' | ')} | ${roundTripPassed(r) ? 'yes' : 'no'} |`),
          '',
        ]
      : []),
    '## Worst 10 clips by AKD',
    '',
    '| fixture | preset | continuity | AKD (rest) | motion AKD | blink r | jaw r | smile r | yaw r | pitch r | blinks | bg SSIM | jitter | still jitter | folds |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...worst.map(clipLine),
    '',
    '## All clips',
    '',
    '| fixture | preset | continuity | AKD (rest) | motion AKD | blink r | jaw r | smile r | yaw r | pitch r | blinks | bg SSIM | jitter | still jitter | folds |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...all.map(clipLine),
    '',
    failures.length ? `Failed fixtures: ${failures.map((x) => `${x.fixture} (${x.error})`).join(', ')}` : '',
    '',
    'Definitions. AKD: mean distance over the 478 landmarks between the intended positions (poseRig output for landmark vertices, the irises shifted by the gaze as drawn, at output scale) and the re-detected ones, with the face box scaled to 256 px; "rest" is the same at t = 0 (the detector\'s own disagreement with the source landmarks, which every frame carries). Motion AKD: the same distance between the re-detected motion (det_t - det_0) and the intended motion (intended_t - intended_0), i.e. with that fixed disagreement taken out, as FOMM\'s AKD (one detector on both videos) has it. ' +
      'Expression r: Pearson correlation between the intended curve and MediaPipe\'s blendshape (eyeBlink mean of both eyes, jawOpen, mouthSmile mean) or the head angle from its facial transformation matrix. ' +
      'Blink recall: at each planned blink\'s closed instant the detected eyeBlink exceeds the open-eye median by >= 0.2, or the re-detected lid aperture (upper to lower lid landmarks over eye width, both eyes) is at most half its open-eye median (the blendshape alone: "by blendshape" in quality.json). ' +
      'Background SSIM: 8x8 windows (stride 4) wholly outside the head region (triangles with any head-following vertex, dilated by 1.5 % of the width), every 3rd analysed frame, against the source at output size. ' +
      'Jitter: RMS of the temporal high-pass of the re-detection error, (e_t - (e_t-1 + e_t+1)/2) / sqrt(1.5), over consecutive analysed frames (frames are deterministic, so a literally still segment has zero jitter; this measures the noise on top of the motion). Still jitter: the same over the still segments the issue names, i.e. only at analysed frames where the intended landmarks move less than ${STILL_STEP} px@256 (mean) from the analysed frame before and to the one after (the presets always move a little, so no frame is literally still); "frames" counts them. Folds: flipped triangles summed over analysed frames.',
    '',
  ].join('\n');
  writeFileSync(join(OUT, 'quality.md'), md);
  console.log(md.split('## Per fixture')[0]);
}

await main();
