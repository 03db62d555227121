import { describe, expect, it } from 'vitest';
import { buildRig, MAX_DEPTH_GRADIENT, headFrame, triangleArea2 } from '../../lib/render/mesh';
import { countFlippedTriangles, poseRig } from '../../lib/render/pose';
import type { PoseParams } from '../../lib/render/types';
import {
  CAVITY_LANDMARKS,
  CAVITY_STRIDE,
  CAVITY_SUBDIVISIONS,
  CAVITY_TRIANGLES,
  CAVITY_VERTEX_COUNT,
  HAIR_FEATHER,
  eyeWhite,
  mouthCavity,
  mouthStyle,
  rasterizeCavity,
  shadeCavity,
  teethColour,
  type MouthStyle,
} from '../../lib/render/mouth';
import { EYES, LID_COVER, LID_FADE, LID_TRIANGLES, LID_VERTEX_COUNT, eyeLid, LASH_MAX_LUMA, LID_GRAIN, lidSkinOffset, lidStyle, rasterizeLid, shadeLid } from '../../lib/render/lids';
import { BROW_LEFT, BROW_RIGHT, INNER_LIP_LOWER, INNER_LIP_UPPER } from '../../lib/render/landmarks';
import { MAX_PITCH, MAX_ROLL, MAX_YAW } from '../../lib/motion/curves';
import { FACES } from '../support/landmarks';

const rest = (): PoseParams => ({ yaw: 0, pitch: 0, roll: 0, tx: 0, ty: 0, expressions: {} });

describe('strip topology', () => {
  it('the cavity is a strip over the inner lip contour: every vertex used, no repeated triangle', () => {
    expect(CAVITY_LANDMARKS).toEqual([78, ...INNER_LIP_UPPER, 308, ...INNER_LIP_LOWER]);
    // Two corners, and each contour's points between them: CAVITY_SUBDIVISIONS a landmark segment.
    expect(CAVITY_VERTEX_COUNT).toBe(2 + 2 * ((INNER_LIP_UPPER.length + 1) * CAVITY_SUBDIVISIONS - 1));
    expect(CAVITY_TRIANGLES.length).toBe(3 * (CAVITY_VERTEX_COUNT - 2));
    const used = new Set(Array.from(CAVITY_TRIANGLES));
    expect(used.size).toBe(CAVITY_VERTEX_COUNT);
    expect(LID_TRIANGLES.length).toBe(3 * (LID_VERTEX_COUNT - 2));
    expect(new Set(Array.from(LID_TRIANGLES)).size).toBe(LID_VERTEX_COUNT);
  });
});

describe('inner lips detected crossed (as on Descartes: "upper" landmarks a fraction of a pixel below the "lower" ones)', () => {
  const { face, w, h } = Object.values(FACES)[0]!;
  const crossed = { ...face, landmarks: Float32Array.from(face.landmarks) };
  INNER_LIP_UPPER.forEach((a, k) => {
    const b = INNER_LIP_LOWER[k]!;
    const L = crossed.landmarks;
    const y = (L[a * 3 + 1]! + L[b * 3 + 1]!) / 2;
    // Alternate columns crossed and not, as the detector left them.
    L[a * 3 + 1] = y + (k % 2 ? 0.15 : -0.15);
    L[b * 3 + 1] = y - (k % 2 ? 0.15 : -0.15);
  });
  const rig = buildRig(crossed, w, h);

  it('still opens the whole cavity when the jaw drops: every column spans the posed gap, top above bottom', () => {
    const p = poseRig(rig, { ...rest(), expressions: { jawOpen: 0.6 } });
    const v = new Float32Array(CAVITY_VERTEX_COUNT * CAVITY_STRIDE);
    expect(mouthCavity(rig, p, v)).toBe(1);
    const NS = CAVITY_VERTEX_COUNT / 2 - 1;
    const drop = Math.max(p[14 * 2 + 1]! - rig.rest[14 * 2 + 1]!, p[13 * 2 + 1]! - rig.rest[13 * 2 + 1]!);
    // Every column from the second landmark's to the last but one's (between them the curves pass).
    for (let m = 2 * CAVITY_SUBDIVISIONS; m <= NS - 2 * CAVITY_SUBDIVISIONS + 1; m++) {
      const top = m * CAVITY_STRIDE;
      const bot = (1 + NS + m) * CAVITY_STRIDE;
      expect(v[bot + 1]! - v[top + 1]!).toBeGreaterThan(0.4 * drop);
      expect(v[top + 4]).toBeCloseTo(v[bot + 1]! - v[top + 1]!, 0);
      expect(v[bot + 3]).toBeCloseTo(v[top + 4]!, 5);
    }
  });
});

