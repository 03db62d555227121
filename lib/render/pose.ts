import type { ExpressionName, PoseParams, Rig } from './types';
import { headFrame, triangleArea2, type HeadFrame } from './mesh';
import {
  BROW_LEFT,
  BROW_RIGHT,
  CHEEK_LEFT,
  CHEEK_RIGHT,
  CHIN,
  INNER_CORNER_LEFT,
  INNER_CORNER_RIGHT,
  INNER_LIP_LOWER,
  INNER_LIP_UPPER,
  LEFT_EYE,
  LOWER_LIP_BOTTOM,
  MOUTH_CORNER_LEFT,
  MOUTH_CORNER_RIGHT,
  NOSE_TIP,
  RIGHT_EYE,
  UPPER_LIP_TOP,
  type BrowIndices,
  type EyeIndices,
} from './landmarks';

/** Eye in its own frame: origin at the corner midpoint, u along the eye (corner A -> B), v perpendicular (down). */
interface EyeFrame {
  ox: number;
  oy: number;
  ux: number;
  uy: number;
  vx: number;
  vy: number;
  width: number;
  /** Lid curves as sorted (u, v) polylines, corners included. */
  upperU: Float64Array;
  upperV: Float64Array;
  lowerU: Float64Array;
  lowerV: Float64Array;
}

interface RigCache {
  head: HeadFrame;
  eyes: { left: EyeFrame; right: EyeFrame };
  /** Face axes: right (image +x for an upright face) and down. */
  fx: number;
  fy: number;
  gx: number;
  gy: number;
  mouthW: number;
  mouth: MouthFrame;
  brows: { left: BrowFrame; right: BrowFrame };
  restArea2: Float64Array;
  /** Vertices of no triangle (the iris landmarks), carried by their rest triangle (see findFollowers). */
  followers: Follower[];
  restX: Float64Array;
  restY: Float64Array;
  /** Scratch buffers. */
  exprX: Float64Array;
  exprY: Float64Array;
  posX: Float64Array;
  posY: Float64Array;
  posX2: Float64Array;
  posY2: Float64Array;
  headX: Float64Array;
  headY: Float64Array;
  /** Per vertex, how much of the smile's push it takes (less on and around the nose, see smileKeep). */
  smileKeep: Float64Array;
  smileX: Float64Array;
  smileY: Float64Array;
}

/** The mouth in the face frame: origin at the inner-lip centre, u along the face's right axis, v down. */
interface MouthFrame {
  ox: number;
  oy: number;
  /**
   * Where the lips part, along u: centre and half-width between the inner mouth corners. The opening
   * tapers to nothing there (a lens, as a real mouth opens), wherever the inner-lip centre sits
   * between them (Mona Lisa's is a fifth of the mouth off-centre).
   */
  partC: number;
  partHalfW: number;
  /** Centre and half-width between the outer mouth corners, along u. */
  cornerC: number;
  cornerHalfW: number;
  /** The lip seam (mid-line between the inner lip contours) as a sorted (u, v) polyline. */
  seamU: Float64Array;
  seamV: Float64Array;
  upperLipH: number;
  lowerLipH: number;
  /** v of the chin below the seam. */
  chinV: number;
  /** Where hair hides the lips: v of the hair's lower edge, which is then the seam (see mouth-cover.ts); else 0. */
  cover: number;
  /** Which side of the seam the inner-lip landmarks belong to (-1 above, +1 below), for ties on the seam. */
  side: Map<number, number>;
}

/** A brow in its eye's frame: the brow line as a (u, v) polyline and its inner, middle and outer u. */
interface BrowFrame {
  eye: EyeFrame;
  lineU: Float64Array;
  lineV: Float64Array;
  uInner: number;
  uMid: number;
  uOuter: number;
}

const cache = new WeakMap<Rig, RigCache>();

/** What the mouth's frame is built from: the face's landmarks and whether hair hides the lips. */
type MouthRig = Pick<Rig, 'face' | 'mouthCover'>;

function lm(rig: MouthRig, i: number): [number, number] {
  return [rig.face.landmarks[i * 3]!, rig.face.landmarks[i * 3 + 1]!];
}

function eyeFrame(rig: Rig, e: EyeIndices): EyeFrame {
  const [ax, ay] = lm(rig, e.cornerA);
  const [bx, by] = lm(rig, e.cornerB);
  let ux = bx - ax;
  let uy = by - ay;
  const width = Math.hypot(ux, uy) || 1;
  ux /= width;
  uy /= width;
  // For an upright face u points image-right; v = u rotated +90deg points image-down.
  const vx = -uy;
  const vy = ux;
  const ox = (ax + bx) / 2;
  const oy = (ay + by) / 2;
  const toLocal = (i: number): [number, number] => {
    const [x, y] = lm(rig, i);
    return [(x - ox) * ux + (y - oy) * uy, (x - ox) * vx + (y - oy) * vy];
  };
  const curve = (ids: readonly number[]) => {
    const pts = [e.cornerA, ...ids, e.cornerB].map(toLocal).sort((p, q) => p[0] - q[0]);
    return { u: Float64Array.from(pts.map((p) => p[0])), v: Float64Array.from(pts.map((p) => p[1])) };
  };
  let up = curve(e.upper);
  let lo = curve(e.lower);
  // If the face is upside down in this frame, "upper" has the larger v: swap meaning by flipping v.
  const meanUp = up.v.reduce((s, x) => s + x, 0) / up.v.length;
  const meanLo = lo.v.reduce((s, x) => s + x, 0) / lo.v.length;
  if (meanUp > meanLo) {
    // Face upside down relative to the corner order: flip the frame so upper lid has smaller v.
    const flip = (c: { u: Float64Array; v: Float64Array }) => ({ u: Float64Array.from(c.u), v: Float64Array.from(c.v, (x) => -x) });
    up = flip(up);
    lo = flip(lo);
    return { ox, oy, ux, uy, vx: -vx, vy: -vy, width, upperU: up.u, upperV: up.v, lowerU: lo.u, lowerV: lo.v };
  }
  return { ox, oy, ux, uy, vx, vy, width, upperU: up.u, upperV: up.v, lowerU: lo.u, lowerV: lo.v };
}

