import Delaunator from 'delaunator';
import { LANDMARK_COUNT, type Face } from '../face/types';
import type { Rig } from './types';
import { coverSeamPoints, rawExpressionOffsets } from './pose';
import { mouthCover, type FaceImage } from './mouth-cover';
import { CHEEK_EXTREME_LEFT, CHEEK_EXTREME_RIGHT, CHIN, FACE_OVAL, FOREHEAD_TOP, INNER_LIP_UPPER, LEFT_EYE, RIGHT_EYE } from './landmarks';

/**
 * Rings around the head, as scale factors of the face oval about its centre, and how strongly
 * each follows the head. The last ring is background (weight 0) and anchors the falloff.
 */
export const HEAD_RINGS: ReadonlyArray<{ scale: number; weight: number; step: number }> = [
  { scale: 1.14, weight: 1, step: 1 },
  { scale: 1.38, weight: 0.8, step: 1 },
  { scale: 1.72, weight: 0.4, step: 2 },
  { scale: 2.2, weight: 0.1, step: 2 },
  { scale: 2.8, weight: 0, step: 3 },
];

export interface RigLayout {
  /** Vertex index range of the landmarks: [0, LANDMARK_COUNT). */
  landmarkCount: number;
  /** Index of the first ring vertex and of the first border vertex. */
  ringStart: number;
  borderStart: number;
  vertexCount: number;
}

/** Geometry of the head used by both the rig builder and the poser. */
export interface HeadFrame {
  /** Rotation pivot (source pixels; z in the landmark depth scale). */
  cx: number;
  cy: number;
  cz: number;
  faceW: number;
  faceH: number;
}

export function headFrame(face: Face): HeadFrame {
  const L = face.landmarks;
  let sx = 0;
  let sy = 0;
  let sz = 0;
  for (const i of FACE_OVAL) {
    sx += L[i * 3]!;
    sy += L[i * 3 + 1]!;
    sz += L[i * 3 + 2]!;
  }
  const n = FACE_OVAL.length;
  const faceW = Math.hypot(
    L[CHEEK_EXTREME_LEFT * 3]! - L[CHEEK_EXTREME_RIGHT * 3]!,
    L[CHEEK_EXTREME_LEFT * 3 + 1]! - L[CHEEK_EXTREME_RIGHT * 3 + 1]!,
  );
  const faceH = Math.hypot(L[CHIN * 3]! - L[FOREHEAD_TOP * 3]!, L[CHIN * 3 + 1]! - L[FOREHEAD_TOP * 3 + 1]!);
  return { cx: sx / n, cy: sy / n + 0.1 * faceH, cz: sz / n + 0.3 * faceW, faceW: Math.max(1, faceW), faceH: Math.max(1, faceH) };
}

/** MediaPipe's iris landmarks: 468-472 (right iris), 473-477 (left). */
export const IRIS_FIRST = 468;
export const IRIS_END = 478;
export function isIris(i: number): boolean {
  return i >= IRIS_FIRST && i < IRIS_END;
}

