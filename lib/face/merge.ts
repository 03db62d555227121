/**
 * Merge per-tile face candidates into distinct faces (pure, no DOM).
 *
 * Every tile that sees a face reports it again, so one face arrives many times, at several scales,
 * sometimes cut by a tile edge. We cluster candidates whose landmark boxes overlap, keep the one
 * seen at the most useful scale as the representative, and score each face by how many of the
 * tiles that could have seen it actually did (agreement), times a landmark-geometry plausibility.
 */
import type { Box, Face } from './types';
import { LANDMARK_COUNT } from './types';
import { boxFromLandmarks, cutFraction, tileScale, type Tile } from './tiling';

/** One face as seen in one analysed tile, landmarks already mapped to source pixels. */
export interface Candidate {
  tile: Tile;
  /** Index of the tile in the plan (distinct tiles count as independent sightings). */
  tileIndex: number;
  landmarks: Float32Array;
  blendshapes: Record<string, number>;
  matrix: number[] | null;
}

export interface MergeOptions {
  /** Two boxes with at least this IoU are the same face. Default 0.3. */
  iou?: number;
  /** Two boxes whose centres are closer than this times the larger width are the same face. Default 0.35. */
  centre?: number;
  /**
   * Faces whose width is within this range of a tile's width are considered findable in that tile
   * (used for the agreement score). Default [0.1, 0.75].
   */
  findableRatio?: readonly [number, number];
  /** Faces scoring below this are dropped. Default 0.45. */
  minScore?: number;
  /**
   * Boxes painted out of a tile before it was analysed (faces already confirmed), by tile index.
   * A tile that had a face painted out is not counted as a chance to see that face.
   */
  masked?: ReadonlyMap<number, readonly Box[]>;
}

/** Internal details of a merged face, for diagnostics and tests. */
export interface MergedFace extends Face {
  /** Number of distinct tiles that saw the face. */
  hits: number;
  /** Number of tiles that contain the face fully at a findable scale. */
  chances: number;
  /** Landmark-geometry plausibility (0-1). */
  plausibility: number;
  /** Levels that saw the face. */
  levels: number[];
  /** The tile the representative sighting came from, and its index in the plan (-1: none). */
  tile: Tile;
  tileIndex: number;
}

export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/** True when two boxes describe the same face. */
export function sameFace(a: Box, b: Box, opts: MergeOptions = {}): boolean {
  if (iou(a, b) >= (opts.iou ?? 0.3)) return true;
  const dx = a.x + a.w / 2 - (b.x + b.w / 2);
  const dy = a.y + a.h / 2 - (b.y + b.h / 2);
  const big = Math.max(a.w, b.w, a.h, b.h);
  const small = Math.max(1e-6, Math.min(a.w, b.w));
  return Math.hypot(dx, dy) <= (opts.centre ?? 0.35) * big && Math.max(a.w, b.w) / small <= 2.2;
}

function lmPoint(lm: ArrayLike<number>, i: number): [number, number] {
  return [lm[i * 3]!, lm[i * 3 + 1]!];
}

function dist(a: [number, number], b: [number, number]): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

/**
 * Landmark-geometry plausibility (0-1). The mesh model always emits a face-shaped mesh, but on
 * non-faces (ornament, hands, folds) it tends to collapse or shear: eyes too close or too far
 * apart for the box, mouth above the eyes, a box far from face proportions.
 */
export function plausibility(lm: ArrayLike<number>): number {
  if (lm.length < LANDMARK_COUNT * 3) return 0;
  const box = boxFromLandmarks(lm);
  if (box.w <= 0 || box.h <= 0) return 0;
  const eyeR = lmPoint(lm, 33);
  const eyeL = lmPoint(lm, 263);
  const nose = lmPoint(lm, 1);
  const mouthTop = lmPoint(lm, 13);
  const chin = lmPoint(lm, 152);
  const brow = lmPoint(lm, 10);
  const faceH = dist(brow, chin);
  const eyeD = dist(eyeR, eyeL);
  if (faceH <= 0) return 0;
  // Inter-ocular (outer corners) over forehead-chin length: ~0.5-0.6 frontal, lower when turned.
  const eyeRatio = eyeD / faceH;
  // Box aspect: faces are taller than wide, but turned heads get narrower.
  const aspect = box.h / box.w;
  // Vertical order along the face axis: brow, eyes, nose, mouth, chin.
  const ax = (chin[0] - brow[0]) / faceH;
  const ay = (chin[1] - brow[1]) / faceH;
  const along = (p: [number, number]): number => ((p[0] - brow[0]) * ax + (p[1] - brow[1]) * ay) / faceH;
  const eyesT = (along(eyeR) + along(eyeL)) / 2;
  const noseT = along(nose);
  const mouthT = along(mouthTop);
  let s = 1;
  const band = (v: number, lo: number, hi: number, soft: number): number =>
    v < lo ? Math.max(0, 1 - (lo - v) / soft) : v > hi ? Math.max(0, 1 - (v - hi) / soft) : 1;
  s *= band(eyeRatio, 0.28, 0.75, 0.15);
  s *= band(aspect, 0.8, 1.9, 0.4);
  s *= eyesT < noseT && noseT < mouthT && mouthT < 1 ? 1 : 0.2;
  return s;
}

