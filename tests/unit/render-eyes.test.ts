import { describe, expect, it } from 'vitest';
import { buildRig, triangleArea2 } from '../../lib/render/mesh';
import { countFlippedTriangles, poseRig, rawExpressionOffsets } from '../../lib/render/pose';
import { EYES } from '../../lib/render/lids';
import { EYES_UNIFORM_FLOATS, eyeGeometry, eyePost, eyeSampleAt, eyeUniforms, irisShift } from '../../lib/render/eyes';
import { rasterizeMesh, restUvs } from '../../lib/render/raster';
import type { PoseParams } from '../../lib/render/types';
import { FACES } from '../support/landmarks';

function pose(expressions: PoseParams['expressions']): PoseParams {
  return { yaw: 0, pitch: 0, roll: 0, tx: 0, ty: 0, expressions };
}

/** Rest eye-opening polygon (corner A, upper lid, corner B, lower lid reversed) in source px. */
function openingPolygon(L: ArrayLike<number>, eye: number): Array<[number, number]> {
  const e = EYES[eye]!;
  return [e.cornerA, ...e.upper, e.cornerB, ...[...e.lower].reverse()].map((i) => [L[i * 3]!, L[i * 3 + 1]!]);
}

/** Signed distance-ish test: inside the polygon, or within `tol` px of its boundary. */
function insideOrNear(poly: Array<[number, number]>, x: number, y: number, tol: number): boolean {
  let inside = false;
  let dMin = Infinity;
  for (let k = 0, j = poly.length - 1; k < poly.length; j = k++) {
    const [xi, yi] = poly[k]!;
    const [xj, yj] = poly[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    const dx = xj - xi, dy = yj - yi;
    const t = Math.max(0, Math.min(1, ((x - xi) * dx + (y - yi) * dy) / (dx * dx + dy * dy || 1)));
    dMin = Math.min(dMin, Math.hypot(x - xi - t * dx, y - yi - t * dy));
  }
  return inside || dMin <= tol;
}

const GLANCES: Array<PoseParams['expressions']> = [
  { eyeLookInRight: 1, eyeLookOutLeft: 1 },
  { eyeLookOutRight: 1, eyeLookInLeft: 1 },
  { eyeLookUpRight: 1, eyeLookUpLeft: 1, eyeLookInRight: 0.6, eyeLookOutLeft: 0.6 },
  { eyeLookDownRight: 1, eyeLookDownLeft: 1, eyeLookOutRight: 0.5, eyeLookInLeft: 0.5 },
];

describe.each(Object.entries(FACES))('gaze as an iris disc, %s', (_name, { face, w, h }) => {
  const rig = buildRig(face, w, h);
  const L = face.landmarks;
  const U = new Float32Array(EYES_UNIFORM_FLOATS);

  it('is inactive at rest: nothing is redrawn, so frame 0 is the source', () => {
    eyeUniforms(rig, pose({}), 0.6, U);
    for (let eye = 0; eye < EYES.length; eye++) {
      const g = eyeGeometry(rig)[eye]!;
      for (let dy = -20; dy <= 20; dy += 2)
        for (let dx = -40; dx <= 40; dx += 2) expect(eyeSampleAt(U, eye, g.ox + dx, g.oy + dy)).toBeNull();
    }
    expect(eyePost({ width: 4, height: 4, data: new Uint8ClampedArray(64) }, rig, U)).toBeUndefined();
  });

  it('draws only inside the eye opening and samples only from inside it; weights stay in [0, 1]', () => {
    const px = 0.6;
    const edge = 1 / px;
    for (const ex of GLANCES) {
      eyeUniforms(rig, pose(ex), px, U);
      for (let eye = 0; eye < EYES.length; eye++) {
        const poly = openingPolygon(L, eye);
        const g = eyeGeometry(rig)[eye]!;
        let drawn = 0;
        for (let dy = -0.5; dy <= 0.5; dy += 0.02)
          for (let dx = -0.6; dx <= 0.6; dx += 0.02) {
            const x = g.ox + dx * g.width;
            const y = g.oy + dy * g.width;
            const s = eyeSampleAt(U, eye, x, y);
            if (!s) continue;
            expect(s.sclera).toBeGreaterThanOrEqual(0);
            expect(s.iris).toBeGreaterThanOrEqual(0);
            expect(s.sclera + s.iris).toBeLessThanOrEqual(1 + 1e-9);
            if (s.sclera + s.iris === 0) continue;
            drawn++;
            // Never over skin: the pixel's source point is in the opening (up to the soft edge).
            expect(insideOrNear(poly, x, y, edge)).toBe(true);
            // Samples come from inside the opening (sclera beside the iris, the iris itself).
            if (s.iris > 0.01) expect(insideOrNear(poly, s.irisX, s.irisY, 2 * edge)).toBe(true);
            if (s.sclera > 0.01) expect(insideOrNear(poly, s.scleraX, s.scleraY, 2 * edge)).toBe(true);
          }
        expect(drawn).toBeGreaterThan(10);
      }
    }
  });

  it('moves the iris disc by the gaze offset and fills the uncovered part with sclera', () => {
    const look = pose({ eyeLookInRight: 1, eyeLookOutLeft: 1 });
    eyeUniforms(rig, look, 0.6, U);
    const shifts = irisShift(rig, look);
    for (let eye = 0; eye < EYES.length; eye++) {
      const g = eyeGeometry(rig)[eye]!;
      const [sx, sy] = shifts[eye]!;
      expect(sx).toBeGreaterThan(0.05 * g.width); // image-right
      const cx = g.ox + g.cu * g.ux + g.cv * g.vx;
      const cy = g.oy + g.cu * g.uy + g.cv * g.vy;
      // The moved disc's centre shows the rest iris centre.
      const at = eyeSampleAt(U, eye, cx + sx, cy + sy)!;
      expect(at.iris).toBeCloseTo(1, 6);
      expect(Math.hypot(at.irisX - cx, at.irisY - cy)).toBeLessThan(1e-3 + 0.5);
      // Behind the moving iris, inside its rest disc, the sclera shows, sampled outside the iris.
      const bx = cx - 0.8 * g.ru * g.ux;
      const by = cy - 0.8 * g.ru * g.uy;
      const behind = eyeSampleAt(U, eye, bx, by)!;
      expect(behind.sclera).toBeGreaterThan(0.9);
      expect(behind.iris).toBeLessThan(0.1);
      const du = (behind.scleraX - g.ox) * g.ux + (behind.scleraY - g.oy) * g.uy - g.cu;
      const dv = (behind.scleraX - g.ox) * g.vx + (behind.scleraY - g.oy) * g.vy - g.cv;
      expect(Math.hypot(du / g.ru, dv / g.rv)).toBeGreaterThan(1);
    }
  });

  it('moves no mesh vertex: the sclera is never stretched', () => {
    for (const ex of GLANCES) {
      const p = poseRig(rig, pose(ex));
      for (let i = 0; i < p.length; i++) expect(p[i]).toBe(rig.rest[i]);
    }
  });

  it('CPU composite: identical to the plain mesh at rest, changes only the eyes when glancing', () => {
    const W = 96;
    const H = Math.round((W * h) / w);
    const src = { width: W, height: H, data: new Uint8ClampedArray(W * H * 4) };
    for (let i = 0; i < W * H; i++) src.data.set([(i * 37) % 256, (i * 91) % 256, (i * 13) % 256, 255], i * 4);
    const k = W / w;
    const pos = Float32Array.from(rig.rest, (v, i) => v * (i % 2 ? H / h : k));
    const uvs = restUvs(rig.rest, w, h);
    const plain = { width: W, height: H, data: new Uint8ClampedArray(W * H * 4) };
    rasterizeMesh(plain, src, pos, uvs, rig.indices);
    const still = { width: W, height: H, data: new Uint8ClampedArray(W * H * 4) };
    rasterizeMesh(still, src, pos, uvs, rig.indices, eyePost(src, rig, eyeUniforms(rig, pose({}), k, U)));
    expect(Buffer.from(still.data).equals(Buffer.from(plain.data))).toBe(true);
    const glance = { width: W, height: H, data: new Uint8ClampedArray(W * H * 4) };
    rasterizeMesh(glance, src, pos, uvs, rig.indices, eyePost(src, rig, eyeUniforms(rig, pose(GLANCES[0]!), k, U)));
    let changed = 0;
    const polys = [0, 1].map((e) => openingPolygon(L, e));
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const o = (y * W + x) * 4;
        if (glance.data[o] === plain.data[o] && glance.data[o + 1] === plain.data[o + 1] && glance.data[o + 2] === plain.data[o + 2]) continue;
        changed++;
        const sx = (x + 0.5) / k, sy = (y + 0.5) / (H / h);
        expect(polys.some((p) => insideOrNear(p, sx, sy, 2 / k))).toBe(true);
      }
    expect(changed).toBeGreaterThan(0);
  });
});

