import {
  blinkCurve,
  bump,
  burst,
  clampDuration,
  clampIntensity,
  createRng,
  holds,
  loopWobble,
  performanceFromCurves,
  plateau,
  sumCurves,
  type Curve,
  type CurveSet,
  type Performance,
} from './curves';
import type { ExpressionName } from '../render/types';

export interface PresetOptions {
  /** Seed for event timing, phases, amplitudes. Same seed, same performance. */
  seed?: number;
  /** Loop length in seconds (clamped to 2-20). Default 5. */
  durationS?: number;
  /** Overall motion strength, 0-1.5 (default 1); 0 is the still image. */
  intensity?: number;
}
/** Kept for callers of the first preset. */
export type GentleLifeOptions = PresetOptions;

export interface BlinkEvent {
  startS: number;
  durationS: number;
}

/** A performance plus the blinks it plans (the quality harness checks each one is seen). */
export type PresetPerformance = Performance & { blinks: BlinkEvent[] };

const DEG = Math.PI / 180;

/**
 * Blink times for a loop: 1-3 blinks in loops up to 6 s (about one every 3-5 s in longer ones),
 * 150-250 ms each, never at the loop boundary, spaced apart, and away from `avoid` intervals
 * where possible.
 */
export function planBlinks(rand: () => number, durationS: number, avoid: ReadonlyArray<[number, number]> = []): BlinkEvent[] {
  const count = durationS <= 6 ? 1 + Math.floor(rand() * 3) : Math.max(2, Math.round(durationS / 4 + rand() * 1.5 - 0.5));
  const minGap = 0.9;
  const lo = 0.35;
  const events: BlinkEvent[] = [];
  for (let attempt = 0; attempt < 80 && events.length < count; attempt++) {
    const dur = 0.15 + rand() * 0.1;
    const hi = durationS - 0.35 - dur;
    const start = lo + rand() * Math.max(0, hi - lo);
    const clear = attempt > 60 || avoid.every(([a, b]) => start + dur < a || start > b);
    if (clear && events.every((e) => Math.abs(e.startS - start) > minGap)) events.push({ startS: start, durationS: dur });
  }
  if (events.length === 0) events.push({ startS: Math.max(lo, durationS * 0.45), durationS: 0.2 });
  return events.sort((a, b) => a.startS - b.startS);
}

/** Both eyes' blink curves for planned blinks (the eyes are almost, not exactly, in sync). */
function blinkCurves(rand: () => number, blinks: readonly BlinkEvent[], depth: number): { left: Curve; right: Curve } {
  const left: Curve[] = [];
  const right: Curve[] = [];
  for (const b of blinks) {
    const lag = rand() * 0.012;
    left.push(blinkCurve(b.startS, b.durationS, depth));
    right.push(blinkCurve(b.startS + lag, b.durationS, depth));
  }
  return { left: sumCurves(left), right: sumCurves(right) };
}

/** Blink depth for an intensity: full blinks from 0.4 up, shallower below, none at 0. */
const blinkDepth = (k: number) => Math.min(1, k / 0.4);

/** A slow, small 3D sway (degrees are peak amplitudes per term); whole cycles per loop, 0 at t=0. */
function sway(rand: () => number, T: number, k: number, deg: number): Pick<CurveSet, 'yaw' | 'pitch' | 'roll'> {
  const ph = () => rand() * 2 * Math.PI;
  const j = (x: number) => x * (0.75 + 0.5 * rand());
  const c1 = Math.max(1, Math.round(T / 5));
  return {
    yaw: loopWobble(T, [
      { cycles: c1, amplitude: j(1.0 * deg * DEG) * k, phase: ph() },
      { cycles: 2 * c1, amplitude: j(0.3 * deg * DEG) * k, phase: ph() },
    ]),
    pitch: loopWobble(T, [
      { cycles: c1, amplitude: j(0.6 * deg * DEG) * k, phase: ph() },
      { cycles: 3 * c1, amplitude: j(0.15 * deg * DEG) * k, phase: ph() },
    ]),
    roll: loopWobble(T, [
      { cycles: c1, amplitude: j(0.55 * deg * DEG) * k, phase: ph() },
      { cycles: 2 * c1, amplitude: j(0.2 * deg * DEG) * k, phase: ph() },
    ]),
  };
}

