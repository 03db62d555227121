import { describe, expect, it } from 'vitest';
import { rasterizeMesh, restUvs, type RgbaImage } from '../../lib/render/raster';
import { createRedrawTracker, extentOf } from '../../lib/render/redraw';

const W = 96;
const H = 96;
const STEP = 8;

/** A grid mesh over W x H with STEP px cells, two triangles a cell. */
function grid() {
  const nx = W / STEP + 1;
  const ny = H / STEP + 1;
  const rest = new Float32Array(nx * ny * 2);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) rest.set([i * STEP, j * STEP], (j * nx + i) * 2);
  const idx: number[] = [];
  for (let j = 0; j < ny - 1; j++)
    for (let i = 0; i < nx - 1; i++) {
      const a = j * nx + i;
      idx.push(a, a + 1, a + nx, a + 1, a + nx + 1, a + nx);
    }
  return { rest, tris: Uint32Array.from(idx), uvs: restUvs(rest, W, H) };
}

function image(f: (x: number, y: number) => number): RgbaImage {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const v = f(x, y);
      data.set([v, 255 - v, (v * 3) & 255, 255], (y * W + x) * 4);
    }
  return { width: W, height: H, data };
}

/** A head-like motion: the centre moves by up to 3 px, falling off to nothing at the border. */
function frame(rest: Float32Array, t: number): Float32Array {
  const p = Float32Array.from(rest);
  for (let v = 0; v < rest.length / 2; v++) {
    const x = rest[v * 2]!, y = rest[v * 2 + 1]!;
    if (x === 0 || y === 0 || x === W || y === H) continue;
    const r = Math.hypot(x - W / 2, y - H / 2) / (W / 2);
    const w = Math.max(0, 1 - r) ** 3;
    p[v * 2] = x + 3 * Math.sin(t / 5) * w;
    p[v * 2 + 1] = y + 1.5 * Math.sin(t / 7) * w;
  }
  return p;
}

describe('incremental redraw (redraw.ts)', () => {
  // A smooth portrait: 4 levels a pixel in x, 2 in y (a hard edge would only scale the bound).
  const src = image((x, y) => (x * 2 + y) & 255);

  it('keeps every frame within the tolerance of a full redraw, drawing fewer triangles', () => {
    const { rest, tris, uvs } = grid();
    const tracker = createRedrawTracker(tris, rest, 0.1);
    const out = new Uint32Array(tris.length);
    const kept = image(() => 0);
    let drawn = 0;
    let worst = 0;
    let meanSum = 0;
    const frames = 40;
    for (let t = 0; t < frames; t++) {
      const pos = frame(rest, t);
      const k = tracker.select(pos, [], out);
      if (t === 0) expect(k).toBe(tris.length);
      drawn += k;
      rasterizeMesh(kept, src, pos, uvs, out.subarray(0, k));
      const full = image(() => 0);
      rasterizeMesh(full, src, pos, uvs, tris);
      let sum = 0;
      for (let i = 0; i < full.data.length; i += 4) {
        const d = Math.abs(full.data[i]! - kept.data[i]!);
        worst = Math.max(worst, d);
        sum += d;
      }
      meanSum += sum / (W * H);
    }
    // Most of the mesh moves by less than the tolerance between frames at the border.
    expect(drawn / (tris.length * frames)).toBeLessThan(0.75);
    // A vertex within 0.1 px: at most about 0.1 x 2 levels of gradient off at the cells' pixels
    // (plus one for rounding); slivers between a redrawn cell and a kept one stay within a level.
    expect(worst).toBeLessThanOrEqual(2);
    expect(meanSum / frames).toBeLessThan(0.3);
  });

  it('draws every triangle under an overlay, this frame and the next, and everything after invalidate', () => {
    const { rest, tris } = grid();
    const tracker = createRedrawTracker(tris, rest, 0.1);
    const out = new Uint32Array(tris.length);
    expect(tracker.select(rest, [], out)).toBe(tris.length);
    expect(tracker.select(rest, [], out)).toBe(0);
    const box = extentOf([20, 20, 30, 26], 2)!;
    expect(box).toEqual([20, 20, 30, 26]);
    const k = tracker.select(rest, [box], out);
    // At least the 2 x 2 cells the box lies in (two triangles each), and only triangles touching it.
    expect(k / 3).toBeGreaterThanOrEqual(8);
    for (let i = 0; i < k; i += 3) {
      const xs = [out[i]!, out[i + 1]!, out[i + 2]!].map((v) => rest[v * 2]!);
      const ys = [out[i]!, out[i + 1]!, out[i + 2]!].map((v) => rest[v * 2 + 1]!);
      expect(Math.max(...xs) >= 20 && Math.min(...xs) <= 30 && Math.max(...ys) >= 20 && Math.min(...ys) <= 26).toBe(true);
    }
    tracker.invalidate();
    expect(tracker.select(rest, [], out)).toBe(tris.length);
  });
});
