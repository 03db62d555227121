// Invisible-watermark geometry, keyed patterns and the CPU reference embedder. Pure, no DOM.
//
// The frame is covered by a periodic tile whose period is 1/TILES_PER_LONG_SIDE of the frame's
// longer side, so the pattern scales with the frame (a resize keeps it, a crop keeps whole tiles
// and only shifts the grid). A tile is a CHIPS x CHIPS grid of +-1 chips, bilinearly interpolated
// (smooth, low/mid-frequency, survives resampling and compression):
//   - SYNC_CHIPS chips carry a fixed keyed +-1 pattern used to find the tile grid after a crop,
//   - the other chips carry the 204 channel bits of the payload (3-4 chips each, keyed signs).
// The mark is added to luma (the same delta on R, G and B), scaled by a perceptual mask that is
// weaker in flat areas and stronger in textured ones.
import { CODE_BITS, WATERMARK_KEY, encodePayload, keyedRandom } from './payload';

export const TILES_PER_LONG_SIDE = 4;
export const CHIPS = 32;
export const CHIP_COUNT = CHIPS * CHIPS;
export const SYNC_CHIPS = 256;

/** Global amplitude in 8-bit levels and perceptual mask parameters (shared with the WGSL pass). */
const E = ((globalThis as any).process?.env ?? {}) as Record<string, string | undefined>; // TEMP lab
export const DEFAULT_STRENGTH = Number(E.WM_A ?? 2.6);
export const MASK_BASE = Number(E.WM_MB ?? 0.45);
export const MASK_GAIN = Number(E.WM_MG ?? 0.12);
export const MASK_MIN = Number(E.WM_MMIN ?? 0.45);
export const MASK_MAX = Number(E.WM_MMAX ?? 1.6);

export interface ChipLayout {
  /** Keyed sign of every chip (+1/-1). */
  sign: Int8Array;
  /** For every chip: -1 for a sync chip, otherwise the channel-bit index it carries. */
  role: Int16Array;
  /** Sync chip indices. */
  sync: Uint16Array;
}