function add(a: Curve | undefined, b: Curve | undefined): Curve {
  if (!a) return b ?? (() => 0);
  if (!b) return a;
  return (t) => a(t) + b(t);
}

/** Place `n` non-overlapping events of length `len` (plus `gap`) in [lo, hi], seeded, in order. */
function placeEvents(rand: () => number, n: number, len: number, lo: number, hi: number, gap: number): number[] {
  const room = hi - lo - n * len - (n - 1) * gap;
  if (room < 0) {
    // Not enough room: spread them evenly as best we can.
    return Array.from({ length: n }, (_, i) => lo + (i * (hi - lo)) / n);
  }
  // Split the spare room at random between the n + 1 gaps.
  const w = Array.from({ length: n + 1 }, () => 0.3 + rand());
  const sum = w.reduce((s, x) => s + x, 0);
  const out: number[] = [];
  let t = lo;
  for (let i = 0; i < n; i++) {
    t += (room * w[i]!) / sum;
    out.push(t);
    t += len + gap;
  }
  return out;
}

/** Horizontal/vertical gaze curves (-1..1, + = image right / down) to the eight eyeLook blendshapes. */
function gazeExpressions(gx: Curve, gy: Curve): Partial<Record<ExpressionName, Curve>> {
  const neg = (c: Curve): Curve => (t) => -c(t);
  return {
    // Looking image-right (the subject's left): the left eye looks out, the right eye in.
    eyeLookOutLeft: gx,
    eyeLookInRight: gx,
    eyeLookInLeft: neg(gx),
    eyeLookOutRight: neg(gx),
    eyeLookDownLeft: gy,
    eyeLookDownRight: gy,
    eyeLookUpLeft: neg(gy),
    eyeLookUpRight: neg(gy),
  };
}

function finish(T: number, set: CurveSet, blinks: BlinkEvent[]): PresetPerformance {
  return Object.assign(performanceFromCurves(T, set), { blinks });
}

/**
 * "Gentle life": a slight 3D head sway, 1-3 natural blinks (both eyes) and a faint smile that rises
 * and falls once per loop. Every curve is exactly 0 at t = 0 and the loop is seamless.
 */
export function gentleLife(opts: PresetOptions = {}): PresetPerformance {
  const seed = opts.seed ?? 1;
  const T = clampDuration(opts.durationS);
  const k = clampIntensity(opts.intensity);
  const rand = createRng(seed);
  const ph = () => rand() * 2 * Math.PI;
  const jitter = (x: number) => x * (0.75 + 0.5 * rand());
  const c1 = Math.max(1, Math.round(T / 5));

  // Each wobble term contributes at most 2*amplitude peak to peak.
  const yaw = loopWobble(T, [
    { cycles: c1, amplitude: jitter(1.6 * DEG) * k, phase: ph() },
    { cycles: 2 * c1, amplitude: jitter(0.45 * DEG) * k, phase: ph() },
  ]);
  const pitch = loopWobble(T, [
    { cycles: c1, amplitude: jitter(1.0 * DEG) * k, phase: ph() },
    { cycles: 3 * c1, amplitude: jitter(0.25 * DEG) * k, phase: ph() },
  ]);
  const roll = loopWobble(T, [
    { cycles: c1, amplitude: jitter(0.9 * DEG) * k, phase: ph() },
    { cycles: 2 * c1, amplitude: jitter(0.3 * DEG) * k, phase: ph() },
  ]);
  const ty = loopWobble(T, [{ cycles: 2 * c1, amplitude: jitter(0.004) * k, phase: ph() }]);

  const blinks = planBlinks(rand, T);
  const { left, right } = blinkCurves(rand, blinks, blinkDepth(k));

  const smilePeak = Math.min(1, (0.45 + 0.15 * rand()) * k);
  const riseStart = T * (0.12 + 0.08 * rand());
  const smile = plateau(riseStart, riseStart + T * 0.25, T * 0.62, T * 0.92, smilePeak);
  const asym = 0.9 + 0.2 * rand();
  const smileR: Curve = (t) => smile(t) * asym;

  return finish(
    T,
    {
      yaw,
      pitch,
      roll,
      ty,
      expressions: { eyeBlinkLeft: left, eyeBlinkRight: right, mouthSmileLeft: smile, mouthSmileRight: smileR },
    },
    blinks,
  );
}

