// The mouth interior. When the jaw (or a funnel) parts the lips, the region between the posed inner
// lip contours is drawn as a shaded cavity (dark, with a hint of upper teeth and of the tongue,
// coloured from this face's own lips, skin and eye whites) instead of the stretched seam triangles, which would
// otherwise smear lip pixels across the opening. The same geometry and shading run in WGSL
// (shaders.ts, CAVITY_WGSL) and on the CPU (rasterizeCavity here).
import type { RgbaImage } from './raster';
import type { Rig } from './types';
import { CHEEK_LEFT, CHEEK_RIGHT, INNER_CORNER_LEFT, INNER_CORNER_RIGHT, INNER_LIP_LOWER, INNER_LIP_UPPER, irisCentreOf, LEFT_EYE, MOUTH_CORNER_LEFT, MOUTH_CORNER_RIGHT, RIGHT_EYE } from './landmarks';

const NU = INNER_LIP_UPPER.length;
/** The cavity's outline, as landmark indices: right inner corner, upper inner lip (right -> left), left inner corner, lower inner lip. */
export const CAVITY_LANDMARKS: readonly number[] = [INNER_CORNER_RIGHT, ...INNER_LIP_UPPER, INNER_CORNER_LEFT, ...INNER_LIP_LOWER];
/**
 * Each lip contour is drawn as a curve through its landmarks (Catmull-Rom), this many segments
 * between two landmarks: straight between landmarks, an open mouth was a polygon, its corners
 * plain on a wide opening.
 */
export const CAVITY_SUBDIVISIONS = 3;
/** Points of each contour between the two corners. */
const NS = (NU + 1) * CAVITY_SUBDIVISIONS - 1;
/** Cavity vertices: right inner corner, the upper contour's points (right -> left), left inner corner, the lower contour's. */
export const CAVITY_VERTEX_COUNT = 2 * NS + 2;
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
export const CAVITY_TRIANGLES: Uint16Array = stripTriangles(NS);

/** Colours (0-1 sRGB) and sizes the cavity is shaded with, fixed per rig. */
export interface MouthStyle {
  lip: [number, number, number];
  skin: [number, number, number];
  /**
   * Tint of the tongue over the lip colour: the lips' own hue against the skin's, once more (red in
   * a painting with red lips, the picture's own tone in a grey or sepia photograph).
   */
  tongue: [number, number, number];
  /**
   * The upper teeth's colour where they are lit (the cavity greys them to the sides and shades them
   * under the lip), in the hue of the portrait's own eye whites: painted in the picture's light and
   * varnish rather than a white of their own.
   */
  teeth: [number, number, number];
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
/** Width of the teeth's lower edge, in mouth widths (at least one output pixel): painted, not cut out. */
export const TEETH_SOFT = 0.015;
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
  /** Scratch: a contour's landmarks (corner to corner), and the two contours as curves. */
  control: Float64Array;
  upperCurve: Float64Array;
  lowerCurve: Float64Array;
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
  const curve = () => new Float64Array((NS + 2) * 2);
  c = { ids, downX: -fy, downY: fx, mouthW, restOpen, open: new Float64Array(NU), control: new Float64Array((NU + 2) * 2), upperCurve: curve(), lowerCurve: curve() };
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
  // The top and the bottom contour (each column's upper and lower landmark as they lie now), corner
  // to corner, each drawn as a curve through its landmarks.
  const up = c.upperCurve, lo = c.lowerCurve;
  const ctl = c.control;
  for (const [curve, top] of [[up, true], [lo, false]] as const) {
    ctl[0] = positions[ids[0]! * 2]!;
    ctl[1] = positions[ids[0]! * 2 + 1]!;
    for (let k = 0; k < NU; k++) {
      const lm = top === c.open[k]! >= 0 ? upperAt(ids, k) : lowerAt(ids, k);
      ctl[(k + 1) * 2] = positions[lm * 2]!;
      ctl[(k + 1) * 2 + 1] = positions[lm * 2 + 1]!;
    }
    ctl[(NU + 1) * 2] = positions[ids[1 + NU]! * 2]!;
    ctl[(NU + 1) * 2 + 1] = positions[ids[1 + NU]! * 2 + 1]!;
    catmullRom(ctl, NU + 2, CAVITY_SUBDIVISIONS, curve);
  }
  const put = (slot: number, curve: Float64Array, m: number, u: number, dUp: number, dLo: number) => {
    const o = slot * CAVITY_STRIDE;
    out[o] = curve[m * 2]!;
    out[o + 1] = curve[m * 2 + 1]!;
    out[o + 2] = u;
    out[o + 3] = dUp;
    out[o + 4] = dLo;
  };
  put(0, up, 0, -1, 0, 0);
  put(1 + NS, up, NS + 1, 1, 0, 0);
  for (let m = 1; m <= NS; m++) {
    const u = -1 + (2 * m) / (NS + 1);
    const open = (lo[m * 2]! - up[m * 2]!) * c.downX + (lo[m * 2 + 1]! - up[m * 2 + 1]!) * c.downY;
    const crossed = open < 0;
    const h = Math.abs(open);
    put(m, crossed ? lo : up, m, u, 0, h);
    put(1 + NS + m, crossed ? up : lo, m, u, h, 0);
  }
  return alpha;
}