/** Whether landmark i (not a lid landmark) lies inside either eye opening at rest. */
function eyeOpeningTest(L: ArrayLike<number>): (i: number) => boolean {
  const polys = [RIGHT_EYE, LEFT_EYE].map((e) => [e.cornerA, ...e.upper, e.cornerB, ...[...e.lower].reverse()]);
  const lid = new Set(polys.flat());
  return (i) => {
    if (lid.has(i)) return false;
    const x = L[i * 3]!, y = L[i * 3 + 1]!;
    return polys.some((poly) => {
      let inside = false;
      for (let k = 0, j = poly.length - 1; k < poly.length; j = k++) {
        const xi = L[poly[k]! * 3]!, yi = L[poly[k]! * 3 + 1]!, xj = L[poly[j]! * 3]!, yj = L[poly[j]! * 3 + 1]!;
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
      return inside;
    });
  };
}

function smooth01(x: number): number {
  const u = x <= 0 ? 0 : x >= 1 ? 1 : x;
  return u * u * (3 - 2 * u);
}

/**
 * Build the deformable mesh for one face: the 478 landmarks (vertex i = landmark i), rings around
 * the head (hair, ears, neck; weights fall off smoothly to 0) and points along the image border
 * (weight 0). Triangulated with Delaunay, which also fills the eye openings and the mouth so that
 * blinks and smiles deform sensibly; the iris landmarks (and any other landmark inside an eye
 * opening) are vertices of no triangle (pose.ts carries them along with the triangle they lie in). All triangles are returned with positive signed area
 * (x right, y down: (b-a) x (c-a) > 0).
 */
export function buildRig(face: Face, width: number, height: number, image?: FaceImage): Rig & { layout: RigLayout } {
  if (face.landmarks.length < LANDMARK_COUNT * 3) throw new Error(`buildRig: expected ${LANDMARK_COUNT} landmarks`);
  const L = face.landmarks;
  // The picture, when given, tells whether hair hides the mouth (the jaw then moves differently).
  const cover = image ? mouthCover(L, image) : 0;
  const hf = headFrame(face);
  const xs: number[] = [];
  const ys: number[] = [];
  const zs: number[] = [];
  const ws: number[] = [];
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    xs.push(L[i * 3]!);
    ys.push(L[i * 3 + 1]!);
    zs.push(L[i * 3 + 2]!);
    ws.push(1);
  }
  resolveOccludedDepth(xs, ys, zs, hf.faceW);

  // Minimum spacing for added points, and a grid for fast nearest checks.
  const minGap = Math.max(2, 0.045 * hf.faceW);
  const cell = minGap;
  const grid = new Map<string, number[]>();
  const key = (gx: number, gy: number) => `${gx},${gy}`;
  const addToGrid = (idx: number) => {
    const k = key(Math.floor(xs[idx]! / cell), Math.floor(ys[idx]! / cell));
    const list = grid.get(k);
    if (list) list.push(idx);
    else grid.set(k, [idx]);
  };
  const tooClose = (x: number, y: number, gap: number) => {
    const gx = Math.floor(x / cell);
    const gy = Math.floor(y / cell);
    const r = Math.ceil(gap / cell);
    for (let dy = -r; dy <= r; dy++)
      for (let dx = -r; dx <= r; dx++) {
        const list = grid.get(key(gx + dx, gy + dy));
        if (!list) continue;
        for (const j of list) if (Math.hypot(xs[j]! - x, ys[j]! - y) < gap) return true;
      }
    return false;
  };
  for (let i = 0; i < LANDMARK_COUNT; i++) addToGrid(i);

  // Oval centre (2D) for the rings.
  let ocx = 0;
  let ocy = 0;
  for (const i of FACE_OVAL) {
    ocx += L[i * 3]!;
    ocy += L[i * 3 + 1]!;
  }
  ocx /= FACE_OVAL.length;
  ocy /= FACE_OVAL.length;
  // "Down" for the face: forehead top -> chin.
  let dnx = L[CHIN * 3]! - L[FOREHEAD_TOP * 3]!;
  let dny = L[CHIN * 3 + 1]! - L[FOREHEAD_TOP * 3 + 1]!;
  const dn = Math.hypot(dnx, dny) || 1;
  dnx /= dn;
  dny /= dn;

  // Keep ring points away from the border so triangles along the edge stay well shaped.
  const inset = minGap * 0.6;
  const ringStart = xs.length;
  for (const ring of HEAD_RINGS) {
    for (let k = 0; k < FACE_OVAL.length; k += ring.step) {
      const i = FACE_OVAL[k]!;
      const ox = L[i * 3]!;
      const oy = L[i * 3 + 1]!;
      const oz = L[i * 3 + 2]!;
      const vx = ox - ocx;
      const vy = oy - ocy;
      const vlen = Math.hypot(vx, vy) || 1;
      const down = (vx * dnx + vy * dny) / vlen; // -1 top of head .. 1 chin
      // Hair above the forehead extends further; the neck below the chin less.
      const s = 1 + (ring.scale - 1) * (1 + 0.25 * smooth01(-down / 0.8) - 0.2 * smooth01(down));
      const x = ocx + vx * s;
      const y = ocy + vy * s;
      if (x < inset || y < inset || x > width - inset || y > height - inset) continue;
      if (tooClose(x, y, minGap)) continue;
      // The neck follows the head less than hair and ears do.
      const neck = smooth01((down - 0.45) / 0.45);
      const w = ring.weight * (1 - 0.55 * neck * (ring.weight < 1 ? 1 : 0.6));
      const depthT = smooth01((s - 1) / 0.5);
      xs.push(x);
      ys.push(y);
      zs.push(ring.weight === 0 ? 0 : oz + (hf.cz - oz) * depthT);
      ws.push(w);
      addToGrid(xs.length - 1);
    }
  }

  // Image border: corners plus evenly spaced points.
  const borderStart = xs.length;
  const spacing = Math.max(16, Math.min(width, height) / 8);
  const nx = Math.max(1, Math.round(width / spacing));
  const ny = Math.max(1, Math.round(height / spacing));
  const borderPts: Array<[number, number]> = [];
  for (let i = 0; i <= nx; i++) {
    const x = (i / nx) * width;
    borderPts.push([x, 0], [x, height]);
  }
  for (let j = 1; j < ny; j++) {
    const y = (j / ny) * height;
    borderPts.push([0, y], [width, y]);
  }
  for (const [x, y] of borderPts) {
    xs.push(x);
    ys.push(y);
    zs.push(0);
    ws.push(0);
  }
  // A mouth hidden by hair opens where the hair ends: two rows of vertices just either side of
  // it, which the jaw pulls apart and the mouth cavity fills (coverSeamPoints). Both vertices of a
  // column take one depth, so that a head turn moves them together.
  let mouthSeam: Uint32Array | undefined;
  if (cover > 0) {
    const nu = INNER_LIP_UPPER.length;
    const seam = coverSeamPoints(face, cover, nu);
    mouthSeam = new Uint32Array(seam.length / 2);
    const depth: number[] = [];
    for (let k = 0; k < mouthSeam.length; k++) {
      const x = seam[k * 2]!, y = seam[k * 2 + 1]!;
      // The lower row (after the left end, slot nu + 1) pairs with the upper row's slot k - nu - 1.
      depth.push(k > nu + 1 ? depth[k - nu - 1]! : zs[nearestLandmark(xs, ys, x, y)]!);
      mouthSeam[k] = xs.length;
      xs.push(x);
      ys.push(y);
      zs.push(depth[k]!);
      ws.push(1);
    }
  }
  const n = xs.length;
  // The iris landmarks are left out of the triangulation: they are posed as points carried by the
  // triangle they lie in (pose.ts), since the iris is drawn as a disc that gaze moves (eyes.ts). As
  // mesh vertices they sat in thin triangles with lid points, outside the lid contour in
  // three-quarter views, and the fold guard held blinks half way there.
  // Likewise any other landmark that lies inside an eye opening (in three-quarter views MediaPipe puts
  // the hidden face contour, e.g. 127, inside the far eye).
  const inEye = eyeOpeningTest(L);
  const out = triangulate(xs, ys, (i) => i < LANDMARK_COUNT && (isIris(i) || inEye(i)));
  // MediaPipe's inner-lip points often touch or cross in a closed mouth, and Delaunay then makes
  // triangles of an upper-lip point beside two lower-lip points: they flip as soon as the lips part,
  // and the fold guard kept the jaw almost shut (a jaw drop of 1 px instead of 15 on the Mona
  // Lisa). Flip such edges (Lawson flips, valid at rest) until the opened mouth folds nothing.
  const probe: Rig = { width, height, rest: Float32Array.from({ length: n * 2 }, (_, i) => (i % 2 ? ys[i >> 1]! : xs[i >> 1]!)), depth: new Float32Array(n), headWeight: Float32Array.from(ws), indices: new Uint32Array(0), face, mouthCover: cover };
  const probes = [0.5, 1].map((jaw) => rawExpressionOffsets(probe, { yaw: 0, pitch: 0, roll: 0, tx: 0, ty: 0, expressions: { jawOpen: jaw, mouthFunnel: jaw } }));
  // Likewise for shut eyes (a three-quarter face's far eye meets long thin triangles at the lids).
  for (const blink of [0.5, 1]) probes.push(rawExpressionOffsets(probe, { yaw: 0, pitch: 0, roll: 0, tx: 0, ty: 0, expressions: { eyeBlinkLeft: blink, eyeBlinkRight: blink } }));
  repairFolds(out, xs, ys, probes);

  for (let i = 0; i < n; i++) if (ws[i]! > 0) zs[i] = hf.cz + DEPTH_RELIEF * (zs[i]! - hf.cz);
  limitDepthGradient(out, xs, ys, zs, ws, hf.cz, MAX_DEPTH_GRADIENT);

  const rest = new Float32Array(n * 2);
  const depth = new Float32Array(n);
  const headWeight = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    rest[i * 2] = xs[i]!;
    rest[i * 2 + 1] = ys[i]!;
    depth[i] = zs[i]!;
    headWeight[i] = ws[i]!;
  }
  return {
    width,
    height,
    rest,
    depth,
    headWeight,
    indices: Uint32Array.from(out),
    face,
    mouthCover: cover,
    ...(mouthSeam ? { mouthSeam } : {}),
    layout: { landmarkCount: LANDMARK_COUNT, ringStart, borderStart, vertexCount: n },
  };
}

