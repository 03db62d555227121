import { describe, expect, it } from 'vitest';
import { finalizeFaces, iou, mergeCandidates, photometricSanity, plausibility, sameFace, toFace, type Candidate } from '../../lib/face/merge';
import { boxFromLandmarks, planTiles, type Tile } from '../../lib/face/tiling';
import { LANDMARK_COUNT } from '../../lib/face/types';

/**
 * A synthetic face mesh: 478 points filling an upright oval of width w centred at (cx, cy), with
 * the landmarks the plausibility check reads (brow 10, chin 152, eye corners 33/263, nose 1,
 * upper lip 13) where a real face has them.
 */
function fakeFace(cx: number, cy: number, w: number, opts: { eyes?: number } = {}): Float32Array {
  const h = w * 1.15;
  const lm = new Float32Array(LANDMARK_COUNT * 3);
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const a = (i / LANDMARK_COUNT) * Math.PI * 2 * 7;
    const r = 0.5 * Math.sqrt((i % 23) / 22);
    lm[i * 3] = cx + Math.cos(a) * r * w;
    lm[i * 3 + 1] = cy + Math.sin(a) * r * h;
    lm[i * 3 + 2] = -0.1 * w * (1 - r);
  }
  const set = (i: number, x: number, y: number): void => {
    lm[i * 3] = cx + x * w;
    lm[i * 3 + 1] = cy + y * h;
  };
  const eyes = opts.eyes ?? 0.3;
  set(10, 0, -0.5);
  set(152, 0, 0.5);
  set(33, -eyes, -0.1);
  set(263, eyes, -0.1);
  set(1, 0, 0.12);
  set(13, 0, 0.3);
  return lm;
}

function cand(tiles: Tile[], tileIndex: number, lm: Float32Array): Candidate {
  return { tile: tiles[tileIndex]!, tileIndex, landmarks: lm, blendshapes: { jawOpen: 0.01 * tileIndex }, matrix: null };
}

/** Candidates for a face seen by every tile that fully contains it at a findable scale. */
function sightings(tiles: Tile[], cx: number, cy: number, w: number, jitter = 0): Candidate[] {
  const out: Candidate[] = [];
  tiles.forEach((t, i) => {
    const r = w / t.w;
    const inside = cx - w / 2 >= t.x && cx + w / 2 <= t.x + t.w && cy - 0.6 * w >= t.y && cy + 0.6 * w <= t.y + t.h;
    if (inside && r >= 0.1 && r <= 0.75) {
      const d = jitter * ((i % 3) - 1);
      out.push(cand(tiles, i, fakeFace(cx + d, cy - d, w * (1 + d / 200))));
    }
  });
  return out;
}

describe('box helpers', () => {
  it('iou', () => {
    expect(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 0, y: 0, w: 10, h: 10 })).toBe(1);
    expect(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 20, y: 0, w: 10, h: 10 })).toBe(0);
    expect(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 5, y: 0, w: 10, h: 10 })).toBeCloseTo(50 / 150, 6);
  });
  it('sameFace: overlapping or concentric boxes of similar size, not neighbours', () => {
    expect(sameFace({ x: 100, y: 100, w: 60, h: 70 }, { x: 104, y: 98, w: 58, h: 71 })).toBe(true);
    expect(sameFace({ x: 100, y: 100, w: 60, h: 70 }, { x: 110, y: 110, w: 40, h: 45 })).toBe(true);
    expect(sameFace({ x: 100, y: 100, w: 60, h: 70 }, { x: 170, y: 100, w: 60, h: 70 })).toBe(false);
    expect(sameFace({ x: 100, y: 100, w: 60, h: 70 }, { x: 100, y: 180, w: 60, h: 70 })).toBe(false);
    // a small face inside a big one's box is not the same face
    expect(sameFace({ x: 0, y: 0, w: 400, h: 450 }, { x: 180, y: 200, w: 40, h: 45 })).toBe(false);
  });
});

describe('plausibility', () => {
  it('accepts face-like geometry and rejects collapsed or scrambled meshes', () => {
    expect(plausibility(fakeFace(200, 200, 100))).toBeGreaterThan(0.95);
    expect(plausibility(fakeFace(200, 200, 100, { eyes: 0.04 }))).toBeLessThan(0.5);
    const upside = fakeFace(200, 200, 100);
    // mouth above the eyes
    upside[13 * 3 + 1] = 200 - 0.4 * 115;
    expect(plausibility(upside)).toBeLessThan(0.5);
    expect(plausibility(new Float32Array(10))).toBe(0);
  });
});

