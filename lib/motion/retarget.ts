// Retargeting a driving face onto the portrait (pure, no I/O).
//
// The driver is tracked frame by frame (lib/face/track.ts): blendshape scores, the facial
// transformation matrix and the face's place in the frame. Only its motion relative to its own
// most neutral frame is transferred: head rotation as R_t * R_neutral^T (composed onto the portrait's
// own pose, which is the rig's rest), expression increases over the neutral frame normalised by the
// headroom left (so a driver whose resting face already smiles a little still smiles "fully"), head
// translation in face widths. Lost frames are bridged by interpolation, jitter is removed by a
// zero-phase (centred) Gaussian smoothing, and every channel is kept in the range the engine
// supports by scaling the whole curve when its peak exceeds the limit (the shape is kept).
import { eulerOf, relativeRotation, rigRotationOf, type Rot3 } from '../face/head-pose';
import { jawOpenForTravel } from '../render/pose';
import { EXPRESSION_NAMES, type ExpressionName, type PoseParams } from '../render/types';
import { MAX_PITCH, MAX_ROLL, MAX_SHIFT, MAX_YAW, clampDuration, clampIntensity, wrapTime, type Performance } from './curves';

/** What the tracker saw in one driver frame. */
export interface DriverFace {
  /** MediaPipe blendshape scores by name (0-1). */
  blend: Record<string, number>;
  /** Column-major 4x4 facial transformation matrix, when available. */
  matrix: number[] | null;
  /** Face box centre and size in the analysed frame's pixels. */
  cx: number;
  cy: number;
  w: number;
  h: number;
}

export interface DriverSample {
  /** Seconds from the driver's start. */
  t: number;
  /** null when no face was found in this frame. */
  face: DriverFace | null;
}

export interface DriverTrack {
  /** Frames in time order, at a regular rate (the clip frame rate). */
  samples: DriverSample[];
  /** Length of the driver (seconds). */
  durationS: number;
}

export interface RetargetOptions {
  /** 0-1.5, scales every transferred channel (default 1). */
  intensity?: number;
  /** Gaussian smoothing of head pose, in frames (default 1.5). */
  poseSmoothFrames?: number;
  /** Gaussian smoothing of expressions, in frames (default 0.8: blinks last 4-7 frames). */
  exprSmoothFrames?: number;
  /** Look for the neutral frame within the first this many seconds (default 1). */
  neutralWindowS?: number;
  /** Per-expression smallest span that maps onto the rig's full range (defaults: EXPRESSION_SPANS). */
  spans?: Partial<Record<ExpressionName, number>>;
  /**
   * How this portrait's re-detected score of an expression rises with the rig's value (measured by
   * lib/pipeline/calibrate.ts). Where given, the driver's calibrated value is taken as a share of
   * the portrait's own highest reading and the rig value that reads so much is used (readResponse).
   */
  responses?: Partial<Record<ExpressionName, ExpressionResponse>>;
}

/** A portrait's re-detected score (increase over its rest) at rig values `at` (ascending, from 0 to 1). */
export interface ExpressionResponse {
  at: number[];
  reads: number[];
}

/** Below this highest reading the portrait does not show the expression to the detector at all: the map stays linear. */
const MIN_RESPONSE = 0.05;
/** Driver values under RESPONSE_FLOOR fade to 0 (a response with a dead zone would turn the driver's noise into half smiles). */
const RESPONSE_FLOOR: readonly [number, number] = [0.05, 0.2];

/**
 * The rig value for a driver's calibrated value `x` (0-1) on a portrait with this response: the
 * value whose reading is `x` of the portrait's highest (readings taken as their running maximum,
 * linear between the measured points), faded in over RESPONSE_FLOOR.
 */
export function readResponse(r: ExpressionResponse, x: number): number {
  const n = Math.min(r.at.length, r.reads.length);
  const reads: number[] = [];
  for (let i = 0; i < n; i++) reads.push(Math.max(reads[i - 1] ?? 0, r.reads[i]!));
  const top = reads[n - 1] ?? 0;
  if (!(top > MIN_RESPONSE) || x <= 0) return Math.max(0, x);
  const target = Math.min(1, x) * top;
  let v = r.at[n - 1]!;
  for (let i = 1; i < n; i++) {
    if (reads[i]! >= target) {
      const lo = reads[i - 1]!;
      const u = reads[i]! > lo ? (target - lo) / (reads[i]! - lo) : 0;
      v = r.at[i - 1]! + Math.max(0, Math.min(1, u)) * (r.at[i]! - r.at[i - 1]!);
      break;
    }
  }
  const [f0, f1] = RESPONSE_FLOOR;
  const t = Math.min(1, Math.max(0, (x - f0) / (f1 - f0)));
  return v * t * t * (3 - 2 * t);
}

