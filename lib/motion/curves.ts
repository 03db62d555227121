import type { ExpressionName, PoseParams } from '../render/types';

/** A performance: curves over time that give the pose at any instant. Loops with period durationS. */
export interface Performance {
  durationS: number;
  /** Pose at time t (seconds). Wraps around: at(t + durationS) === at(t); at(0) is the rest pose. */
  at(t: number): PoseParams;
}

/** A scalar curve over [0, durationS). */
export type Curve = (t: number) => number;

/** mulberry32: a small, fast, seeded PRNG giving floats in [0, 1). */
export function createRng(seed: number): () => number {
  let a = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function restPose(): PoseParams {
  return { yaw: 0, pitch: 0, roll: 0, tx: 0, ty: 0, expressions: {} };
}

/** Wrap t into [0, period). */
export function wrapTime(t: number, period: number): number {
  if (!(period > 0) || !Number.isFinite(t)) return 0;
  const r = t % period;
  return r < 0 ? r + period : r;
}

export function smoothstep(e0: number, e1: number, x: number): number {
  if (x <= e0) return 0;
  if (x >= e1) return 1;
  const u = (x - e0) / (e1 - e0);
  return u * u * (3 - 2 * u);
}

/**
 * A periodic wobble: sum of sinusoids with whole numbers of cycles per loop, shifted so that it is
 * exactly 0 at t = 0 (and therefore at every loop boundary).
 */
export function loopWobble(
  periodS: number,
  terms: ReadonlyArray<{ cycles: number; amplitude: number; phase: number }>,
): Curve {
  return (t) => {
    let v = 0;
    for (const { cycles, amplitude, phase } of terms) {
      v += amplitude * (Math.sin((2 * Math.PI * cycles * t) / periodS + phase) - Math.sin(phase));
    }
    return v;
  };
}

/** A plateau: 0 before riseStart, eases up to `peak` by riseEnd, holds, eases back to 0 from fallStart to fallEnd. */
export function plateau(riseStart: number, riseEnd: number, fallStart: number, fallEnd: number, peak: number): Curve {
  return (t) => peak * smoothstep(riseStart, riseEnd, t) * (1 - smoothstep(fallStart, fallEnd, t));
}

/**
 * One blink: 0 outside [start, start + duration]; closes fast (first `closeFrac` of the duration),
 * holds closed briefly, opens more slowly. Peak value is `depth` (1 = fully closed).
 */
export function blinkCurve(start: number, duration: number, depth = 1, closeFrac = 0.35, holdFrac = 0.12): Curve {
  const tClose = start + duration * closeFrac;
  const tHold = tClose + duration * holdFrac;
  const end = start + duration;
  return (t) => {
    if (t <= start || t >= end) return 0;
    if (t < tClose) return depth * smoothstep(start, tClose, t);
    if (t < tHold) return depth;
    return depth * (1 - smoothstep(tHold, end, t));
  };
}

export function sumCurves(curves: ReadonlyArray<Curve>): Curve {
  return (t) => {
    let v = 0;
    for (const c of curves) v += c(t);
    return v;
  };
}

export interface CurveSet {
  yaw?: Curve;
  pitch?: Curve;
  roll?: Curve;
  tx?: Curve;
  ty?: Curve;
  expressions?: Partial<Record<ExpressionName, Curve>>;
}

/**
 * The largest head angles any performance may ask for (radians): a still image only supports a few
 * degrees before the parts it never showed (the far cheek, under the chin) would be needed. The rig
 * turns about 15 degrees without a fold (mesh.ts); 9 and 8 degrees still look like the painting
 * (at 6 and 5 the re-detector's noise hid most of a nod: pitch r 0.71, now 0.86).
 */
export const MAX_YAW = (9 * Math.PI) / 180;
export const MAX_PITCH = (8 * Math.PI) / 180;
export const MAX_ROLL = (5 * Math.PI) / 180;
export const MAX_SHIFT = 0.04;

function clampAbs(v: number, m: number): number {
  return v > m ? m : v < -m ? -m : v;
}

/**
 * Build a Performance from named curves. Expression values are clamped to [0, 1], head angles to
 * MAX_YAW/MAX_PITCH/MAX_ROLL, translations to MAX_SHIFT.
 */
export function performanceFromCurves(durationS: number, set: CurveSet): Performance {
  const exprEntries = Object.entries(set.expressions ?? {}) as Array<[ExpressionName, Curve]>;
  return {
    durationS,
    at(tIn: number): PoseParams {
      const t = wrapTime(tIn, durationS);
      const expressions: Partial<Record<ExpressionName, number>> = {};
      for (const [name, c] of exprEntries) {
        const v = c(t);
        expressions[name] = v <= 0 ? 0 : v >= 1 ? 1 : v;
      }
      return {
        yaw: set.yaw ? clampAbs(set.yaw(t), MAX_YAW) : 0,
        pitch: set.pitch ? clampAbs(set.pitch(t), MAX_PITCH) : 0,
        roll: set.roll ? clampAbs(set.roll(t), MAX_ROLL) : 0,
        tx: set.tx ? clampAbs(set.tx(t), MAX_SHIFT) : 0,
        ty: set.ty ? clampAbs(set.ty(t), MAX_SHIFT) : 0,
        expressions,
      };
    },
  };
}

/** The loop-length limits every preset accepts (seconds). */
export const MIN_DURATION_S = 2;
export const MAX_DURATION_S = 20;

export function clampDuration(d: number | undefined, fallback = 5): number {
  const v = d === undefined || !Number.isFinite(d) ? fallback : d;
  return Math.min(MAX_DURATION_S, Math.max(MIN_DURATION_S, v));
}

/** Intensity in [0, 1.5] (1 by default); every amplitude of a preset is proportional to it. */
export function clampIntensity(k: number | undefined): number {
  const v = k === undefined || !Number.isFinite(k) ? 1 : k;
  return Math.min(1.5, Math.max(0, v));
}

/**
 * A smooth bump: 0 outside [start, start + duration], sin^2-shaped inside (zero slope at both ends),
 * peaking at `peak` in the middle.
 */
export function bump(start: number, duration: number, peak: number): Curve {
  const end = start + duration;
  return (t) => {
    if (t <= start || t >= end || duration <= 0) return 0;
    const s = Math.sin((Math.PI * (t - start)) / duration);
    return peak * s * s;
  };
}

/**
 * An oscillating burst: `cycles` periods of a sine at `freq` Hz starting at `start`, under a sin^2
 * window (starts and ends at 0 with zero slope). `bias` shifts each cycle towards one side
 * (0 = symmetric, 1 = only positive: (1 - cos) / 2 shaped).
 */
export function burst(start: number, cycles: number, freq: number, amplitude: number, bias = 0): Curve {
  const dur = cycles / freq;
  return (t) => {
    const tau = t - start;
    if (tau <= 0 || tau >= dur) return 0;
    const w = Math.sin((Math.PI * tau) / dur);
    const ph = 2 * Math.PI * freq * tau;
    const sym = Math.sin(ph);
    const pos = (1 - Math.cos(ph)) / 2;
    return amplitude * w * w * ((1 - bias) * sym + bias * pos);
  };
}

/**
 * Piecewise-smooth moves between held values: starts at 0; at each key time it eases (smoothstep,
 * over `dur` seconds) from the previous value to the key's value. The last key should return to 0.
 */
export function holds(keys: ReadonlyArray<{ t: number; dur: number; value: number }>): Curve {
  const sorted = [...keys].sort((a, b) => a.t - b.t);
  return (t) => {
    let v = 0;
    let prev = 0;
    for (const k of sorted) {
      if (t <= k.t) break;
      v = prev + (k.value - prev) * smoothstep(k.t, k.t + k.dur, t);
      prev = k.value;
    }
    return v;
  };
}

export function scaleCurve(c: Curve, k: number): Curve {
  return (t) => c(t) * k;
}