describe('mergeCandidates', () => {
  const W = 1600;
  const H = 960;
  const tiles = planTiles(W, H);

  it('merges many sightings of one face into one, in source pixels', () => {
    const cands = sightings(tiles, 400, 450, 70, 2);
    expect(cands.length).toBeGreaterThan(3);
    const faces = mergeCandidates(cands, tiles, W, H);
    expect(faces).toHaveLength(1);
    const f = faces[0]!;
    expect(f.index).toBe(0);
    expect(Math.abs(f.box.x + f.box.w / 2 - 400)).toBeLessThan(10);
    expect(Math.abs(f.box.y + f.box.h / 2 - 450)).toBeLessThan(10);
    expect(f.hits).toBe(new Set(cands.map((c) => c.tileIndex)).size);
    expect(f.score).toBeGreaterThan(0.9);
    expect(f.landmarks.length).toBe(LANDMARK_COUNT * 3);
    // box is computed from the representative's landmarks
    expect(f.box).toEqual(boxFromLandmarks(f.landmarks));
  });

  it('keeps neighbouring faces of a group portrait apart and sorts largest first', () => {
    const spec = [
      [300, 450, 60],
      [372, 455, 66],
      [450, 380, 58],
      [900, 470, 75],
      [1400, 520, 64],
    ] as const;
    const cands = spec.flatMap(([x, y, w]) => sightings(tiles, x, y, w, 1));
    const faces = mergeCandidates(cands, tiles, W, H);
    expect(faces).toHaveLength(spec.length);
    const widths = faces.map((f) => f.box.w);
    expect([...widths].sort((a, b) => b - a)).toEqual(widths);
    expect(faces.map((f) => f.index)).toEqual([0, 1, 2, 3, 4]);
    for (const [x, y] of spec) {
      expect(faces.filter((f) => Math.abs(f.box.x + f.box.w / 2 - x) < 10 && Math.abs(f.box.y + f.box.h / 2 - y) < 20)).toHaveLength(1);
    }
  });

  it('prefers a sighting fully inside its tile over one cut by a tile edge', () => {
    const fine = tiles.filter((t) => t.level === Math.max(...tiles.map((x) => x.level)));
    const t = fine[5]!;
    const ti = tiles.indexOf(t);
    // a face straddling the right edge of tile t (cut), and the same face fully inside the full pass
    const cx = t.x + t.w;
    const cut = fakeFace(cx - 8, t.y + t.h / 2, 60);
    const whole = fakeFace(cx, t.y + t.h / 2, 64);
    const faces = mergeCandidates([cand(tiles, ti, cut), cand(tiles, 0, whole)], tiles, W, H, { minScore: 0 });
    expect(faces).toHaveLength(1);
    expect(faces[0]!.landmarks).toBe(whole);
  });

  it('prefers the sighting where the face is larger in the analysed canvas', () => {
    const full = 0;
    const fine = tiles.findIndex((t) => t.level > 0 && t.x <= 360 && t.y <= 400 && t.x + t.w >= 440 && t.y + t.h >= 500);
    expect(fine).toBeGreaterThan(0);
    const a = fakeFace(400, 450, 70);
    const b = fakeFace(401, 451, 70);
    const faces = mergeCandidates([cand(tiles, full, a), cand(tiles, fine, b)], tiles, W, H, { minScore: 0 });
    expect(faces).toHaveLength(1);
    expect(faces[0]!.landmarks).toBe(b);
  });

  it('drops a face seen by one tile out of many that could have seen it', () => {
    const lonely = sightings(tiles, 800, 480, 90).slice(0, 1);
    const solid = sightings(tiles, 300, 450, 60);
    const all = mergeCandidates([...lonely, ...solid], tiles, W, H, { minScore: 0 });
    expect(all).toHaveLength(2);
    const weak = all.find((f) => f.hits === 1)!;
    const strong = all.find((f) => f.hits > 1)!;
    expect(weak.chances).toBeGreaterThanOrEqual(4);
    expect(weak.score).toBeLessThan(0.45);
    expect(strong.score).toBeGreaterThan(0.9);
    const faces = mergeCandidates([...lonely, ...solid], tiles, W, H);
    expect(faces).toHaveLength(1);
    expect(Math.abs(faces[0]!.box.x + faces[0]!.box.w / 2 - 300)).toBeLessThan(10);
  });

  it('does not count tiles where a face was painted out as missed chances', () => {
    const lonely = sightings(tiles, 800, 480, 90).slice(0, 1);
    const box = boxFromLandmarks(lonely[0]!.landmarks);
    const masked = new Map(tiles.map((_, i) => [i, [box]] as const).filter(([i]) => i !== lonely[0]!.tileIndex));
    const [f] = mergeCandidates(lonely, tiles, W, H, { masked, minScore: 0 });
    expect(f!.chances).toBe(1);
    expect(f!.score).toBeGreaterThan(0.75);
  });

  it('returns nothing for no candidates, and toFace strips diagnostics', () => {
    expect(mergeCandidates([], tiles, W, H)).toEqual([]);
    const [f] = mergeCandidates(sightings(tiles, 400, 450, 70), tiles, W, H);
    const pub = toFace(f!);
    expect(Object.keys(pub).sort()).toEqual(['blendshapes', 'box', 'index', 'landmarks', 'matrix', 'score']);
  });
});

describe('photometricSanity', () => {
  function pixels(n: number, f: (i: number) => number): Uint8ClampedArray {
    const a = new Uint8ClampedArray(n * 4);
    for (let i = 0; i < n; i++) {
      const v = f(i);
      a.set([v, v, v, 255], i * 4);
    }
    return a;
  }
  it('halves faces found in near-black or flat areas, keeps lit textured ones', () => {
    expect(photometricSanity(pixels(576, (i) => 10 + (i % 7))).factor).toBe(0.5); // dark sleeve
    expect(photometricSanity(pixels(576, () => 150)).factor).toBe(0.5); // flat
    const face = photometricSanity(pixels(576, (i) => 60 + ((i * 37) % 120)));
    expect(face.factor).toBe(1);
    expect(face.mean).toBeGreaterThan(100);
    expect(face.sd).toBeGreaterThan(20);
    expect(photometricSanity([]).factor).toBe(1);
  });
});

describe('finalizeFaces', () => {
  it('drops low scores, sorts by area and renumbers', () => {
    const mk = (w: number, score: number) => ({ index: 9, box: { x: 0, y: 0, w, h: w }, landmarks: new Float32Array(0), blendshapes: {}, matrix: null, score });
    const out = finalizeFaces([mk(10, 0.9), mk(30, 0.3), mk(20, 0.5)], 0.45);
    expect(out.map((f) => f.box.w)).toEqual([20, 10]);
    expect(out.map((f) => f.index)).toEqual([0, 1]);
  });
});
