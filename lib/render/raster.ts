import type { Rig } from './types';
/**
 * Pure CPU rasteriser: draws a textured triangle mesh into an RGBA byte array, with the same
 * conventions as the WebGPU path (pixel centres at +0.5, bilinear sampling with clamp-to-edge,
 * straight-alpha overlay composited with src-alpha / one-minus-src-alpha).
 */

export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA, 8 bits per channel, row-major, straight alpha. */
  data: Uint8ClampedArray | Uint8Array;
}

/**
 * Rasterise triangles. `positions` are in destination pixels (x,y pairs), `uvs` in [0,1] texture
 * space over `src`, `indices` triangle vertex indices. Destination alpha is set to 255.
 */
export function rasterizeMesh(
  dst: RgbaImage,
  src: RgbaImage,
  positions: ArrayLike<number>,
  uvs: ArrayLike<number>,
  indices: ArrayLike<number>,
  post?: PixelPost,
): void {
  const dw = dst.width;
  const dh = dst.height;
  const D = dst.data;
  const S = src.data;
  const sw = src.width;
  const sh = src.height;
  const nTri = Math.floor(indices.length / 3);
  for (let t = 0; t < nTri; t++) {
    const ia = indices[t * 3]!;
    const ib = indices[t * 3 + 1]!;
    const ic = indices[t * 3 + 2]!;
    const ax = positions[ia * 2]!, ay = positions[ia * 2 + 1]!;
    const bx = positions[ib * 2]!, by = positions[ib * 2 + 1]!;
    const cx = positions[ic * 2]!, cy = positions[ic * 2 + 1]!;
    const area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    if (area === 0 || !Number.isFinite(area)) continue;
    const inv = 1 / area;
    // Texture coordinates in texel space (texel centres at integer + 0.5 -> subtract 0.5 for bilinear).
    const au = uvs[ia * 2]! * sw - 0.5, av = uvs[ia * 2 + 1]! * sh - 0.5;
    const bu = uvs[ib * 2]! * sw - 0.5, bv = uvs[ib * 2 + 1]! * sh - 0.5;
    const cu = uvs[ic * 2]! * sw - 0.5, cv = uvs[ic * 2 + 1]! * sh - 0.5;
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx, cx) - 0.5));
    const x1 = Math.min(dw - 1, Math.ceil(Math.max(ax, bx, cx) - 0.5));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by, cy) - 0.5));
    const y1 = Math.min(dh - 1, Math.ceil(Math.max(ay, by, cy) - 0.5));
    const eps = -1e-6;
    // Whether this triangle's source footprint meets the post-processing box.
    const doPost =
      post !== undefined &&
      Math.max(au, bu, cu) + 0.5 >= post.box[0] &&
      Math.min(au, bu, cu) + 0.5 <= post.box[2] &&
      Math.max(av, bv, cv) + 0.5 >= post.box[1] &&
      Math.min(av, bv, cv) + 0.5 <= post.box[3];
    for (let py = y0; py <= y1; py++) {
      const fy = py + 0.5;
      for (let px = x0; px <= x1; px++) {
        const fx = px + 0.5;
        // Barycentric weights (normalised by the signed area, so orientation does not matter).
        const wa = ((bx - fx) * (cy - fy) - (by - fy) * (cx - fx)) * inv;
        if (wa < eps) continue;
        const wb = ((cx - fx) * (ay - fy) - (cy - fy) * (ax - fx)) * inv;
        if (wb < eps) continue;
        const wc = 1 - wa - wb;
        if (wc < eps) continue;
        let u = wa * au + wb * bu + wc * cu;
        let v = wa * av + wb * bv + wc * cv;
        if (u < 0) u = 0;
        else if (u > sw - 1) u = sw - 1;
        if (v < 0) v = 0;
        else if (v > sh - 1) v = sh - 1;
        const u0 = Math.floor(u);
        const v0 = Math.floor(v);
        const u1 = u0 + 1 < sw ? u0 + 1 : u0;
        const v1 = v0 + 1 < sh ? v0 + 1 : v0;
        const fu = u - u0;
        const fv = v - v0;
        const i00 = (v0 * sw + u0) * 4;
        const i10 = (v0 * sw + u1) * 4;
        const i01 = (v1 * sw + u0) * 4;
        const i11 = (v1 * sw + u1) * 4;
        const w00 = (1 - fu) * (1 - fv);
        const w10 = fu * (1 - fv);
        const w01 = (1 - fu) * fv;
        const w11 = fu * fv;
        const o = (py * dw + px) * 4;
        D[o] = S[i00]! * w00 + S[i10]! * w10 + S[i01]! * w01 + S[i11]! * w11;
        D[o + 1] = S[i00 + 1]! * w00 + S[i10 + 1]! * w10 + S[i01 + 1]! * w01 + S[i11 + 1]! * w11;
        D[o + 2] = S[i00 + 2]! * w00 + S[i10 + 2]! * w10 + S[i01 + 2]! * w01 + S[i11 + 2]! * w11;
        D[o + 3] = 255;
        if (doPost) {
          const tx = wa * au + wb * bu + wc * cu + 0.5;
          const ty = wa * av + wb * bv + wc * cv + 0.5;
          if (tx >= post.box[0] && tx <= post.box[2] && ty >= post.box[1] && ty <= post.box[3]) post.fn(D, o, tx, ty);
        }
      }
    }
  }
}