function interp(us: Float64Array, vs: Float64Array, u: number): number {
  const n = us.length;
  if (u <= us[0]!) return vs[0]!;
  if (u >= us[n - 1]!) return vs[n - 1]!;
  for (let i = 1; i < n; i++) {
    if (u <= us[i]!) {
      const u0 = us[i - 1]!;
      const span = us[i]! - u0;
      const f = span > 0 ? (u - u0) / span : 0;
      return vs[i - 1]! + (vs[i]! - vs[i - 1]!) * f;
    }
  }
  return vs[n - 1]!;
}

function sortedPolyline(pts: Array<[number, number]>): { u: Float64Array; v: Float64Array } {
  pts.sort((p, q) => p[0] - q[0]);
  return { u: Float64Array.from(pts.map((p) => p[0])), v: Float64Array.from(pts.map((p) => p[1])) };
}

function mouthFrame(rig: MouthRig, fx: number, fy: number, mouthW: number): MouthFrame {
  const gx = -fy;
  const gy = fx;
  const [ax, ay] = lm(rig, INNER_LIP_UPPER[Math.floor(INNER_LIP_UPPER.length / 2)]!);
  const [bx, by] = lm(rig, INNER_LIP_LOWER[Math.floor(INNER_LIP_LOWER.length / 2)]!);
  const ox = (ax + bx) / 2;
  const oy = (ay + by) / 2;
  const local = (i: number): [number, number] => {
    const [x, y] = lm(rig, i);
    return [(x - ox) * fx + (y - oy) * fy, (x - ox) * gx + (y - oy) * gy];
  };
  // Seam: midpoints of the upper and lower inner contours (same length, paired by position), plus corners.
  const pts: Array<[number, number]> = [local(MOUTH_CORNER_RIGHT), local(MOUTH_CORNER_LEFT)];
  const n = Math.min(INNER_LIP_UPPER.length, INNER_LIP_LOWER.length);
  for (let k = 0; k < n; k++) {
    const a = local(INNER_LIP_UPPER[k]!);
    const b = local(INNER_LIP_LOWER[k]!);
    pts.push([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]);
  }
  // A mouth hidden by hair parts at the hair's lower edge: the lips and the hair stay with the face.
  const cover = rig.mouthCover && rig.mouthCover > 0 ? rig.mouthCover : 0;
  const seam = cover > 0 ? { u: Float64Array.of(-mouthW, mouthW), v: Float64Array.of(cover, cover) } : sortedPolyline(pts);
  const dist = (i: number, j: number) => {
    const [x1, y1] = lm(rig, i);
    const [x2, y2] = lm(rig, j);
    return Math.hypot(x2 - x1, y2 - y1);
  };
  const side = new Map<number, number>();
  for (const i of INNER_LIP_UPPER) side.set(i, -1);
  for (const i of INNER_LIP_LOWER) side.set(i, 1);
  const chinV = Math.max(0.2 * mouthW, local(CHIN)[1]);
  const uA = local(INNER_CORNER_RIGHT)[0];
  const uB = local(INNER_CORNER_LEFT)[0];
  const cA = local(MOUTH_CORNER_RIGHT)[0];
  const cB = local(MOUTH_CORNER_LEFT)[0];
  return {
    ox,
    oy,
    partC: (uA + uB) / 2,
    partHalfW: Math.max(0.2 * mouthW, Math.abs(uB - uA) / 2),
    cornerC: (cA + cB) / 2,
    cornerHalfW: Math.max(0.25 * mouthW, Math.abs(cB - cA) / 2),
    seamU: seam.u,
    seamV: seam.v,
    upperLipH: Math.max(1, dist(UPPER_LIP_TOP, INNER_LIP_UPPER[Math.floor(INNER_LIP_UPPER.length / 2)]!)),
    lowerLipH: Math.max(1, dist(LOWER_LIP_BOTTOM, INNER_LIP_LOWER[Math.floor(INNER_LIP_LOWER.length / 2)]!)),
    chinV,
    cover,
    side,
  };
}

function browFrame(rig: Rig, eye: EyeFrame, b: BrowIndices): BrowFrame {
  const toLocal = (i: number): [number, number] => {
    const [x, y] = lm(rig, i);
    return [(x - eye.ox) * eye.ux + (y - eye.oy) * eye.uy, (x - eye.ox) * eye.vx + (y - eye.oy) * eye.vy];
  };
  // Brow line: the mean of the upper and lower brow contours (paired inner -> outer).
  const pts: Array<[number, number]> = [];
  for (let k = 0; k < b.upper.length; k++) {
    const p = toLocal(b.upper[k]!);
    const q = toLocal(b.lower[k]!);
    pts.push([(p[0] + q[0]) / 2, (p[1] + q[1]) / 2]);
  }
  const line = sortedPolyline(pts.slice());
  const uInner = pts[0]![0];
  const uOuter = pts[pts.length - 1]![0];
  return { eye, lineU: line.u, lineV: line.v, uInner, uMid: (uInner + uOuter) / 2, uOuter };
}

/** The face's right axis (from the outer eye corners) and the mouth width, source px. */
function faceAxes(rig: MouthRig): { fx: number; fy: number; mouthW: number } {
  // Subject right 33 -> subject left 263 is image-right when upright.
  const [rx, ry] = lm(rig, RIGHT_EYE.cornerA);
  const [lx, ly] = lm(rig, LEFT_EYE.cornerB);
  const fl = Math.hypot(lx - rx, ly - ry) || 1;
  const [m1x, m1y] = lm(rig, MOUTH_CORNER_RIGHT);
  const [m2x, m2y] = lm(rig, MOUTH_CORNER_LEFT);
  return { fx: (lx - rx) / fl, fy: (ly - ry) / fl, mouthW: Math.max(1, Math.hypot(m2x - m1x, m2y - m1y)) };
}

/** Half the gap (mouth widths) between the two rows of a cut at the hair's edge (coverSeamPoints). */
const COVER_SEAM_GAP = 0.005;