/**
 * "Smile": a clear smile that grows, holds and relaxes (one per ~8 s of loop), with the eyes
 * narrowing slightly (a real smile reaches the eyes), the head lifting and tilting a little with
 * it, a faint sway and natural blinks.
 */
export function smilePreset(opts: PresetOptions = {}): PresetPerformance {
  const T = clampDuration(opts.durationS);
  const k = clampIntensity(opts.intensity);
  const rand = createRng(opts.seed ?? 1);
  const base = sway(rand, T, k, 0.8);
  const n = Math.max(1, Math.floor(T / 8));
  const slot = T / n;
  const smiles: Curve[] = [];
  const spans: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    const s0 = i * slot;
    const rise = Math.min(0.9, slot * 0.16) * (0.8 + 0.4 * rand());
    const a = s0 + slot * (0.1 + 0.06 * rand());
    const fallEnd = s0 + slot * (0.9 - 0.04 * rand());
    const fall = Math.min(1.1, slot * 0.2) * (0.8 + 0.4 * rand());
    const peak = (0.75 + 0.2 * rand()) * k;
    smiles.push(plateau(a, a + rise, fallEnd - fall, fallEnd, peak));
    spans.push([a + rise, fallEnd - fall]);
  }
  const smile = sumCurves(smiles);
  const asym = 0.88 + 0.24 * rand();
  const smileR: Curve = (t) => smile(t) * asym;
  const squint: Curve = (t) => 0.18 * smile(t);
  const tilt = (rand() < 0.5 ? -1 : 1) * (1.2 + 0.8 * rand()) * DEG;
  const blinks = planBlinks(rand, T);
  const { left, right } = blinkCurves(rand, blinks, blinkDepth(k));
  return finish(
    T,
    {
      yaw: base.yaw,
      pitch: add(base.pitch, (t) => -1.2 * DEG * smile(t)),
      roll: add(base.roll, (t) => tilt * smile(t)),
      expressions: {
        mouthSmileLeft: smile,
        mouthSmileRight: smileR,
        eyeBlinkLeft: add(left, squint),
        eyeBlinkRight: add(right, squint),
        browOuterUpLeft: (t) => 0.15 * smile(t),
        browOuterUpRight: (t) => 0.15 * smile(t),
      },
    },
    blinks,
  );
}

/**
 * "Blink and glance": the eyes glance aside (left, right, a little up or down) 2-4 times per 5 s,
 * hold, and come back, often with a blink on the way; the head follows each glance slightly.
 */
