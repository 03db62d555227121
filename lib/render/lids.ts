// Closed eyelids. A blink pulls the upper lid down (pose.ts squeezes what lies between the lids into
// a thin band above the lower lid), but a mesh can only squeeze the eye, not hide it: on bright
// sclera the squeezed band still reads as an open eye, and on deep-set eyes the skin pulled down is
// the brow's shadow, which reads as an open eye in shadow. So as the lids close, the eye's opening
// (from the lash line up to most of the way to where the upper lid was at rest, with a soft top) is
// painted over with lid skin: the skin under the same eye, carried up (its grain and lighting, not a
// flat patch), tinted to the colour of lid skin, with the lash line along its lower edge in the
// colour of the portrait's own lid line. Same strip
// layout as the mouth cavity (mouth.ts); drawn in WGSL (shaders.ts, LID_WGSL) and on the CPU
// (rasterizeLid).
import { CAVITY_STRIDE, halfByLuma, luma, meanColour, rasterizeStrip, sampleMean, stripTriangles } from './mouth';
import { sampleBilinear, type RgbaImage } from './raster';
import type { ExpressionName, PoseParams, Rig } from './types';
import { LEFT_EYE, RIGHT_EYE, type EyeIndices } from './landmarks';

const NE = RIGHT_EYE.upper.length;
/** Vertices per eye: corner A, upper lid (A -> B), corner B, lower lid (A -> B). */
export const LID_VERTEX_COUNT = 2 * NE + 2;
export const LID_TRIANGLES: Uint16Array = stripTriangles(NE);
export const EYES: readonly EyeIndices[] = [RIGHT_EYE, LEFT_EYE];
/** The painted lid's soft top (fading in over this many eye widths) and its reach past the contours. */
export const LID_FEATHER = 0.03;
export const LID_GROW = 0.05;
/** How much of the eye's rest opening above the posed upper lid the painted lid covers when shut. */
export const LID_COVER = 1.0;
/** The painted lid fades in over this share of its height from the top (at least LID_FEATHER). */
export const LID_FADE = 0.6;
/** Where the skin carried up onto the lid starts: this many eye widths below the lower lid's contour. */
const LID_SKIN_GAP = 0.12;
const EYE_BLINK: readonly ExpressionName[] = ['eyeBlinkRight', 'eyeBlinkLeft'];

export interface LidStyle {
  /** Eye width (corner to corner, source px) per eye, in EYES order. */
  eyeW: number[];
  /** Per eye, at rest: the offset (source px) from a point of the painted lid to the skin under the eye it shows (lidSkinOffset). */
  skinOffset: Array<[number, number]>;
  /** Per eye: the factor per channel that tints that skin to the colour of lid skin (lidStyle). */
  skinGain: Array<[number, number, number]>;
  /** Per eye: the lash line's colour (0-1): the portrait's own upper lid line (lidStyle). */
  lash: Array<[number, number, number]>;
  /** Per eye: the lid's mean colour (0-1): the skin's mean tinted by skinGain. */
  tone: Array<[number, number, number]>;
}

interface LidCache {
  width: number[];
  downX: number[];
  downY: number[];
  restOpen: Float64Array[];
  open: Float64Array;
}
const caches = new WeakMap<Rig, LidCache>();

/** An eye's own frame, source px: origin between the corners, u from corner A to B, v towards the lower lid (also on upside-down faces). */
export interface EyeAxes {
  ox: number;
  oy: number;
  ux: number;
  uy: number;
  vx: number;
  vy: number;
  width: number;
}

export function eyeAxes(L: ArrayLike<number>, e: EyeIndices): EyeAxes {
  const ax = L[e.cornerA * 3]!, ay = L[e.cornerA * 3 + 1]!;
  const bx = L[e.cornerB * 3]!, by = L[e.cornerB * 3 + 1]!;
  const width = Math.max(1, Math.hypot(bx - ax, by - ay));
  const ux = (bx - ax) / width, uy = (by - ay) / width;
  // v = u rotated +90 degrees, flipped if the upper lid is below it.
  let vx = -uy, vy = ux;
  let s = 0;
  for (let k = 0; k < e.upper.length; k++) {
    const a = e.upper[k]!, b = e.lower[k]!;
    s += (L[b * 3]! - L[a * 3]!) * vx + (L[b * 3 + 1]! - L[a * 3 + 1]!) * vy;
  }
  if (s < 0) {
    vx = -vx;
    vy = -vy;
  }
  return { ox: (ax + bx) / 2, oy: (ay + by) / 2, ux, uy, vx, vy, width };
}

