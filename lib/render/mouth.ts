// The mouth interior. When the jaw (or a funnel) parts the lips, the region between the posed inner
// lip contours is drawn as a shaded cavity (dark, with a hint of upper teeth and of the tongue,
// coloured from this face's own lips and skin) instead of the stretched seam triangles, which would
// otherwise smear lip pixels across the opening. The same geometry and shading run in WGSL
// (shaders.ts, CAVITY_WGSL) and on the CPU (rasterizeCavity here).
import type { RgbaImage } from './raster';
import type { Rig } from './types';
import { CHEEK_LEFT, CHEEK_RIGHT, INNER_CORNER_LEFT, INNER_CORNER_RIGHT, INNER_LIP_LOWER, INNER_LIP_UPPER, MOUTH_CORNER_LEFT, MOUTH_CORNER_RIGHT } from './landmarks';

const NU = INNER_LIP_UPPER.length;
/** Cavity vertices, as landmark indices: right inner corner, upper inner lip (right -> left), left inner corner, lower inner lip. */
export const CAVITY_LANDMARKS: readonly number[] = [INNER_CORNER_RIGHT, ...INNER_LIP_UPPER, INNER_CORNER_LEFT, ...INNER_LIP_LOWER];
export const CAVITY_VERTEX_COUNT = CAVITY_LANDMARKS.length;
/**
 * Floats per cavity vertex: x, y (source px), u (-1 right corner .. 1 left corner), and the distances
 * (source px, along the face's down axis) to the upper and to the lower inner lip. Distances rather
 * than a relative v, so that interpolation is linear per triangle and edges inside stay smooth.
 */
export const CAVITY_STRIDE = 5;

/**
 * Triangles of a strip between two contours of `n` points each, closed by a corner at either end,
 * as vertex indices in the layout: corner A, upper contour (A -> B), corner B, lower contour.
 */
export function stripTriangles(n: number): Uint16Array {
  const up = (k: number) => 1 + k;
  const lo = (k: number) => 2 + n + k;
  const tris: number[] = [0, up(0), lo(0)];
  for (let k = 0; k + 1 < n; k++) tris.push(up(k), up(k + 1), lo(k), lo(k), up(k + 1), lo(k + 1));
  tris.push(up(n - 1), 1 + n, lo(n - 1));
  return Uint16Array.from(tris);
}

/** Triangles of the cavity (a strip between the upper and lower inner lip), as cavity vertex indices. */
export const CAVITY_TRIANGLES: Uint16Array = stripTriangles(NU);

/** Colours (0-1 sRGB) and sizes the cavity is shaded with, fixed per rig. */
export interface MouthStyle {
  lip: [number, number, number];
  skin: [number, number, number];
  /**
   * Tint of the tongue over the lip colour: the lips' own hue against the skin's, once more (red in
   * a painting with red lips, the picture's own tone in a grey or sepia photograph).
   */
  tongue: [number, number, number];
  /** Mouth width (outer corners) in source px. */
  mouthW: number;
  /**
   * 1 where hair hides the lips (mouth-cover.ts): the cavity's top fades in under the hair's edge
   * over HAIR_FEATHER mouth widths, and the upper teeth lie in the hair's shadow. Else 0.
   */
  hair: number;
}

/** The tongue tint's luma (a tongue is darker than the lips), and the bounds of each channel. */
const TONGUE_LUMA = 0.72;
const TONGUE_TINT_RANGE: readonly [number, number] = [0.4, 1.2];
/** Under hair: the depth (mouth widths) over which the cavity fades in below the hair's edge. */
export const HAIR_FEATHER = 0.08;
/**
 * The upper teeth's greatest height, in mouth widths (at most half the opening). About what a
 * speaking mouth shows of the upper incisors; at 0.065 the band was a thin line at face scale and
 * the open mouth read as a dark hole.
 */
export const TEETH_HEIGHT = 0.11;
/** Under hair: the upper teeth's height and brightness, as fractions of the open mouth's. */
export const HAIR_TEETH = 0;

/** The cavity's vertices (CAVITY_LANDMARKS' layout): the inner lips, or the cut under hair that hides them. */
const cavityVertices = (rig: Rig): ArrayLike<number> => rig.mouthSeam ?? CAVITY_LANDMARKS;
const upperAt = (ids: ArrayLike<number>, k: number) => ids[1 + k]!;
const lowerAt = (ids: ArrayLike<number>, k: number) => ids[2 + NU + k]!;