describe.each(Object.entries(FACES))('mouth, lids and head turns for %s', (_name, { face, w, h }) => {
  const rig = buildRig(face, w, h);
  const hf = headFrame(face);
  const mouthW = Math.hypot(face.landmarks[291 * 3]! - face.landmarks[61 * 3]!, face.landmarks[291 * 3 + 1]! - face.landmarks[61 * 3 + 1]!);

  it('draws no cavity and no lids at rest or with the eyes open (frame 0 stays the source)', () => {
    const v = new Float32Array(CAVITY_VERTEX_COUNT * CAVITY_STRIDE);
    expect(mouthCavity(rig, rig.rest, v)).toBe(0);
    const l = new Float32Array(LID_VERTEX_COUNT * CAVITY_STRIDE);
    for (let e = 0; e < EYES.length; e++) expect(eyeLid(rig, rig.rest, e, l)).toBe(0);
    const smile = poseRig(rig, { ...rest(), expressions: { mouthSmileLeft: 0.5, mouthSmileRight: 0.5, eyeBlinkLeft: 0.3, eyeBlinkRight: 0.3 } });
    for (let e = 0; e < EYES.length; e++) expect(eyeLid(rig, smile, e, l)).toBe(0);
  });

  it('opens a cavity between the posed inner lips when the jaw drops, and the lower lip and chin drop with it', () => {
    const p = poseRig(rig, { ...rest(), expressions: { jawOpen: 0.6 } });
    expect(countFlippedTriangles(rig, p)).toBe(0);
    // The jaw is not held back by the fold guard: the lower lip drops by most of what was asked.
    const drop = p[14 * 2 + 1]! - rig.rest[14 * 2 + 1]!;
    expect(drop).toBeGreaterThan(0.6 * 0.55 * mouthW * 0.8);
    expect(p[152 * 2 + 1]! - rig.rest[152 * 2 + 1]!).toBeGreaterThan(0.5 * drop);
    const v = new Float32Array(CAVITY_VERTEX_COUNT * CAVITY_STRIDE);
    expect(mouthCavity(rig, p, v)).toBe(1);
    // The contours are curves through the posed landmarks (every CAVITY_SUBDIVISIONS-th vertex), bulging
    // out of the chords between them where the opening is convex; the middle column is as tall as the
    // lip gap there.
    const NS = CAVITY_VERTEX_COUNT / 2 - 1;
    const NU = INNER_LIP_UPPER.length;
    const slotOf = (k: number) => (k === 0 ? 0 : k <= NU ? k * CAVITY_SUBDIVISIONS : k === NU + 1 ? NS + 1 : NS + 1 + (k - NU - 1) * CAVITY_SUBDIVISIONS);
    CAVITY_LANDMARKS.forEach((lm, k) => {
      expect(v[slotOf(k) * CAVITY_STRIDE]).toBeCloseTo(p[lm * 2]!, 4);
      expect(v[slotOf(k) * CAVITY_STRIDE + 1]).toBeCloseTo(p[lm * 2 + 1]!, 4);
    });
    // Smooth: along each contour the direction turns far less from one vertex to the next than the
    // polygon through the landmarks alone turns at a landmark.
    const maxTurn = (pts: Array<[number, number]>) => {
      let worst = 0;
      for (let i = 1; i + 1 < pts.length; i++) {
        const a = Math.atan2(pts[i]![1] - pts[i - 1]![1], pts[i]![0] - pts[i - 1]![0]);
        const b = Math.atan2(pts[i + 1]![1] - pts[i]![1], pts[i + 1]![0] - pts[i]![0]);
        worst = Math.max(worst, Math.abs(Math.atan2(Math.sin(b - a), Math.cos(b - a))));
      }
      return worst;
    };
    const at = (slot: number): [number, number] => [v[slot * CAVITY_STRIDE]!, v[slot * CAVITY_STRIDE + 1]!];
    for (const contour of [0, 1]) {
      const slots = Array.from({ length: NS + 2 }, (_, m) => (m === 0 ? 0 : m === NS + 1 ? NS + 1 : contour ? NS + 1 + m : m));
      const curve = slots.map(at).slice(1, -1);
      const polygon = slots.filter((_, m) => m % CAVITY_SUBDIVISIONS === 0).map(at).slice(1);
      expect(maxTurn(curve)).toBeLessThan(0.6 * maxTurn(polygon));
    }
    const mid = Math.floor(NU / 2);
    const hUp = v[(mid + 1) * CAVITY_SUBDIVISIONS * CAVITY_STRIDE + 4]!;
    const hLo = v[(1 + NS + (mid + 1) * CAVITY_SUBDIVISIONS) * CAVITY_STRIDE + 3]!;
    expect(hUp).toBeCloseTo(hLo, 5);
    expect(hUp).toBeGreaterThan(0.8 * drop);
    // Every cavity triangle has the same orientation (a simple polygon, no bow-tie).
    let pos = 0;
    let neg = 0;
    const flat = new Float32Array(CAVITY_VERTEX_COUNT * 2);
    for (let k = 0; k < CAVITY_VERTEX_COUNT; k++) {
      flat[k * 2] = v[k * CAVITY_STRIDE]!;
      flat[k * 2 + 1] = v[k * CAVITY_STRIDE + 1]!;
    }
    const idx = Uint32Array.from(CAVITY_TRIANGLES);
    for (let t = 0; t < idx.length / 3; t++) {
      const a = triangleArea2(idx, flat, t);
      if (a > 0) pos++;
      else if (a < 0) neg++;
    }
    expect(pos === 0 || neg === 0).toBe(true);
  });

  it('shades the cavity dark in the middle, with light upper teeth and a reddish tongue, coloured from the lips', () => {
    const style: MouthStyle = { lip: [0.7, 0.35, 0.3], skin: [0.85, 0.7, 0.6], tongue: [0.95, 0.6, 0.62], teeth: teethColour(null, [0.85, 0.7, 0.6]), mouthW, hair: 0 };
    const colH = 0.3 * mouthW;
    const luma = (c: number[]) => 0.299 * c[0]! + 0.587 * c[1]! + 0.114 * c[2]!;
    const teeth = shadeCavity(0, 0.03 * mouthW, colH - 0.03 * mouthW, style, 1);
    const middle = shadeCavity(0, 0.5 * colH, 0.5 * colH, style, 1);
    const tongue = shadeCavity(0, colH - 0.02 * mouthW, 0.02 * mouthW, style, 1);
    expect(luma(teeth)).toBeGreaterThan(0.4);
    expect(luma(middle)).toBeLessThan(0.2);
    expect(tongue[0]).toBeGreaterThan(tongue[1]! * 1.3); // red
    expect(luma(tongue)).toBeLessThan(luma(style.lip as unknown as number[]));
    for (const c of [teeth, middle, tongue]) expect(c[3]).toBe(1);
    // Anti-aliased edge: zero on the lip line, full a pixel inside; darker at the corners.
    expect(shadeCavity(0, 0, colH, style, 1)[3]).toBe(0);
    expect(luma(shadeCavity(0.95, 0.5 * colH, 0.5 * colH, style, 1))).toBeLessThan(luma(middle));
  });

  it('takes the teeth\'s hue from the picture\'s own eye whites, found between the lids beside the iris', () => {
    // Skin everywhere, the eye openings painted a yellowed white, the irises dark.
    const W = 800;
    const k = W / Math.max(rig.width, rig.height);
    const L = face.landmarks;
    const data = new Uint8ClampedArray(W * W * 4);
    const paint = (x: number, y: number, c: number[]) => data.set([...c, 255], (y * W + x) * 4);
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) paint(x, y, [200, 150, 110]);
    for (const e of EYES) {
      const ids = [e.cornerA, e.cornerB, ...e.upper, ...e.lower];
      const xs = ids.map((i) => L[i * 3]! * k), ys = ids.map((i) => L[i * 3 + 1]! * k);
      for (let y = Math.floor(Math.min(...ys)); y <= Math.ceil(Math.max(...ys)); y++)
        for (let x = Math.floor(Math.min(...xs)); x <= Math.ceil(Math.max(...xs)); x++) paint(x, y, [220, 200, 120]);
    }
    for (const c of [468, 473]) {
      const r = Math.hypot(L[(c + 1) * 3]! - L[c * 3]!, L[(c + 1) * 3 + 1]! - L[c * 3 + 1]!) * k * 1.1;
      for (let y = -Math.ceil(r); y <= Math.ceil(r); y++)
        for (let x = -Math.ceil(r); x <= Math.ceil(r); x++)
          if (x * x + y * y <= r * r) paint(Math.round(L[c * 3]! * k + x), Math.round(L[c * 3 + 1]! * k + y), [60, 40, 30]);
    }
    const white = eyeWhite(L, { width: W, height: W, data }, k, k)!;
    expect(white).not.toBeNull();
    white.forEach((c, i) => expect(c).toBeCloseTo([220, 200, 120][i]! / 255, 1));
    // The style's teeth take that hue: yellowed, as the whites are, not the skin's orange.
    const teeth = mouthStyle(rig, { width: W, height: W, data }, k, k).teeth;
    expect(teeth[1] / teeth[0]).toBeGreaterThan(0.85);
    expect(teeth[2] / teeth[1]).toBeLessThan(0.75);
  });

  it('tints the tongue red where the lips are redder than the skin, and in the picture\'s own tone in a photograph', () => {
    // The skin everywhere and the lips (a band across the mouth) in their own colour.
    const W = 128;
    const k = W / Math.max(rig.width, rig.height);
    const L = rig.face.landmarks;
    const top = Math.min(L[0 * 3 + 1]!, L[61 * 3 + 1]!) * k - 2, bottom = Math.max(L[17 * 3 + 1]!, L[291 * 3 + 1]!) * k + 2;
    const picture = (skin: number[], lips: number[]) => {
      const data = new Uint8ClampedArray(W * W * 4);
      for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) data.set([...(y > top && y < bottom && Math.abs(x - L[13 * 3]! * k) < 0.4 * mouthW * k ? lips : skin), 255], (y * W + x) * 4);
      return { width: W, height: W, data };
    };
    const painted = mouthStyle(rig, picture([210, 170, 140], [190, 90, 80]), k, k);
    const grey = mouthStyle(rig, picture([170, 170, 170], [110, 110, 110]), k, k);
    const sepia = mouthStyle(rig, picture([210, 190, 150], [140, 127, 100]), k, k);
    expect(painted.tongue[0]).toBeGreaterThan(1.3 * painted.tongue[1]);
    expect(Math.max(...grey.tongue) - Math.min(...grey.tongue)).toBeLessThan(0.02);
    // Sepia: no redder than the picture itself.
    expect(sepia.tongue[0] / sepia.tongue[1]).toBeLessThan(1.05);
    expect(painted.hair).toBe(0);
  });

  it('under hair, fades the cavity in below the hair and keeps the upper teeth in its shadow', () => {
    const open: MouthStyle = { lip: [0.3, 0.3, 0.3], skin: [0.8, 0.8, 0.8], tongue: [0.72, 0.72, 0.72], teeth: teethColour(null, [0.8, 0.8, 0.8]), mouthW, hair: 0 };
    const hair: MouthStyle = { ...open, hair: 1 };
    const colH = 0.3 * mouthW;
    const luma = (c: number[]) => 0.299 * c[0]! + 0.587 * c[1]! + 0.114 * c[2]!;
    // A pixel below the edge: opaque under lips, half faded under hair; full past the fade.
    expect(shadeCavity(0, 1, colH - 1, open, 1)[3]).toBe(1);
    const fadeMid = shadeCavity(0, 0.5 * HAIR_FEATHER * mouthW, colH, hair, 1)[3];
    expect(fadeMid).toBeGreaterThan(0.3);
    expect(fadeMid).toBeLessThan(0.7);
    expect(shadeCavity(0, HAIR_FEATHER * mouthW, colH, hair, 1)[3]).toBe(1);
    // The teeth are lower and darker in the hair's shadow.
    const at = 0.03 * mouthW;
    expect(luma(shadeCavity(0, at, colH - at, hair, 1))).toBeLessThan(0.8 * luma(shadeCavity(0, at, colH - at, open, 1)));
  });

  it('the CPU fallback paints the cavity inside the opening only', () => {
    const p = poseRig(rig, { ...rest(), expressions: { jawOpen: 0.8 } });
    const v = new Float32Array(CAVITY_VERTEX_COUNT * CAVITY_STRIDE);
    const alpha = mouthCavity(rig, p, v);
    const W = 64;
    // Map the mouth region to a 64x64 image.
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let k = 0; k < CAVITY_VERTEX_COUNT; k++) {
      x0 = Math.min(x0, v[k * CAVITY_STRIDE]!);
      x1 = Math.max(x1, v[k * CAVITY_STRIDE]!);
      y0 = Math.min(y0, v[k * CAVITY_STRIDE + 1]!);
      y1 = Math.max(y1, v[k * CAVITY_STRIDE + 1]!);
    }
    const s = (W - 8) / Math.max(x1 - x0, y1 - y0);
    for (let k = 0; k < CAVITY_VERTEX_COUNT; k++) {
      v[k * CAVITY_STRIDE] = (v[k * CAVITY_STRIDE]! - x0) * s + 4;
      v[k * CAVITY_STRIDE + 1] = (v[k * CAVITY_STRIDE + 1]! - y0) * s + 4;
    }
    const img = { width: W, height: W, data: new Uint8ClampedArray(W * W * 4).fill(255) };
    rasterizeCavity(img, v, { lip: [0.6, 0.3, 0.3], skin: [0.8, 0.7, 0.6], tongue: [0.95, 0.6, 0.62], teeth: teethColour(null, [0.8, 0.7, 0.6]), mouthW, hair: 0 }, alpha, s);
    let changed = 0;
    for (let i = 0; i < W * W; i++) if (img.data[i * 4]! < 250) changed++;
    expect(changed).toBeGreaterThan(30);
    // Corners of the image (outside the mouth) stay untouched.
    for (const [x, y] of [[0, 0], [W - 1, 0], [0, W - 1], [W - 1, W - 1]]) expect(img.data[(y! * W + x!) * 4]).toBe(255);
  });

  it('brings the upper lid down over the eye on a blink and paints the closed lid', () => {
    const closed: PoseParams = { ...rest(), expressions: { eyeBlinkLeft: 1, eyeBlinkRight: 1 } };
    const p = poseRig(rig, closed);
    expect(countFlippedTriangles(rig, p)).toBe(0);
    const l = new Float32Array(LID_VERTEX_COUNT * CAVITY_STRIDE);
    for (let e = 0; e < EYES.length; e++) {
      const eye = EYES[e]!;
      // The upper lid moves down (much), the lower lid (almost) not.
      const up = eye.upper[3]!;
      const lo = eye.lower[3]!;
      const dUp = p[up * 2 + 1]! - rig.rest[up * 2 + 1]!;
      const dLo = Math.abs(p[lo * 2 + 1]! - rig.rest[lo * 2 + 1]!);
      expect(dUp).toBeGreaterThan(3 * dLo);
      // The brow mostly stays: its lower contour moves under half the lid's travel (pulled down
      // linearly over the stretch band, it moved up to two thirds of it on these faces).
      for (const b of [...BROW_RIGHT.lower, ...BROW_LEFT.lower]) expect(Math.abs(p[b * 2 + 1]! - rig.rest[b * 2 + 1]!)).toBeLessThan(0.5 * dUp);
      expect(eyeLid(rig, p, e, l, closed)).toBe(1);
      // Shut, the painted lid reaches up over most of where the eye was open at rest: its top edge
      // (vertex 1 + k, the upper lid's k-th landmark pushed up) lies above the posed upper lid by
      // LID_COVER of the rest opening less what stays open (and a margin; measured along y, the
      // Girl's eye axes are nearly upright).
      const k = 3;
      const top = l[(1 + k) * CAVITY_STRIDE + 1]!;
      const restUp = rig.rest[eye.upper[k]! * 2 + 1]!;
      const restOpen = rig.rest[eye.lower[k]! * 2 + 1]! - restUp;
      const stillOpen = p[eye.lower[k]! * 2 + 1]! - p[eye.upper[k]! * 2 + 1]!;
      expect(p[eye.upper[k]! * 2 + 1]! - top).toBeGreaterThan(0.9 * LID_COVER * (restOpen - stillOpen));
      // Half-way through a blink nothing is painted: the lid itself is coming down.
      const half: PoseParams = { ...rest(), expressions: { eyeBlinkLeft: 0.5, eyeBlinkRight: 0.5 } };
      expect(eyeLid(rig, poseRig(rig, half), e, l, half)).toBe(0);
    }
    const lid = shadeLid(0, 2, 0.001, [0.8, 0.6, 0.5], [0.1, 0.05, 0.05], 40, 1);
    const skin = shadeLid(0, 2, 20, [0.8, 0.6, 0.5], [0.1, 0.05, 0.05], 40, 1);
    expect(lid[0]).toBeLessThan(skin[0]); // the lash line is darker
    // The top fades in over LID_FADE of the lid's height.
    expect(shadeLid(0, 0.1, 20, [0.8, 0.6, 0.5], [0.1, 0.05, 0.05], 40, 1)[3]).toBeLessThan(0.01);
    expect(shadeLid(0, 0.3 * 20, 0.7 * 20, [0.8, 0.6, 0.5], [0.1, 0.05, 0.05], 40, 1)[3]).toBeLessThan(1);
    expect(shadeLid(0, LID_FADE * 20, (1 - LID_FADE) * 20, [0.8, 0.6, 0.5], [0.1, 0.05, 0.05], 40, 1)[3]).toBe(1);

    // A synthetic open eye 24 px wide, 8 px tall, on a source whose skin under the eye (y >= 24)
    // has vertical stripes: the lid shows those stripes, carried up by skinOffset, tinted by skinGain,
    // at LID_GRAIN of their contrast around the lid's mean colour (tone).
    const img = { width: 32, height: 32, data: new Uint8ClampedArray(32 * 32 * 4).fill(0) };
    const src = { width: 32, height: 32, data: new Uint8ClampedArray(32 * 32 * 4) };
    for (let y = 0; y < 32; y++)
      for (let x = 0; x < 32; x++) src.data.set(y >= 24 ? (x % 4 < 2 ? [200, 150, 125, 255] : [100, 75, 62, 255]) : [0, 0, 0, 255], (y * 32 + x) * 4);
    const verts = new Float32Array(LID_VERTEX_COUNT * CAVITY_STRIDE);
    const n = (LID_VERTEX_COUNT - 2) / 2;
    const put = (k: number, x: number, y: number, u: number, a: number, b: number) => verts.set([x, y, u, a, b], k * CAVITY_STRIDE);
    put(0, 4, 16, -1, 0, 0);
    put(1 + n, 28, 16, 1, 0, 0);
    for (let k = 0; k < n; k++) {
      const x = 4 + (24 * (k + 1)) / (n + 1);
      put(1 + k, x, 12, -1 + (2 * (k + 1)) / (n + 1), 0, 8);
      put(2 + n + k, x, 20, -1 + (2 * (k + 1)) / (n + 1), 8, 0);
    }
    const style = { eyeW: [24, 24], skinOffset: [[0, 12], [0, 12]] as Array<[number, number]>, skinGain: [[1.2, 1, 1], [1.2, 1, 1]] as Array<[number, number, number]>, lash: [[0.1, 0.1, 0.1], [0.1, 0.1, 0.1]] as Array<[number, number, number]>, tone: [[(1.2 * 150) / 255, 112.5 / 255, 93.5 / 255], [(1.2 * 150) / 255, 112.5 / 255, 93.5 / 255]] as Array<[number, number, number]> };
    rasterizeLid(img, verts, style, 0, 1, [1, 1], src, [1, 1], style.skinOffset[0]!);
    const at = (x: number, y: number) => img.data[(y * 32 + x) * 4]!;
    // Bright and dark stripes, side by side (pixel centres x + 0.5 sample texels x in the stripes),
    // at LID_GRAIN of the tinted stripes' difference (1.2 x 100), a little darker off the lid's middle.
    expect(at(12, 17)).toBeGreaterThan(180);
    expect(at(12, 17) - at(14, 17)).toBeGreaterThan(0.9 * LID_GRAIN * 120);
    expect(at(12, 17) - at(14, 17)).toBeLessThan(1.05 * LID_GRAIN * 120);
    // Tinted: red gained 1.2 on the bright stripe, green not.
    expect(at(12, 17) / img.data[(17 * 32 + 12) * 4 + 1]!).toBeCloseTo((1.2 * 200) / 150, 1);
    expect(at(16, 2)).toBe(0);
  });

  it('a shut eye under a dark brow, above a lit cheek, is lid-coloured: darker than the cheek, lighter than the shadow', () => {
    // Top light: everything above the eyes' corners in shadow (luma 50), everything below lit (200).
    const W = Math.ceil(rig.width);
    const H = Math.ceil(rig.height);
    const img = { width: W, height: H, data: new Uint8ClampedArray(W * H * 4) };
    const L = rig.face.landmarks;
    const eyeY = (L[EYES[0]!.cornerA * 3 + 1]! + L[EYES[1]!.cornerA * 3 + 1]!) / 2;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) img.data.set(y < eyeY ? [50, 50, 50, 255] : [200, 200, 200, 255], (y * W + x) * 4);
    const style = lidStyle(rig, img, 1, 1);
    for (let eye = 0; eye < EYES.length; eye++) {
      // The skin it carries up is the lit cheek; the lid shows it at skinGain.
      const lid = 200 * style.skinGain[eye]![0];
      expect(lid).toBeLessThan(190);
      expect(lid).toBeGreaterThan(125);
    }
  });

  it("draws a shut eye's lash line in the portrait's own lid-line colour, never lighter than a line on the lid", () => {
    const W = Math.ceil(rig.width);
    const H = Math.ceil(rig.height);
    const L = rig.face.landmarks;
    const luma = (c: readonly number[]) => 0.299 * c[0]! + 0.587 * c[1]! + 0.114 * c[2]!;
    for (const [line, expected] of [
      // A painted brown lid line: kept.
      [[90, 50, 30], [90, 50, 30]],
      // Too light to read as a line on lid skin of luma 200: darkened to LASH_MAX_LUMA of it.
      [[150, 150, 200], [150, 150, 200].map((c) => (c * LASH_MAX_LUMA * 200) / luma([150, 150, 200]))],
    ] as const) {
      // Skin of luma 200 everywhere, the upper lids' line painted just above their landmarks.
      const img = { width: W, height: H, data: new Uint8ClampedArray(W * H * 4) };
      for (let i = 0; i < W * H; i++) img.data.set([200, 200, 200, 255], i * 4);
      for (const e of EYES) {
        const w = Math.hypot(L[e.cornerB * 3]! - L[e.cornerA * 3]!, L[e.cornerB * 3 + 1]! - L[e.cornerA * 3 + 1]!);
        for (const i of e.upper) {
          const cx = L[i * 3]!, cy = L[i * 3 + 1]! - 0.035 * w, r = 0.07 * w;
          for (let y = Math.floor(cy - r); y <= cy + r; y++)
            for (let x = Math.floor(cx - r); x <= cx + r; x++) if (Math.hypot(x - cx, y - cy) <= r) img.data.set([...line, 255], (y * W + x) * 4);
        }
      }
      const style = lidStyle(rig, img, 1, 1);
      for (let eye = 0; eye < EYES.length; eye++) {
        const lash = style.lash[eye]!.map((c) => c * 255);
        lash.forEach((c, k) => expect(Math.abs(c - expected[k]!)).toBeLessThan(8));
      }
    }
  });

  it('the closed lid shows the skin under the eye where it lies in the source, wherever the head carries the eye', () => {
    const style = { eyeW: [24, 24], skinOffset: [[1, 12], [-2, 13]] as Array<[number, number]>, skinGain: [[1, 1, 1], [1, 1, 1]] as Array<[number, number, number]>, lash: [[0.1, 0.1, 0.1], [0.1, 0.1, 0.1]] as Array<[number, number, number]>, tone: [[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]] as Array<[number, number, number]> };
    const shut = { eyeBlinkLeft: 1, eyeBlinkRight: 1 };
    const centre = (p: ArrayLike<number>, eye: number): [number, number] => {
      const { cornerA: a, cornerB: b } = EYES[eye]!;
      return [(p[a * 2]! + p[b * 2]!) / 2, (p[a * 2 + 1]! + p[b * 2 + 1]!) / 2];
    };
    for (const pose of [{ ...rest(), expressions: shut }, { ...rest(), yaw: MAX_YAW, pitch: -MAX_PITCH, tx: 0.04, ty: -0.03, expressions: shut }]) {
      const p = poseRig(rig, pose);
      for (let eye = 0; eye < EYES.length; eye++) {
        const [px, py] = centre(p, eye);
        const [rx, ry] = centre(rig.rest, eye);
        const [ox, oy] = lidSkinOffset(rig, p, style, eye);
        expect(px + ox).toBeCloseTo(rx + style.skinOffset[eye]![0], 3);
        expect(py + oy).toBeCloseTo(ry + style.skinOffset[eye]![1], 3);
      }
    }
  });

  it('turns the head in 3D by the full angle asked (no scale-back): near side expands, far side compresses', () => {
    for (const yaw of [MAX_YAW, -MAX_YAW]) {
      const p = poseRig(rig, { ...rest(), yaw });
      // Nose tip displacement matches the rigid rotation of the rig's depth about the pivot.
      const expected = (Math.cos(yaw) - 1) * (rig.rest[2]! - hf.cx) + Math.sin(yaw) * (rig.depth[1]! - hf.cz);
      expect(p[2]! - rig.rest[2]!).toBeCloseTo(expected, 3);
      expect(countFlippedTriangles(rig, p)).toBe(0);
      // The nose moves more than the cheek on the side it turns away from... and the face width changes.
      expect(Math.abs(p[2]! - rig.rest[2]!)).toBeGreaterThan(0.02 * hf.faceW);
    }
    const p = poseRig(rig, { ...rest(), pitch: MAX_PITCH });
    const expected = (Math.cos(MAX_PITCH) - 1) * (rig.rest[3]! - hf.cy) - Math.sin(MAX_PITCH) * (rig.depth[1]! - hf.cz);
    expect(p[3]! - rig.rest[3]!).toBeCloseTo(expected, 3);
  });

  it('keeps every triangle unflipped under extreme poses with every expression at full strength', () => {
    const all = { jawOpen: 1, mouthFunnel: 1, mouthPucker: 1, mouthSmileLeft: 1, mouthSmileRight: 1, browInnerUp: 1, browOuterUpLeft: 1, eyeBlinkLeft: 1, eyeBlinkRight: 1, eyeLookUpLeft: 1, eyeLookOutRight: 1 };
    for (const [yaw, pitch, roll] of [[MAX_YAW, MAX_PITCH, MAX_ROLL], [-MAX_YAW, -MAX_PITCH, -MAX_ROLL], [2 * MAX_YAW, -2 * MAX_PITCH, MAX_ROLL], [0.5, 0.4, 0.3]]) {
      const p = poseRig(rig, { yaw: yaw!, pitch: pitch!, roll: roll!, tx: 0.04, ty: -0.04, expressions: all });
      expect(countFlippedTriangles(rig, p)).toBe(0);
      for (let i = rig.layout.borderStart; i < rig.rest.length / 2; i++) {
        expect(p[i * 2]).toBe(rig.rest[i * 2]);
        expect(p[i * 2 + 1]).toBe(rig.rest[i * 2 + 1]);
      }
    }
  });

  it('bounds the depth slope the head turn sees over every triangle', () => {
    let worst = 0;
    const nTri = rig.indices.length / 3;
    for (let t = 0; t < nTri; t++) {
      const [a, b, c] = [rig.indices[t * 3]!, rig.indices[t * 3 + 1]!, rig.indices[t * 3 + 2]!];
      const q = (i: number) => rig.headWeight[i]! * (rig.depth[i]! - hf.cz);
      const x1 = rig.rest[b * 2]! - rig.rest[a * 2]!, y1 = rig.rest[b * 2 + 1]! - rig.rest[a * 2 + 1]!;
      const x2 = rig.rest[c * 2]! - rig.rest[a * 2]!, y2 = rig.rest[c * 2 + 1]! - rig.rest[a * 2 + 1]!;
      const det = x1 * y2 - y1 * x2;
      const q1 = q(b) - q(a), q2 = q(c) - q(a);
      worst = Math.max(worst, Math.hypot((q1 * y2 - q2 * y1) / det, (x1 * q2 - x2 * q1) / det));
    }
    expect(worst).toBeLessThan(MAX_DEPTH_GRADIENT * 1.05);
    // The nose still stands out of the face (nearer than the cheeks by at least a tenth of the face width).
    expect(rig.depth[1]! - (rig.depth[234]! + rig.depth[454]!) / 2).toBeLessThan(-0.1 * hf.faceW);
  });
});

