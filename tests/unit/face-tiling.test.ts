import { describe, expect, it } from 'vitest';
import {
  axisStarts,
  boxFromLandmarks,
  cutFraction,
  mapLandmarks,
  planTiles,
  refineTile,
  sourceToTile,
  tileScale,
  tileToSource,
  type Tile,
} from '../../lib/face/tiling';
import { LANDMARK_COUNT } from '../../lib/face/types';

const SIZES: [number, number][] = [
  [1600, 960],
  [1058, 1600],
  [1415, 1416],
  [645, 796],
  [96, 96],
  [2048, 512],
  [300, 2048],
];

describe('axisStarts', () => {
  it('covers the axis with the requested overlap', () => {
    for (const [len, side, ov] of [
      [1600, 288, 0.4],
      [1000, 500, 0.5],
      [1001, 333, 0.3],
      [512, 512, 0.4],
      [100, 300, 0.4],
    ] as const) {
      const s = axisStarts(len, side, ov);
      expect(s[0]).toBe(0);
      const last = s[s.length - 1]!;
      expect(Math.min(len, last + side)).toBe(len);
      for (let i = 1; i < s.length; i++) {
        expect(s[i]!).toBeGreaterThan(s[i - 1]!);
        // neighbours overlap by at least ov * side (up to rounding)
        expect(s[i - 1]! + side - s[i]!).toBeGreaterThanOrEqual(ov * side - 1);
      }
    }
  });
});