export function blinkAndGlance(opts: PresetOptions = {}): PresetPerformance {
  const T = clampDuration(opts.durationS);
  const k = clampIntensity(opts.intensity);
  const rand = createRng(opts.seed ?? 1);
  const base = sway(rand, T, k, 0.6);
  const n = Math.max(1, Math.min(Math.floor(T / 1.6), 2 + Math.floor(rand() * 2) + Math.floor(T / 6)));
  const len = Math.min(1.6, (T - 0.8) / n - 0.25);
  const starts = placeEvents(rand, n, len, 0.35, T - 0.35, 0.2);
  const gxKeys: Array<{ t: number; dur: number; value: number }> = [];
  const gyKeys: Array<{ t: number; dur: number; value: number }> = [];
  const blinks: BlinkEvent[] = [];
  let side = rand() < 0.5 ? -1 : 1;
  for (const s of starts) {
    const hold = len * (0.55 + 0.25 * rand());
    const gx = side * (0.55 + 0.35 * rand()) * k;
    const gy = (rand() - 0.5) * 0.9 * k;
    side = rand() < 0.7 ? -side : side;
    gxKeys.push({ t: s, dur: 0.09, value: gx }, { t: s + hold, dur: 0.11, value: 0 });
    gyKeys.push({ t: s, dur: 0.09, value: gy }, { t: s + hold, dur: 0.11, value: 0 });
    // People often blink as the eyes move back.
    if (rand() < 0.6 && s + hold + 0.25 < T - 0.35) blinks.push({ startS: s + hold - 0.04, durationS: 0.16 + 0.06 * rand() });
  }
  if (blinks.length === 0) blinks.push(...planBlinks(rand, T).slice(0, 1));
  const gx = holds(gxKeys);
  const gy = holds(gyKeys);
  // The head follows the eyes a little, later and slower.
  const headX = holds(gxKeys.map((key) => ({ t: key.t + 0.08, dur: 0.5, value: key.value })));
  const { left, right } = blinkCurves(rand, blinks, blinkDepth(k));
  return finish(
    T,
    {
      yaw: add(base.yaw, (t) => -1.6 * DEG * headX(t)),
      pitch: base.pitch,
      roll: base.roll,
      expressions: { ...gazeExpressions(gx, gy), eyeBlinkLeft: left, eyeBlinkRight: right },
    },
    blinks,
  );
}

/** "Nod": one or two bursts of 2-3 gentle "yes" nods (down-biased), with a blink. */
export function nod(opts: PresetOptions = {}): PresetPerformance {
  const T = clampDuration(opts.durationS);
  const k = clampIntensity(opts.intensity);
  const rand = createRng(opts.seed ?? 1);
  const base = sway(rand, T, k, 0.4);
  const n = Math.max(1, Math.floor(T / 6));
  const bursts: Curve[] = [];
  const ty: Curve[] = [];
  const spans: Array<[number, number]> = [];
  const freq = 1.5 + 0.5 * rand();
  for (let i = 0; i < n; i++) {
    const cycles = Math.min(2 + Math.floor(rand() * 2), Math.max(1, Math.floor(((T / n) - 0.8) * freq)));
    const dur = cycles / freq;
    const slot = T / n;
    const start = i * slot + 0.3 + rand() * Math.max(0, slot - dur - 0.7);
    const amp = (6 + 2 * rand()) * DEG * k;
    bursts.push(burst(start, cycles, freq, amp, 0.7));
    ty.push(burst(start, cycles, freq, 0.006 * k, 0.7));
    spans.push([start, start + dur]);
  }
  const blinks = planBlinks(rand, T, spans).slice(0, Math.max(1, Math.round(T / 5)));
  const { left, right } = blinkCurves(rand, blinks, blinkDepth(k));
  return finish(
    T,
    {
      yaw: base.yaw,
      pitch: add(base.pitch, sumCurves(bursts)),
      roll: base.roll,
      ty: sumCurves(ty),
      expressions: { eyeBlinkLeft: left, eyeBlinkRight: right },
    },
    blinks,
  );
}

/** "Shake head": a "no": one or two bursts of 2-3 side-to-side turns of a few degrees, with a blink. */
export function shakeHead(opts: PresetOptions = {}): PresetPerformance {
  const T = clampDuration(opts.durationS);
  const k = clampIntensity(opts.intensity);
  const rand = createRng(opts.seed ?? 1);
  const base = sway(rand, T, k, 0.4);
  const n = Math.max(1, Math.floor(T / 6));
  const yaw: Curve[] = [];
  const roll: Curve[] = [];
  const spans: Array<[number, number]> = [];
  const freq = 1.6 + 0.5 * rand();
  const dir = rand() < 0.5 ? -1 : 1;
  for (let i = 0; i < n; i++) {
    const slot = T / n;
    const cycles = Math.min(2 + Math.floor(rand() * 2), Math.max(1, Math.floor((slot - 0.8) * freq)));
    const dur = cycles / freq;
    const start = i * slot + 0.3 + rand() * Math.max(0, slot - dur - 0.7);
    const amp = dir * (6.5 + 2 * rand()) * DEG * k;
    yaw.push(burst(start, cycles, freq, amp));
    roll.push(burst(start, cycles, freq, -0.15 * amp));
    spans.push([start, start + dur]);
  }
  const blinks = planBlinks(rand, T, spans).slice(0, Math.max(1, Math.round(T / 5)));
  const { left, right } = blinkCurves(rand, blinks, blinkDepth(k));
  return finish(
    T,
    {
      yaw: add(base.yaw, sumCurves(yaw)),
      pitch: base.pitch,
      roll: add(base.roll, sumCurves(roll)),
      expressions: { eyeBlinkLeft: left, eyeBlinkRight: right },
    },
    blinks,
  );
}