/**
 * The cut along which a mouth hidden by hair opens (mouth-cover.ts): at the hair's lower edge, `cover`
 * below the lip seam, between the inner mouth corners. Returned as x, y pairs (source px) in the
 * mouth cavity's layout (mouth.ts): the right end, `n` points just above the edge (right -> left),
 * the left end, `n` points just below it. As mesh vertices they make the edge a seam that the jaw
 * opens (applyJaw), with the cavity drawn between the two rows: the hair stays whole above it and
 * the lower lip and chin drop below it, as a mouth opens under a moustache.
 */
export function coverSeamPoints(face: Rig['face'], cover: number, n: number): Float64Array {
  const rig: MouthRig = { face, mouthCover: cover };
  const { fx, fy, mouthW } = faceAxes(rig);
  const m = mouthFrame(rig, fx, fy, mouthW);
  const gap = COVER_SEAM_GAP * mouthW;
  const out = new Float64Array((2 * n + 2) * 2);
  const put = (slot: number, u: number, v: number) => {
    out[slot * 2] = m.ox + u * fx - v * fy;
    out[slot * 2 + 1] = m.oy + u * fy + v * fx;
  };
  put(0, m.partC - m.partHalfW, cover);
  put(n + 1, m.partC + m.partHalfW, cover);
  for (let k = 0; k < n; k++) {
    const u = m.partC + m.partHalfW * (-1 + (2 * (k + 1)) / (n + 1));
    put(1 + k, u, cover - gap);
    put(n + 2 + k, u, cover + gap);
  }
  return out;
}

function getCache(rig: Rig): RigCache {
  let c = cache.get(rig);
  if (c) return c;
  const head = headFrame(rig.face);
  const left = eyeFrame(rig, LEFT_EYE);
  const right = eyeFrame(rig, RIGHT_EYE);
  const { fx, fy, mouthW } = faceAxes(rig);
  const mouth = mouthFrame(rig, fx, fy, mouthW);
  const brows = { left: browFrame(rig, left, BROW_LEFT), right: browFrame(rig, right, BROW_RIGHT) };
  const nTri = rig.indices.length / 3;
  const restArea2 = new Float64Array(nTri);
  for (let t = 0; t < nTri; t++) restArea2[t] = triangleArea2(rig.indices, rig.rest, t);
  const nv = rig.rest.length / 2;
  c = {
    head,
    eyes: { left, right },
    fx,
    fy,
    gx: -fy,
    gy: fx,
    mouthW,
    mouth,
    brows,
    restArea2,
    followers: findFollowers(rig),
    restX: Float64Array.from({ length: nv }, (_, i) => rig.rest[i * 2]!),
    restY: Float64Array.from({ length: nv }, (_, i) => rig.rest[i * 2 + 1]!),
    exprX: new Float64Array(nv),
    exprY: new Float64Array(nv),
    posX: new Float64Array(nv),
    posY: new Float64Array(nv),
    posX2: new Float64Array(nv),
    posY2: new Float64Array(nv),
    headX: new Float64Array(nv),
    headY: new Float64Array(nv),
    smileKeep: smileKeep(rig, mouthW),
    smileX: new Float64Array(nv),
    smileY: new Float64Array(nv),
  };
  cache.set(rig, c);
  return c;
}

/**
 * Nose landmarks a smile leaves in place: the tip, the base under it and the two wings. The
 * corners' and cheeks' pushes reached the nose and lifted it by a third of the corners' travel, and
 * the re-detector read a lifted nose as a nod (0.02-0.04 rad at a full smile on Klimt and Rembrandt):
 * "Gentle life", whose small nod comes with a held smile, re-detected its pitch at r 0.72. Held
 * within NOSE_KEEP_SIGMA mouth widths of these, r 0.81, and smile r 0.90 -> 0.89 there; at 0.3 the
 * hold reached the upper lip and the smile read at half its score.
 */
const NOSE_KEEP = [NOSE_TIP, 2, 98, 327];
const NOSE_KEEP_SIGMA = 0.2;
/** How much of the smile's push each vertex takes: 1, less towards the nose (1 - a Gaussian around each of NOSE_KEEP). */
function smileKeep(rig: Rig, mouthW: number): Float64Array {
  const nv = rig.rest.length / 2;
  const out = new Float64Array(nv).fill(1);
  const inv = 1 / (2 * (NOSE_KEEP_SIGMA * mouthW) ** 2);
  for (const n of NOSE_KEEP) {
    const [x, y] = lm(rig, n);
    for (let i = 0; i < nv; i++) {
      const d2 = (rig.rest[i * 2]! - x) ** 2 + (rig.rest[i * 2 + 1]! - y) ** 2;
      out[i] = Math.min(out[i]!, 1 - Math.exp(-d2 * inv));
    }
  }
  return out;
}

function expr(p: PoseParams, name: ExpressionName): number {
  const v = p.expressions[name];
  return v === undefined || !Number.isFinite(v) ? 0 : Math.min(1, Math.max(0, v));
}

/**
 * Blink as a monotone per-column map along the eye's v axis: the band between the lids collapses to
 * a thin line just above the lower lid, the skin above the upper lid stretches down over the eye.
 * A continuous map (u, v) -> (u, f_u(v)) with f_u increasing cannot fold; the piecewise-linear
 * mesh still can pinch thin triangles (at the corners), which poseRig clamps.
 * Background vertices (head weight 0) are never moved.
 */
function applyBlink(e: EyeFrame, amount: number, rig: Rig, dx: Float64Array, dy: Float64Array): void {
  if (amount <= 0) return;
  const n = rig.rest.length / 2;
  const uMin = e.upperU[0]! - 0.05 * e.width;
  const uMax = e.upperU[e.upperU.length - 1]! + 0.05 * e.width;
  const reach = 0.75 * e.width;
  for (let i = 0; i < n; i++) {
    if (rig.headWeight[i] === 0) continue;
    const x = rig.rest[i * 2]! - e.ox;
    const y = rig.rest[i * 2 + 1]! - e.oy;
    const u = x * e.ux + y * e.uy;
    if (u < uMin || u > uMax) continue;
    const v = x * e.vx + y * e.vy;
    if (v < -reach || v > reach) continue;
    const d = amount * blinkShift(e, u, v);
    dx[i]! += d * e.vx;
    dy[i]! += d * e.vy;
  }
}