describe('the teeth\'s colour', () => {
  const luma = (c: readonly number[]) => 0.299 * c[0]! + 0.587 * c[1]! + 0.114 * c[2]!;
  const skin = [0.7, 0.55, 0.4];

  it('is yellowed as the eye whites are, but neither pinker than ivory nor bluer than grey', () => {
    const yellowed = teethColour([0.75, 0.68, 0.35], skin);
    expect(yellowed[2] / yellowed[1]).toBeLessThan(0.6);
    // Ivory (1, 0.97, 0.88) tinted by at most orange: the tint's red no more than twice its green less its blue.
    const pink = teethColour([0.85, 0.62, 0.6], skin);
    const tint = [pink[0] / 1, pink[1] / 0.97, pink[2] / 0.88];
    expect(tint[0]).toBeLessThanOrEqual(2 * tint[1]! - tint[2]! + 1e-9);
    expect(pink[0] / pink[1]).toBeLessThan(0.85 / 0.62);
    const blue = teethColour([0.6, 0.65, 0.8], skin);
    expect(blue[2] / 0.88).toBeLessThanOrEqual(blue[1]! / 0.97 + 1e-9);
  });

  it('is grey in a black-and-white photograph, whose teeth show no ivory', () => {
    for (const white of [[0.62, 0.62, 0.62], null]) {
      const t = teethColour(white, [0.55, 0.55, 0.545]);
      expect(Math.max(...t) - Math.min(...t)).toBeLessThan(0.01);
    }
    // With colour in the skin, the ivory shows: yellower than the (grey) whites.
    const coloured = teethColour([0.62, 0.62, 0.62], skin);
    expect(coloured[2] / coloured[1]).toBeLessThan(0.95);
  });

  it('is as bright as a lit tooth in the skin\'s light, whatever the whites\' brightness', () => {
    const want = Math.min(0.9, 0.12 + 0.75 * luma(skin));
    for (const white of [[0.3, 0.28, 0.25], [0.9, 0.88, 0.8], null]) expect(luma(teethColour(white, skin))).toBeCloseTo(want, 2);
  });
});