/**
 * "Look around": the eyes lead to 2-4 points (left, right, up, down), the head follows over half a
 * second, holds, moves on, and comes back to the viewer before the loop ends; blinks on some shifts.
 */
export function lookAround(opts: PresetOptions = {}): PresetPerformance {
  const T = clampDuration(opts.durationS);
  const k = clampIntensity(opts.intensity);
  const rand = createRng(opts.seed ?? 1);
  const base = sway(rand, T, k, 0.3);
  const n = Math.max(1, Math.min(Math.floor((T - 0.8) / 1.1), 2 + Math.floor(rand() * 2) + Math.floor(T / 7)));
  const step = (T - 1.2) / (n + 1);
  const eyeX: Array<{ t: number; dur: number; value: number }> = [];
  const eyeY: Array<{ t: number; dur: number; value: number }> = [];
  const headX: Array<{ t: number; dur: number; value: number }> = [];
  const headY: Array<{ t: number; dur: number; value: number }> = [];
  const blinks: BlinkEvent[] = [];
  let side = rand() < 0.5 ? -1 : 1;
  for (let i = 0; i <= n; i++) {
    const t = 0.4 + i * step + (i > 0 && i < n ? (rand() - 0.5) * 0.3 * step : 0);
    const last = i === n;
    const x = last ? 0 : side * (0.6 + 0.4 * rand());
    const y = last ? 0 : (rand() - 0.45) * 0.9;
    side = rand() < 0.75 ? -side : side;
    const headDur = Math.min(0.7, step * 0.6);
    // Eyes jump first; as the head arrives they come partway back (the head takes over the turn).
    eyeX.push({ t, dur: 0.08, value: x * k }, { t: t + 0.1, dur: headDur, value: 0.45 * x * k });
    eyeY.push({ t, dur: 0.08, value: y * k }, { t: t + 0.1, dur: headDur, value: 0.5 * y * k });
    headX.push({ t: t + 0.05, dur: headDur, value: x * k });
    headY.push({ t: t + 0.05, dur: headDur, value: y * k });
    if (rand() < 0.45 && t + 0.3 < T - 0.35) blinks.push({ startS: t - 0.02, durationS: 0.15 + 0.06 * rand() });
  }
  if (blinks.length === 0) blinks.push(...planBlinks(rand, T).slice(0, 1));
  const hx = holds(headX);
  const hy = holds(headY);
  const { left, right } = blinkCurves(rand, blinks, blinkDepth(k));
  return finish(
    T,
    {
      yaw: add(base.yaw, (t) => -6.5 * DEG * hx(t)),
      pitch: add(base.pitch, (t) => 3.5 * DEG * hy(t)),
      roll: add(base.roll, (t) => 0.8 * DEG * hx(t)),
      expressions: { ...gazeExpressions(holds(eyeX), holds(eyeY)), eyeBlinkLeft: left, eyeBlinkRight: right },
    },
    blinks,
  );
}

/**
 * "Surprise": brows shoot up, the jaw drops a little, the head draws back; holds about a second,
 * then relaxes slowly, with a blink afterwards. One per ~10 s of loop.
 */