function openings(pos: ArrayLike<number>, e: EyeIndices, dx: number, dy: number, out: Float64Array): void {
  for (let k = 0; k < NE; k++) {
    const a = e.upper[k]!, b = e.lower[k]!;
    out[k] = (pos[b * 2]! - pos[a * 2]!) * dx + (pos[b * 2 + 1]! - pos[a * 2 + 1]!) * dy;
  }
}

function lidCache(rig: Rig): LidCache {
  let c = caches.get(rig);
  if (c) return c;
  const axes = EYES.map((e) => eyeAxes(rig.face.landmarks, e));
  const restOpen = EYES.map((e, i) => {
    const o = new Float64Array(NE);
    openings(rig.rest, e, axes[i]!.vx, axes[i]!.vy, o);
    return o;
  });
  c = { width: axes.map((a) => a.width), downX: axes.map((a) => a.vx), downY: axes.map((a) => a.vy), restOpen, open: new Float64Array(NE) };
  caches.set(rig, c);
  return c;
}

/**
 * Lid overlay for eye `eye` (index into EYES) at these posed positions: fills `out`
 * (LID_VERTEX_COUNT x CAVITY_STRIDE floats) and returns its opacity: 0 until the blink is three
 * quarters done (so the first frame and open eyes are untouched), 1 when shut.
 */
export function eyeLid(rig: Rig, positions: ArrayLike<number>, eye: number, out: Float32Array, pose?: PoseParams): number {
  const c = lidCache(rig);
  const e = EYES[eye]!;
  openings(positions, e, c.downX[eye]!, c.downY[eye]!, c.open);
  const rest = c.restOpen[eye]!;
  let num = 0;
  let den = 0;
  for (let k = 1; k + 1 < NE; k++) {
    num += Math.max(0, c.open[k]!);
    den += Math.max(0, rest[k]!);
  }
  if (!(den > 0)) return 0;
  const closure = 1 - num / den;
  // With the pose: from the intended blink (the fold guard may still hold the lids a little apart);
  // without: from how far the lids came together.
  const blink = pose?.expressions[EYE_BLINK[eye]!];
  const alpha = pose ? smoothstep(0.75, 0.95, Number.isFinite(blink) ? blink! : 0) : smoothstep(0.6, 0.85, closure);
  if (!(alpha > 0)) return 0;
  const put = (slot: number, i: number, u: number, dUp: number, dLo: number, offX: number, offY: number) => {
    const o = slot * CAVITY_STRIDE;
    out[o] = positions[i * 2]! + offX;
    out[o + 1] = positions[i * 2 + 1]! + offY;
    out[o + 2] = u;
    out[o + 3] = dUp;
    out[o + 4] = dLo;
  };
  // The painted lid reaches a little past the lid contours (MediaPipe's contour often runs inside
  // the painted white of the eye, most at the corners), and fades in over its top (LID_FEATHER) so
  // that it meets the skin pulled down over the eye without a seam.
  const w = c.width[eye]!;
  const dX = c.downX[eye]!, dY = c.downY[eye]!;
  const mUp = (LID_FEATHER + LID_GROW) * w;
  const mLo = LID_GROW * w;
  const ax = positions[e.cornerA * 2]!, ay = positions[e.cornerA * 2 + 1]!;
  const bx = positions[e.cornerB * 2]!, by = positions[e.cornerB * 2 + 1]!;
  const ab = Math.hypot(bx - ax, by - ay) || 1;
  const ex = ((bx - ax) / ab) * LID_GROW * w, ey = ((by - ay) / ab) * LID_GROW * w;
  put(0, e.cornerA, -1, 0, 0, -ex, -ey);
  put(1 + NE, e.cornerB, 1, 0, 0, ex, ey);
  for (let k = 0; k < NE; k++) {
    const u = -1 + (2 * (k + 1)) / (NE + 1);
    const open = Math.max(0, c.open[k]!);
    // Up over the part of the rest opening the upper lid has come down over.
    const top = mUp + LID_COVER * Math.max(0, rest[k]! - open);
    const h = open + top + mLo;
    put(1 + k, e.upper[k]!, u, 0, h, -top * dX, -top * dY);
    put(2 + NE + k, e.lower[k]!, u, h, 0, mLo * dX, mLo * dY);
  }
  return alpha;
}

function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

