// Informed embedding (host-interference cancellation, in the spirit of Malvar & Florencio's
// "improved spread spectrum"). Pure, no DOM.
//
// A Sfumato clip is a mostly static portrait with a moving face, so the picture itself (the
// "host") adds the same interference to every channel bit in every frame: averaging frames removes
// codec noise but not the host. The host is known at embed time, so once per clip, from the first
// (labelled, unwatermarked) frame, we measure what the detector will see: the host's projection h_b
// onto every channel bit b and the detector's response g_b to the bit's chips (both through the
// detector's own high-pass + local whitening at detection resolution, at the true geometry). Then
// every bit gets its own amplitude a_b so that its soft value g_b a_b + h_b (in the bit's
// direction) reaches a common margin T, with the same total power as the plain +-1 pattern (so the
// same PSNR). Bits the host already helps get less amplitude, bits the host fights get more (capped).
// Sync chips keep their plain amplitude. The detector is unchanged: it sees a plain-pattern mark
// whose bits are more reliable. A few fixed-point iterations absorb the whitening's nonlinearity.
//
// The result is a per-pixel field like patternField's (the GPU pass uploads it once per clip).
import { CODE_BITS, encodePayload } from './payload';
import { CHIPS, chipField, DEFAULT_RMS, LAYOUT } from './pattern';
import { detectInternals, type WatermarkFrame } from './detect';

/**
 * Amplitude range of one channel bit relative to the plain pattern. The cap keeps any chip within
 * 2x the plain amplitude (about 6 levels; visibility). A floor above 0 (so that no bit relies on the
 * host alone) measured worse, after CRF 18 / JPEG q50 / 25% downscale / CRF 35, than 0 (floors 0,
 * 0.15, 0.35, 0.6 and caps 1.8, 2.2, 2.7 were compared on 5 portraits in format v1,
 * tests/bench/watermark-diag.ts).
 */
export const INFORMED_MIN = 0;
export const INFORMED_MAX = 2;
/** Fraction of the host's projection that the amplitudes cancel (1 = all; 0.7 and 0.5 measured worse
 *  in format v1 after CRF 18, JPEG q50 and 25% downscale on Klimt, van Gogh and Einstein). */
export const INFORMED_LAMBDA = 1;
const ITERATIONS = 3;

/** Field from per-bit amplitudes: bilinear interpolation of the (unwrapped) chip grid, at the given rms. */
export function amplitudeField(width: number, height: number, payload: bigint, amp: ArrayLike<number>, rms: number = DEFAULT_RMS): Float32Array {
  const bits = encodePayload(payload);
  const chips = new Float32Array(CHIPS * CHIPS);
  for (let c = 0; c < chips.length; c++) {
    const r = LAYOUT.role[c]!;
    const s = LAYOUT.sign[c]!;
    chips[c] = r < 0 ? s : (bits[r] ? s : -s) * amp[r]!;
  }
  return chipField(chips, width, height, rms);
}

/** Soft value of every channel bit, signed so that positive = correct, at the true geometry. */
function bitValues(frame: WatermarkFrame, bitSign: Float64Array): Float64Array | null {
  const pl = detectInternals.frameResidual(frame);
  if (!pl) return null;
  const soft = detectInternals.softBits(detectInternals.chipEvidence(pl, 1, 0, 0));
  for (let b = 0; b < CODE_BITS; b++) soft[b] = soft[b]! * bitSign[b]!;
  return soft;
}

function addField(host: Uint8ClampedArray | Uint8Array, ch: number, field: Float32Array, out: Uint8ClampedArray): void {
  for (let i = 0, p = 0; i < field.length; i++, p += ch) {
    const d = field[i]!;
    out[p] = host[p]! + d;
    out[p + 1] = host[p + 1]! + d;
    out[p + 2] = host[p + 2]! + d;
  }
}

export interface InformedResult {
  field: Float32Array;
  /** Per-bit amplitudes (relative to the plain pattern). */
  amp: Float64Array;
  /** Smallest / median predicted soft margin (relative to the plain mark's mean response) on the host frame. */
  minMargin: number;
}