describe('still background cache', () => {
  it('drawing the still triangles once and the moving ones per frame gives the same image as drawing all', async () => {
    const { rasterizeMesh, restUvs, splitTriangles, alphaBox } = await import('../../lib/render/raster');
    const { face, w, h } = FACES['mona-lisa'];
    const rig = buildRig(face, w, h);
    const W = 106, H = 160;
    const src = { width: 64, height: 64, data: new Uint8ClampedArray(64 * 64 * 4).map((_, i) => (i * 37) % 251) };
    const p = poseRig(rig, { ...rest(), yaw: 0.05, expressions: { jawOpen: 0.5 } });
    const scaled = Float32Array.from(p, (v, i) => v * (i % 2 ? H / h : W / w));
    const still = Float32Array.from(rig.rest, (v, i) => v * (i % 2 ? H / h : W / w));
    const uvs = restUvs(rig.rest, w, h);
    const a = { width: W, height: H, data: new Uint8ClampedArray(W * H * 4) };
    rasterizeMesh(a, src, scaled, uvs, rig.indices);
    const { moving, fixed } = splitTriangles(rig);
    expect(moving.length + fixed.length).toBe(rig.indices.length);
    expect(fixed.length).toBeGreaterThan(0);
    for (const i of fixed) expect(rig.headWeight[i]).toBe(0);
    const b = { width: W, height: H, data: new Uint8ClampedArray(W * H * 4) };
    rasterizeMesh(b, src, still, uvs, fixed);
    rasterizeMesh(b, src, scaled, uvs, moving);
    let maxDiff = 0;
    for (let i = 0; i < a.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.data[i]! - b.data[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1);
    const ov = { width: 10, height: 8, data: new Uint8ClampedArray(10 * 8 * 4) };
    expect(alphaBox(ov)).toBeNull();
    ov.data[(3 * 10 + 2) * 4 + 3] = 9;
    ov.data[(5 * 10 + 7) * 4 + 3] = 255;
    expect(alphaBox(ov)).toEqual([2, 3, 6, 3]);
  });
});
