// Gaze. The iris is moved as a disc inside the eye opening instead of by moving mesh vertices
// (which stretched the sclera around it): where a pixel of the warped image shows the eye (its
// source point lies inside the rest eye opening), the renderer draws the iris from its rest position
// shifted back by the gaze offset, and the part of the rest iris that the move uncovers is filled
// with this eye's own sclera (sampled beside the iris, mirrored across its rim). Everything is
// clipped to the rest lid contour with a soft, anti-aliased edge: the iris never draws over skin and
// its samples are always taken from inside the opening. Geometry is in the eye's frame (u along
// the eye from corner A to corner B, v down), in source px. The same maths runs in WGSL (shaders.ts,
// EYES_WGSL inside MESH_WGSL) and on the CPU (shadeEyePixel, via rasterizeMesh's `post`).
import type { ExpressionName, PoseParams, Rig } from './types';
import { EYES, eyeAxes, type EyeAxes } from './lids';
import { irisCentreOf, type EyeIndices } from './landmarks';
import { sampleBilinear, type PixelPost, type RgbaImage } from './raster';

/** Iris travel at eyeLook* = 1, in eye widths (along the eye, and across it). */
export const GAZE_H = 0.16;
export const GAZE_V = 0.07;
/** Lid contour samples per eye (upper and lower, evenly spaced along u). */
export const LID_SAMPLES = 16;
/** vec4 slots per eye in the uniform block: 4 of frame / iris / gaze, then the lid samples. */
export const EYE_SLOTS = 4 + LID_SAMPLES / 2;
/** Floats of the whole eyes uniform block (both eyes). */
export const EYES_UNIFORM_FLOATS = EYES.length * EYE_SLOTS * 4;
/** The iris disc drawn is the landmarks' iris ellipse enlarged by this (to take the limbus along). */
const IRIS_GROW = 1.2;

/** Static geometry of one eye (rest shape), in source px. */
export interface EyeGeometry extends EyeAxes {
  /** The iris centre landmark (468 or 473; 1-4 after it are its ring). */
  iris: number;
  /** Iris centre (eye frame) and half axes along u and v. */
  cu: number;
  cv: number;
  ru: number;
  rv: number;
  /** u of the first lid sample and the spacing. */
  u0: number;
  du: number;
  upper: Float64Array;
  lower: Float64Array;
}

const geoCache = new WeakMap<Rig, EyeGeometry[]>();

function interpSorted(us: number[], vs: number[], u: number): number {
  const n = us.length;
  if (u <= us[0]!) return vs[0]!;
  if (u >= us[n - 1]!) return vs[n - 1]!;
  for (let i = 1; i < n; i++) {
    if (u <= us[i]!) {
      const span = us[i]! - us[i - 1]!;
      const f = span > 0 ? (u - us[i - 1]!) / span : 0;
      return vs[i - 1]! + (vs[i]! - vs[i - 1]!) * f;
    }
  }
  return vs[n - 1]!;
}

