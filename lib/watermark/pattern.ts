// Invisible-watermark geometry, keyed patterns and the CPU reference embedder. Pure, no DOM.
//
// The frame is covered by a periodic tile whose period is 1/tilesPerLongSide of the frame's longer
// side, so the pattern scales with the frame (a resize keeps it, a crop keeps whole tiles and only
// shifts the grid). A tile is a CHIPS x CHIPS grid of +-1 chips (formats.ts), bilinearly
// interpolated (smooth, low/mid-frequency, survives resampling and compression). The mark is added
// to luma (the same delta on R, G and B). The renderers use informed.ts, which gives every coded bit
// its own amplitude from the clip's first frame; patternField / embedWatermarkRGBA are the plain
// +-1 pattern. Every field is scaled to the same rms, so every frame gets the same PSNR.
import { CHIPS, FORMAT_V2, type WatermarkFormat } from './formats';

export { CHIPS, CHIP_COUNT, SYNC_CHIPS, type ChipLayout } from './formats';
export const LAYOUT = FORMAT_V2.layout;
export const TILES_PER_LONG_SIDE = FORMAT_V2.tilesPerLongSide;

/**
 * Rms of the watermark's 8-bit delta (the field rounded as the embedders round it): 1.98 levels is a
 * PSNR of 42.2 dB on any frame (pixels clipped at 0/255 only make it higher); the target is 42 dB.
 * A perceptual (texture) mask was tried in format v1: at equal PSNR it was not more robust with the
 * locally whitened detector and it cost 9 texture reads per pixel on the GPU.
 */
export const DEFAULT_RMS = 1.98;

/** The chip values (+-1) of the tile for a payload: sync chips keyed, payload chips keyed * bit. */
export function chipValues(payload: bigint, format: WatermarkFormat = FORMAT_V2): Float32Array {
  const bits = format.encode(payload);
  const { role, sign } = format.layout;
  const v = new Float32Array(role.length);
  for (let c = 0; c < role.length; c++) {
    const r = role[c]!;
    const s = sign[c]!;
    v[c] = r < 0 ? s : bits[r] ? s : -s;
  }
  return v;
}

/** Tile period in pixels for a frame of this size. */
export function tilePeriod(width: number, height: number, format: WatermarkFormat = FORMAT_V2): number {
  return Math.max(width, height) / format.tilesPerLongSide;
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

/** The plain tile pattern for every pixel of a width x height frame (row-major, float32), at the given rms. */
export function patternField(width: number, height: number, payload: bigint, rms: number = DEFAULT_RMS, format: WatermarkFormat = FORMAT_V2): Float32Array {
  return chipField(chipValues(payload, format), width, height, rms, format);
}

/**
 * The tile of chip values, bilinearly interpolated over a width x height frame and scaled so that the
 * rounded delta the embedders add (floor(d + 0.5) on integer pixels) has the given rms.
 */
export function chipField(chips: Float32Array, width: number, height: number, rms: number, format: WatermarkFormat = FORMAT_V2): Float32Array {
  const scale = CHIPS / tilePeriod(width, height, format);
  const out = new Float32Array(width * height);
  const colI0 = new Int32Array(width);
  const colT = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const cu = (x + 0.5) * scale;
    const f = Math.floor(cu);
    colI0[x] = f % CHIPS;
    colT[x] = cu - f;
  }
  let se = 0;
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
      const v = (1 - tv) * ((1 - tu) * chips[j0 + i0]! + tu * chips[j0 + i1]!) + tv * ((1 - tu) * chips[j1 + i0]! + tu * chips[j1 + i1]!);
      out[o + x] = v;
      se += v * v;
    }
  }
  if (!(se > 0)) return out;
  // The largest scale whose rounded delta stays within the rms (the rounded power only grows with the
  // scale, so bisection finds it; rounding adds about 1/12 level^2 to the unrounded power).
  const target = rms * rms * out.length;
  const roundedPower = (k: number) => {
    let sr = 0;
    for (let i = 0; i < out.length; i++) sr += Math.floor(out[i]! * k + 0.5) ** 2;
    return sr;
  };
  let lo = 0;
  let hi = (2 * rms) / Math.sqrt(se / out.length);
  // A field of mostly small values (informed amplitudes near 0) rounds to little; widen until too strong.
  for (let it = 0; it < 8 && roundedPower(hi) <= target; it++) hi *= 2;
  for (let it = 0; it < 28; it++) {
    const mid = 0.5 * (lo + hi);
    if (roundedPower(mid) <= target) lo = mid;
    else hi = mid;
  }
  // Many pixels share a value (bilinear weights repeat), so the bisection stops just below a step where
  // a whole group sits at x.5; back off a little so that float32 storage and the GPU's f32 add
  // (255 + d is exact to 2e-5) round those pixels down as well.
  const k = lo * (1 - 1e-4);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! * k;
  return out;
}

/**
 * CPU reference embedder (and fallback): adds the plain watermark for `payload` to an RGBA frame in
 * place. Alpha is untouched. The WGSL pass in embed-gpu.ts adds the same field (within +-1).
 */
export function embedWatermarkRGBA(
  rgba: Uint8ClampedArray | Uint8Array,
  width: number,
  height: number,
  payload: bigint,
  rms: number = DEFAULT_RMS,
  format: WatermarkFormat = FORMAT_V2,
): void {
  addPatternField(rgba, patternField(width, height, payload, rms, format));
}

/** Add a precomputed field to an RGBA frame in place (same delta on R, G, B; alpha untouched). */
export function addPatternField(rgba: Uint8ClampedArray | Uint8Array, field: Float32Array): void {
  for (let i = 0, p = 0; i < field.length; i++, p += 4) {
    const d = field[i]!;
    rgba[p] = Math.floor(Math.min(255, Math.max(0, rgba[p]! + d)) + 0.5);
    rgba[p + 1] = Math.floor(Math.min(255, Math.max(0, rgba[p + 1]! + d)) + 0.5);
    rgba[p + 2] = Math.floor(Math.min(255, Math.max(0, rgba[p + 2]! + d)) + 0.5);
  }
}