/** A vertex of no triangle (the iris landmarks), carried by the rest triangle it lies in. */
interface Follower {
  i: number;
  nbr: Int32Array;
  w: Float64Array;
}

/**
 * Barycentric coordinates of every vertex that no triangle uses (the iris landmarks, see buildRig)
 * in the rest triangle containing it (or the nearest, clamped). Posed as the same combination of
 * that triangle's posed corners, such a point follows exactly the warp drawn there and can fold
 * nothing.
 */
function findFollowers(rig: Rig): Follower[] {
  const n = rig.rest.length / 2;
  const I = rig.indices;
  if (I.length === 0) return [];
  const used = new Uint8Array(n);
  for (let t = 0; t < I.length; t++) used[I[t]!] = 1;
  const R = rig.rest;
  const out: Follower[] = [];
  for (let i = 0; i < n; i++) {
    if (used[i]) continue;
    const px = R[i * 2]!, py = R[i * 2 + 1]!;
    let best = -Infinity;
    let bt = -1;
    let bw: [number, number, number] = [1, 0, 0];
    for (let t = 0; t < I.length; t += 3) {
      const a = I[t]!, b = I[t + 1]!, c = I[t + 2]!;
      const ax = R[a * 2]!, ay = R[a * 2 + 1]!, bx = R[b * 2]!, by = R[b * 2 + 1]!, cx = R[c * 2]!, cy = R[c * 2 + 1]!;
      const A = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
      if (!(Math.abs(A) > 0)) continue;
      const wa = ((bx - px) * (cy - py) - (by - py) * (cx - px)) / A;
      const wb = ((cx - px) * (ay - py) - (cy - py) * (ax - px)) / A;
      const wc = 1 - wa - wb;
      const m = Math.min(wa, wb, wc);
      if (m > best) {
        best = m;
        bt = t;
        bw = [wa, wb, wc];
        if (m >= 0) break;
      }
    }
    if (bt < 0) continue;
    if (best < 0) {
      const cl = bw.map((x) => Math.max(0, x));
      const s = cl[0]! + cl[1]! + cl[2]! || 1;
      bw = [cl[0]! / s, cl[1]! / s, cl[2]! / s];
    }
    out.push({ i, nbr: Int32Array.from([I[bt]!, I[bt + 1]!, I[bt + 2]!]), w: Float64Array.from(bw) });
  }
  return out;
}

/** Set each follower's value (x, y displacement or position) from its triangle's. */
function settleFollowers(fs: readonly Follower[], dx: { [k: number]: number }, dy: { [k: number]: number }): void {
  for (const f of fs) {
    let sx = 0, sy = 0;
    for (let k = 0; k < 3; k++) {
      sx += f.w[k]! * dx[f.nbr[k]!]!;
      sy += f.w[k]! * dy[f.nbr[k]!]!;
    }
    dx[f.i] = sx;
    dy[f.i] = sy;
  }
}

/** Fraction of the eye width, from each corner, over which a blink fades in. */
const BLINK_TAPER = 0.12;
/** What remains of the opening (fraction of its rest height) at a full blink. */
const BLINK_SLIT = 0.04;
/**
 * How far above the upper lid's contour (eye widths) a blink still folds the skin into the slit:
 * the painted white of the eye often reaches above MediaPipe's contour, and stretched down over a
 * closed eye it read as an open one (Girl with a Pearl Earring, Nietzsche).
 */
const BLINK_SCLERA_MARGIN = 0.12;

/**
 * The blink's column map at full closure, as a shift along the eye's v axis of the rest point
 * (u, v): the band between the lids (and BLINK_SCLERA_MARGIN above the upper one) collapses to a
 * thin line just above the lower lid, the skin above it stretches down over the eye, tapering
 * towards the corners. The stretch is quadratic in the height over the band's top, so the skin by
 * the lid travels with it and the brow hardly moves: pulled down linearly, the brow came down by up
 * to two thirds of the lid's travel (the unit test's faces), and the re-detector read a blink as a
 * nod (Aristotle's pitch +0.086 rad at a full blink; now +0.073).
 */
function blinkShift(e: EyeFrame, u: number, v: number): number {
  const a = 0.42 * e.width; // band above the upper lid that stretches
  const b = 0.25 * e.width; // band below the lower lid that compresses slightly
  const U0 = interp(e.upperU, e.upperV, u);
  const Lw = Math.max(U0, interp(e.lowerU, e.lowerV, u));
  const U = U0 - BLINK_SCLERA_MARGIN * e.width;
  const g = Lw - U;
  const Cl = Lw - 0.15 * g;
  const Cu = Cl - BLINK_SLIT * g;
  let f: number;
  if (v <= U - a || v >= Lw + b) return 0;
  else if (v < U) {
    const t = (v - (U - a)) / a;
    f = v + (Cu - U) * t * t;
  } else if (v < Lw) f = g > 1e-6 ? Cu + ((v - U) * (Cl - Cu)) / g : Cu;
  else f = Cl + ((v - Lw) * (Lw + b - Cl)) / b;
  // Taper towards the corners: the lids meet there anyway, and a hard edge would fold the thin
  // triangles that fan out from the corner landmarks.
  const sN = u / e.width + 0.5;
  const taper = smooth01(sN / BLINK_TAPER) * smooth01((1 - sN) / BLINK_TAPER);
  return taper * (f - v);
}

function smooth01(x: number): number {
  const u = x <= 0 ? 0 : x >= 1 ? 1 : x;
  return u * u * (3 - 2 * u);
}