describe('blinks on a three-quarter face (Girl with a Pearl Earring)', () => {
  const { face, w, h } = FACES['pearl-earring'];
  const rig = buildRig(face, w, h);

  /** Closure of one eye's middle columns along its down axis (0 open as at rest, 1 shut). */
  function closure(p: ArrayLike<number>, eye: number): number {
    const e = EYES[eye]!;
    const g = eyeGeometry(rig)[eye]!;
    let o = 0, r = 0;
    for (let k = 2; k <= 4; k++) {
      const a = e.upper[k]!, b = e.lower[k]!;
      r += (rig.rest[b * 2]! - rig.rest[a * 2]!) * g.vx + (rig.rest[b * 2 + 1]! - rig.rest[a * 2 + 1]!) * g.vy;
      o += (p[b * 2]! - p[a * 2]!) * g.vx + (p[b * 2 + 1]! - p[a * 2 + 1]!) * g.vy;
    }
    return 1 - o / r;
  }

  it('closes both eyes fully, without the fold guard holding either back', () => {
    const shut = pose({ eyeBlinkLeft: 1, eyeBlinkRight: 1 });
    const p = poseRig(rig, shut);
    expect(countFlippedTriangles(rig, p)).toBe(0);
    for (let eye = 0; eye < EYES.length; eye++) expect(closure(p, eye)).toBeGreaterThan(0.75);
    // Unguarded offsets fold nothing, so the guard leaves the lids where the blink puts them.
    for (const ex of [{ eyeBlinkLeft: 1 }, { eyeBlinkRight: 1 }, { eyeBlinkLeft: 0.5, eyeBlinkRight: 0.5 }]) {
      const off = rawExpressionOffsets(rig, pose(ex));
      const q = Float32Array.from(rig.rest, (v, i) => v + off[i]!);
      for (let t = 0; t < rig.indices.length / 3; t++) expect(triangleArea2(rig.indices, q, t)).toBeGreaterThan(0);
      const posed = poseRig(rig, pose(ex));
      for (const e of EYES) for (const i of e.upper) expect(Math.abs(posed[i * 2 + 1]! - q[i * 2 + 1]!)).toBeLessThan(1e-3);
    }
  });

  it('keeps the iris landmarks out of the mesh and carries them with the warp', () => {
    const used = new Set(rig.indices);
    for (let i = 468; i < 478; i++) expect(used.has(i)).toBe(false);
    const p = poseRig(rig, pose({ eyeBlinkLeft: 1, eyeBlinkRight: 1 }));
    // An iris centre moves down with the closing lid (it lies in the squeezed opening).
    for (const c of [468, 473]) expect(p[c * 2 + 1]!).toBeGreaterThan(rig.rest[c * 2 + 1]! + 1);
    const r = poseRig(rig, pose({}));
    for (let i = 468; i < 478; i++) {
      expect(r[i * 2]).toBe(rig.rest[i * 2]);
      expect(r[i * 2 + 1]).toBe(rig.rest[i * 2 + 1]);
    }
  });
});