/**
 * Lid colours and the skin they show. The colour: from samples of the skin above each upper lid's
 * crease (a third and two fifths of an eye width above the inner five upper-lid landmarks) and under
 * the lower lid (a quarter and a third of an eye width below), halfway between the mean of the
 * brighter half and the mean of all (LID_BRIGHT_SHARE). The crease, lashes, a low brow and a
 * three-quarter face's shadowed far lid read darker than the lid skin a blink shows, and a dark lid
 * reads as an open eye; but under a top light the cheek is the brightest skin there, and a lid as
 * bright as the cheek inside the brow's shadow reads as a white, blind eye (Nietzsche, Lincoln).
 * The skin: the patch under the eye, just past the lower lid's lashes, tinted per channel from its
 * mean to that colour (`img` px = source px x scale).
 */
export function lidStyle(rig: Rig, img: RgbaImage, scaleX: number, scaleY: number): LidStyle {
  const L = rig.face.landmarks;
  const { restOpen } = lidCache(rig);
  const style: LidStyle = { eyeW: [], skinOffset: [], skinGain: [], lash: [], tone: [] };
  EYES.forEach((e, eye) => {
    const { width: w, vx: dx, vy: dy } = eyeAxes(L, e);
    const r = Math.max(1, 0.05 * w * scaleX);
    const at = (i: number, down: number, radius = r) => sampleMean(img, (L[i * 3]! + down * w * dx) * scaleX, (L[i * 3 + 1]! + down * w * dy) * scaleY, radius);
    const samples: Array<[number, number, number]> = [];
    for (const i of e.upper.slice(1, -1)) for (const up of LID_SAMPLE_HEIGHTS) samples.push(at(i, -up));
    for (const i of e.lower.slice(1, -1)) for (const down of LID_UNDER_SAMPLE_DEPTHS) samples.push(at(i, down));
    const bright = meanColour(halfByLuma(samples, 'brighter'));
    const all = meanColour(samples);
    const lid = bright.map((c, k) => LID_BRIGHT_SHARE * c + (1 - LID_BRIGHT_SHARE) * all[k]!) as [number, number, number];
    // The painted lid reaches up to LID_COVER of the widest rest opening above the lower lid (plus
    // its margin): carried down by that much and LID_SKIN_GAP more, its top lands past the lashes.
    const open = Math.max(0, ...restOpen[eye]!);
    const reach = LID_COVER * open + (LID_FEATHER + LID_GROW + LID_SKIN_GAP) * w;
    const under = [0, 0, 0];
    const depths = [0.25, 0.5, 0.75].map((f) => LID_SKIN_GAP + f * (reach / w - LID_SKIN_GAP));
    for (const i of e.lower.slice(1, -1)) for (const d of depths) {
      const m = at(i, d);
      for (let k = 0; k < 3; k++) under[k]! += m[k]! / ((NE - 2) * depths.length);
    }
    style.eyeW.push(w);
    style.skinOffset.push([reach * dx, reach * dy]);
    const gain = lid.map((c, k) => Math.min(2, Math.max(0.5, c / Math.max(1 / 255, under[k]!)))) as [number, number, number];
    style.skinGain.push(gain);
    style.tone.push(gain.map((g, k) => g * under[k]!) as [number, number, number]);
    // The lash line: the darker half of small samples just above the inner upper-lid landmarks (the
    // painted line of the upper lid and its lashes), no lighter than LASH_MAX_LUMA of the lid.
    const line: Array<[number, number, number]> = [];
    const rLine = Math.max(0.5, 0.025 * w * scaleX);
    for (const i of e.upper.slice(1, -1))
      for (const up of LASH_SAMPLE_HEIGHTS) line.push(at(i, -up, rLine));
    const lash = meanColour(halfByLuma(line, 'darker'));
    const cap = Math.min(1, (LASH_MAX_LUMA * luma(lid)) / Math.max(1e-3, luma(lash)));
    style.lash.push(lash.map((c) => c * cap) as [number, number, number]);
  });
  return style;
}

/**
 * The lid colour's share from the brighter half of its samples (the rest from all of them). 1:
 * Nietzsche's and Lincoln's shut eyes were pale blanks; 0: Lincoln's blink re-detected at r 0.76
 * instead of 0.89 in "Blink and glance"; 0.5: 0.83, every other portrait within 0.01.
 */
export const LID_BRIGHT_SHARE = 0.5;
/**
 * How much of the carried skin's own contrast the lid keeps (its grain; the rest is its mean
 * colour). At 1, once the skin stayed with the face (lidSkinOffset), Einstein's bags under the eyes
 * drew lines across his shut lids and two of his three blinks in "Look around" were not
 * re-detected; at 0.5 all three are.
 */