export function surprise(opts: PresetOptions = {}): PresetPerformance {
  const T = clampDuration(opts.durationS);
  const k = clampIntensity(opts.intensity);
  const rand = createRng(opts.seed ?? 1);
  const base = sway(rand, T, k, 0.5);
  const n = Math.max(1, Math.floor(T / 10));
  const slot = T / n;
  const brow: Curve[] = [];
  const jaw: Curve[] = [];
  const spans: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    const onset = Math.min(0.22, slot * 0.06);
    const hold = Math.min(1.4, slot * 0.3) * (0.8 + 0.3 * rand());
    const release = Math.min(1.1, slot * 0.22);
    const total = onset + hold + release;
    const a = i * slot + Math.max(0.25, (slot - total) * (0.25 + 0.2 * rand()));
    brow.push(plateau(a, a + onset, a + onset + hold, a + total, 1));
    // The jaw drops with the gasp, then partly closes during the hold.
    const jawPeak = plateau(a, a + onset, a + onset + 0.25, a + onset + 0.7, 0.45);
    const jawHold = plateau(a + onset * 0.5, a + onset, a + onset + hold, a + total * 0.95, 0.55);
    jaw.push((t) => Math.max(jawPeak(t), 0) + jawHold(t));
    spans.push([a - 0.2, a + onset + hold]);
  }
  const b = sumCurves(brow);
  const j = sumCurves(jaw);
  const blinks = planBlinks(rand, T, spans).slice(0, Math.max(1, Math.round(T / 5)));
  const { left, right } = blinkCurves(rand, blinks, blinkDepth(k));
  const browK = (0.85 + 0.15 * rand()) * k;
  const jawK = (0.45 + 0.15 * rand()) * k;
  return finish(
    T,
    {
      yaw: base.yaw,
      pitch: add(base.pitch, (t) => -2.5 * DEG * k * b(t)),
      roll: base.roll,
      ty: (t) => -0.008 * k * b(t),
      expressions: {
        browInnerUp: (t) => browK * b(t),
        browOuterUpLeft: (t) => 0.85 * browK * b(t),
        browOuterUpRight: (t) => 0.85 * browK * b(t),
        jawOpen: (t) => jawK * j(t),
        mouthFunnel: (t) => 0.25 * k * j(t),
        eyeBlinkLeft: left,
        eyeBlinkRight: right,
      },
    },
    blinks,
  );
}

export interface TalkPerformance extends PresetPerformance {
  /** Syllables per second of this performance (4-5). */
  syllableRate: number;
}

/**
 * "Talk": speech-like mouth motion. Phrases of 1.2-2.6 s separated by short pauses; within a phrase,
 * syllables at 4-5 per second (each with its own length and openness), some rounded (funnel or
 * pucker), some spread (a touch of smile); the head nods lightly on stressed syllables, the brows
 * lift at the start of some phrases, blinks fall in the pauses. Like a real speaker, the head
 * settles into a new direction with each phrase (a turn of 1.5-3 degrees to alternating sides,
 * and a tilt of 1.6-2.4 degrees, alternately up and down, eased over half a second: phrase rhythm, slower than syllables), every
 * other phrase is spoken with a light smile, and the head comes back to the viewer before the loop
 * ends.
 */