/** Opening (source px) along the face's down axis between the paired upper and lower vertices, per column. */
function columnOpenings(ids: ArrayLike<number>, pos: ArrayLike<number>, downX: number, downY: number, out: Float64Array): void {
  for (let k = 0; k < NU; k++) {
    const a = upperAt(ids, k);
    const b = lowerAt(ids, k);
    out[k] = (pos[b * 2]! - pos[a * 2]!) * downX + (pos[b * 2 + 1]! - pos[a * 2 + 1]!) * downY;
  }
}

interface CavityCache {
  ids: ArrayLike<number>;
  downX: number;
  downY: number;
  mouthW: number;
  restOpen: Float64Array;
  open: Float64Array;
}
const caches = new WeakMap<Rig, CavityCache>();

function cavityCache(rig: Rig): CavityCache {
  let c = caches.get(rig);
  if (c) return c;
  const L = rig.face.landmarks;
  // Face "right" axis from the mouth corners, "down" perpendicular to it.
  let fx = L[MOUTH_CORNER_LEFT * 3]! - L[MOUTH_CORNER_RIGHT * 3]!;
  let fy = L[MOUTH_CORNER_LEFT * 3 + 1]! - L[MOUTH_CORNER_RIGHT * 3 + 1]!;
  const mouthW = Math.max(1, Math.hypot(fx, fy));
  fx /= mouthW;
  fy /= mouthW;
  const restOpen = new Float64Array(NU);
  const ids = cavityVertices(rig);
  columnOpenings(ids, rig.rest, -fy, fx, restOpen);
  c = { ids, downX: -fy, downY: fx, mouthW, restOpen, open: new Float64Array(NU) };
  caches.set(rig, c);
  return c;
}

/**
 * Fill `out` (CAVITY_VERTEX_COUNT x CAVITY_STRIDE floats) with the cavity for these posed positions
 * and return its opacity: 0 when the lips are no further apart than at rest (nothing to draw: the
 * first frame stays the source), rising to 1 once the opening has grown by 3 % of the mouth width.
 */
export function mouthCavity(rig: Rig, positions: ArrayLike<number>, out: Float32Array): number {
  const c = cavityCache(rig);
  const ids = c.ids;
  columnOpenings(ids, positions, c.downX, c.downY, c.open);
  // The rig decides which side of the seam a landmark is on by where it lies, not by its name
  // (pose.ts applyJaw): where the detector put the inner lips crossed, the "upper" landmark drops
  // with the jaw. So each column's top and bottom are taken from where they are now.
  let grown = 0;
  for (let k = 0; k < NU; k++) grown = Math.max(grown, Math.abs(c.open[k]!) - Math.abs(c.restOpen[k]!));
  const alpha = smoothstep(0.004, 0.03, grown / c.mouthW);
  const put = (slot: number, lmIdx: number, u: number, dUp: number, dLo: number) => {
    const o = slot * CAVITY_STRIDE;
    out[o] = positions[lmIdx * 2]!;
    out[o + 1] = positions[lmIdx * 2 + 1]!;
    out[o + 2] = u;
    out[o + 3] = dUp;
    out[o + 4] = dLo;
  };
  put(0, ids[0]!, -1, 0, 0);
  put(1 + NU, ids[1 + NU]!, 1, 0, 0);
  for (let k = 0; k < NU; k++) {
    const u = -1 + (2 * (k + 1)) / (NU + 1);
    const crossed = c.open[k]! < 0;
    const h = Math.abs(c.open[k]!);
    put(1 + k, crossed ? lowerAt(ids, k) : upperAt(ids, k), u, 0, h);
    put(2 + NU + k, crossed ? upperAt(ids, k) : lowerAt(ids, k), u, h, 0);
  }
  return alpha;
}

function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

/** Luma (Rec. 601 weights) of an RGB colour, any scale. */
export const luma = (c: readonly number[]) => 0.299 * c[0]! + 0.587 * c[1]! + 0.114 * c[2]!;

/** Mean colour (0-1) of a small square around (x, y) in an image. */
export function sampleMean(img: RgbaImage, x: number, y: number, r: number): [number, number, number] {
  let s0 = 0, s1 = 0, s2 = 0, n = 0;
  const x0 = Math.max(0, Math.floor(x - r)), x1 = Math.min(img.width - 1, Math.ceil(x + r));
  const y0 = Math.max(0, Math.floor(y - r)), y1 = Math.min(img.height - 1, Math.ceil(y + r));
  for (let yy = y0; yy <= y1; yy++)
    for (let xx = x0; xx <= x1; xx++) {
      const o = (yy * img.width + xx) * 4;
      s0 += img.data[o]!;
      s1 += img.data[o + 1]!;
      s2 += img.data[o + 2]!;
      n++;
    }
  return n ? [s0 / n / 255, s1 / n / 255, s2 / n / 255] : [0.5, 0.3, 0.3];
}