function gaussianPush(
  rig: Rig,
  nv: number,
  cx: number,
  cy: number,
  sigma: number,
  mx: number,
  my: number,
  dx: Float64Array,
  dy: Float64Array,
): void {
  if (mx === 0 && my === 0) return;
  const inv = 1 / (2 * sigma * sigma);
  const cut = 9 * sigma * sigma;
  for (let i = 0; i < nv; i++) {
    if (rig.headWeight[i] === 0) continue;
    const ex = rig.rest[i * 2]! - cx;
    const ey = rig.rest[i * 2 + 1]! - cy;
    const r2 = ex * ex + ey * ey;
    if (r2 > cut) continue;
    const w = Math.exp(-r2 * inv);
    dx[i]! += mx * w;
    dy[i]! += my * w;
  }
}

/**
 * Jaw opening (plus the lip parting of a funnel): everything below the lip seam moves down along the
 * face's down axis. Inside the mouth the lower lip drops rigidly with the jaw (the seam opens: the
 * thin triangles between the inner lips stretch); outside it the drop builds up continuously from
 * the seam line towards the chin, so the cheeks stretch rather than tear. The upper lip lifts a
 * little. Per column the map along v is monotone (no folds) except across the seam, which opens.
 * Under hair that hides the lips the seam is the hair's lower edge, cut into the mesh there
 * (coverSeamPoints): the hair and the lips under it stay with the upper face.
 */
function applyJaw(c: RigCache, rig: Rig, drop: number, lipOnly: number, smileHold: number, dx: Float64Array, dy: Float64Array): void {
  if (drop <= 0 && lipOnly <= 0) return;
  const m = c.mouth;
  const mw = c.mouthW;
  const n = rig.rest.length / 2;
  const jawSigma = 0.8 * mw;
  // From the seam to the chin (under hair, the seam is the hair's edge, nearer the chin).
  const span = Math.max(1, m.chinV - m.cover);
  const ramp = 0.85 * span;
  const neckFall = 1.0 * m.chinV;
  // Hair over the lips hides the upper lip and the lip parting (a funnel) alike.
  const upLift = m.cover > 0 ? 0 : 0.18 * drop + 0.5 * lipOnly;
  const lipOnlyHere = m.cover > 0 ? 0 : lipOnly;
  for (let i = 0; i < n; i++) {
    const w = rig.headWeight[i]!;
    if (w === 0) continue;
    const x = rig.rest[i * 2]! - m.ox;
    const y = rig.rest[i * 2 + 1]! - m.oy;
    const u = x * c.fx + y * c.fy;
    if (Math.abs(u) > 3.5 * mw) continue;
    let v = x * c.gx + y * c.gy - interp(m.seamU, m.seamV, u);
    // Sides are geometric (a per-column monotone map cannot fold, even where the detector put the
    // inner lips crossed); the inner-lip landmarks only break ties on the seam itself.
    const forced = m.side.get(i);
    if (forced !== undefined && Math.abs(v) < 1e-3) v = forced * 1e-3;
    const q = (u - m.partC) / m.partHalfW;
    const lip = q >= 1 || q <= -1 ? 0 : Math.pow(1 - q * q, 0.75);
    let d: number;
    if (v > 0) {
      const jaw = Math.exp(-0.5 * (u / jawSigma) ** 2);
      const r = smooth01(v / ramp);
      const below = jaw * r + lip * (1 - r);
      const fall = 1 - smooth01((v - span) / neckFall);
      const lipPart = lip * (1 - smooth01(v / (1.6 * m.lowerLipH)));
      d = drop * below * fall + lipOnlyHere * lipPart;
    } else {
      d = -upLift * lip * (1 - smooth01(-v / (1.8 * m.upperLipH)));
    }
    // An opening mouth draws its corners down and in (left where they were, the parted lips curve
    // up at the ends and read as a smile: the re-detector saw more smile than jaw on the Mona Lisa).
    // Smooth across the seam, so it moves the corner without opening it, and nothing at the middle.
    // A smile holds the corners up (smileHold, 0-1: SMILE_HOLDS_CORNERS).
    let inward = 0;
    if (m.cover === 0 && drop > 0 && smileHold < 1) {
      const a = Math.abs(u - m.cornerC);
      const b = m.cornerHalfW;
      const along = a <= b ? smooth01((a - 0.3 * b) / (0.7 * b)) : Math.exp(-0.5 * ((a - b) / (0.22 * mw)) ** 2);
      const k = drop * (1 - smileHold) * along * Math.exp(-0.5 * (v / (0.3 * mw)) ** 2);
      d += JAW_CORNER_DOWN * k;
      inward = -Math.sign(u - m.cornerC) * JAW_CORNER_IN * k;
    }
    if (d === 0) continue;
    dx[i]! += w * (d * c.gx + inward * c.fx);
    dy[i]! += w * (d * c.gy + inward * c.fy);
  }
}

/**
 * Brows: inner, middle and outer brow heights (positive = up, in eye widths); browDown also draws
 * the inner brow towards the nose. The forehead above follows broadly, the upper lid below only a
 * little (steep falloff), so the eye itself barely changes.
 */
function applyBrow(b: BrowFrame, inner: number, mid: number, outer: number, inward: number, rig: Rig, dx: Float64Array, dy: Float64Array): void {
  if (inner === 0 && mid === 0 && outer === 0 && inward === 0) return;
  const e = b.eye;
  const W = e.width;
  const n = rig.rest.length / 2;
  const sUp = 1.0 * W;
  const sDown = 0.3 * W;
  const sSide = 0.45 * W;
  const lo = Math.min(b.uInner, b.uOuter);
  const hi = Math.max(b.uInner, b.uOuter);
  // Amplitude along u: piecewise linear inner -> mid -> outer, decaying beyond the ends.
  const amp = (u: number, aIn: number, aMid: number, aOut: number): number => {
    const t = (u - b.uInner) / (b.uOuter - b.uInner || 1); // 0 inner .. 1 outer
    if (t <= 0) return aIn;
    if (t >= 1) return aOut;
    return t < 0.5 ? aIn + (aMid - aIn) * (t / 0.5) : aMid + (aOut - aMid) * ((t - 0.5) / 0.5);
  };
  const inwardSign = b.uInner < b.uOuter ? -1 : 1; // towards the nose along u
  for (let i = 0; i < n; i++) {
    const w = rig.headWeight[i]!;
    if (w === 0) continue;
    const x = rig.rest[i * 2]! - e.ox;
    const y = rig.rest[i * 2 + 1]! - e.oy;
    const u = x * e.ux + y * e.uy;
    const outside = u < lo ? lo - u : u > hi ? u - hi : 0;
    if (outside > 3 * sSide) continue;
    const v = x * e.vx + y * e.vy;
    const dv = v - interp(b.lineU, b.lineV, u);
    const s = dv < 0 ? sUp : sDown;
    if (Math.abs(dv) > 3.5 * s) continue;
    const wt = w * Math.exp(-0.5 * (dv / s) ** 2) * Math.exp(-0.5 * (outside / sSide) ** 2);
    const up = amp(u, inner, mid, outer) * W * wt;
    const side = inward * W * wt * (1 - Math.min(1, Math.max(0, (u - b.uInner) / (b.uOuter - b.uInner || 1))));
    // v points down in the eye frame: "up" is -v.
    dx[i]! += -up * e.vx + inwardSign * side * e.ux;
    dy[i]! += -up * e.vy + inwardSign * side * e.uy;
  }
}