/**
 * Each driver's scores are calibrated to its own range: an expression's increase over the neutral
 * frame is divided by the driver's own peak increase (98th percentile), so its fullest blink or
 * broadest smile becomes the rig's 1 and its widest jaw EXPRESSION_PEAKS.jawOpen ("scaled to the
 * portrait's proportions": the rig measures every expression in the portrait's own eye and mouth
 * widths). Faces score very differently (a real closed eye reads 0.5-0.9, a painted or small one
 * 0.2-0.3), which is why a fixed gain does not work. The peak is never taken below these spans, so a driver that hardly
 * moves (noise only) is not blown up into full expressions.
 */
export const EXPRESSION_SPANS: Partial<Record<ExpressionName, number>> = {
  eyeBlinkLeft: 0.25,
  eyeBlinkRight: 0.25,
  jawOpen: 0.3,
  mouthSmileLeft: 0.3,
  mouthSmileRight: 0.3,
};
const DEFAULT_SPAN = 0.35;

/**
 * What the driver's own peak (98th percentile) becomes on the rig (1 unless listed). A speaker's
 * widest syllable is not a yawn: mapped to the rig's full opening, Vigée Le Brun driven by Klimt
 * opened about 1.4 times as wide as Klimt did (re-detected jawOpen range 0.75-0.78 against
 * 0.53-0.57); at 0.75, 1.2-1.3 times. Lower would leave faces whose jawOpen reads nothing below
 * half an opening (the Mona Lisa) with a mouth the re-detector does not see move.
 *
 * The jaw's value is the rig's travel (the share of its full opening), which the rig reaches at
 * jawOpenForTravel: the presets' jawOpen travels concavely (a light syllable shows), but a driver's
 * lighter syllables, opened that much wider on the portrait, read there as a nod too (the round
 * trip's pitch r 0.90-0.96 against 0.96-0.97) while its jaw r was no higher.
 */
export const EXPRESSION_PEAKS: Partial<Record<ExpressionName, number>> = {
  jawOpen: 0.75,
};
/** Rig values for a channel's calibrated value (0-1 of the rig's range), where the rig's scale is not linear. */
const RIG_VALUE: Partial<Record<ExpressionName, (x: number) => number>> = {
  jawOpen: jawOpenForTravel,
};

function percentile(xs: number[], q: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))]!;
}

/** Channels that define "neutral": a resting face has these low. */
const NEUTRAL_CHANNELS: readonly string[] = [
  'eyeBlinkLeft',
  'eyeBlinkRight',
  'jawOpen',
  'mouthSmileLeft',
  'mouthSmileRight',
  'mouthFunnel',
  'mouthPucker',
  'browInnerUp',
  'browOuterUpLeft',
  'browOuterUpRight',
  'browDownLeft',
  'browDownRight',
];

/**
 * Channels whose resting state is unambiguous (eyes open, mouth closed, not smiling): a resting
 * frame has each of them at about its lowest. Other channels can read high at rest on some faces
 * (Vigée Le Brun's closed lips read mouthPucker 0.93 and drop to 0.3 as the jaw opens), so they
 * only break ties.
 */
const REST_CHANNELS: readonly string[] = ['eyeBlinkLeft', 'eyeBlinkRight', 'jawOpen', 'mouthSmileLeft', 'mouthSmileRight'];

/**
 * Index of the most neutral tracked frame near the start (within `windowS` of the first face):
 * among the frames whose eyes, jaw and smile are within a small margin of their lowest in that
 * window, the one with the lowest expression energy, ties to the earliest.
 */