/** Outer / inner lip landmark pairs whose midpoints lie on the lips' red. */
const LIP_SAMPLES: ReadonlyArray<[number, number]> = [
  [0, 13], [37, 82], [267, 312], [39, 81], [269, 311],
  [17, 14], [84, 87], [314, 317], [181, 178], [405, 402],
];

/** Lip and skin colours of this face, sampled from the image the renderer draws (`img`, `scale` = img px per source px). */
export function mouthStyle(rig: Rig, img: RgbaImage, scaleX: number, scaleY: number): MouthStyle {
  const L = rig.face.landmarks;
  const mouthW = cavityCache(rig).mouthW;
  const r = Math.max(1, 0.02 * mouthW * scaleX);
  const acc = [0, 0, 0];
  for (const [a, b] of LIP_SAMPLES) {
    const x = ((L[a * 3]! + L[b * 3]!) / 2) * scaleX;
    const y = ((L[a * 3 + 1]! + L[b * 3 + 1]!) / 2) * scaleY;
    const m = sampleMean(img, x, y, r);
    for (let i = 0; i < 3; i++) acc[i]! += m[i]! / LIP_SAMPLES.length;
  }
  const skinAcc = [0, 0, 0];
  for (const i of [CHEEK_RIGHT, CHEEK_LEFT]) {
    const m = sampleMean(img, L[i * 3]! * scaleX, L[i * 3 + 1]! * scaleY, 2 * r);
    for (let k = 0; k < 3; k++) skinAcc[k]! += m[k]! / 2;
  }
  const skin: [number, number, number] = [skinAcc[0]!, skinAcc[1]!, skinAcc[2]!];
  // The tongue is as much redder than the lips as the lips are than the skin: a photograph's grey
  // or sepia mouth gets a tongue of its own tone, not a red one.
  const lip: [number, number, number] = [acc[0]!, acc[1]!, acc[2]!];
  const ratio = lip.map((c, k) => c / Math.max(0.02, skin[k]!));
  const k = TONGUE_LUMA / Math.max(1e-3, luma(ratio));
  const tongue = ratio.map((r) => Math.min(TONGUE_TINT_RANGE[1], Math.max(TONGUE_TINT_RANGE[0], r * k))) as [number, number, number];
  return { lip, skin, tongue, mouthW, hair: rig.mouthSeam ? 1 : 0 };
}

/**
 * Cavity colour at cavity coordinate u, `dUp` / `dLo` source px below the upper / above the lower
 * inner lip; `px` = output px per source px (for a one-pixel anti-aliased edge). Mirrors
 * CAVITY_WGSL's fs exactly (keep in step). Returns straight-alpha RGBA (0-1), alpha before the
 * global opacity.
 */
export function shadeCavity(u: number, dUp: number, dLo: number, s: MouthStyle, px: number): [number, number, number, number] {
  const side = Math.min(1, u * u);
  const colH = Math.max(0, dUp + dLo);
  // The dark of the mouth, tinted by the lips, darkest towards the corners.
  const back = 0.2 * (1 - 0.55 * side);
  let r = s.lip[0] * back, g = s.lip[1] * back, b = s.lip[2] * back;
  // Tongue: a low mound along the lower lip, redder and darker than the lips.
  const tH = Math.min(0.4 * colH, 0.09 * s.mouthW) * (1 - 0.6 * side);
  const tongue = tH > 0 ? clamp01((tH - dLo) * px + 0.5) : 0;
  const tShade = 0.5 * (1 - 0.5 * side) * (0.75 + 0.25 * clamp01(tH > 0 ? (tH - dLo) / tH : 0));
  r += (s.lip[0] * s.tongue[0] * tShade - r) * tongue;
  g += (s.lip[1] * s.tongue[1] * tShade - g) * tongue;
  b += (s.lip[2] * s.tongue[2] * tShade - b) * tongue;
  // Upper teeth: a band hanging from the upper lip, as bright as the skin, greying to the sides,
  // with faint gaps between teeth and the lip's shadow along the top.
  const underHair = 1 - (1 - HAIR_TEETH) * s.hair;
  const teethH = Math.min(TEETH_HEIGHT * s.mouthW, 0.5 * colH) * (1 - 0.45 * side) * underHair;
  const teeth = teethH > 0 ? clamp01((teethH - dUp) * px + 0.5) : 0;
  const skinL = Math.max(0.05, luma(s.skin));
  const bright = Math.min(0.9, 0.12 + 0.75 * skinL) * (1 - 0.6 * side) * underHair;
  const f = u / 0.17 + 0.5;
  const gapD = Math.abs(f - Math.floor(f) - 0.5);
  const gap = 1 - 0.12 * (1 - smoothstep(0.03, 0.16, gapD));
  const shadow = 0.55 + 0.45 * smoothstep(0, 0.5 * Math.max(teethH, 1e-6), dUp);
  const tw = bright * gap * shadow;
  // Off-white in the painting's own light: half neutral ivory, half the skin's hue.
  r += (tw * (0.5 * 1.0 + 0.5 * Math.min(1.6, s.skin[0] / skinL)) - r) * teeth;
  g += (tw * (0.5 * 0.97 + 0.5 * Math.min(1.6, s.skin[1] / skinL)) - g) * teeth;
  b += (tw * (0.5 * 0.88 + 0.5 * Math.min(1.6, s.skin[2] / skinL)) - b) * teeth;
  // The top edge is the upper lip's (one pixel of anti-aliasing) or, under hair, a fade.
  const top = s.hair > 0 ? smoothstep(0, HAIR_FEATHER * s.mouthW, dUp) : clamp01(dUp * px);
  const edge = Math.min(top, clamp01(dLo * px));
  return [r, g, b, edge];
}