describe('planTiles', () => {
  it('starts with one full-image pass, then levels from coarse to fine', () => {
    const tiles = planTiles(1600, 960);
    expect(tiles[0]).toMatchObject({ x: 0, y: 0, w: 1600, h: 960, level: 0 });
    for (let i = 1; i < tiles.length; i++) expect(tiles[i]!.level).toBeGreaterThanOrEqual(tiles[i - 1]!.level);
    const sides = new Map<number, number>();
    for (const t of tiles.slice(1)) sides.set(t.level, t.w);
    const ordered = [...sides.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
    for (let i = 1; i < ordered.length; i++) expect(ordered[i]!).toBeLessThan(ordered[i - 1]!);
    expect(ordered.length).toBeGreaterThanOrEqual(2);
  });

  it('keeps every tile inside the image and resizes it to about tileSize', () => {
    for (const [W, H] of SIZES) {
      for (const t of planTiles(W, H, { tileSize: 512, fullSize: 768 })) {
        expect(t.x).toBeGreaterThanOrEqual(0);
        expect(t.y).toBeGreaterThanOrEqual(0);
        expect(t.x + t.w).toBeLessThanOrEqual(W);
        expect(t.y + t.h).toBeLessThanOrEqual(H);
        const long = Math.max(t.outW, t.outH);
        expect(long).toBeLessThanOrEqual(t.level === 0 ? 768 : 512);
        // uniform scale (aspect preserved up to rounding)
        expect(Math.abs(t.outW / t.w - t.outH / t.h)).toBeLessThan(0.02);
        // never enlarged by default
        expect(tileScale(t)).toBeLessThanOrEqual(1.0001);
      }
    }
  });

  it('covers every pixel of the image at every level', () => {
    for (const [W, H] of SIZES) {
      const tiles = planTiles(W, H);
      const levels = [...new Set(tiles.map((t) => t.level))];
      for (const level of levels) {
        const lt = tiles.filter((t) => t.level === level);
        const step = Math.max(1, Math.floor(Math.min(W, H) / 40));
        for (let y = 0; y < H; y += step) {
          for (let x = 0; x < W; x += step) {
            expect(lt.some((t) => x >= t.x && x < t.x + t.w && y >= t.y && y < t.y + t.h)).toBe(true);
          }
        }
        // corners too
        for (const [x, y] of [[W - 1, H - 1], [W - 1, 0], [0, H - 1]] as const) {
          expect(lt.some((t) => x >= t.x && x < t.x + t.w && y >= t.y && y < t.y + t.h)).toBe(true);
        }
      }
    }
  });

  it('fully contains any face up to overlap*side at the finest level', () => {
    const W = 1600;
    const H = 960;
    const tiles = planTiles(W, H, { overlap: 0.4 });
    const finest = Math.max(...tiles.map((t) => t.level));
    const lt = tiles.filter((t) => t.level === finest);
    const side = lt[0]!.w;
    const face = Math.floor(0.4 * side) - 2;
    for (let y = 0; y + face <= H; y += 37) {
      for (let x = 0; x + face <= W; x += 41) {
        const inside = lt.some((t) => x >= t.x && y >= t.y && x + face <= t.x + t.w && y + face <= t.y + t.h);
        expect(inside).toBe(true);
      }
    }
  });

  it('plans only the full pass for a tiny image', () => {
    const tiles = planTiles(96, 96);
    expect(tiles).toHaveLength(1);
    expect(tiles[0]).toMatchObject({ x: 0, y: 0, w: 96, h: 96, outW: 96, outH: 96 });
    // explicitly allowing enlargement doubles it at most
    expect(planTiles(96, 96, { maxUpscale: 4 })[0]).toMatchObject({ outW: 384, outH: 384 });
  });

  it('keeps the tile count bounded for the largest inputs', () => {
    expect(planTiles(2048, 2048).length).toBeLessThan(120);
    expect(planTiles(1600, 960).length).toBeLessThan(80);
  });
});

describe('coordinate mapping', () => {
  const tile: Tile = { x: 300, y: 120, w: 288, h: 288, outW: 512, outH: 512, level: 3 };

  it('maps tile-normalised points to source pixels and back', () => {
    for (const [nx, ny, nz] of [
      [0, 0, 0],
      [1, 1, -0.1],
      [0.25, 0.75, 0.05],
      [-0.1, 1.2, 0.3],
    ] as const) {
      const [x, y, z] = tileToSource(tile, nx, ny, nz);
      const [bx, by, bz] = sourceToTile(tile, x, y, z);
      expect(bx).toBeCloseTo(nx, 10);
      expect(by).toBeCloseTo(ny, 10);
      expect(bz).toBeCloseTo(nz, 10);
    }
    expect(tileToSource(tile, 0, 0)).toEqual([300, 120, 0]);
    expect(tileToSource(tile, 1, 1)).toEqual([588, 408, 0]);
    expect(tileToSource(tile, 0.5, 0.5)).toEqual([444, 264, 0]);
  });

  it('scales z like x: normalised z times the analysed width, divided by the tile scale', () => {
    const nz = -0.05;
    const [, , z] = tileToSource(tile, 0.5, 0.5, nz);
    // MediaPipe z * analysed-image width (outW) = canvas px; canvas px / scale = source px
    expect(z).toBeCloseTo((nz * tile.outW) / tileScale(tile), 6);
    expect(z).toBeCloseTo(nz * tile.w, 6);
  });

  it('agrees between the full pass and a tile for the same source point', () => {
    const W = 1600;
    const H = 960;
    const [full] = planTiles(W, H);
    const p = { x: 444.5, y: 264.25 };
    const [fx, fy] = sourceToTile(full!, p.x, p.y);
    const [tx, ty] = sourceToTile(tile, p.x, p.y);
    const a = tileToSource(full!, fx, fy);
    const b = tileToSource(tile, tx, ty);
    expect(a[0]).toBeCloseTo(b[0], 6);
    expect(a[1]).toBeCloseTo(b[1], 6);
  });

  it('packs 478 landmarks as x,y,z source pixels', () => {
    const pts = Array.from({ length: LANDMARK_COUNT }, (_, i) => ({ x: (i % 10) / 10, y: Math.floor(i / 10) / 48, z: -i / 1000 }));
    const lm = mapLandmarks(tile, pts);
    expect(lm).toBeInstanceOf(Float32Array);
    expect(lm.length).toBe(LANDMARK_COUNT * 3);
    expect(lm[3 * 17]!).toBeCloseTo(300 + 0.7 * 288, 3);
    expect(lm[3 * 17 + 1]!).toBeCloseTo(120 + (1 / 48) * 288, 3);
    expect(lm[3 * 17 + 2]!).toBeCloseTo((-17 / 1000) * 288, 3);
    const box = boxFromLandmarks(lm);
    expect(box.x).toBeCloseTo(300, 3);
    expect(box.y).toBeCloseTo(120, 3);
    expect(box.w).toBeCloseTo(0.9 * 288, 3);
    expect(box.h).toBeCloseTo((47 / 48) * 288, 3);
  });
});

describe('cutFraction', () => {
  const tile: Tile = { x: 100, y: 100, w: 200, h: 200, outW: 512, outH: 512, level: 2 };
  it('is 0 inside, positive when a face crosses an inner tile edge', () => {
    expect(cutFraction(tile, { x: 150, y: 150, w: 50, h: 60 }, 1000, 1000)).toBe(0);
    expect(cutFraction(tile, { x: 280, y: 150, w: 40, h: 40 }, 1000, 1000)).toBeCloseTo(0.5, 6);
    expect(cutFraction(tile, { x: 80, y: 150, w: 40, h: 40 }, 1000, 1000)).toBeCloseTo(0.5, 6);
  });
  it('ignores tile edges that are image edges', () => {
    const edge: Tile = { x: 0, y: 0, w: 200, h: 200, outW: 512, outH: 512, level: 2 };
    expect(cutFraction(edge, { x: -10, y: -10, w: 40, h: 40 }, 1000, 1000)).toBe(0);
    expect(cutFraction(edge, { x: 190, y: 10, w: 40, h: 40 }, 1000, 1000)).toBeCloseTo(0.75, 6);
    expect(cutFraction(edge, { x: 190, y: 10, w: 40, h: 40 }, 200, 200)).toBe(0);
  });
});

describe('refineTile', () => {
  it('centres a square crop on the face, face about 45 % of it, inside the image', () => {
    const box = { x: 375, y: 264, w: 269, h: 306 };
    const t = refineTile(box, 1058, 1600);
    expect(t.w).toBe(t.h);
    expect(t.w).toBeCloseTo(306 / 0.45, -1);
    expect(Math.abs(t.x + t.w / 2 - (375 + 269 / 2))).toBeLessThanOrEqual(1);
    expect(Math.abs(t.y + t.h / 2 - (264 + 153))).toBeLessThanOrEqual(1);
    expect(Math.max(t.outW, t.outH)).toBeLessThanOrEqual(512);
    expect(t.level).toBe(-1);
  });
  it('shifts and clamps the crop at image borders', () => {
    const t = refineTile({ x: 5, y: 700, w: 100, h: 120 }, 800, 800);
    expect(t.x).toBe(0);
    expect(t.y + t.h).toBe(800);
    const big = refineTile({ x: 100, y: 100, w: 500, h: 560 }, 700, 900);
    expect(big.w).toBe(700);
    expect(big.x).toBe(0);
    expect(big.y).toBeGreaterThanOrEqual(0);
    expect(big.y + big.h).toBeLessThanOrEqual(900);
  });
  it('enlarges a small face crop at most 2x', () => {
    const t = refineTile({ x: 40, y: 40, w: 20, h: 24 }, 400, 400);
    expect(t.outW / t.w).toBeLessThanOrEqual(2);
    expect(t.outW).toBe(Math.round(t.w * 2));
  });
});