export const LID_GRAIN = 0.5;
/** Heights above the upper lid's landmarks (eye widths) where the lash line's colour is sampled. */
export const LASH_SAMPLE_HEIGHTS = [0.02, 0.05];
/**
 * The lash line is at most this share of the lid colour's luma, as dark as the black line it
 * replaces: at 0.4-0.45 (softer on a painting), van Gogh's blinks, the re-detector's weakest, were
 * missed in "Blink and glance", "Gentle life" or "Look around".
 */
export const LASH_MAX_LUMA = 0.3;
/** How much of the lash colour the line shows at the lid's lower edge, and over how many eye widths it fades out. */
export const LASH_STRENGTH = 1;
export const LASH_WIDTH = 0.12;
/** Heights above the upper lid (eye widths) where the lid colour is sampled: above the crease, below the brow. */
export const LID_SAMPLE_HEIGHTS = [0.3, 0.4];
/** Depths below the lower lid (eye widths) where the lid colour is sampled too: the skin under the eye. */
export const LID_UNDER_SAMPLE_DEPTHS = [0.25, 0.35];

/**
 * Lid colour at strip coordinates (see mouth.ts); mirrors LID_WGSL's fs (keep in step): `skin` (the
 * tinted skin carried up, 0-1), a little darker towards the corners, turning to `lash` (the
 * portrait's own lid line) towards the lower edge, fading in from the top over LID_FADE of the
 * lid's height. (The line was black, which on a painting looked drawn with a pen; it now has the
 * painting's own colour, as dark as before. Half a pixel softer along the lower edge, van Gogh's
 * blink in "Blink and glance" was no longer re-detected.)
 */
export function shadeLid(u: number, dUp: number, dLo: number, skin: readonly number[], lash: readonly number[], eyeW: number, px: number): [number, number, number, number] {
  const t = Math.min(1, Math.max(0, dLo / (LASH_WIDTH * eyeW)));
  const line = LASH_STRENGTH * (1 - t * t * (3 - 2 * t));
  const side = 1 - 0.12 * Math.min(1, u * u);
  const f = Math.min(1, Math.max(0, dUp / Math.max(LID_FEATHER * eyeW, LID_FADE * (dUp + dLo))));
  const edge = Math.min(1, Math.max(0, dLo * px + 1)) * f * f * (3 - 2 * f);
  const k = side * (1 - line);
  return [skin[0]! * k + lash[0]! * line, skin[1]! * k + lash[1]! * line, skin[2]! * k + lash[2]! * line, edge];
}

/**
 * The offset (source px) from a posed point of eye `eye`'s painted lid to the skin it shows: the
 * skin under that eye where it lies in the source, however far the head has carried the eye from
 * its rest place. (Offset from the posed point alone, a turned or shifted head showed whatever
 * the source has there instead: on Vigée Le Brun, her lit cheek's highlight as a pale lid.)
 */
export function lidSkinOffset(rig: Rig, positions: ArrayLike<number>, style: LidStyle, eye: number): [number, number] {
  const e = EYES[eye]!;
  const [ox, oy] = style.skinOffset[eye]!;
  const a = e.cornerA * 2;
  const b = e.cornerB * 2;
  const dx = (positions[a]! + positions[b]! - rig.rest[a]! - rig.rest[b]!) / 2;
  const dy = (positions[a + 1]! + positions[b + 1]! - rig.rest[a + 1]! - rig.rest[b + 1]!) / 2;
  return [ox - dx, oy - dy];
}

/**
 * CPU fallback: draw eye `eye`'s lid (vertices from eyeLid, positions scaled to `dst` px: `px` dst px
 * per source px, x and y), showing the skin of `src` (`srcScale` src px per source px, x and y) at
 * `offset` (lidSkinOffset) from each point.
 */
export function rasterizeLid(
  dst: RgbaImage,
  verts: Float32Array,
  style: LidStyle,
  eye: number,
  alpha: number,
  px: readonly [number, number],
  src: RgbaImage,
  srcScale: readonly [number, number],
  offset: readonly [number, number],
): void {
  const w = style.eyeW[eye]!;
  const [ox, oy] = offset;
  const gain = style.skinGain[eye]!;
  const lash = style.lash[eye]!;
  const tone = style.tone[eye]!;
  const s = [0, 0, 0];
  const skin = [0, 0, 0];
  rasterizeStrip(dst, verts, LID_TRIANGLES, (u, a, b, x, y) => {
    sampleBilinear(src, (x / px[0] + ox) * srcScale[0], (y / px[1] + oy) * srcScale[1], s);
    for (let k = 0; k < 3; k++) skin[k] = tone[k]! + LID_GRAIN * ((s[k]! / 255) * gain[k]! - tone[k]!);
    return shadeLid(u, a, b, skin, lash, w, px[0]);
  }, alpha);
}
