import Delaunator from 'delaunator';
import { LANDMARK_COUNT, type Face } from '../face/types';
import type { Rig } from './types';
import { CHEEK_EXTREME_LEFT, CHEEK_EXTREME_RIGHT, CHIN, FACE_OVAL, FOREHEAD_TOP } from './landmarks';

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

function smooth01(x: number): number {
  const u = x <= 0 ? 0 : x >= 1 ? 1 : x;
  return u * u * (3 - 2 * u);
}

/**
 * Build the deformable mesh for one face: the 478 landmarks (vertex i = landmark i), rings around
 * the head (hair, ears, neck; weights fall off smoothly to 0) and points along the image border
 * (weight 0). Triangulated with Delaunay, which also fills the eye openings and the mouth so that
 * blinks and smiles deform sensibly. All triangles are returned with positive signed area
 * (x right, y down: (b-a) x (c-a) > 0).
 */
export function buildRig(face: Face, width: number, height: number): Rig & { layout: RigLayout } {
  if (face.landmarks.length < LANDMARK_COUNT * 3) throw new Error(`buildRig: expected ${LANDMARK_COUNT} landmarks`);
  const L = face.landmarks;
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
  const n = xs.length;
  const coords = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    coords[i * 2] = xs[i]!;
    coords[i * 2 + 1] = ys[i]!;
  }
  const del = new Delaunator(coords);
  const tris = del.triangles;
  const out: number[] = [];
  for (let t = 0; t < tris.length; t += 3) {
    let a = tris[t]!;
    const b = tris[t + 1]!;
    let c = tris[t + 2]!;
    const area = (xs[b]! - xs[a]!) * (ys[c]! - ys[a]!) - (ys[b]! - ys[a]!) * (xs[c]! - xs[a]!);
    if (area === 0) continue;
    if (area < 0) {
      const tmp = a;
      a = c;
      c = tmp;
    }
    out.push(a, b, c);
  }

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
    layout: { landmarkCount: LANDMARK_COUNT, ringStart, borderStart, vertexCount: n },
  };
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
