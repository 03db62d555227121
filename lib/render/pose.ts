import type { ExpressionName, PoseParams, Rig } from './types';
import { headFrame, triangleArea2, type HeadFrame } from './mesh';
import {
  CHEEK_LEFT,
  CHEEK_RIGHT,
  LEFT_EYE,
  MOUTH_CORNER_LEFT,
  MOUTH_CORNER_RIGHT,
  RIGHT_EYE,
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
  restArea2: Float64Array;
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
}

const cache = new WeakMap<Rig, RigCache>();

function lm(rig: Rig, i: number): [number, number] {
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

function getCache(rig: Rig): RigCache {
  let c = cache.get(rig);
  if (c) return c;
  const head = headFrame(rig.face);
  const left = eyeFrame(rig, LEFT_EYE);
  const right = eyeFrame(rig, RIGHT_EYE);
  // Face axes from the outer eye corners (subject right 33 -> subject left 263 is image-right when upright).
  const [rx, ry] = lm(rig, RIGHT_EYE.cornerA);
  const [lx, ly] = lm(rig, LEFT_EYE.cornerB);
  let fx = lx - rx;
  let fy = ly - ry;
  const fl = Math.hypot(fx, fy) || 1;
  fx /= fl;
  fy /= fl;
  const [m1x, m1y] = lm(rig, MOUTH_CORNER_RIGHT);
  const [m2x, m2y] = lm(rig, MOUTH_CORNER_LEFT);
  const mouthW = Math.max(1, Math.hypot(m2x - m1x, m2y - m1y));
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
    restArea2,
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
  };
  cache.set(rig, c);
  return c;
}

function expr(p: PoseParams, name: ExpressionName): number {
  const v = p.expressions[name];
  return v === undefined || !Number.isFinite(v) ? 0 : Math.min(1, Math.max(0, v));
}

/**
 * Blink as a monotone per-column map along the eye's v axis: the band between the lids collapses to
 * a thin line just above the lower lid, the skin above the upper lid stretches down over the eye.
 * A continuous map (u, v) -> (u, f_u(v)) with f_u increasing cannot fold; the piecewise-linear
 * mesh still can pinch thin triangles (corners, iris points past the lids), which poseRig clamps.
 * Background vertices (head weight 0) are never moved.
 */
function applyBlink(e: EyeFrame, amount: number, rig: Rig, dx: Float64Array, dy: Float64Array): void {
  if (amount <= 0) return;
  const a = 0.42 * e.width; // band above the upper lid that stretches
  const b = 0.25 * e.width; // band below the lower lid that compresses slightly
  const reach = 0.75 * e.width;
  const uMin = e.upperU[0]! - 0.05 * e.width;
  const uMax = e.upperU[e.upperU.length - 1]! + 0.05 * e.width;
  const n = rig.rest.length / 2;
  const span = Math.max(1e-6, e.upperU[e.upperU.length - 1]! - e.upperU[0]!);
  for (let i = 0; i < n; i++) {
    if (rig.headWeight[i] === 0) continue;
    const x = rig.rest[i * 2]! - e.ox;
    const y = rig.rest[i * 2 + 1]! - e.oy;
    const u = x * e.ux + y * e.uy;
    if (u < uMin || u > uMax) continue;
    const v = x * e.vx + y * e.vy;
    if (v < -reach || v > reach) continue;
    const U = interp(e.upperU, e.upperV, u);
    const Lw = Math.max(U, interp(e.lowerU, e.lowerV, u));
    const g = Lw - U;
    const Cl = Lw - 0.15 * g;
    const Cu = Cl - 0.1 * g;
    let f: number;
    if (v <= U - a || v >= Lw + b) continue;
    else if (v < U) f = U - a + ((v - (U - a)) * (Cu - (U - a))) / a;
    else if (v < Lw) f = g > 1e-6 ? Cu + ((v - U) * (Cl - Cu)) / g : Cu;
    else f = Cl + ((v - Lw) * (Lw + b - Cl)) / b;
    // Taper towards the corners: the lids meet there anyway, and a hard edge would fold the thin
    // triangles that fan out from the corner landmarks.
    const sN = (u - e.upperU[0]!) / span;
    const taper = smooth01(sN / 0.3) * smooth01((1 - sN) / 0.3);
    const d = amount * taper * (f - v);
    dx[i]! += d * e.vx;
    dy[i]! += d * e.vy;
  }
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

  // Expressions (2D, on the rest shape).
  applyBlink(c.eyes.left, expr(p, 'eyeBlinkLeft'), rig, dx, dy);
  applyBlink(c.eyes.right, expr(p, 'eyeBlinkRight'), rig, dx, dy);
  const mw = c.mouthW;
  const smileCorner = (corner: number, outward: number, s: number) => {
    if (s <= 0) return;
    const [x, y] = lm(rig, corner);
    // Out along the face's right axis (sign gives the side) and up (against the down axis).
    const mx = s * mw * (0.075 * outward * c.fx - 0.06 * c.gx);
    const my = s * mw * (0.075 * outward * c.fy - 0.06 * c.gy);
    gaussianPush(rig, nv, x, y, 0.3 * mw, mx, my, dx, dy);
  };
  const smileR = expr(p, 'mouthSmileRight');
  const smileL = expr(p, 'mouthSmileLeft');
  smileCorner(MOUTH_CORNER_RIGHT, -1, smileR);
  smileCorner(MOUTH_CORNER_LEFT, 1, smileL);
  const cheek = (idx: number, s: number) => {
    if (s <= 0) return;
    const [x, y] = lm(rig, idx);
    gaussianPush(rig, nv, x, y, 0.4 * mw, -s * mw * 0.035 * c.gx, -s * mw * 0.035 * c.gy, dx, dy);
  };
  cheek(CHEEK_RIGHT, smileR);
  cheek(CHEEK_LEFT, smileL);

  const rest = rig.rest;
  // Keep expressions from folding the mesh (thin triangles around the lids in 3/4 views).
  const nTri = c.restArea2.length;
  const ex = c.posX;
  const ey = c.posY;
  for (let i = 0; i < nv; i++) {
    ex[i] = rest[i * 2]! + dx[i]!;
    ey[i] = rest[i * 2 + 1]! + dy[i]!;
  }
  const kExpr = maxSafeFraction(rig.indices, nTri, c.restArea2, c.restX, c.restY, ex, ey);
  if (kExpr < 1) {
    for (let i = 0; i < nv; i++) {
      dx[i]! *= kExpr;
      dy[i]! *= kExpr;
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
  return pos;
}

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