export const LAYOUT: ChipLayout = (() => {
  const rnd = keyedRandom(`${WATERMARK_KEY}/layout`);
  const sign = new Int8Array(CHIP_COUNT);
  for (let i = 0; i < CHIP_COUNT; i++) sign[i] = rnd() < 0.5 ? -1 : 1;
  const perm = Array.from({ length: CHIP_COUNT }, (_, i) => i);
  for (let i = CHIP_COUNT - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  const role = new Int16Array(CHIP_COUNT);
  const sync = new Uint16Array(SYNC_CHIPS);
  for (let k = 0; k < CHIP_COUNT; k++) {
    const c = perm[k]!;
    if (k < SYNC_CHIPS) {
      role[c] = -1;
      sync[k] = c;
    } else role[c] = (k - SYNC_CHIPS) % CODE_BITS;
  }
  return { sign, role, sync };
})();

/** The chip values (+-1) of the tile for a payload: sync chips keyed, payload chips keyed * bit. */
export function chipValues(payload: bigint): Float32Array {
  const bits = encodePayload(payload);
  const v = new Float32Array(CHIP_COUNT);
  for (let c = 0; c < CHIP_COUNT; c++) {
    const r = LAYOUT.role[c]!;
    const s = LAYOUT.sign[c]!;
    v[c] = r < 0 ? s : bits[r] ? s : -s;
  }
  return v;
}

/** Tile period in pixels for a frame of this size. */
export function tilePeriod(width: number, height: number): number {
  return Math.max(width, height) / TILES_PER_LONG_SIDE;
}

/** Pattern value (about -1..1) at continuous chip coordinates, periodic, bilinear. */
export function patternAt(chips: ArrayLike<number>, cu: number, cv: number): number {
  const fu = Math.floor(cu);
  const fv = Math.floor(cv);
  const tu = cu - fu;
  const tv = cv - fv;
  const i0 = ((fu % CHIPS) + CHIPS) % CHIPS;
  const j0 = ((fv % CHIPS) + CHIPS) % CHIPS;
  const i1 = (i0 + 1) % CHIPS;
  const j1 = (j0 + 1) % CHIPS;
  const a = chips[j0 * CHIPS + i0]!;
  const b = chips[j0 * CHIPS + i1]!;
  const c = chips[j1 * CHIPS + i0]!;
  const d = chips[j1 * CHIPS + i1]!;
  return (1 - tv) * ((1 - tu) * a + tu * b) + tv * ((1 - tu) * c + tu * d);
}

/** Perceptual mask from the 3x3 luma neighbourhood: mean absolute difference to the centre. */
export function maskFromActivity(activity: number): number {
  return Math.min(MASK_MAX, Math.max(MASK_MIN, MASK_BASE + MASK_GAIN * activity));
}

/**
 * CPU reference embedder (and fallback): adds the watermark for `payload` to an RGBA frame in place.
 * Alpha is untouched. The WGSL pass in embed-gpu.ts computes the same thing (within +-1).
 */
export function embedWatermarkRGBA(
  rgba: Uint8ClampedArray | Uint8Array,
  width: number,
  height: number,
  payload: bigint,
  strength: number = DEFAULT_STRENGTH,
): void {
  const chips = chipValues(payload);
  const period = tilePeriod(width, height);
  const scale = CHIPS / period;
  // Luma of the original frame (the mask must be computed from unmodified pixels).
  const Y = new Float32Array(width * height);
  for (let i = 0, p = 0; i < Y.length; i++, p += 4) Y[i] = 0.299 * rgba[p]! + 0.587 * rgba[p + 1]! + 0.114 * rgba[p + 2]!;
  // Per-column chip coordinates.
  const colI0 = new Int32Array(width);
  const colT = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const cu = (x + 0.5) * scale;
    const f = Math.floor(cu);
    colI0[x] = f % CHIPS;
    colT[x] = cu - f;
  }
  for (let y = 0; y < height; y++) {
    const cv = (y + 0.5) * scale;
    const fv = Math.floor(cv);
    const tv = cv - fv;
    const j0 = fv % CHIPS;
    const j1 = (j0 + 1) % CHIPS;
    const ym = y > 0 ? y - 1 : 0;
    const yp = y < height - 1 ? y + 1 : height - 1;
    for (let x = 0; x < width; x++) {
      const xm = x > 0 ? x - 1 : 0;
      const xp = x < width - 1 ? x + 1 : width - 1;
      const c = Y[y * width + x]!;
      const act =
        (Math.abs(Y[ym * width + xm]! - c) +
          Math.abs(Y[ym * width + x]! - c) +
          Math.abs(Y[ym * width + xp]! - c) +
          Math.abs(Y[y * width + xm]! - c) +
          Math.abs(Y[y * width + xp]! - c) +
          Math.abs(Y[yp * width + xm]! - c) +
          Math.abs(Y[yp * width + x]! - c) +
          Math.abs(Y[yp * width + xp]! - c)) /
        8;
      const i0 = colI0[x]!;
      const i1 = (i0 + 1) % CHIPS;
      const tu = colT[x]!;
      const v =
        (1 - tv) * ((1 - tu) * chips[j0 * CHIPS + i0]! + tu * chips[j0 * CHIPS + i1]!) +
        tv * ((1 - tu) * chips[j1 * CHIPS + i0]! + tu * chips[j1 * CHIPS + i1]!);
      const d = strength * maskFromActivity(act) * v;
      const p = (y * width + x) * 4;
      rgba[p] = Math.floor(Math.min(255, Math.max(0, rgba[p]! + d)) + 0.5);
      rgba[p + 1] = Math.floor(Math.min(255, Math.max(0, rgba[p + 1]! + d)) + 0.5);
      rgba[p + 2] = Math.floor(Math.min(255, Math.max(0, rgba[p + 2]! + d)) + 0.5);
    }
  }
}
