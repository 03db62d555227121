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

/** Build a Performance from named curves. Expression values are clamped to [0, 1]. */
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
        yaw: set.yaw ? set.yaw(t) : 0,
        pitch: set.pitch ? set.pitch(t) : 0,
        roll: set.roll ? set.roll(t) : 0,
        tx: set.tx ? set.tx(t) : 0,
        ty: set.ty ? set.ty(t) : 0,
        expressions,
      };
    },
  };
}