export function chooseNeutral(samples: readonly DriverSample[], windowS = 1): number {
  const t0 = samples.find((s) => s.face)?.t ?? 0;
  const idx: number[] = [];
  for (let i = 0; i < samples.length; i++) {
    if (!samples[i]!.face) continue;
    if (idx.length && samples[i]!.t > t0 + windowS) break;
    idx.push(i);
  }
  if (!idx.length) return -1;
  const lo: Record<string, number> = {};
  for (const c of REST_CHANNELS) lo[c] = Math.min(...idx.map((i) => samples[i]!.face!.blend[c] ?? 0));
  const restE = (i: number) => REST_CHANNELS.reduce((e, c) => e + ((samples[i]!.face!.blend[c] ?? 0) - lo[c]!) ** 2, 0);
  const minRest = Math.min(...idx.map(restE));
  let best = -1;
  let bestE = Infinity;
  for (const i of idx) {
    if (restE(i) > minRest + 0.005) continue;
    let e = 0;
    for (const c of NEUTRAL_CHANNELS) e += (samples[i]!.face!.blend[c] ?? 0) ** 2;
    if (e < bestE - 1e-9) {
      bestE = e;
      best = i;
    }
  }
  return best;
}

/**
 * Fill null entries from the nearest known values on either side, eased with a smoothstep (no kink
 * where the bridge starts or ends); held constant before the first and after the last known value.
 */
export function bridge(values: ReadonlyArray<number | null>): number[] {
  const n = values.length;
  const out = new Array<number>(n).fill(0);
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    out[i] = v;
    for (let k = prev + 1; k < i; k++) {
      if (prev < 0) out[k] = v;
      else {
        const u = (k - prev) / (i - prev);
        out[k] = out[prev]! + (v - out[prev]!) * u * u * (3 - 2 * u);
      }
    }
    prev = i;
  }
  if (prev >= 0) for (let k = prev + 1; k < n; k++) out[k] = out[prev]!;
  return out;
}

/** Zero-phase Gaussian smoothing (sigma in samples); the ends are handled by renormalising the kernel. */
export function smooth(values: readonly number[], sigma: number): number[] {
  if (!(sigma > 0.05)) return values.slice();
  const r = Math.ceil(3 * sigma);
  const w = Array.from({ length: 2 * r + 1 }, (_, k) => Math.exp(-0.5 * ((k - r) / sigma) ** 2));
  return values.map((_, i) => {
    let s = 0;
    let ws = 0;
    for (let k = -r; k <= r; k++) {
      const j = i + k;
      if (j < 0 || j >= values.length) continue;
      s += values[j]! * w[k + r]!;
      ws += w[k + r]!;
    }
    return s / ws;
  });
}

/** Scale a signed curve so that its largest magnitude is at most `limit` (shape kept). */
function fitSigned(v: number[], limit: number): number[] {
  const peak = v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  return peak > limit ? v.map((x) => (x * limit) / peak) : v;
}

export interface DrivenPerformance extends Performance {
  /** Index and time of the driver frame everything is relative to. */
  neutral: { index: number; t: number };
  /** Share of driver frames where the face was found. */
  coverage: number;
  /** Per-frame poses at the track's rate (what at() interpolates). */
  frames: PoseParams[];
}

/**
 * Build a performance from a driver track. Throws a plain Error when no frame has a face (the
 * caller turns that into the person's sentence).
 */