/**
 * A per-pixel step after the mesh colour is written (the gaze composite, eyes.ts): called for the
 * pixels whose source point (texel space of `src`, pixel centres at +0.5) lies in `box` [x0, y0,
 * x1, y1], with the destination data and the pixel's byte offset.
 */
export interface PixelPost {
  box: [number, number, number, number];
  fn: (data: Uint8ClampedArray | Uint8Array, offset: number, tx: number, ty: number) => void;
}

/** Bilinear sample of `src` at texel-space point (tx, ty) (pixel centres at +0.5, clamp to edge), 0-255 RGB into out. */
export function sampleBilinear(src: RgbaImage, tx: number, ty: number, out: Float64Array | number[]): void {
  const sw = src.width, sh = src.height, S = src.data;
  let u = tx - 0.5, v = ty - 0.5;
  if (!(u > 0)) u = 0;
  else if (u > sw - 1) u = sw - 1;
  if (!(v > 0)) v = 0;
  else if (v > sh - 1) v = sh - 1;
  const u0 = Math.floor(u), v0 = Math.floor(v);
  const u1 = u0 + 1 < sw ? u0 + 1 : u0;
  const v1 = v0 + 1 < sh ? v0 + 1 : v0;
  const fu = u - u0, fv = v - v0;
  const i00 = (v0 * sw + u0) * 4, i10 = (v0 * sw + u1) * 4, i01 = (v1 * sw + u0) * 4, i11 = (v1 * sw + u1) * 4;
  const w00 = (1 - fu) * (1 - fv), w10 = fu * (1 - fv), w01 = (1 - fu) * fv, w11 = fu * fv;
  for (let k = 0; k < 3; k++) out[k] = S[i00 + k]! * w00 + S[i10 + k]! * w10 + S[i01 + k]! * w01 + S[i11 + k]! * w11;
}

/** Composite a straight-alpha overlay of the same size over dst (opaque result). */
export function compositeOverlay(dst: RgbaImage, overlay: RgbaImage): void {
  if (overlay.width !== dst.width || overlay.height !== dst.height) throw new Error('overlay size mismatch');
  const D = dst.data;
  const O = overlay.data;
  for (let i = 0; i < D.length; i += 4) {
    const a = O[i + 3]!;
    if (a === 0) continue;
    const fa = a / 255;
    const fb = 1 - fa;
    D[i] = O[i]! * fa + D[i]! * fb;
    D[i + 1] = O[i + 1]! * fa + D[i + 1]! * fb;
    D[i + 2] = O[i + 2]! * fa + D[i + 2]! * fb;
    D[i + 3] = 255;
  }
}

/** Rest UVs (0-1) for a rig's rest positions. */
export function restUvs(rest: Float32Array, width: number, height: number): Float32Array<ArrayBuffer> {
  const uv = new Float32Array(rest.length);
  for (let i = 0; i < rest.length; i += 2) {
    uv[i] = rest[i]! / width;
    uv[i + 1] = rest[i + 1]! / height;
  }
  return uv;
}

/** Triangles split into those that follow the head (any vertex with head weight > 0) and the still background. */
export function splitTriangles(rig: Pick<Rig, 'indices' | 'headWeight'>): { moving: Uint32Array<ArrayBuffer>; fixed: Uint32Array<ArrayBuffer> } {
  const moving: number[] = [];
  const fixed: number[] = [];
  const I = rig.indices;
  for (let t = 0; t < I.length; t += 3) {
    const a = I[t]!, b = I[t + 1]!, c = I[t + 2]!;
    const list = rig.headWeight[a]! > 0 || rig.headWeight[b]! > 0 || rig.headWeight[c]! > 0 ? moving : fixed;
    list.push(a, b, c);
  }
  return { moving: Uint32Array.from(moving), fixed: Uint32Array.from(fixed) };
}

/**
 * Reorder triangles (index triples) so that those whose rest bounding box misses `box` (x0, y0, x1,
 * y1, in the same units as `rest`) come first and those touching it last; returns how many indices
 * the first group holds. The renderer shades only the second group with the costly eye composite.
 */
export function partitionByBox(tris: Uint32Array, rest: ArrayLike<number>, box: readonly [number, number, number, number], out: Uint32Array): number {
  let head = 0;
  let tail = tris.length;
  for (let t = 0; t < tris.length; t += 3) {
    const a = tris[t]!, b = tris[t + 1]!, c = tris[t + 2]!;
    const ax = rest[a * 2]!, bx = rest[b * 2]!, cx = rest[c * 2]!;
    const ay = rest[a * 2 + 1]!, by = rest[b * 2 + 1]!, cy = rest[c * 2 + 1]!;
    const misses =
      Math.max(ax, bx, cx) < box[0] || Math.min(ax, bx, cx) > box[2] || Math.max(ay, by, cy) < box[1] || Math.min(ay, by, cy) > box[3];
    if (misses) {
      out[head++] = a;
      out[head++] = b;
      out[head++] = c;
    } else {
      out[--tail] = c;
      out[--tail] = b;
      out[--tail] = a;
    }
  }
  return head;
}

/** Bounding box [x, y, w, h] of the pixels with alpha > 0, or null when there are none. */
export function alphaBox(img: { width: number; height: number; data: ArrayLike<number> }): [number, number, number, number] | null {
  let x0 = img.width, y0 = img.height, x1 = -1, y1 = -1;
  for (let y = 0; y < img.height; y++) {
    const row = y * img.width * 4;
    for (let x = 0; x < img.width; x++) {
      if (img.data[row + x * 4 + 3] === 0) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? null : [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}