export function talk(opts: PresetOptions = {}): TalkPerformance {
  const T = clampDuration(opts.durationS);
  const k = clampIntensity(opts.intensity);
  const rand = createRng(opts.seed ?? 1);
  const base = sway(rand, T, k, 0.6);
  const rate = 4 + rand();
  const jaw: Curve[] = [];
  const funnel: Curve[] = [];
  const pucker: Curve[] = [];
  const spread: Curve[] = [];
  const nodC: Curve[] = [];
  const brow: Curve[] = [];
  const pauses: Array<[number, number]> = [];
  const phrases: Array<[number, number]> = [];
  let t = 0.25 + 0.2 * rand();
  const end = T - 0.3;
  while (t < end - 0.4) {
    const len = Math.min(end - t, 1.2 + 1.4 * rand());
    phrases.push([t, t + len]);
    let s = t;
    let idx = 0;
    const stress = Math.floor(rand() * 3);
    while (true) {
      const d = (1 / rate) * (0.8 + 0.4 * rand());
      if (s + d > t + len) break;
      const open = (0.25 + 0.3 * rand()) * (idx % 3 === stress ? 1.15 : 1);
      jaw.push(bump(s, d, open));
      const vowel = rand();
      if (vowel < 0.18) funnel.push(bump(s, d, 0.5 * open + 0.2));
      else if (vowel < 0.3) pucker.push(bump(s - 0.03, d, 0.5));
      else if (vowel < 0.45) spread.push(bump(s, d, 0.25));
      if (idx % 3 === stress) nodC.push(bump(s, d * 1.6, (0.8 + 0.6 * rand()) * DEG));
      s += d;
      idx++;
    }
    if (rand() < 0.5) brow.push(plateau(t, t + 0.25, t + Math.min(len, 1) - 0.1, t + Math.min(len, 1) + 0.3, 0.35));
    const pause = 0.25 + 0.4 * rand();
    pauses.push([s, s + pause]);
    phrases[phrases.length - 1]![1] = s;
    t = s + pause;
  }
  // Phrase-level head motion and warmth: with each phrase the head eases (about half a second,
  // starting just before the first syllable) to a new direction, to alternating sides, and holds it
  // through the phrase; every other phrase is spoken with a light smile. After the last phrase the
  // head comes back to the viewer (exactly at rest well before the loop ends).
  const headX: Array<{ t: number; dur: number; value: number }> = [];
  const headY: Array<{ t: number; dur: number; value: number }> = [];
  const warm: Curve[] = [];
  let side = rand() < 0.5 ? -1 : 1;
  let tiltSide = rand() < 0.5 ? -1 : 1;
  const warmFirst = rand() < 0.5 ? 0 : 1;
  phrases.forEach(([a, b], i) => {
    const start = Math.max(0.05, a - 0.12);
    headX.push({ t: start, dur: 0.5, value: side * (2.5 + 2 * rand()) * DEG });
    headY.push({ t: start + 0.05, dur: 0.5, value: tiltSide * (2.4 + 1.2 * rand()) * DEG });
    side = -side;
    tiltSide = -tiltSide;
    if (i % 2 === warmFirst) {
      const peak = 0.3 + 0.2 * rand();
      warm.push(plateau(a, a + Math.min(0.35, (b - a) / 3), b - Math.min(0.2, (b - a) / 4), b + 0.25, peak));
    }
  });
  const lastEnd = phrases.length ? phrases[phrases.length - 1]![1] : 0;
  const back = { t: lastEnd, dur: Math.max(0.1, Math.min(0.5, T - 0.08 - lastEnd)), value: 0 };
  headX.push(back);
  headY.push(back);
  const hx = holds(headX);
  const hy = holds(headY);
  // Blinks go into the pauses (where they fit and are not too close to the previous one), else anywhere.
  const blinks: BlinkEvent[] = [];
  for (const [a, b] of pauses) {
    const prev = blinks[blinks.length - 1];
    if (b - a >= 0.2 && b < T - 0.3 && (!prev || a - prev.startS > 0.9) && rand() < 0.85) blinks.push({ startS: a + 0.02, durationS: Math.min(0.2, b - a - 0.02) });
  }
  if (blinks.length === 0) blinks.push(...planBlinks(rand, T).slice(0, 1));
  const { left, right } = blinkCurves(rand, blinks, blinkDepth(k));
  const sp = sumCurves([...spread, ...warm]);
  const jawK = k * (0.9 + 0.2 * rand());
  const perf = finish(
    T,
    {
      yaw: add(base.yaw, scaleK(hx, k)),
      pitch: add(add(base.pitch, scaleK(sumCurves(nodC), k)), scaleK(hy, k)),
      roll: add(base.roll, (t) => -0.15 * k * hx(t)),
      expressions: {
        jawOpen: scaleK(sumCurves(jaw), jawK),
        mouthFunnel: scaleK(sumCurves(funnel), k),
        mouthPucker: scaleK(sumCurves(pucker), k),
        mouthSmileLeft: scaleK(sp, k),
        mouthSmileRight: scaleK(sp, k),
        browInnerUp: scaleK(sumCurves(brow), k),
        eyeBlinkLeft: left,
        eyeBlinkRight: right,
      },
    },
    blinks,
  );
  return Object.assign(perf, { syllableRate: rate });
}

function scaleK(c: Curve, k: number): Curve {
  return (t) => k * c(t);
}