/**
 * Posed vertex positions (source pixels, layout of rig.rest) for pose parameters p.
 * Expressions are applied in 2D on the rest shape, then the head is rotated in 3D about the head
 * centre (orthographic projection) and blended by each vertex's head weight. With all parameters
 * 0 the result equals rig.rest exactly. Motion is scaled back if any triangle would flip.
 */
export function poseRig(rig: Rig, p: PoseParams, out?: Float32Array): Float32Array {
  const n2 = rig.rest.length;
  const nv = n2 / 2;
  const pos = out && out.length === n2 ? out : new Float32Array(n2);
  const c = getCache(rig);
  const dx = c.exprX;
  const dy = c.exprY;
  dx.fill(0);
  dy.fill(0);

  const rest = rig.rest;
  // Expressions group by group, each scaled back only as far as it would fold the mesh given the
  // groups before it (thin triangles around the lids and lips).
  const nTri = c.restArea2.length;
  const ex = c.posX;
  const ey = c.posY;
  const gx = c.headX;
  const gy = c.headY;
  const tx2 = c.posX2;
  const ty2 = c.posY2;
  for (let i = 0; i < nv; i++) {
    ex[i] = rest[i * 2]!;
    ey[i] = rest[i * 2 + 1]!;
  }
  for (const part of PARTS) {
    gx.fill(0);
    gy.fill(0);
    expressionOffsets(rig, c, p, gx, gy, part);
    let any = false;
    for (let i = 0; i < nv; i++) {
      if (gx[i] !== 0 || gy[i] !== 0) any = true;
      tx2[i] = ex[i]! + gx[i]!;
      ty2[i] = ey[i]! + gy[i]!;
    }
    if (!any) continue;
    const k = maxSafeFraction(rig.indices, nTri, c.restArea2, ex, ey, tx2, ty2);
    for (let i = 0; i < nv; i++) {
      dx[i]! += k * gx[i]!;
      dy[i]! += k * gy[i]!;
      ex[i] = rest[i * 2]! + dx[i]!;
      ey[i] = rest[i * 2 + 1]! + dy[i]!;
    }
  }

  // Head: R - I applied to (v - pivot), so a zero pose gives an exactly zero displacement.
  const { yaw, pitch, roll } = p;
  const cyw = Math.cos(yaw), syw = Math.sin(yaw);
  const cp = Math.cos(pitch), sp = Math.sin(pitch);
  const cr = Math.cos(roll), sr = Math.sin(roll);
  // R = Rz(roll) * Ry(yaw) * Rx(pitch); y down, z away from the viewer.
  // Rx: [1,0,0; 0,cp,-sp; 0,sp,cp]   Ry: [cyw,0,syw; 0,1,0; -syw,0,cyw]   Rz: [cr,-sr,0; sr,cr,0; 0,0,1]
  const r00 = cr * cyw, r01 = cr * syw * sp - sr * cp, r02 = cr * syw * cp + sr * sp;
  const r10 = sr * cyw, r11 = sr * syw * sp + cr * cp, r12 = sr * syw * cp - cr * sp;
  const m00 = r00 - 1, m11 = r11 - 1;
  const h = c.head;
  const tx = (Number.isFinite(p.tx) ? p.tx : 0) * h.faceW;
  const ty = (Number.isFinite(p.ty) ? p.ty : 0) * h.faceH;
  const hxs = c.headX;
  const hys = c.headY;
  for (let i = 0; i < nv; i++) {
    const w = rig.headWeight[i]!;
    if (w > 0) {
      const vx = ex[i]! - h.cx;
      const vy = ey[i]! - h.cy;
      const vz = rig.depth[i]! - h.cz;
      hxs[i] = w * (m00 * vx + r01 * vy + r02 * vz + tx);
      hys[i] = w * (r10 * vx + m11 * vy + r12 * vz + ty);
    } else {
      hxs[i] = 0;
      hys[i] = 0;
    }
  }
  // The head motion on top of the expression: also kept from folding anything (rarely needed).
  for (let i = 0; i < nv; i++) {
    c.posX2[i] = ex[i]! + hxs[i]!;
    c.posY2[i] = ey[i]! + hys[i]!;
  }
  const kHead = maxSafeFraction(rig.indices, nTri, c.restArea2, ex, ey, c.posX2, c.posY2);
  for (let i = 0; i < nv; i++) {
    pos[i * 2] = rest[i * 2]! + (dx[i]! + kHead * hxs[i]!);
    pos[i * 2 + 1] = rest[i * 2 + 1]! + (dy[i]! + kHead * hys[i]!);
  }
  // Followers: carried by their rest triangle (as offsets, so that a rest pose stays exact).
  for (const f of c.followers) {
    let sx = 0, sy = 0;
    for (let k = 0; k < 3; k++) {
      const j = f.nbr[k]!;
      sx += f.w[k]! * (pos[j * 2]! - rest[j * 2]!);
      sy += f.w[k]! * (pos[j * 2 + 1]! - rest[j * 2 + 1]!);
    }
    pos[f.i * 2] = rest[f.i * 2]! + sx;
    pos[f.i * 2 + 1] = rest[f.i * 2 + 1]! + sy;
  }
  return pos;
}