function geometryOf(L: ArrayLike<number>, e: EyeIndices): EyeGeometry {
  const { ox, oy, ux, uy, vx, vy, width } = eyeAxes(L, e);
  const local = (i: number): [number, number] => {
    const x = L[i * 3]! - ox, y = L[i * 3 + 1]! - oy;
    return [x * ux + y * uy, x * vx + y * vy];
  };
  const curve = (ids: readonly number[]) => {
    const pts = [e.cornerA, ...ids, e.cornerB].map(local).sort((p, q) => p[0] - q[0]);
    return { u: pts.map((p) => p[0]), v: pts.map((p) => p[1]) };
  };
  const up = curve(e.upper);
  const lo = curve(e.lower);
  const uMin = Math.min(up.u[0]!, lo.u[0]!);
  const uMax = Math.max(up.u[up.u.length - 1]!, lo.u[lo.u.length - 1]!);
  const du = (uMax - uMin) / (LID_SAMPLES - 1);
  const upper = new Float64Array(LID_SAMPLES);
  const lower = new Float64Array(LID_SAMPLES);
  for (let k = 0; k < LID_SAMPLES; k++) {
    const u = uMin + k * du;
    upper[k] = interpSorted(up.u, up.v, u);
    lower[k] = Math.max(upper[k]!, interpSorted(lo.u, lo.v, u));
  }
  // Iris: this eye's iris centre; its ring (centre + 1..4) gives the half axes.
  const best = irisCentreOf(L, e);
  const [cu, cv] = local(best);
  let ru = 0, rv = 0;
  for (let k = 1; k <= 4; k++) {
    const [pu, pv] = local(best + k);
    ru = Math.max(ru, Math.abs(pu - cu));
    rv = Math.max(rv, Math.abs(pv - cv));
  }
  const r = Math.max(ru, rv, 0.08 * width);
  // A flattened ring (eyelid-covered or noisy detection) still describes a round iris in a face
  // seen from the front: keep the axes within 1:1.6 of each other.
  ru = Math.max(ru, r / 1.6) * IRIS_GROW;
  rv = Math.max(rv, r / 1.6) * IRIS_GROW;
  return { ox, oy, ux, uy, vx, vy, width, iris: best, cu, cv, ru, rv, u0: uMin, du, upper, lower };
}

/** Rest geometry of both eyes (EYES order), cached per rig. */
export function eyeGeometry(rig: Rig): EyeGeometry[] {
  let g = geoCache.get(rig);
  if (!g) {
    g = EYES.map((e) => geometryOf(rig.face.landmarks, e));
    geoCache.set(rig, g);
  }
  return g;
}

function expr(p: PoseParams | undefined, name: ExpressionName): number {
  const v = p?.expressions[name];
  return v === undefined || !Number.isFinite(v) ? 0 : Math.min(1, Math.max(0, v));
}

/**
 * Gaze offset of each eye's iris (EYES order) in its eye frame, source px: along u, along v. "In"
 * is towards the nose: +u for the subject's right eye (corner A is its outer corner), -u for the left.
 * Kept small enough that the disc stays within the eye.
 */
export function gazeOffsets(rig: Rig, p: PoseParams | undefined): Array<[number, number]> {
  const geo = eyeGeometry(rig);
  const sides = ['Right', 'Left'] as const;
  return geo.map((g, eye) => {
    const side = sides[eye]!;
    const inSign = side === 'Right' ? 1 : -1;
    let gu = GAZE_H * g.width * inSign * (expr(p, `eyeLook${side === 'Right' ? 'InRight' : 'InLeft'}`) - expr(p, `eyeLook${side === 'Right' ? 'OutRight' : 'OutLeft'}`));
    let gv = GAZE_V * g.width * (expr(p, side === 'Right' ? 'eyeLookDownRight' : 'eyeLookDownLeft') - expr(p, side === 'Right' ? 'eyeLookUpRight' : 'eyeLookUpLeft'));
    const maxU = Math.max(0, 0.5 * g.width - g.ru);
    gu = Math.max(-maxU, Math.min(maxU, gu));
    gv = Math.max(-g.rv, Math.min(g.rv, gv));
    return [gu, gv];
  });
}

/** Image-space shift (source px) of each iris (EYES order) for this pose: where the disc is drawn. */
export function irisShift(rig: Rig, p: PoseParams | undefined): Array<[number, number]> {
  const geo = eyeGeometry(rig);
  return gazeOffsets(rig, p).map(([gu, gv], eye) => {
    const g = geo[eye]!;
    return [gu * g.ux + gv * g.vx, gu * g.uy + gv * g.vy];
  });
}

/**
 * Fill the eyes uniform block (EYES_UNIFORM_FLOATS floats) for a pose; `px` = output px per source
 * px (the anti-aliasing edge is one output pixel wide). An eye whose gaze offset is zero is marked
 * inactive, so the rest pose draws exactly the source.
 */