/**
 * A Catmull-Rom curve through `n` points (x, y pairs), `sub` segments between two of them, ends
 * clamped: writes (n - 1) * sub + 1 points into `out`, through every input point.
 */
export function catmullRom(pts: ArrayLike<number>, n: number, sub: number, out: Float64Array): void {
  let o = 0;
  for (let i = 0; i + 1 < n; i++) {
    const a = Math.max(0, i - 1), d = Math.min(n - 1, i + 2);
    for (let j = 0; j < sub; j++) {
      const t = j / sub, t2 = t * t, t3 = t2 * t;
      const h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + t, h01 = -2 * t3 + 3 * t2, h11 = t3 - t2;
      for (let k = 0; k < 2; k++) {
        const p1 = pts[i * 2 + k]!, p2 = pts[(i + 1) * 2 + k]!;
        const m1 = (p2 - pts[a * 2 + k]!) / (i + 1 - a);
        const m2 = (pts[d * 2 + k]! - p1) / (d - i);
        out[o++] = h00 * p1 + h10 * m1 + h01 * p2 + h11 * m2;
      }
    }
  }
  out[o++] = pts[(n - 1) * 2]!;
  out[o] = pts[(n - 1) * 2 + 1]!;
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

/** The brighter or the darker half (at least `atLeast`) of colour samples, by luma. */
export function halfByLuma(colours: ReadonlyArray<[number, number, number]>, half: 'brighter' | 'darker', atLeast = 1): Array<[number, number, number]> {
  const sign = half === 'brighter' ? -1 : 1;
  return [...colours].sort((a, b) => sign * (luma(a) - luma(b))).slice(0, Math.max(atLeast, Math.ceil(colours.length / 2)));
}

/** The mean of colour samples, per channel. */
export function meanColour(colours: ReadonlyArray<readonly number[]>): [number, number, number] {
  const m: [number, number, number] = [0, 0, 0];
  for (const c of colours) for (let k = 0; k < 3; k++) m[k]! += c[k]! / colours.length;
  return m;
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
  return { lip, skin, tongue, teeth: teethColour(eyeWhite(L, img, scaleX, scaleY), skin), mouthW, hair: rig.mouthSeam ? 1 : 0 };
}

/**
 * The eye whites' colour (0-1) in `img`: between the lids, beside the iris, away from the corners;
 * the brighter half of those samples (a lash, a lid's shadow or the pink inner corner is darker).
 * Null when the eyes show too little white to sample (closed, or a tiny face).
 */
export function eyeWhite(L: ArrayLike<number>, img: RgbaImage, scaleX: number, scaleY: number): [number, number, number] | null {
  const samples: Array<[number, number, number]> = [];
  for (const eye of [RIGHT_EYE, LEFT_EYE]) {
    // The iris of this eye; its ring's mean radius is what the samples keep clear of.
    const iris = irisCentreOf(L, eye);
    const ix = L[iris * 3]!, iy = L[iris * 3 + 1]!;
    let ir = 0;
    for (let k = 1; k <= 4; k++) ir += Math.hypot(L[(iris + k) * 3]! - ix, L[(iris + k) * 3 + 1]! - iy) / 4;
    // Lid pairs 1..5 of 7 (the outer ones end in the corners).
    for (let k = 1; k < eye.upper.length - 1; k++) {
      const a = eye.upper[k]!, b = eye.lower[k]!;
      const mx = (L[a * 3]! + L[b * 3]!) / 2, my = (L[a * 3 + 1]! + L[b * 3 + 1]!) / 2;
      const h = Math.hypot(L[b * 3]! - L[a * 3]!, (L[b * 3 + 1]! - L[a * 3 + 1]!));
      const r = 0.25 * h;
      if (h * Math.min(scaleX, scaleY) < 3 || Math.hypot(mx - ix, my - iy) < 1.15 * ir + r) continue;
      samples.push(sampleMean(img, mx * scaleX, my * scaleY, Math.max(0.5, r * Math.min(scaleX, scaleY))));
    }
  }
  return samples.length < 2 ? null : meanColour(halfByLuma(samples, 'brighter', 2));
}

/** A tooth's own colour under a white light. */
const IVORY = [1, 0.97, 0.88];

/**
 * How much of a tooth's own ivory a picture shows, from its skin's chroma (spread of its channels
 * over its luma): none in a black-and-white photograph, whose teeth are as grey as everything else
 * (ivory teeth were beige in Lincoln's photograph), all of it once the skin has colour.
 */
export function ivoryShare(skin: readonly number[]): number {
  const chroma = (Math.max(...skin) - Math.min(...skin)) / Math.max(0.05, luma(skin));
  return smoothstep(0.03, 0.2, chroma);
}

/**
 * A tooth's hue in a picture whose whites are `white`: its own colour (`tooth`: IVORY as far as
 * ivoryShare lets it show), tinted as the whites are, but by a tint neither bluer than grey nor
 * pinker than orange (whites can be bloodshot, or pink at the inner corner).
 */
function toothHue(white: readonly number[], tooth: readonly number[]): number[] {
  const l = Math.max(0.02, luma(white));
  const g = white[1]! / l;
  const b = Math.min(white[2]! / l, g);
  const r = Math.min(white[0]! / l, 2 * g - b);
  return [r, g, b].map((c, k) => c * tooth[k]!);
}

/**
 * The teeth's lit colour: the eye whites' hue (the picture's own white, in its light and varnish),
 * or without them half the tooth's ivory and half the skin's hue; as bright as a lit tooth in this
 * skin's light (an open mouth reads as one by its teeth's contrast with the dark).
 */
export function teethColour(white: readonly number[] | null, skin: readonly number[]): [number, number, number] {
  const skinL = Math.max(0.05, luma(skin));
  const ivory = ivoryShare(skin);
  const tooth = IVORY.map((c) => 1 + ivory * (c - 1));
  const hue = white ? toothHue(white, tooth) : tooth.map((c, k) => 0.5 * c + 0.5 * skin[k]! / skinL);
  const l = Math.min(0.9, 0.12 + 0.75 * skinL) / Math.max(0.02, luma(hue));
  return hue.map((c) => Math.min(1, c * l)) as [number, number, number];
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
  // Upper teeth: a band hanging from the upper lip in the teeth's colour, greying to the sides, with
  // faint gaps between teeth, the lip's shadow along the top and a soft lower edge.
  const underHair = 1 - (1 - HAIR_TEETH) * s.hair;
  const teethH = Math.min(TEETH_HEIGHT * s.mouthW, 0.5 * colH) * (1 - 0.45 * side) * underHair;
  const soft = Math.max(1, TEETH_SOFT * s.mouthW * px);
  const teeth = teethH > 0 ? clamp01(((teethH - dUp) * px) / soft + 0.5) : 0;
  const f = u / 0.17 + 0.5;
  const gapD = Math.abs(f - Math.floor(f) - 0.5);
  const gap = 1 - 0.12 * (1 - smoothstep(0.03, 0.16, gapD));
  const shadow = 0.55 + 0.45 * smoothstep(0, 0.5 * Math.max(teethH, 1e-6), dUp);
  const tw = (1 - 0.6 * side) * underHair * gap * shadow;
  r += (tw * s.teeth[0] - r) * teeth;
  g += (tw * s.teeth[1] - g) * teeth;
  b += (tw * s.teeth[2] - b) * teeth;
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