/** Expression groups, each kept from folding on its own (a limited blink must not shrink the jaw). */
const PART_BLINK_LEFT = 1;
const PART_BLINK_RIGHT = 2;
const PART_MOUTH = 4;
const PART_BROWS = 8;
const ALL_PARTS = 15;
const PARTS = [PART_MOUTH, PART_BROWS, PART_BLINK_LEFT, PART_BLINK_RIGHT];

/** Raw expression displacements (before the fold guard) of every vertex, added into dx, dy. */
function expressionOffsets(rig: Rig, c: RigCache, p: PoseParams, dx: Float64Array, dy: Float64Array, parts = ALL_PARTS): void {
  const nv = rig.rest.length / 2;
  // Expressions (2D, on the rest shape).
  if (parts & PART_BLINK_LEFT) applyBlink(c.eyes.left, expr(p, 'eyeBlinkLeft'), rig, dx, dy);
  if (parts & PART_BLINK_RIGHT) applyBlink(c.eyes.right, expr(p, 'eyeBlinkRight'), rig, dx, dy);
  const mw = c.mouthW;
  if (parts & PART_MOUTH) {
    const smileR = smileTravel(expr(p, 'mouthSmileRight'));
    const smileL = smileTravel(expr(p, 'mouthSmileLeft'));
    if (smileR > 0 || smileL > 0) {
      const sx = c.smileX.fill(0);
      const sy = c.smileY.fill(0);
      const smileCorner = (corner: number, outward: number, s: number) => {
        if (s <= 0) return;
        const [x, y] = lm(rig, corner);
        // Out along the face's right axis (sign gives the side) and up (against the down axis).
        const mx = s * mw * (SMILE_OUT * outward * c.fx - SMILE_UP * c.gx);
        const my = s * mw * (SMILE_OUT * outward * c.fy - SMILE_UP * c.gy);
        gaussianPush(rig, nv, x, y, 0.32 * mw, mx, my, sx, sy);
      };
      smileCorner(MOUTH_CORNER_RIGHT, -1, smileR);
      smileCorner(MOUTH_CORNER_LEFT, 1, smileL);
      const cheek = (idx: number, s: number) => {
        if (s <= 0) return;
        const [x, y] = lm(rig, idx);
        gaussianPush(rig, nv, x, y, 0.4 * mw, -s * mw * 0.035 * c.gx, -s * mw * 0.035 * c.gy, sx, sy);
      };
      cheek(CHEEK_RIGHT, smileR);
      cheek(CHEEK_LEFT, smileL);
      const keep = c.smileKeep;
      for (let i = 0; i < nv; i++) {
        dx[i] = dx[i]! + keep[i]! * sx[i]!;
        dy[i] = dy[i]! + keep[i]! * sy[i]!;
      }
    }

    // Pucker / funnel: the mouth corners draw in towards the centre; a funnel also parts the lips.
    const pucker = expr(p, 'mouthPucker');
    const funnel = expr(p, 'mouthFunnel');
    const narrow = (0.1 * pucker + 0.07 * funnel) * mw;
    if (narrow > 0) {
      for (const [corner, outward] of [[MOUTH_CORNER_RIGHT, -1], [MOUTH_CORNER_LEFT, 1]] as const) {
        const [x, y] = lm(rig, corner);
        gaussianPush(rig, nv, x, y, 0.28 * mw, -outward * narrow * c.fx, -outward * narrow * c.fy, dx, dy);
      }
    }
    // Jaw (the opening between the lips is drawn as a cavity by the renderers, see mouth.ts).
    const smileHold = Math.min(1, (expr(p, 'mouthSmileLeft') + expr(p, 'mouthSmileRight')) / 2 / SMILE_HOLDS_CORNERS);
    applyJaw(c, rig, jawTravel(expr(p, 'jawOpen')) * JAW_DROP * mw, funnel * 0.06 * mw, smileHold, dx, dy);
  }

  if (parts & PART_BROWS) {
    // Brows (heights in eye widths).
    const bIn = expr(p, 'browInnerUp');
    for (const [b, up, down] of [
      [c.brows.left, expr(p, 'browOuterUpLeft'), expr(p, 'browDownLeft')],
      [c.brows.right, expr(p, 'browOuterUpRight'), expr(p, 'browDownRight')],
    ] as const) {
      applyBrow(
        b,
        BROW_LIFT * (bIn - 0.7 * down + 0.15 * up),
        BROW_LIFT * (0.55 * bIn + 0.6 * up - 0.6 * down),
        BROW_LIFT * (0.15 * bIn + up - 0.35 * down),
        0.06 * down,
        rig,
        dx,
        dy,
      );
    }
  }

  // Gaze moves no vertex: the iris is redrawn as a disc inside the eye opening (eyes.ts).
  settleFollowers(c.followers, dx, dy);
}

/** Expression displacements before the fold guard (source px, x,y pairs): for tests and diagnostics. */
export function rawExpressionOffsets(rig: Rig, p: PoseParams): Float64Array {
  const c = getCache(rig);
  const nv = rig.rest.length / 2;
  const dx = new Float64Array(nv);
  const dy = new Float64Array(nv);
  expressionOffsets(rig, c, p, dx, dy);
  const out = new Float64Array(nv * 2);
  for (let i = 0; i < nv; i++) {
    out[i * 2] = dx[i]!;
    out[i * 2 + 1] = dy[i]!;
  }
  return out;
}

/**
 * Jaw drop at jawOpen = 1, in mouth widths: a wide-open mouth, as in MediaPipe's own scale (at 0.35
 * the re-detector read jawOpen 0.5 as about 0.01-0.15). The opening shows the mouth cavity (mouth.ts).
 */