function clamp01(x: number): number {
  return x <= 0 ? 0 : x >= 1 ? 1 : x;
}

/**
 * CPU fallback: draw the cavity (vertices from mouthCavity, positions already scaled to `dst`
 * pixels) over `dst` with opacity `alpha`.
 */
export function rasterizeCavity(dst: RgbaImage, verts: Float32Array, style: MouthStyle, alpha: number, px: number): void {
  rasterizeStrip(dst, verts, CAVITY_TRIANGLES, (u, dUp, dLo) => shadeCavity(u, dUp, dLo, style, px), alpha);
}

/**
 * Rasterise a strip overlay (vertices x, y, u, dUp, dLo in `dst` pixels, see CAVITY_STRIDE) with a
 * per-pixel shade function returning straight-alpha RGBA (0-1), composited with opacity `alpha`.
 */
export function rasterizeStrip(
  dst: RgbaImage,
  verts: Float32Array,
  tris: ArrayLike<number>,
  /** Colour and coverage at strip coordinates u, dUp, dLo (and the pixel centre x, y in dst px). */
  shade: (u: number, dUp: number, dLo: number, x: number, y: number) => [number, number, number, number],
  alpha: number,
): void {
  if (!(alpha > 0)) return;
  const D = dst.data;
  const dw = dst.width;
  const dh = dst.height;
  const S = CAVITY_STRIDE;
  for (let t = 0; t < tris.length; t += 3) {
    const ia = tris[t]! * S, ib = tris[t + 1]! * S, ic = tris[t + 2]! * S;
    const ax = verts[ia]!, ay = verts[ia + 1]!;
    const bx = verts[ib]!, by = verts[ib + 1]!;
    const cx = verts[ic]!, cy = verts[ic + 1]!;
    const area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    if (area === 0 || !Number.isFinite(area)) continue;
    const inv = 1 / area;
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx, cx) - 0.5));
    const x1 = Math.min(dw - 1, Math.ceil(Math.max(ax, bx, cx) - 0.5));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by, cy) - 0.5));
    const y1 = Math.min(dh - 1, Math.ceil(Math.max(ay, by, cy) - 0.5));
    for (let py = y0; py <= y1; py++) {
      const fy = py + 0.5;
      for (let pxi = x0; pxi <= x1; pxi++) {
        const fx = pxi + 0.5;
        const wa = ((bx - fx) * (cy - fy) - (by - fy) * (cx - fx)) * inv;
        if (wa < 0) continue;
        const wb = ((cx - fx) * (ay - fy) - (cy - fy) * (ax - fx)) * inv;
        if (wb < 0) continue;
        const wc = 1 - wa - wb;
        if (wc < 0) continue;
        // A pixel centre exactly on an edge shared by two triangles is drawn once.
        if ((wa === 0 || wb === 0 || wc === 0) && t > 0) continue;
        const u = wa * verts[ia + 2]! + wb * verts[ib + 2]! + wc * verts[ic + 2]!;
        const dUp = wa * verts[ia + 3]! + wb * verts[ib + 3]! + wc * verts[ic + 3]!;
        const dLo = wa * verts[ia + 4]! + wb * verts[ib + 4]! + wc * verts[ic + 4]!;
        const [r, g, b, e] = shade(u, dUp, dLo, fx, fy);
        const a = alpha * e;
        if (a <= 0) continue;
        const o = (py * dw + pxi) * 4;
        D[o] = D[o]! + (r * 255 - D[o]!) * a;
        D[o + 1] = D[o + 1]! + (g * 255 - D[o + 1]!) * a;
        D[o + 2] = D[o + 2]! + (b * 255 - D[o + 2]!) * a;
        D[o + 3] = 255;
      }
    }
  }
}