/** The landmark nearest (x, y) in the image plane (vertex i = landmark i). */
function nearestLandmark(xs: readonly number[], ys: readonly number[], x: number, y: number): number {
  let best = 0;
  let bestD = Infinity;
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    if (isIris(i)) continue;
    const d = (xs[i]! - x) ** 2 + (ys[i]! - y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

/** Signed area (x2) of triangle t for the given positions. Positive = same orientation as at rest. */
export function triangleArea2(indices: Uint32Array, pos: ArrayLike<number>, t: number): number {
  const a = indices[t * 3]!;
  const b = indices[t * 3 + 1]!;
  const c = indices[t * 3 + 2]!;
  const ax = pos[a * 2]!;
  const ay = pos[a * 2 + 1]!;
  return (pos[b * 2]! - ax) * (pos[c * 2 + 1]! - ay) - (pos[b * 2 + 1]! - ay) * (pos[c * 2]! - ax);
}

/**
 * In turned faces, far-side landmarks (e.g. the hidden temple) project onto the visible surface.
 * In the 2D mesh they are just more points on that surface, so give them the depth of the visible
 * landmarks around them; otherwise a 3D head turn would move them against their neighbours.
 */
function resolveOccludedDepth(xs: number[], ys: number[], zs: number[], faceW: number): void {
  const r = 0.07 * faceW;
  const r2 = r * r;
  const gap = 0.12 * faceW;
  const z0 = zs.slice(0, LANDMARK_COUNT);
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    let sum = 0;
    let wsum = 0;
    for (let j = 0; j < LANDMARK_COUNT; j++) {
      if (j === i) continue;
      const dx = xs[j]! - xs[i]!;
      const dy = ys[j]! - ys[i]!;
      const d2 = dx * dx + dy * dy;
      if (d2 > r2 || z0[j]! > z0[i]! - gap) continue; // only clearly nearer neighbours
      const w = 1 - d2 / r2;
      sum += w * z0[j]!;
      wsum += w;
    }
    if (wsum > 0) zs[i] = sum / wsum;
  }
}

/**
 * Steepest depth slope (depth pixels per image pixel) the rig keeps. A head rotation by a small
 * angle a moves each vertex by about a * (z - pivot) across the image, so a triangle whose depth
 * rises faster than 1 / a across it would fold. MediaPipe's landmarks are noisy in depth, and the
 * 2D triangulation joins points that are far apart in 3D (nostril wings, far-side landmarks that
 * project onto the visible cheek), giving slivers with slopes of 10-50: before this limit, a 5 degree
 * turn folded them and the fold guard scaled every head turn down to a third of what was asked.
 * With slopes <= 3, turns up to about 15 degrees in any direction never fold, and the shape that
 * matters (the nose standing out of the face, the cheeks curving away) is kept.
 */
export const MAX_DEPTH_GRADIENT = 3;

/**
 * Depth relief the rig gives the face, over MediaPipe's landmark depth (about the rotation pivot).
 * Turned with the landmarks' own depth, a head read as turned by about 0.6 of the angle asked: an
 * independent FaceLandmarker, on frames turned 0.1 rad in yaw or pitch, measured 0.04-0.09 rad
 * (mean 0.06) on six portraits, so every preset's turns and nods, and a driver's, came out at
 * little more than half. With 1.6 times the relief it reads 0.07-0.14 (mean 0.10).
 */
export const DEPTH_RELIEF = 1.6;

/**
 * Bound the slope of q = headWeight * (z - pivotZ) (what a rotation turns into image motion) over
 * every triangle to `g`, by shrinking too-steep triangles towards their mean (or towards the
 * background, whose q is 0 and fixed). Only the depth of head-following vertices changes. Iterative;
 * converges within a few dozen passes on real faces.
 */
export function limitDepthGradient(
  indices: ArrayLike<number>,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  zs: number[],
  ws: ArrayLike<number>,
  pivotZ: number,
  g: number,
): void {
  const n = zs.length;
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) q[i] = ws[i]! > 0 ? ws[i]! * (zs[i]! - pivotZ) : 0;
  const nTri = Math.floor(indices.length / 3);
  for (let pass = 0; pass < 200; pass++) {
    let worst = 0;
    for (let t = 0; t < nTri; t++) {
      const a = indices[t * 3]!, b = indices[t * 3 + 1]!, c = indices[t * 3 + 2]!;
      const x1 = xs[b]! - xs[a]!, y1 = ys[b]! - ys[a]!;
      const x2 = xs[c]! - xs[a]!, y2 = ys[c]! - ys[a]!;
      const det = x1 * y2 - y1 * x2;
      if (!(Math.abs(det) > 1e-9)) continue;
      const q1 = q[b]! - q[a]!, q2 = q[c]! - q[a]!;
      const gx = (q1 * y2 - q2 * y1) / det;
      const gy = (x1 * q2 - x2 * q1) / det;
      const slope = Math.hypot(gx, gy);
      if (slope > worst) worst = slope;
      if (slope <= g) continue;
      const s = (g / slope) * 0.999;
      const fa = !(ws[a]! > 0), fb = !(ws[b]! > 0), fc = !(ws[c]! > 0);
      const m = fa || fb || fc ? 0 : (q[a]! + q[b]! + q[c]!) / 3;
      if (!fa) q[a] = m + s * (q[a]! - m);
      if (!fb) q[b] = m + s * (q[b]! - m);
      if (!fc) q[c] = m + s * (q[c]! - m);
    }
    if (worst <= g * 1.02) break;
  }
  for (let i = 0; i < n; i++) if (ws[i]! > 0) zs[i] = pivotZ + q[i]! / ws[i]!;
}