/**
 * Per-pixel watermark field for `payload`, informed by the unwatermarked host frame (RGBA or RGB;
 * channels in R, G, B order, or B, G, R with bgr: luma weights differ slightly, which is harmless).
 * Same rms as patternField(width, height, payload, rms).
 */
export function informedField(
  host: WatermarkFrame,
  payload: bigint,
  rms: number = DEFAULT_RMS,
  limits: { min?: number; max?: number; lambda?: number } = {},
): InformedResult {
  const lambda = limits.lambda ?? INFORMED_LAMBDA;
  const aMin = limits.min ?? INFORMED_MIN;
  const aMax = limits.max ?? INFORMED_MAX;
  const { width, height } = host;
  const ch = host.channels ?? 4;
  const bits = encodePayload(payload);
  const bitSign = new Float64Array(CODE_BITS);
  for (let b = 0; b < CODE_BITS; b++) bitSign[b] = bits[b] ? 1 : -1;
  // Instances (chip positions in the frame, weighted by bilinear area) per bit are about equal, so the
  // power of the payload part is proportional to the mean of amp^2 over bits.
  const amp = new Float64Array(CODE_BITS).fill(1);
  const plain = amplitudeField(width, height, payload, amp, rms);
  const work = new Uint8ClampedArray(host.data.length);
  if (ch === 4) for (let i = 3; i < work.length; i += 4) work[i] = 255;
  const frame: WatermarkFrame = { data: work, width, height, channels: ch };
  const h = bitValues(host, bitSign);
  addField(host.data, ch, plain, work);
  const s1 = h ? bitValues(frame, bitSign) : null;
  if (!h || !s1) return { field: plain, amp, minMargin: 0 };
  // Response per unit amplitude (floor: a bit whose chips all sit in loud texture still gets some).
  const g = new Float64Array(CODE_BITS);
  let gMean = 0;
  for (let b = 0; b < CODE_BITS; b++) gMean += (s1[b]! - h[b]!) / CODE_BITS;
  if (!(gMean > 0)) return { field: plain, amp, minMargin: 0 };
  for (let b = 0; b < CODE_BITS; b++) g[b] = Math.max(0.25 * gMean, s1[b]! - h[b]!);
  let s = s1;
  const next = new Float64Array(CODE_BITS);
  // Choose the common margin T (bisection) so that mean(amp^2) = 1 (the plain pattern's power).
  const solve = (cur: Float64Array, sv: Float64Array) => {
    let lo = -4 * gMean;
    let hi = 8 * gMean;
    for (let k = 0; k < 40; k++) {
      const T = 0.5 * (lo + hi);
      let p = 0;
      for (let b = 0; b < CODE_BITS; b++) {
        const a = Math.min(aMax, Math.max(aMin, cur[b]! + (T - sv[b]!) / g[b]!));
        p += a * a;
      }
      if (p / CODE_BITS > 1) hi = T;
      else lo = T;
    }
    for (let b = 0; b < CODE_BITS; b++) next[b] = Math.min(aMax, Math.max(aMin, cur[b]! + (lo - sv[b]!) / g[b]!));
  };
  // Partial cancellation (ISS's lambda): aim at g a + lambda h = T, i.e. count only lambda of the
  // host's help or harm, since the host's projection itself changes under compression.
  const eff = new Float64Array(CODE_BITS);
  for (let it = 0; it < ITERATIONS; it++) {
    for (let b = 0; b < CODE_BITS; b++) eff[b] = s[b]! - (1 - lambda) * h[b]!;
    solve(amp, eff);
    amp.set(next);
    const field = amplitudeField(width, height, payload, amp, rms);
    addField(host.data, ch, field, work);
    s = bitValues(frame, bitSign)!;
  }
  let minM = Infinity;
  for (let b = 0; b < CODE_BITS; b++) minM = Math.min(minM, s[b]! / gMean);
  return { field: amplitudeField(width, height, payload, amp, rms), amp, minMargin: minM };
}
