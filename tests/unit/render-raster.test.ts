import { describe, expect, it } from 'vitest';
import { compositeOverlay, partitionByBox, rasterizeMesh, restUvs, type RgbaImage } from '../../lib/render/raster';

function image(w: number, h: number, f: (x: number, y: number) => [number, number, number, number]): RgbaImage {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const [r, g, b, a] = f(x, y);
      data.set([r, g, b, a], (y * w + x) * 4);
    }
  return { width: w, height: h, data };
}

/** Two triangles covering a w x h rectangle plus a centre vertex (4 triangles). */
function quadMesh(w: number, h: number) {
  const rest = new Float32Array([0, 0, w, 0, w, h, 0, h, w / 2, h / 2]);
  const indices = new Uint32Array([0, 1, 4, 1, 2, 4, 2, 3, 4, 3, 0, 4]);
  return { rest, indices, uvs: restUvs(rest, w, h) };
}

describe('rasterizeMesh', () => {
  const src = image(16, 12, (x, y) => [x * 16, y * 20, (x * 7 + y * 13) % 256, 255]);

  it('reproduces the source exactly at rest (1:1)', () => {
    const { rest, indices, uvs } = quadMesh(16, 12);
    const dst = image(16, 12, () => [0, 0, 0, 0]);
    rasterizeMesh(dst, src, rest, uvs, indices);
    expect(Array.from(dst.data)).toEqual(Array.from(src.data));
  });

  it('covers every pixel with no gaps when the mesh is warped', () => {
    const { rest, indices, uvs } = quadMesh(16, 12);
    const pos = Float32Array.from(rest);
    pos[8] = 6.3; // move the centre vertex
    pos[9] = 4.1;
    const dst = image(16, 12, () => [1, 2, 3, 0]);
    rasterizeMesh(dst, src, pos, uvs, indices);
    for (let i = 3; i < dst.data.length; i += 4) expect(dst.data[i]).toBe(255);
    // Something moved inside, compared with the rest render.
    const ref = image(16, 12, () => [0, 0, 0, 0]);
    rasterizeMesh(ref, src, rest, uvs, indices);
    expect(Array.from(dst.data)).not.toEqual(Array.from(ref.data));
  });

  it('samples bilinearly when scaling up 2x', () => {
    const grad = image(4, 1, (x) => [x * 60, 0, 0, 255]);
    const rest = new Float32Array([0, 0, 8, 0, 8, 2, 0, 2]);
    const uvs = new Float32Array([0, 0, 1, 0, 1, 1, 0, 1]);
    const dst = image(8, 2, () => [0, 0, 0, 0]);
    rasterizeMesh(dst, grad, rest, uvs, new Uint32Array([0, 1, 2, 0, 2, 3]));
    const row = Array.from({ length: 8 }, (_, x) => dst.data[x * 4]);
    // Texel centres at 0.5..3.5 -> dst pixel centres map to u = 0.25, 0.75, ... (clamped at the edges).
    expect(row).toEqual([0, 15, 45, 75, 105, 135, 165, 180]);
  });

  it('handles either triangle winding', () => {
    const { rest, uvs } = quadMesh(16, 12);
    const dst = image(16, 12, () => [0, 0, 0, 0]);
    rasterizeMesh(dst, src, rest, uvs, new Uint32Array([0, 4, 1, 1, 4, 2, 2, 4, 3, 3, 4, 0]));
    expect(Array.from(dst.data)).toEqual(Array.from(src.data));
  });
});

describe('compositeOverlay', () => {
  it('blends straight alpha over an opaque frame', () => {
    const dst = image(2, 1, () => [100, 100, 100, 255]);
    const ov = image(2, 1, (x) => (x === 0 ? [255, 0, 0, 0] : [255, 0, 0, 128]));
    compositeOverlay(dst, ov);
    expect(Array.from(dst.data)).toEqual([100, 100, 100, 255, 178, 50, 50, 255]);
  });
});

describe('partitionByBox', () => {
  it('puts the triangles that miss the box first, keeps every triangle once, and leaves each triangle\'s vertex order', () => {
    const { rest, indices } = quadMesh(16, 12);
    const out = new Uint32Array(indices.length);
    // A box around the right edge's midpoint: the bounding boxes of the top, right and bottom
    // triangles reach it (the test is conservative), the left triangle's does not.
    const n = partitionByBox(indices, rest, [15, 5, 17, 7], out);
    const tris = (a: Uint32Array, from: number, to: number) => {
      const r: string[] = [];
      for (let t = from; t < to; t += 3) r.push(`${a[t]},${a[t + 1]},${a[t + 2]}`);
      return r;
    };
    const inside = tris(out, n, out.length);
    expect(inside.sort()).toEqual(['0,1,4', '1,2,4', '2,3,4']);
    expect(tris(out, 0, n)).toEqual(['3,0,4']);
    expect([...tris(out, 0, n), ...inside].sort()).toEqual(tris(indices, 0, indices.length).sort());
  });

  it('gives everything to the first group for a box away from the mesh, and nothing for a box over all of it', () => {
    const { rest, indices } = quadMesh(16, 12);
    const out = new Uint32Array(indices.length);
    expect(partitionByBox(indices, rest, [100, 100, 120, 120], out)).toBe(indices.length);
    expect(partitionByBox(indices, rest, [-1, -1, 17, 13], out)).toBe(0);
  });
});
