/**
 * Tile planning and coordinate mapping for multi-scale face finding (pure, no DOM).
 *
 * The MediaPipe face detector looks at a 128x128 letterboxed copy of whatever it is given, so a
 * face that is small relative to the analysed image (group portraits, Klimt's face inside gold
 * ornament) is never proposed. We therefore analyse the whole image first and then overlapping
 * square tiles at several scales, each resized to about 512 px, and map landmarks back to
 * source-image pixels.
 */
import type { Box } from './types';
import { LANDMARK_COUNT } from './types';

/** One region of the source image to analyse. */
export interface Tile {
  /** Region in source-image pixels (integers, inside the image). */
  x: number;
  y: number;
  w: number;
  h: number;
  /** Size of the canvas the region is drawn into (analysed image), in pixels. */
  outW: number;
  outH: number;
  /** 0 for the full-image pass, then 1, 2, ... from coarse to fine tiles. */
  level: number;
}

export interface TilingOptions {
  /** Long side of the canvas each tile is drawn into. Default 512. */
  tileSize?: number;
  /** Long side of the canvas for the full-image pass. Default 768. */
  fullSize?: number;
  /**
   * Tile side as a fraction of the image's short side, one entry per tile level, coarse to fine.
   * Levels whose side would be 0.9x the short side or more are skipped (the full pass covers them).
   */
  levels?: readonly number[];
  /** Minimum overlap between neighbouring tiles as a fraction of the tile side (0-0.9). Default 0.4. */
  overlap?: number;
  /** Tiles never get smaller than this many source pixels. Default 160. */
  minTileSide?: number;
  /**
   * Never enlarge a region by more than this factor when drawing it. Default 1: small tiles are
   * analysed at native resolution (the detector sees 128x128 anyway), which is much faster.
   */
  maxUpscale?: number;
}

export const DEFAULT_LEVELS: readonly number[] = [0.75, 0.5, 0.3];

/** Number of tiles and their start offsets along one axis, spread evenly, covering [0, length). */
export function axisStarts(length: number, side: number, overlap: number): number[] {
  if (side >= length) return [0];
  const stride = side * (1 - overlap);
  const n = Math.max(2, Math.ceil((length - side) / stride) + 1);
  const starts: number[] = [];
  for (let i = 0; i < n; i++) starts.push(Math.round((i * (length - side)) / (n - 1)));
  return starts;
}

function outSize(w: number, h: number, longSide: number, maxUpscale: number): { outW: number; outH: number } {
  const s = Math.min(longSide / Math.max(w, h), maxUpscale);
  return { outW: Math.max(1, Math.round(w * s)), outH: Math.max(1, Math.round(h * s)) };
}

/**
 * Plan the regions to analyse for an image of the given size: the full image first (level 0),
 * then square tiles per level, coarse to fine, overlapping by at least `overlap`.
 */
export function planTiles(width: number, height: number, opts: TilingOptions = {}): Tile[] {
  const W = Math.max(1, Math.round(width));
  const H = Math.max(1, Math.round(height));
  const tileSize = opts.tileSize ?? 512;
  const fullSize = opts.fullSize ?? 768;
  const overlap = Math.min(0.9, Math.max(0, opts.overlap ?? 0.4));
  const minSide = opts.minTileSide ?? 160;
  const maxUpscale = opts.maxUpscale ?? 1;
  const short = Math.min(W, H);

  const tiles: Tile[] = [{ x: 0, y: 0, w: W, h: H, level: 0, ...outSize(W, H, fullSize, maxUpscale) }];
  let level = 0;
  let lastSide = Infinity;
  for (const f of opts.levels ?? DEFAULT_LEVELS) {
    if (f >= 0.9) continue;
    const side = Math.round(Math.max(minSide, f * short));
    if (side >= 0.9 * short || side >= lastSide) continue; // duplicates an earlier pass
    lastSide = side;
    level++;
    const sw = Math.min(side, W);
    const sh = Math.min(side, H);
    const out = outSize(sw, sh, tileSize, maxUpscale);
    for (const y of axisStarts(H, sh, overlap)) {
      for (const x of axisStarts(W, sw, overlap)) tiles.push({ x, y, w: sw, h: sh, level, ...out });
    }
  }
  return tiles;
}