/** Delaunay triangulation of the rest positions, every triangle positively oriented (zero-area slivers dropped). */
function triangulate(xs: number[], ys: number[], skip: (i: number) => boolean = () => false): number[] {
  const ids: number[] = [];
  for (let i = 0; i < xs.length; i++) if (!skip(i)) ids.push(i);
  const coords = new Float64Array(ids.length * 2);
  ids.forEach((i, k) => {
    coords[k * 2] = xs[i]!;
    coords[k * 2 + 1] = ys[i]!;
  });
  const tris = new Delaunator(coords).triangles;
  const out: number[] = [];
  for (let t = 0; t < tris.length; t += 3) {
    let a = ids[tris[t]!]!;
    const b = ids[tris[t + 1]!]!;
    let c = ids[tris[t + 2]!]!;
    const area = (xs[b]! - xs[a]!) * (ys[c]! - ys[a]!) - (ys[b]! - ys[a]!) * (xs[c]! - xs[a]!);
    if (area === 0) continue;
    if (area < 0) {
      const tmp = a;
      a = c;
      c = tmp;
    }
    out.push(a, b, c);
  }
  return out;
}

/**
 * Edge flips that keep the triangulation valid at rest and make it fold-free under each probe
 * displacement (x,y pairs added to the rest positions). Triangles that no flip can save are left.
 */