export function eyeUniforms(rig: Rig, p: PoseParams | undefined, px: number, out: Float32Array<ArrayBuffer>): Float32Array<ArrayBuffer> {
  const geo = eyeGeometry(rig);
  const gaze = gazeOffsets(rig, p);
  out.fill(0);
  geo.forEach((g, eye) => {
    const o = eye * EYE_SLOTS * 4;
    const [gu, gv] = gaze[eye]!;
    const active = Math.hypot(gu, gv) > 1e-3 ? 1 : 0;
    out.set([g.ox, g.oy, g.ux, g.uy, g.vx, g.vy, g.u0, g.du, g.cu, g.cv, g.ru, g.rv, gu, gv, 1 / Math.max(1e-3, px), active], o);
    for (let k = 0; k < LID_SAMPLES; k++) {
      out[o + 16 + k * 2] = g.upper[k]!;
      out[o + 16 + k * 2 + 1] = g.lower[k]!;
    }
  });
  return out;
}

/** What to draw at one source point of one eye: weights and the source points to sample (source px). */
export interface EyeSample {
  /** Weight of the sclera fill, then of the moved iris (applied in that order, over the mesh colour). */
  sclera: number;
  iris: number;
  scleraX: number;
  scleraY: number;
  irisX: number;
  irisY: number;
}

/** Lid contour at u (eye frame): [upper v, lower v]; outside the sampled span the opening is empty. */
function lidAt(U: ArrayLike<number>, o: number, u: number): [number, number] {
  const u0 = U[o + 6]!, du = U[o + 7]!;
  const t = (u - u0) / du;
  if (!(t >= 0 && t <= LID_SAMPLES - 1)) return [1e9, -1e9];
  const k = Math.min(LID_SAMPLES - 2, Math.floor(t));
  const f = t - k;
  const b = o + 16 + k * 2;
  return [U[b]! + (U[b + 2]! - U[b]!) * f, U[b + 1]! + (U[b + 3]! - U[b + 1]!) * f];
}

function clamp01(x: number): number {
  return x <= 0 ? 0 : x >= 1 ? 1 : x;
}

/**
 * The gaze composite for source point (sx, sy) and eye `eye` from an eyes uniform block, or null
 * where it leaves the mesh colour alone. Mirrors EYES_WGSL's eyeShade (keep them in step).
 */
export function eyeSampleAt(U: ArrayLike<number>, eye: number, sx: number, sy: number): EyeSample | null {
  const o = eye * EYE_SLOTS * 4;
  if (!(U[o + 15]! > 0)) return null;
  const ox = U[o]!, oy = U[o + 1]!, ux = U[o + 2]!, uy = U[o + 3]!, vx = U[o + 4]!, vy = U[o + 5]!;
  const cu = U[o + 8]!, cv = U[o + 9]!, ru = U[o + 10]!, rv = U[o + 11]!;
  const gu = U[o + 12]!, gv = U[o + 13]!, edge = U[o + 14]!;
  const x = sx - ox, y = sy - oy;
  const u = x * ux + y * uy;
  const v = x * vx + y * vy;
  if (Math.abs(u - cu) > ru + Math.abs(gu) + 2 * edge || Math.abs(v - cv) > rv + Math.abs(gv) + 2 * edge) return null;
  const [up, lo] = lidAt(U, o, u);
  const open = clamp01(Math.min(v - up, lo - v) / edge + 0.5);
  if (!(open > 0)) return null;
  const rMin = Math.min(ru, rv);
  const qNew = Math.hypot((u - gu - cu) / ru, (v - gv - cv) / rv);
  const qOld = Math.hypot((u - cu) / ru, (v - cv) / rv);
  const cNew = clamp01(((1 - qNew) * rMin) / edge + 0.5);
  const cOld = clamp01(((1 - qOld) * rMin) / edge + 0.5);
  if (!(cNew > 0) && !(cOld > 0)) return null;
  // Sclera: mirrored across the rest iris's rim along u (towards the nearer side), kept inside the
  // opening.
  const side = u > cu ? 1 : u < cu ? -1 : gu > 0 ? -1 : 1;
  const hw = ru * Math.sqrt(Math.max(0, 1 - ((v - cv) / rv) ** 2));
  const u0 = U[o + 6]!, du = U[o + 7]!;
  const us = Math.min(u0 + (LID_SAMPLES - 1) * du - edge, Math.max(u0 + edge, cu + side * (2 * hw - Math.abs(u - cu) + 1.5 * edge)));
  const [sUp, sLo] = lidAt(U, o, us);
  const vs = sLo - sUp > 2 * edge ? Math.min(sLo - edge, Math.max(sUp + edge, v)) : 0.5 * (sUp + sLo);
  // Iris: from its rest position, shifted back by the gaze, kept inside the opening.
  const ui = u - gu;
  const [iUp, iLo] = lidAt(U, o, ui);
  const vi = iLo - iUp > edge ? Math.min(iLo - 0.5 * edge, Math.max(iUp + 0.5 * edge, v - gv)) : v - gv;
  return {
    sclera: open * cOld * (1 - cNew),
    iris: open * cNew,
    scleraX: ox + us * ux + vs * vx,
    scleraY: oy + us * uy + vs * vy,
    irisX: ox + ui * ux + vi * vx,
    irisY: oy + ui * uy + vi * vy,
  };
}