/**
 * Photometric sanity (0.5 or 1) from the RGBA pixels of the central part of a face box: a face
 * the landmark model "finds" in a near-black, flat area (a dark sleeve, a shadowed background)
 * is almost always a false positive, while painted and photographed faces are lit and textured.
 */
export function photometricSanity(rgba: ArrayLike<number>): { mean: number; sd: number; factor: number } {
  let s = 0;
  let s2 = 0;
  let n = 0;
  for (let i = 0; i + 3 < rgba.length; i += 4) {
    const l = 0.299 * rgba[i]! + 0.587 * rgba[i + 1]! + 0.114 * rgba[i + 2]!;
    s += l;
    s2 += l * l;
    n++;
  }
  if (n === 0) return { mean: 0, sd: 0, factor: 1 };
  const mean = s / n;
  const sd = Math.sqrt(Math.max(0, s2 / n - mean * mean));
  return { mean, sd, factor: mean < 40 || sd < 10 ? 0.5 : 1 };
}

/** Drop faces under the score threshold, sort largest first and renumber. */
export function finalizeFaces<T extends Face>(faces: T[], minScore = 0.45): T[] {
  const kept = faces.filter((f) => f.score >= minScore);
  kept.sort((a, b) => b.box.w * b.box.h - a.box.w * a.box.h);
  kept.forEach((f, i) => (f.index = i));
  return kept;
}

/** How useful a sighting is as the representative: face fully inside, large in the canvas. */
export function sightingQuality(c: Candidate, box: Box, imageW: number, imageH: number): number {
  const cut = cutFraction(c.tile, box, imageW, imageH);
  const px = box.w * tileScale(c.tile);
  const ratio = box.w / c.tile.w;
  let q = Math.min(1, px / 180);
  if (cut > 0.02) q *= 0.1;
  if (ratio < 0.12) q *= 0.5; // tiny in its tile: detector near its limit, coarse landmarks
  return q;
}

/**
 * Merge candidates into distinct faces. `tiles` is the full plan that was analysed (to count the
 * chances each face had to be seen). Faces come back sorted largest first with `index` set.
 */
export function mergeCandidates(
  candidates: readonly Candidate[],
  tiles: readonly Tile[],
  imageW: number,
  imageH: number,
  opts: MergeOptions = {},
): MergedFace[] {
  const items = candidates.map((c) => {
    const box = boxFromLandmarks(c.landmarks);
    return { c, box, q: sightingQuality(c, box, imageW, imageH) };
  });
  items.sort((a, b) => b.q - a.q);

  const clusters: { rep: (typeof items)[number]; members: (typeof items)[number][] }[] = [];
  for (const it of items) {
    const hit = clusters.find((cl) => sameFace(cl.rep.box, it.box, opts));
    if (hit) hit.members.push(it);
    else clusters.push({ rep: it, members: [it] });
  }

  const [rLo, rHi] = opts.findableRatio ?? [0.1, 0.75];
  const faces: MergedFace[] = [];
  for (const cl of clusters) {
    const { rep } = cl;
    const box = rep.box;
    const tileSet = new Set(cl.members.map((m) => m.c.tileIndex));
    const hits = tileSet.size;
    let chances = 0;
    tiles.forEach((t, i) => {
      if (!tileSet.has(i) && opts.masked?.get(i)?.some((b) => sameFace(b, box, opts))) return;
      const r = box.w / t.w;
      const inside = cutFraction(t, box, imageW, imageH) <= 0.02 && box.x >= t.x - 1 && box.y >= t.y - 1 &&
        box.x + box.w <= t.x + t.w + 1 && box.y + box.h <= t.y + t.h + 1;
      if ((inside && r >= rLo && r <= rHi) || tileSet.has(i)) chances++;
    });
    const agreement = hits / Math.max(1, chances);
    const plaus = plausibility(rep.c.landmarks);
    // A face seen once out of many chances is weak; seen in most tiles that could see it is strong.
    const score = Math.min(1, plaus * (0.35 + 0.65 * agreement) * (hits >= 2 ? 1 : 0.8));
    faces.push({
      index: 0,
      box,
      landmarks: rep.c.landmarks,
      blendshapes: rep.c.blendshapes,
      matrix: rep.c.matrix,
      score,
      hits,
      chances,
      plausibility: plaus,
      levels: [...new Set(cl.members.map((m) => m.c.tile.level))].sort(),
      tile: rep.c.tile,
      tileIndex: rep.c.tileIndex,
    });
  }

  return finalizeFaces(faces, opts.minScore ?? 0.45);
}

/** Strip merge diagnostics, leaving the public Face shape. */
export function toFace(f: MergedFace): Face {
  return {
    index: f.index,
    box: f.box,
    landmarks: f.landmarks,
    blendshapes: f.blendshapes,
    matrix: f.matrix,
    score: f.score,
  };
}