export function repairFolds(tris: number[], xs: ArrayLike<number>, ys: ArrayLike<number>, probes: ReadonlyArray<ArrayLike<number>>): number {
  const area = (a: number, b: number, c: number, d: ArrayLike<number> | null) => {
    const X = (i: number) => xs[i]! + (d ? d[i * 2]! : 0);
    const Y = (i: number) => ys[i]! + (d ? d[i * 2 + 1]! : 0);
    return (X(b) - X(a)) * (Y(c) - Y(a)) - (Y(b) - Y(a)) * (X(c) - X(a));
  };
  const good = (a: number, b: number, c: number) => {
    const r = area(a, b, c, null);
    if (!(r > 1e-2)) return false;
    return probes.every((d) => area(a, b, c, d) > 0.01 * r);
  };
  let flips = 0;
  for (let iter = 0; iter < 200; iter++) {
    const nTri = tris.length / 3;
    const edges = new Map<number, number>();
    const N = xs.length;
    for (let t = 0; t < nTri; t++) for (let k = 0; k < 3; k++) edges.set(tris[t * 3 + k]! * N + tris[t * 3 + ((k + 1) % 3)]!, t);
    let changed = false;
    for (let t = 0; t < nTri && !changed; t++) {
      const a = tris[t * 3]!, b = tris[t * 3 + 1]!, c = tris[t * 3 + 2]!;
      if (good(a, b, c)) continue;
      const vs = [a, b, c];
      for (let k = 0; k < 3 && !changed; k++) {
        const p = vs[k]!, q = vs[(k + 1) % 3]!, sv = vs[(k + 2) % 3]!;
        const u = edges.get(q * N + p);
        if (u === undefined) continue;
        const w = [tris[u * 3]!, tris[u * 3 + 1]!, tris[u * 3 + 2]!];
        const r = w.find((x) => x !== p && x !== q)!;
        // (p, q, s) and (q, p, r) become (s, p, r) and (r, q, s).
        if (good(sv, p, r) && good(r, q, sv)) {
          tris.splice(t * 3, 3, sv, p, r);
          tris.splice(u * 3, 3, r, q, sv);
          flips++;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return flips;
}