/** Scale from source pixels to analysed-canvas pixels for a tile (uniform up to rounding). */
export function tileScale(tile: Tile): number {
  return tile.outW / tile.w;
}

/**
 * Map one tile-normalised landmark (MediaPipe x, y in 0..1 of the analysed canvas; z normalised
 * like x, i.e. by the analysed image width) to source pixels. z is scaled exactly like x.
 */
export function tileToSource(tile: Tile, nx: number, ny: number, nz = 0): [number, number, number] {
  return [tile.x + nx * tile.w, tile.y + ny * tile.h, nz * tile.w];
}

/** Inverse of tileToSource (for tests and for checking whether a point lies inside a tile). */
export function sourceToTile(tile: Tile, x: number, y: number, z = 0): [number, number, number] {
  return [(x - tile.x) / tile.w, (y - tile.y) / tile.h, z / tile.w];
}

export interface NormLandmark {
  x: number;
  y: number;
  z: number;
}

/** Pack a face's tile-normalised landmarks into source-pixel x,y,z triples. */
export function mapLandmarks(tile: Tile, landmarks: ArrayLike<NormLandmark>): Float32Array {
  const n = Math.min(landmarks.length, LANDMARK_COUNT);
  const out = new Float32Array(LANDMARK_COUNT * 3);
  for (let i = 0; i < n; i++) {
    const p = landmarks[i]!;
    const [x, y, z] = tileToSource(tile, p.x, p.y, p.z);
    out[i * 3] = x;
    out[i * 3 + 1] = y;
    out[i * 3 + 2] = z;
  }
  return out;
}

/** Axis-aligned bounding box of packed x,y,z landmarks. */
export function boxFromLandmarks(lm: ArrayLike<number>): Box {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i + 1 < lm.length; i += 3) {
    const x = lm[i]!;
    const y = lm[i + 1]!;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  if (!Number.isFinite(x0)) return { x: 0, y: 0, w: 0, h: 0 };
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/**
 * How far (in fractions of the face box) the box sticks out of the tile, on sides where the tile
 * edge is not also the image edge. 0 means the face lies fully inside the tile.
 */
export function cutFraction(tile: Tile, box: Box, imageW: number, imageH: number): number {
  const fw = Math.max(box.w, 1e-6);
  const fh = Math.max(box.h, 1e-6);
  let cut = 0;
  if (tile.x > 0) cut = Math.max(cut, (tile.x - box.x) / fw);
  if (tile.y > 0) cut = Math.max(cut, (tile.y - box.y) / fh);
  if (tile.x + tile.w < imageW) cut = Math.max(cut, (box.x + box.w - (tile.x + tile.w)) / fw);
  if (tile.y + tile.h < imageH) cut = Math.max(cut, (box.y + box.h - (tile.y + tile.h)) / fh);
  return Math.max(0, cut);
}

/**
 * A square region centred on a found face, sized so the face fills about `faceFraction` of it
 * (shifted to stay inside the image), analysed at up to `maxSize` px without enlarging more than
 * `maxUpscale`. Used to re-run the landmark model on a face at full resolution.
 */
export function refineTile(
  box: Box,
  imageW: number,
  imageH: number,
  opts: { faceFraction?: number; maxSize?: number; maxUpscale?: number } = {},
): Tile {
  const frac = opts.faceFraction ?? 0.45;
  const W = Math.max(1, Math.round(imageW));
  const H = Math.max(1, Math.round(imageH));
  const side = Math.round(Math.min(Math.max(box.w, box.h) / frac, W, H));
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const x = Math.round(Math.min(Math.max(0, cx - side / 2), W - side));
  const y = Math.round(Math.min(Math.max(0, cy - side / 2), H - side));
  return { x, y, w: side, h: side, level: -1, ...outSize(side, side, opts.maxSize ?? 512, opts.maxUpscale ?? 2) };
}