const JAW_DROP = 0.55;
/** How far the mouth corners follow an opening jaw, down and inwards, as fractions of the lower lip's drop. */
const JAW_CORNER_DOWN = 0.3;
const JAW_CORNER_IN = 0.1;
/**
 * A smile of at least this holds the corners where it put them while the jaw opens (a lighter one
 * in proportion): a person who talks while smiling keeps the corners up. Pulled down regardless, an
 * open smile read as no smile (Vigée Le Brun: 0.01 at smile 0.4 and jaw 0.5; the drive round trip's
 * smile 0.75 on average over the 12 portraits, 0.85 with the hold). Holding fully from a smile of
 * 0.5 read Aristotle's "Talk" as a nod (pitch r 0.70 -> 0.38); in proportion up to 1, 0.58.
 */
const SMILE_HOLDS_CORNERS = 1;
/**
 * Mouth-corner travel at mouthSmile* = 1, in mouth widths: out along the face and up. (A full
 * smile widens the mouth by a fifth or more; at 0.075 / 0.06 the re-detector barely saw it, and at
 * 0.11 / 0.10 a full "Smile" was hard to see and read as mouthSmile 0.0-0.25 on 9 of 12 portraits;
 * at 0.16 / 0.16 it reads 0.1-0.8, median 0.4, and still looks like the sitter's own smile.)
 */
const SMILE_OUT = 0.16;
const SMILE_UP = 0.16;
/**
 * Corner travel (0-1) for a mouthSmile value: concave, so that a light smile shows. MediaPipe's
 * scale, which the parameter is named after, reads nothing until the corners have travelled far:
 * with travel proportional to the value, 0.5 read 0.00-0.18 on 8 of 12 portraits and 1 read 0.2-0.7.
 */
function smileTravel(s: number): number {
  return concaveTravel(s, SMILE_BEND);
}
const SMILE_BEND = 0.5;
/** v(1+b)/(v+b): 0 at 0, 1 at 1, steeper near 0 the smaller the bend b. */
function concaveTravel(v: number, bend: number): number {
  return v <= 0 ? 0 : (v * (1 + bend)) / (v + bend);
}
/**
 * Jaw travel (0-1 of JAW_DROP) for a jawOpen value: gently concave, for the same reason as the
 * smile. MediaPipe's jawOpen reads nothing until the lips are well apart (the Mona Lisa: 0.007 at
 * 0.3 with the lips 13 px apart at 256 px, 0.06 at 0.5), so with travel proportional to the value
 * the lighter syllables of "Talk" did not register at all and the jaw curve re-detected at r 0.71;
 * at bend 2 (0.25 travels 0.33, 0.5 travels 0.6) r 0.78, at bend 1 r 0.81 but the larger motion
 * is under-read as every large motion is (motion AKD +0.12 against +0.07) and more of it reads as a nod.
 */
export function jawTravel(j: number): number {
  return concaveTravel(j, JAW_BEND);
}
/** The jawOpen value whose travel is `t` (0-1): jawTravel's inverse. */
export function jawOpenForTravel(t: number): number {
  const u = Math.min(1, Math.max(0, t));
  return (u * JAW_BEND) / (1 + JAW_BEND - u);
}
const JAW_BEND = 2;
/** Brow lift at 1, in eye widths. */
const BROW_LIFT = 0.22;
/** Smallest fraction of its rest area a triangle may keep before the motion is scaled back. */
const MIN_AREA_FRACTION = 0.002;

/**
 * Largest k in [0, 1] (times a small margin) such that moving every vertex from `from` towards `to`
 * by fraction k keeps every triangle above MIN_AREA_FRACTION of its rest area. Exact per triangle:
 * the area is quadratic in k.
 */
function maxSafeFraction(
  idx: Uint32Array,
  nTri: number,
  restArea2: Float64Array,
  fx: ArrayLike<number>,
  fy: ArrayLike<number>,
  tx: ArrayLike<number>,
  ty: ArrayLike<number>,
): number {
  let kMax = 1;
  for (let t = 0; t < nTri; t++) {
    const ia = idx[t * 3]!, ib = idx[t * 3 + 1]!, ic = idx[t * 3 + 2]!;
    const e1x = fx[ib]! - fx[ia]!, e1y = fy[ib]! - fy[ia]!;
    const e2x = fx[ic]! - fx[ia]!, e2y = fy[ic]! - fy[ia]!;
    const a0 = e1x * e2y - e1y * e2x;
    const lim = Math.min(MIN_AREA_FRACTION * restArea2[t]!, 0.5 * a0);
    const g1x = tx[ib]! - tx[ia]!, g1y = ty[ib]! - ty[ia]!;
    const g2x = tx[ic]! - tx[ia]!, g2y = ty[ic]! - ty[ia]!;
    if (g1x * g2y - g1y * g2x >= lim) continue;
    // area(k) = a0 + B k + C k^2
    const f1x = g1x - e1x, f1y = g1y - e1y;
    const f2x = g2x - e2x, f2y = g2y - e2y;
    const B = e1x * f2y + f1x * e2y - e1y * f2x - f1y * e2x;
    const C = f1x * f2y - f1y * f2x;
    const A0 = a0 - lim;
    let k = 1;
    if (A0 <= 0) k = 0;
    else if (Math.abs(C) < 1e-12) {
      if (B < 0) k = -A0 / B;
    } else {
      const disc = B * B - 4 * C * A0;
      if (disc >= 0) {
        const sq = Math.sqrt(disc);
        const r1 = (-B - sq) / (2 * C);
        const r2 = (-B + sq) / (2 * C);
        const lo = Math.min(r1, r2);
        const hi = Math.max(r1, r2);
        k = lo > 0 ? lo : hi > 0 ? hi : 1;
      }
    }
    if (k < kMax) kMax = Math.max(0, k);
  }
  return kMax >= 1 ? 1 : kMax * 0.98;
}

/** Number of triangles whose signed area is <= 0 (flipped or collapsed) for these positions. */
export function countFlippedTriangles(rig: Rig, positions: ArrayLike<number>): number {
  const nTri = rig.indices.length / 3;
  let flipped = 0;
  for (let t = 0; t < nTri; t++) if (!(triangleArea2(rig.indices, positions, t) > 0)) flipped++;
  return flipped;
}
