import { describe, expect, it } from 'vitest';
import { LANDMARK_COUNT } from '../../lib/face/types';
import { DEPTH_RELIEF, buildRig, headFrame, triangleArea2 } from '../../lib/render/mesh';
import { MAX_PITCH, MAX_YAW } from '../../lib/motion/curves';
import { countFlippedTriangles, poseRig } from '../../lib/render/pose';
import type { PoseParams, Rig } from '../../lib/render/types';
import { gentleLife } from '../../lib/motion/presets';
import { LEFT_EYE, RIGHT_EYE, MOUTH_CORNER_LEFT, MOUTH_CORNER_RIGHT } from '../../lib/render/landmarks';
import { FACES } from '../support/landmarks';
import { irisShift } from '../../lib/render/eyes';


function rest(): PoseParams {
  return { yaw: 0, pitch: 0, roll: 0, tx: 0, ty: 0, expressions: {} };
}

function isBackground(rig: Rig, i: number): boolean {
  return rig.headWeight[i] === 0;
}

describe.each(Object.entries(FACES))('rig for %s', (_name, { face, w, h }) => {
  const rig = buildRig(face, w, h);
  const nv = rig.rest.length / 2;
  const nTri = rig.indices.length / 3;

  it('has the landmarks first, rings, and the image border', () => {
    expect(rig.layout.landmarkCount).toBe(LANDMARK_COUNT);
    for (let i = 0; i < LANDMARK_COUNT; i++) {
      expect(rig.rest[i * 2]).toBe(face.landmarks[i * 3]);
      expect(rig.rest[i * 2 + 1]).toBe(face.landmarks[i * 3 + 1]);
      expect(rig.headWeight[i]).toBe(1);
    }
    expect(rig.layout.borderStart - rig.layout.ringStart).toBeGreaterThan(30);
    const has = (x: number, y: number) => {
      for (let i = rig.layout.borderStart; i < nv; i++) if (rig.rest[i * 2] === x && rig.rest[i * 2 + 1] === y) return true;
      return false;
    };
    expect(has(0, 0) && has(w, 0) && has(0, h) && has(w, h)).toBe(true);
    for (let i = rig.layout.borderStart; i < nv; i++) {
      const x = rig.rest[i * 2]!;
      const y = rig.rest[i * 2 + 1]!;
      expect(x === 0 || y === 0 || x === w || y === h).toBe(true);
      expect(rig.headWeight[i]).toBe(0);
      expect(rig.depth[i]).toBe(0);
    }
    // Ring weights fall off from the face outwards, and the outermost ring is background.
    for (let i = rig.layout.ringStart; i < rig.layout.borderStart; i++) {
      expect(rig.headWeight[i]).toBeGreaterThanOrEqual(0);
      expect(rig.headWeight[i]).toBeLessThanOrEqual(1);
    }
  });

  it('uses every vertex but the iris (and landmarks inside an eye), and every triangle is non-degenerate and positively oriented', () => {
    const used = new Uint8Array(nv);
    for (let t = 0; t < nTri; t++) {
      const a2 = triangleArea2(rig.indices, rig.rest, t);
      expect(a2).toBeGreaterThan(1e-3);
      for (let k = 0; k < 3; k++) used[rig.indices[t * 3 + k]!] = 1;
    }
    // Unused: exactly the iris landmarks plus at most a few landmarks inside an eye opening.
    const unused = [...used.keys()].filter((i) => used[i] === 0);
    for (let i = 468; i < 478; i++) expect(unused).toContain(i);
    expect(unused.length).toBeLessThanOrEqual(14);
    for (const i of unused) expect(i).toBeLessThan(478);
    expect(countFlippedTriangles(rig, rig.rest)).toBe(0);
  });

  it('covers the whole image (triangle areas sum to the image area)', () => {
    let sum = 0;
    for (let t = 0; t < nTri; t++) sum += triangleArea2(rig.indices, rig.rest, t) / 2;
    expect(sum).toBeCloseTo(w * h, -1);
  });

  it('triangulates the eye openings and the mouth with face landmarks only', () => {
    // The point between the lids (and between the lips) lies in a triangle made of eye (mouth) landmarks.
    const containing = (x: number, y: number) => {
      for (let t = 0; t < nTri; t++) {
        const [a, b, c] = [rig.indices[t * 3]!, rig.indices[t * 3 + 1]!, rig.indices[t * 3 + 2]!];
        const cross = (p: number, q: number) =>
          (rig.rest[q * 2]! - rig.rest[p * 2]!) * (y - rig.rest[p * 2 + 1]!) - (rig.rest[q * 2 + 1]! - rig.rest[p * 2 + 1]!) * (x - rig.rest[p * 2]!);
        if (cross(a, b) >= 0 && cross(b, c) >= 0 && cross(c, a) >= 0) return [a, b, c];
      }
      return null;
    };
    const mid = (i: number, j: number): [number, number] => [(rig.rest[i * 2]! + rig.rest[j * 2]!) / 2, (rig.rest[i * 2 + 1]! + rig.rest[j * 2 + 1]!) / 2];
    // (In turned faces a hidden far-side landmark can project into the eye: any face landmark is fine.)
    for (const eye of [LEFT_EYE, RIGHT_EYE]) {
      const tri = containing(...mid(eye.upper[3]!, eye.lower[3]!));
      expect(tri).not.toBeNull();
      for (const v of tri!) expect(v).toBeLessThan(LANDMARK_COUNT);
    }
    const tri = containing(...mid(13, 14));
    expect(tri).not.toBeNull();
    for (const v of tri!) expect(v).toBeLessThan(LANDMARK_COUNT);
  });

  it('poses t=0 to exactly the rest positions', () => {
    const perf = gentleLife({ seed: 3 });
    const p = poseRig(rig, perf.at(0));
    expect(Array.from(p)).toEqual(Array.from(rig.rest));
    const q = poseRig(rig, rest());
    expect(Array.from(q)).toEqual(Array.from(rig.rest));
  });

  it('never moves the background and never flips a triangle over whole loops', () => {
    const out = new Float32Array(rig.rest.length);
    for (const seed of [1, 2, 3, 4, 5]) {
      const perf = gentleLife({ seed, durationS: 4 + seed * 0.4 });
      for (let t = 0; t <= perf.durationS; t += 1 / 30) {
        poseRig(rig, perf.at(t), out);
        expect(countFlippedTriangles(rig, out)).toBe(0);
        for (let i = 0; i < nv; i++) {
          if (!isBackground(rig, i)) continue;
          expect(out[i * 2]).toBe(rig.rest[i * 2]);
          expect(out[i * 2 + 1]).toBe(rig.rest[i * 2 + 1]);
        }
      }
    }
  });

  it('ends the loop where it started', () => {
    const perf = gentleLife({ seed: 9, durationS: 5 });
    const a = poseRig(rig, perf.at(0));
    const b = poseRig(rig, perf.at(perf.durationS));
    expect(Array.from(b)).toEqual(Array.from(a));
    // And just before the end it is already close to rest (seamless).
    const c = poseRig(rig, perf.at(perf.durationS - 1 / 60));
    let maxD = 0;
    for (let i = 0; i < c.length; i++) maxD = Math.max(maxD, Math.abs(c[i]! - a[i]!));
    expect(maxD).toBeLessThan(1);
  });

  it('closes the eyes on a blink and lifts the mouth corners on a smile', () => {
    // Lid opening measured across the eye (perpendicular to the corner-to-corner line).
    const gap = (pos: Float32Array, eye: typeof LEFT_EYE) => {
      const ax = rig.rest[eye.cornerA * 2]!, ay = rig.rest[eye.cornerA * 2 + 1]!;
      const bx = rig.rest[eye.cornerB * 2]!, by = rig.rest[eye.cornerB * 2 + 1]!;
      const len = Math.hypot(bx - ax, by - ay);
      const nx = -(by - ay) / len, ny = (bx - ax) / len;
      const up = eye.upper[3]!;
      const lo = eye.lower[3]!;
      return (pos[lo * 2]! - pos[up * 2]!) * nx + (pos[lo * 2 + 1]! - pos[up * 2 + 1]!) * ny;
    };
    const closed = poseRig(rig, { ...rest(), expressions: { eyeBlinkLeft: 1, eyeBlinkRight: 1 } });
    for (const eye of [LEFT_EYE, RIGHT_EYE]) {
      expect(gap(rig.rest, eye)).toBeGreaterThan(3);
      expect(gap(closed, eye)).toBeLessThan(0.3 * gap(rig.rest, eye));
      expect(gap(closed, eye)).toBeGreaterThan(0);
    }
    expect(countFlippedTriangles(rig, closed)).toBe(0);
    const smile = poseRig(rig, { ...rest(), expressions: { mouthSmileLeft: 1, mouthSmileRight: 1 } });
    const width = (pos: Float32Array) =>
      Math.hypot(pos[MOUTH_CORNER_LEFT * 2]! - pos[MOUTH_CORNER_RIGHT * 2]!, pos[MOUTH_CORNER_LEFT * 2 + 1]! - pos[MOUTH_CORNER_RIGHT * 2 + 1]!);
    expect(width(smile)).toBeGreaterThan(width(rig.rest) * 1.05);
    // Corners move up (towards the forehead) relative to the lip centre line.
    for (const c of [MOUTH_CORNER_LEFT, MOUTH_CORNER_RIGHT]) expect(smile[c * 2 + 1]!).toBeLessThan(rig.rest[c * 2 + 1]!);
    expect(countFlippedTriangles(rig, smile)).toBe(0);
    // The nose stays where it is (a lifted nose read as a nod): its tip, base and wings move less
    // than a twentieth of the corners' travel.
    const moved = (i: number) => Math.hypot(smile[i * 2]! - rig.rest[i * 2]!, smile[i * 2 + 1]! - rig.rest[i * 2 + 1]!);
    const corners = (moved(MOUTH_CORNER_LEFT) + moved(MOUTH_CORNER_RIGHT)) / 2;
    for (const n of [1, 2, 98, 327]) expect(moved(n)).toBeLessThan(0.05 * corners);
  });

  it('draws the corners down as the jaw opens, unless a smile holds them up', () => {
    const at = (expressions: PoseParams['expressions']) => poseRig(rig, { ...rest(), expressions });
    // How far the corners sit below where they rest (image y down), on average.
    const drop = (pos: Float32Array) => (pos[MOUTH_CORNER_LEFT * 2 + 1]! + pos[MOUTH_CORNER_RIGHT * 2 + 1]! - rig.rest[MOUTH_CORNER_LEFT * 2 + 1]! - rig.rest[MOUTH_CORNER_RIGHT * 2 + 1]!) / 2;
    const mouthW = Math.hypot(rig.rest[MOUTH_CORNER_LEFT * 2]! - rig.rest[MOUTH_CORNER_RIGHT * 2]!, rig.rest[MOUTH_CORNER_LEFT * 2 + 1]! - rig.rest[MOUTH_CORNER_RIGHT * 2 + 1]!);
    const smile = { mouthSmileLeft: 1, mouthSmileRight: 1 };
    // Open, not smiling: the corners come down.
    expect(drop(at({ jawOpen: 0.5 }))).toBeGreaterThan(0.02 * mouthW);
    // Open and smiling fully: the corners stay about where the smile put them.
    const open = at({ ...smile, jawOpen: 0.5 });
    expect(Math.abs(drop(open) - drop(at(smile)))).toBeLessThan(0.01 * mouthW);
    expect(countFlippedTriangles(rig, open)).toBe(0);
    // A lighter smile holds them in part.
    const light = { mouthSmileLeft: 0.3, mouthSmileRight: 0.3 };
    const held = drop(at({ ...light, jawOpen: 0.5 })) - drop(at(light));
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(drop(at({ jawOpen: 0.5 })));
  });

  it('sways the head in 3D: yaw moves the nose tip more than the face edge', () => {
    const p = poseRig(rig, { ...rest(), yaw: 0.05 });
    const dx = (i: number) => p[i * 2]! - rig.rest[i * 2]!;
    expect(Math.abs(dx(1))).toBeGreaterThan(Math.abs(dx(234)));
    expect(Math.abs(dx(1))).toBeGreaterThan(0.5);
    expect(countFlippedTriangles(rig, p)).toBe(0);
  });

  it('turns with DEPTH_RELIEF times the landmarks\' depth, fold-free at the largest turns', () => {
    // About the pivot, the face stands DEPTH_RELIEF times as far as the landmarks put it: exactly
    // so on most landmarks; a little less where the steepness limit flattened a slope (the nose tip,
    // about 1.5) or where hidden landmarks were given the visible surface's depth.
    const cz = headFrame(face).cz;
    const L = face.landmarks;
    const relief = (i: number) => (rig.depth[i]! - cz) / (L[i * 3 + 2]! - cz);
    const all = Array.from({ length: 468 }, (_, i) => relief(i)).sort((a, b) => a - b);
    expect(all[234]!).toBeCloseTo(DEPTH_RELIEF, 2);
    expect(relief(1)).toBeGreaterThan(1.3);
    for (const pose of [{ yaw: MAX_YAW }, { yaw: -MAX_YAW }, { pitch: MAX_PITCH }, { pitch: -MAX_PITCH }, { yaw: MAX_YAW, pitch: MAX_PITCH }]) {
      const p = poseRig(rig, { ...rest(), ...pose });
      expect(countFlippedTriangles(rig, p)).toBe(0);
      // Nothing was scaled back to avoid a fold: the nose tip moved as far as the rotation asks.
      const a = pose.yaw ?? 0;
      if (a !== 0) expect(Math.abs(p[2]! - rig.rest[2]!)).toBeGreaterThan(0.8 * Math.abs(Math.sin(a) * (rig.depth[1]! - cz)));
    }
  });

  it('covers every pixel once at the largest turns with an open mouth and shut eyes: no overlap, so no depth test is needed', () => {
    // A fold-free warp with the border fixed is one-to-one: the near cheek never slides over the far
    // one, it compresses. Checked directly: every point of a grid lies in exactly one posed triangle.
    const nTris = rig.indices.length / 3;
    for (const pose of [{ yaw: MAX_YAW, pitch: MAX_PITCH }, { yaw: -MAX_YAW, pitch: -MAX_PITCH }]) {
      const p = poseRig(rig, { ...rest(), ...pose, expressions: { jawOpen: 1, eyeBlinkLeft: 1, eyeBlinkRight: 1, mouthSmileLeft: 1, mouthSmileRight: 1 } });
      const box = new Float64Array(nTris * 4);
      for (let t = 0; t < nTris; t++) {
        const xs = [0, 1, 2].map((j) => p[rig.indices[t * 3 + j]! * 2]!), ys = [0, 1, 2].map((j) => p[rig.indices[t * 3 + j]! * 2 + 1]!);
        box.set([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], t * 4);
      }
      const inside = (t: number, x: number, y: number) => {
        const [a, b, c] = [0, 1, 2].map((j) => rig.indices[t * 3 + j]!);
        const cross = (i: number, k: number) => (p[k * 2]! - p[i * 2]!) * (y - p[i * 2 + 1]!) - (p[k * 2 + 1]! - p[i * 2 + 1]!) * (x - p[i * 2]!);
        const s = [cross(a!, b!), cross(b!, c!), cross(c!, a!)];
        return s.every((v) => v > 0) || s.every((v) => v < 0);
      };
      let points = 0;
      // An irrational-ish step, so that grid points do not fall on shared edges.
      for (let y = 0.37; y < h; y += h / 97.3)
        for (let x = 0.41; x < w; x += w / 83.7) {
          let n = 0;
          for (let t = 0; t < nTris; t++) if (x >= box[t * 4]! && x <= box[t * 4 + 2]! && y >= box[t * 4 + 1]! && y <= box[t * 4 + 3]! && inside(t, x, y)) n++;
          expect(n).toBe(1);
          points++;
        }
      expect(points).toBeGreaterThan(7000);
    }
  });

  it('parts the lips on jawOpen, lifts the brows, and moves the iris on gaze, without flips', () => {
    const at = (pos: Float32Array, i: number) => [pos[i * 2]!, pos[i * 2 + 1]!] as const;
    const jaw = poseRig(rig, { ...rest(), expressions: { jawOpen: 1 } });
    const gapRest = at(rig.rest, 14)[1] - at(rig.rest, 13)[1];
    const gapOpen = at(jaw, 14)[1] - at(jaw, 13)[1];
    expect(gapOpen - gapRest).toBeGreaterThan(3);
    expect(at(jaw, 152)[1]).toBeGreaterThan(at(rig.rest, 152)[1] + 3); // chin drops
    expect(at(jaw, 13)[1]).toBeLessThanOrEqual(at(rig.rest, 13)[1]); // upper lip does not drop
    expect(countFlippedTriangles(rig, jaw)).toBe(0);
    // The travel is concave in jawOpen (a light syllable shows): the chin drops about a third of its
    // full drop at 0.25 and three fifths at 0.5, not a quarter and a half.
    const chinDrop = (j: number) => at(poseRig(rig, { ...rest(), expressions: { jawOpen: j } }), 152)[1] - at(rig.rest, 152)[1];
    expect(chinDrop(0.25) / chinDrop(1)).toBeGreaterThan(0.31);
    expect(chinDrop(0.5) / chinDrop(1)).toBeGreaterThan(0.57);
    expect(chinDrop(0.5)).toBeLessThan(chinDrop(1));
    const brows = poseRig(rig, { ...rest(), expressions: { browInnerUp: 1, browOuterUpLeft: 1, browOuterUpRight: 1 } });
    for (const i of [105, 334, 107, 336]) expect(at(brows, i)[1]).toBeLessThan(at(rig.rest, i)[1] - 2);
    // The lower lids stay (almost) where they were: under a tenth of the brow's lift.
    const lift = at(rig.rest, 105)[1] - at(brows, 105)[1];
    for (const i of [145, 374]) expect(Math.abs(at(brows, i)[1] - at(rig.rest, i)[1])).toBeLessThan(0.1 * lift);
    expect(countFlippedTriangles(rig, brows)).toBe(0);
    const down = poseRig(rig, { ...rest(), expressions: { browDownLeft: 1, browDownRight: 1 } });
    for (const i of [105, 334]) expect(at(down, i)[1]).toBeGreaterThan(at(rig.rest, i)[1] + 1);
    expect(countFlippedTriangles(rig, down)).toBe(0);
    // Looking image-right: no vertex moves (the renderers move the iris as a disc, eyes.ts), and
    // both irises' drawn shift points image-right.
    const lookPose: PoseParams = { ...rest(), expressions: { eyeLookInRight: 1, eyeLookOutLeft: 1 } };
    const look = poseRig(rig, lookPose);
    for (let i = 0; i < nv; i++) {
      expect(look[i * 2]).toBe(rig.rest[i * 2]);
      expect(look[i * 2 + 1]).toBe(rig.rest[i * 2 + 1]);
    }
    for (const [dx] of irisShift(rig, lookPose)) expect(dx).toBeGreaterThan(0.5);
    const all: PoseParams = {
      ...rest(),
      expressions: { jawOpen: 1, mouthFunnel: 1, mouthPucker: 1, browInnerUp: 1, browDownLeft: 1, eyeLookUpLeft: 1, eyeLookOutRight: 1, eyeBlinkLeft: 1 },
    };
    const p = poseRig(rig, all);
    expect(countFlippedTriangles(rig, p)).toBe(0);
    for (let i = rig.layout.borderStart; i < nv; i++) expect(p[i * 2]).toBe(rig.rest[i * 2]);
  });

  it('clamps extreme poses so that nothing flips', () => {
    const extreme: PoseParams = { yaw: 0.6, pitch: -0.5, roll: 0.4, tx: 0.3, ty: -0.2, expressions: { eyeBlinkLeft: 1, eyeBlinkRight: 1, mouthSmileLeft: 1, mouthSmileRight: 1 } };
    const p = poseRig(rig, extreme);
    expect(countFlippedTriangles(rig, p)).toBe(0);
    for (let i = rig.layout.borderStart; i < nv; i++) {
      expect(p[i * 2]).toBe(rig.rest[i * 2]);
      expect(p[i * 2 + 1]).toBe(rig.rest[i * 2 + 1]);
    }
  });
});

describe('buildRig input checks', () => {
  it('rejects a face without 478 landmarks', () => {
    const { face, w, h } = FACES['mona-lisa'];
    expect(() => buildRig({ ...face, landmarks: face.landmarks.slice(0, 300) }, w, h)).toThrow();
  });
});
