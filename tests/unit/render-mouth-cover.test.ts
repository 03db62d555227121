import { describe, expect, it } from 'vitest';
import { buildRig } from '../../lib/render/mesh';
import { mouthCover } from '../../lib/render/mouth-cover';
import { CAVITY_LANDMARKS, CAVITY_STRIDE, CAVITY_SUBDIVISIONS, CAVITY_VERTEX_COUNT, mouthCavity } from '../../lib/render/mouth';
import { countFlippedTriangles, poseRig } from '../../lib/render/pose';
import { INNER_LIP_LOWER, INNER_LIP_UPPER } from '../../lib/render/landmarks';
import type { PoseParams } from '../../lib/render/types';
import { FACES } from '../support/landmarks';

const { face, w, h } = FACES['mona-lisa'];
const L = face.landmarks;
const at = (i: number) => [L[i * 3]!, L[i * 3 + 1]!] as const;
const mouthW = Math.hypot(at(291)[0] - at(61)[0], at(291)[1] - at(61)[1]);
const rest = (): PoseParams => ({ yaw: 0, pitch: 0, roll: 0, tx: 0, ty: 0, expressions: {} });

/**
 * A picture of this face at half size: skin everywhere, red lips, and optionally dark grey hair from
 * just under the nose down to `hairTo` (source px, image y), across the mouth and a little beyond.
 */
function picture(hairTo: number | null, lips: [number, number, number] = [170, 60, 60]) {
  const s = 0.5;
  const W = Math.round(w * s), H = Math.round(h * s);
  const data = new Uint8ClampedArray(W * H * 4);
  const [nx, ny] = at(164);
  const [lx0] = at(61);
  const [lx1] = at(291);
  const lipTop = at(0)[1], lipBottom = at(17)[1];
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const sx = x / s, sy = y / s;
      let c: [number, number, number] = [205, 170, 140];
      if (sx > lx0 && sx < lx1 && sy > lipTop && sy < lipBottom) c = lips;
      if (hairTo !== null && sy > ny + 2 && sy < hairTo && sx > lx0 - 0.3 * mouthW && sx < lx1 + 0.3 * mouthW && Math.abs(sx - nx) < 1.2 * mouthW) c = [55, 52, 50];
      data.set([c[0], c[1], c[2], 255], (y * W + x) * 4);
    }
  return { image: { width: W, height: H, data }, scaleX: s, scaleY: s };
}

describe('mouths hidden by hair', () => {
  const chin = at(152)[1];
  const lipBottom = at(17)[1];
  const hairEdge = lipBottom + 0.45 * (chin - lipBottom);

  it('sees red lips as lips, and dark lips (not hair above them) as lips too', () => {
    expect(mouthCover(L, picture(null))).toBe(0);
    expect(mouthCover(L, picture(null, [60, 45, 45]))).toBe(0);
  });

  it('finds a moustache over the lips and opens the mouth at the lower lip\'s edge', () => {
    const cover = mouthCover(L, picture(hairEdge));
    expect(cover).toBeGreaterThan(0);
    // The seam's origin is the middle of the inner lips; the cut lies cover px below it, at the
    // lower lip's bottom landmark (17), where the face model sees the hair end.
    const originY = (at(13)[1] + at(14)[1]) / 2;
    expect(originY + cover).toBeCloseTo(lipBottom, 0);
  });

  it('keeps the hair whole when the jaw drops: the mouth opens below it, the chin drops, nothing folds', () => {
    const covered = buildRig(face, w, h, picture(hairEdge));
    const open = buildRig(face, w, h, picture(null));
    expect(covered.mouthCover).toBeGreaterThan(0);
    expect(covered.mouthSeam?.length).toBe(CAVITY_LANDMARKS.length);
    expect(open.mouthCover).toBe(0);
    expect(open.mouthSeam).toBeUndefined();
    const cut = covered.rest[covered.mouthSeam![0]! * 2 + 1]!;
    const cav = new Float32Array(CAVITY_VERTEX_COUNT * CAVITY_STRIDE);
    for (const jaw of [0.3, 0.6, 1]) {
      const p = poseRig(covered, { ...rest(), expressions: { jawOpen: jaw } });
      expect(countFlippedTriangles(covered, p)).toBe(0);
      // Everything above the cut (the lips under the hair, the hair) stays.
      for (const i of [...INNER_LIP_UPPER, ...INNER_LIP_LOWER, 0]) expect(Math.abs(p[i * 2 + 1]! - covered.rest[i * 2 + 1]!)).toBeLessThan(0.01 * mouthW);
      expect(p[152 * 2 + 1]! - covered.rest[152 * 2 + 1]!).toBeGreaterThan(0.5 * jaw * 0.55 * mouthW);
      // The mouth opens along the cut: its top row stays at the cut, its bottom row drops.
      expect(mouthCavity(covered, p, cav)).toBe(1);
      // The middle landmark's column, on the top contour and on the bottom one.
      const mid = (1 + Math.floor(INNER_LIP_UPPER.length / 2)) * CAVITY_SUBDIVISIONS;
      const lo = mid + CAVITY_VERTEX_COUNT / 2;
      expect(Math.abs(cav[mid * CAVITY_STRIDE + 1]! - cut)).toBeLessThan(0.02 * mouthW);
      expect(cav[lo * CAVITY_STRIDE + 1]! - cut).toBeGreaterThan(0.3 * jaw * 0.55 * mouthW);
    }
    // At rest nothing opens, nor when the head only turns and nods (both rows of the cut move together).
    expect(mouthCavity(covered, covered.rest, cav)).toBe(0);
    for (const [yaw, pitch] of [[0.15, 0], [-0.15, 0], [0, 0.1], [0.1, -0.1]] as const) {
      expect(mouthCavity(covered, poseRig(covered, { ...rest(), yaw, pitch }), cav)).toBe(0);
    }
    // The same face with its lips in view opens its mouth between the lips, as before.
    const q = poseRig(open, { ...rest(), expressions: { jawOpen: 0.6 } });
    expect(mouthCavity(open, q, new Float32Array(CAVITY_VERTEX_COUNT * CAVITY_STRIDE))).toBe(1);
  });
});