export function retarget(track: DriverTrack, opts: RetargetOptions = {}): DrivenPerformance {
  const S = track.samples;
  const n = S.length;
  const found = S.filter((s) => s.face).length;
  if (n === 0 || found === 0) throw new Error('no face in any driver frame');
  const k = clampIntensity(opts.intensity);
  const ni = chooseNeutral(S, opts.neutralWindowS ?? 1);
  const neutral = S[ni]!.face!;
  const r0: Rot3 | null = neutral.matrix ? rigRotationOf(neutral.matrix) : null;

  // Raw per-frame channels, null where the face (or its matrix) is missing.
  const yaw: Array<number | null> = [];
  const pitch: Array<number | null> = [];
  const roll: Array<number | null> = [];
  const tx: Array<number | null> = [];
  const ty: Array<number | null> = [];
  const ex: Record<string, Array<number | null>> = {};
  for (const name of EXPRESSION_NAMES) ex[name] = [];
  const spans = { ...EXPRESSION_SPANS, ...opts.spans };
  for (const s of S) {
    const f = s.face;
    if (f && f.matrix && r0) {
      const e = eulerOf(relativeRotation(rigRotationOf(f.matrix), r0));
      yaw.push(e.yaw);
      pitch.push(e.pitch);
      roll.push(e.roll);
    } else {
      yaw.push(f && !r0 ? 0 : null);
      pitch.push(f && !r0 ? 0 : null);
      roll.push(f && !r0 ? 0 : null);
    }
    tx.push(f ? (f.cx - neutral.cx) / Math.max(1e-6, neutral.w) : null);
    ty.push(f ? (f.cy - neutral.cy) / Math.max(1e-6, neutral.h) : null);
    for (const name of EXPRESSION_NAMES) {
      if (!f) {
        ex[name]!.push(null);
        continue;
      }
      // Increase over the neutral frame (the rig only adds expression to the portrait's own).
      ex[name]!.push(Math.max(0, (f.blend[name] ?? 0) - (neutral.blend[name] ?? 0)));
    }
  }
  const sp = opts.poseSmoothFrames ?? 1.5;
  const se = opts.exprSmoothFrames ?? 0.8;
  const headCurve = (v: Array<number | null>, limit: number) => fitSigned(smooth(bridge(v), sp).map((x) => x * k), limit);
  const Y = headCurve(yaw, MAX_YAW);
  const P = headCurve(pitch, MAX_PITCH);
  const R = headCurve(roll, MAX_ROLL);
  const TX = headCurve(tx, MAX_SHIFT);
  const TY = headCurve(ty, MAX_SHIFT);
  const E: Partial<Record<ExpressionName, number[]>> = {};
  for (const name of EXPRESSION_NAMES) {
    // The span is measured on the smoothed curve (what is transferred), so that smoothing does not
    // leave the driver's fullest blink short of a full blink on the rig.
    const known = ex[name]!.filter((x): x is number => x !== null);
    if (!known.some((x) => x > 0)) continue;
    const sm = smooth(bridge(ex[name]!), se);
    const span = Math.max(spans[name] ?? DEFAULT_SPAN, percentile(sm, 0.98));
    const peak = EXPRESSION_PEAKS[name] ?? 1;
    const response = opts.responses?.[name];
    const rigValue = response ? (x: number) => readResponse(response, x) : (RIG_VALUE[name] ?? ((x: number) => x));
    const v = sm.map((x) => rigValue(Math.min(1, Math.max(0, (x / span) * peak * k))));
    if (v.some((x) => x > 1e-4)) E[name] = v;
  }
  const frames: PoseParams[] = S.map((_, i) => {
    const expressions: Partial<Record<ExpressionName, number>> = {};
    for (const [name, v] of Object.entries(E) as Array<[ExpressionName, number[]]>) expressions[name] = v[i]!;
    return { yaw: Y[i]!, pitch: P[i]!, roll: R[i]!, tx: TX[i]!, ty: TY[i]!, expressions };
  });

  const t0 = S[0]!.t;
  const dt = n > 1 ? (S[n - 1]!.t - t0) / (n - 1) : 1 / 30;
  const durationS = clampDuration(track.durationS);
  const lerp = (a: number, b: number, u: number) => a + (b - a) * u;
  return {
    durationS,
    neutral: { index: ni, t: S[ni]!.t },
    coverage: found / n,
    frames,
    at(tIn: number): PoseParams {
      const t = wrapTime(tIn, durationS);
      const x = Math.min(n - 1, Math.max(0, (t - t0) / (dt || 1)));
      const i = Math.floor(x);
      const j = Math.min(n - 1, i + 1);
      const u = x - i;
      const a = frames[i]!;
      const b = frames[j]!;
      const expressions: Partial<Record<ExpressionName, number>> = {};
      for (const name of Object.keys(a.expressions) as ExpressionName[]) expressions[name] = lerp(a.expressions[name]!, b.expressions[name]!, u);
      return {
        yaw: lerp(a.yaw, b.yaw, u),
        pitch: lerp(a.pitch, b.pitch, u),
        roll: lerp(a.roll, b.roll, u),
        tx: lerp(a.tx, b.tx, u),
        ty: lerp(a.ty, b.ty, u),
        expressions,
      };
    },
  };
}
