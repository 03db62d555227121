// Invisible-watermark geometry, keyed patterns and the CPU reference embedder. Pure, no DOM.
//
// The frame is covered by a periodic tile whose period is 1/TILES_PER_LONG_SIDE of the frame's
// longer side, so the pattern scales with the frame (a resize keeps it, a crop keeps whole tiles
// and only shifts the grid). A tile is a CHIPS x CHIPS grid of +-1 chips, bilinearly interpolated
// (smooth, low/mid-frequency, survives resampling and compression):
//   - SYNC_CHIPS chips carry a fixed keyed +-1 pattern used to find the tile grid after a crop,
//   - the other chips carry the 204 channel bits of the payload (3-4 chips each, keyed signs).
// The mark is added to luma (the same delta on R, G and B) with a constant amplitude per chip; the
// renderers use informed.ts, which gives every channel bit its own amplitude (same power) from the
// clip's first frame. patternField / embedWatermarkRGBA are the plain +-1 pattern.
import { CODE_BITS, WATERMARK_KEY, encodePayload, keyedRandom } from './payload';

export const TILES_PER_LONG_SIDE = 4;
export const CHIPS = 32;
export const CHIP_COUNT = CHIPS * CHIPS;
export const SYNC_CHIPS = 256;

/**
 * Amplitude in 8-bit levels. The delta is strength * pattern, the pattern's rms is about 2/3, so the
 * delta's rms is about 1.87 levels: PSNR about 42.7 dB on any frame (less where pixels clip at 0/255
 * only makes it higher). A perceptual (texture) mask was tried: at equal PSNR it was not more robust
 * with the locally whitened detector and it cost 9 texture reads per pixel on the GPU.
 */
export const DEFAULT_STRENGTH = 2.8;

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

/** The tile pattern times strength for every pixel of a width x height frame (row-major, float32). */
export function patternField(width: number, height: number, payload: bigint, strength: number = DEFAULT_STRENGTH): Float32Array {
  return chipField(chipValues(payload), width, height, strength);
}

/** The tile of chip values, bilinearly interpolated over a width x height frame and scaled by strength. */
export function chipField(chips: Float32Array, width: number, height: number, strength: number): Float32Array {
  const scale = CHIPS / tilePeriod(width, height);
  const out = new Float32Array(width * height);
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
    const j0 = (fv % CHIPS) * CHIPS;
    const j1 = ((fv + 1) % CHIPS) * CHIPS;
    const o = y * width;
    for (let x = 0; x < width; x++) {
      const i0 = colI0[x]!;
      const i1 = i0 === CHIPS - 1 ? 0 : i0 + 1;
      const tu = colT[x]!;
      out[o + x] =
        strength *
        ((1 - tv) * ((1 - tu) * chips[j0 + i0]! + tu * chips[j0 + i1]!) + tv * ((1 - tu) * chips[j1 + i0]! + tu * chips[j1 + i1]!));
    }
  }
  return out;
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
  addPatternField(rgba, patternField(width, height, payload, strength));
}

/** Add a precomputed patternField to an RGBA frame in place (same delta on R, G, B; alpha untouched). */
export function addPatternField(rgba: Uint8ClampedArray | Uint8Array, field: Float32Array): void {
  for (let i = 0, p = 0; i < field.length; i++, p += 4) {
    const d = field[i]!;
    rgba[p] = Math.floor(Math.min(255, Math.max(0, rgba[p]! + d)) + 0.5);
    rgba[p + 1] = Math.floor(Math.min(255, Math.max(0, rgba[p + 1]! + d)) + 0.5);
    rgba[p + 2] = Math.floor(Math.min(255, Math.max(0, rgba[p + 2]! + d)) + 0.5);
  }
}
