// Mouths hidden by hair. Under a moustache that covers the lips (Nietzsche's), MediaPipe still puts
// lip landmarks where it guesses the lips are, and a jaw that parts them tore the moustache in two,
// with a mouth interior floating on the hair. Such a mouth is recognised from the picture: the lips
// and the skin above them are as dark as hair against this face's cheeks, and not red. The rig then
// keeps everything down to the lower edge of the hair with the upper face and opens the mouth
// there, under the hair (pose.ts coverSeamPoints, applyJaw): the moustache stays whole, the lower
// lip and the chin drop with the jaw and the mouth cavity shows between them.
import { luma, sampleMean } from './mouth';
import type { RgbaImage } from './raster';
import { CHEEK_LEFT, CHEEK_RIGHT, INNER_LIP_LOWER, INNER_LIP_UPPER, LOWER_LIP_BOTTOM, MOUTH_CORNER_LEFT, MOUTH_CORNER_RIGHT, UPPER_LIP_TOP } from './landmarks';

/** Lips and philtrum darker than this fraction of the cheeks' luma (and not red) read as hair. */
export const HAIR_DARKNESS = 0.45;
/** The cut (mouth widths below the lips' middle) is at least this far down. */
const MIN_CUT = 0.05;
/** Lips redder than this (red minus the mean of green and blue, 0-1) are lips, however dark. */
const LIP_REDNESS = 0.04;
/** Landmarks on the cheeks (skin reference) and below the nose (the philtrum's top). */
const CHEEKS = [CHEEK_RIGHT, CHEEK_LEFT, 50, 280] as const;
const SUBNASALE = 164;
/** Outer lip, top to bottom, at the middle and under each nostril. */
const LIP_LINES: ReadonlyArray<[number, number]> = [[UPPER_LIP_TOP, LOWER_LIP_BOTTOM], [37, 84], [267, 314]];

/** Where the pixels come from: `image` px = source px x scale. */
export interface FaceImage {
  image: RgbaImage;
  scaleX: number;
  scaleY: number;
}

/**
 * Where a mouth hidden by hair opens: how far below the lip seam (source px, along the face's down
 * axis, from the middle of the inner lips); 0 when the lips can be seen. `L` are the landmarks (x,
 * y, z per landmark, source px).
 */
export function mouthCover(L: ArrayLike<number>, px: FaceImage): number {
  const at = (i: number): [number, number] => [L[i * 3]!, L[i * 3 + 1]!];
  let fx = L[MOUTH_CORNER_LEFT * 3]! - L[MOUTH_CORNER_RIGHT * 3]!;
  let fy = L[MOUTH_CORNER_LEFT * 3 + 1]! - L[MOUTH_CORNER_RIGHT * 3 + 1]!;
  const mouthW = Math.max(1, Math.hypot(fx, fy));
  fx /= mouthW;
  fy /= mouthW;
  const gx = -fy, gy = fx;
  const r = Math.max(1, 0.03 * mouthW * px.scaleX);
  const colour = (x: number, y: number) => sampleMean(px.image, x * px.scaleX, y * px.scaleY, r);
  const along = (a: number, b: number, n: number) => {
    const [ax, ay] = at(a);
    const [bx, by] = at(b);
    return Array.from({ length: n + 1 }, (_, k) => colour(ax + ((bx - ax) * k) / n, ay + ((by - ay) * k) / n));
  };
  const cheeks = CHEEKS.map((i) => luma(colour(...at(i)))).sort((a, b) => a - b);
  const skin = (cheeks[1]! + cheeks[2]!) / 2;
  if (!(skin > 0.05)) return 0;
  const lips = LIP_LINES.flatMap(([a, b]) => along(a, b, 9));
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  const lipLuma = mean(lips.map(luma));
  const redness = mean(lips.map((c) => c[0]! - (c[1]! + c[2]!) / 2));
  const philtrum = mean(along(SUBNASALE, UPPER_LIP_TOP, 5).map(luma));
  if (!(lipLuma < HAIR_DARKNESS * skin && philtrum < HAIR_DARKNESS * skin && redness < LIP_REDNESS)) return 0;
  // The cut: the lower lip's edge as the face model places it, which under hair is where it sees
  // the hair end (on Nietzsche's photo the hair's strands stop 0.12-0.14 mouth widths below the
  // lips' middle, his lower lip's landmark is at 0.17; the smooth shadow under his lip reaches 0.67).
  const mid = INNER_LIP_UPPER[Math.floor(INNER_LIP_UPPER.length / 2)]!;
  const midLo = INNER_LIP_LOWER[Math.floor(INNER_LIP_LOWER.length / 2)]!;
  const ox = (L[mid * 3]! + L[midLo * 3]!) / 2;
  const oy = (L[mid * 3 + 1]! + L[midLo * 3 + 1]!) / 2;
  const down = (L[LOWER_LIP_BOTTOM * 3]! - ox) * gx + (L[LOWER_LIP_BOTTOM * 3 + 1]! - oy) * gy;
  return Math.max(MIN_CUT * mouthW, down);
}