/** Whether any eye in this uniform block is active (else the renderers skip the composite). */
export function eyesActive(U: ArrayLike<number>): boolean {
  for (let eye = 0; eye < EYES.length; eye++) if (U[eye * EYE_SLOTS * 4 + 15]! > 0) return true;
  return false;
}

/**
 * Box (source px: x0, y0, x1, y1) outside which no eye composite can draw, for this uniform block;
 * null when no eye is active.
 */
export function eyesBox(U: ArrayLike<number>): [number, number, number, number] | null {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let eye = 0; eye < EYES.length; eye++) {
    const o = eye * EYE_SLOTS * 4;
    if (!(U[o + 15]! > 0)) continue;
    const ox = U[o]!, oy = U[o + 1]!, ux = U[o + 2]!, uy = U[o + 3]!, vx = U[o + 4]!, vy = U[o + 5]!;
    const cu = U[o + 8]!, cv = U[o + 9]!;
    const r = Math.max(U[o + 10]!, U[o + 11]!) + Math.hypot(U[o + 12]!, U[o + 13]!) + 3 * U[o + 14]!;
    const cx = ox + cu * ux + cv * vx, cy = oy + cu * uy + cv * vy;
    x0 = Math.min(x0, cx - r);
    y0 = Math.min(y0, cy - r);
    x1 = Math.max(x1, cx + r);
    y1 = Math.max(y1, cy + r);
  }
  return x0 <= x1 ? [x0, y0, x1, y1] : null;
}

/**
 * CPU fallback: the gaze composite as a rasterizeMesh post step over `src` (the image the mesh
 * samples; its texel space is the rig's source px scaled to src's size), or undefined when no eye
 * is active.
 */
export function eyePost(src: RgbaImage, rig: Pick<Rig, 'width' | 'height'>, U: Float32Array): PixelPost | undefined {
  const box = eyesBox(U);
  if (!box) return undefined;
  const kx = src.width / rig.width, ky = src.height / rig.height;
  const a = [0, 0, 0];
  const b = [0, 0, 0];
  return {
    box: [box[0] * kx, box[1] * ky, box[2] * kx, box[3] * ky],
    fn(D, o, tx, ty) {
      for (let eye = 0; eye < EYES.length; eye++) {
        const e = eyeSampleAt(U, eye, tx / kx, ty / ky);
        if (!e) continue;
        if (e.sclera > 0) {
          sampleBilinear(src, e.scleraX * kx, e.scleraY * ky, a);
          for (let k = 0; k < 3; k++) D[o + k] = D[o + k]! + (a[k]! - D[o + k]!) * e.sclera;
        }
        if (e.iris > 0) {
          sampleBilinear(src, e.irisX * kx, e.irisY * ky, b);
          for (let k = 0; k < 3; k++) D[o + k] = D[o + k]! + (b[k]! - D[o + k]!) * e.iris;
        }
      }
    },
  };
}
