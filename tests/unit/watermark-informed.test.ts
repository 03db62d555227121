import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { detectWatermark } from '@/lib/watermark/detect';
import { CODE_BITS, clipIdToPayload } from '@/lib/watermark/payload';
import { addPatternField, DEFAULT_RMS, patternField } from '@/lib/watermark/pattern';
import { INFORMED_MAX, INFORMED_MIN, amplitudeField, informedField } from '@/lib/watermark/informed';
import { decodeFrames, psnr, resizeRGBA, type RawFrame } from '../bench/watermark-media';

const PORTRAITS = '/work/shared/fixtures/portraits';

function withField(f: RawFrame, field: Float32Array): RawFrame {
  const data = new Uint8ClampedArray(f.data);
  addPatternField(data, field);
  return { data, width: f.width, height: f.height };
}

describe('informed watermark embedding', () => {
  it('amplitudeField with unit amplitudes is the plain pattern', () => {
    const p = 0xabcdef0123456789n;
    const a = amplitudeField(301, 207, p, new Float64Array(CODE_BITS).fill(1));
    const b = patternField(301, 207, p);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    expect(maxDiff).toBeLessThan(1e-5);
  }, 30_000);

  it(
    'textured paintings (Klimt, van Gogh): same PSNR as the plain pattern, and a single frame that the plain mark misses decodes',
    () => {
      for (const name of ['klimt-adele-bloch-bauer.jpg', 'van-gogh-self-portrait.jpg']) {
        const still = decodeFrames(join(PORTRAITS, name), { maxLong: 768 })[0]!;
        const payload = clipIdToPayload(name);
        const plain = withField(still, patternField(still.width, still.height, payload));
        const inf = informedField(still, payload);
        for (const a of inf.amp) {
          expect(a).toBeGreaterThanOrEqual(INFORMED_MIN);
          expect(a).toBeLessThanOrEqual(INFORMED_MAX + 1e-9);
        }
        const marked = withField(still, inf.field);
        const pPlain = psnr(still.data, plain.data);
        const pInf = psnr(still.data, marked.data);
        expect(pInf, name).toBeGreaterThanOrEqual(42);
        expect(Math.abs(pInf - pPlain), name).toBeLessThan(0.3);
        const dPlain = detectWatermark([plain]);
        const dInf = detectWatermark([marked]);
        expect(dInf.found, name).toBe(true);
        expect(dInf.payload, name).toBe(payload);
        expect(dInf.bitAccuracy!, name).toBeGreaterThan(dPlain.bitAccuracy!);
        // And after a 50% resize.
        const half = detectWatermark([resizeRGBA(marked, Math.round(still.width / 2), Math.round(still.height / 2))]);
        expect(half.found ? half.payload : null, `${name} 50%`).toBe(payload);
        // The unmarked picture is still never reported.
        expect(detectWatermark([still]).found, `${name} unmarked`).toBe(false);
      }
    },
    120_000,
  );

  it('works on RGB frames and flat frames (no texture: the plain pattern scaled, no NaN)', () => {
    const w = 320;
    const h = 240;
    const flat = new Uint8Array(w * h * 3).fill(128);
    const r = informedField({ data: flat, width: w, height: h, channels: 3 }, 42n);
    expect(r.field.length).toBe(w * h);
    for (const v of r.field) expect(Number.isFinite(v)).toBe(true);
    // Both fields are scaled as close to the rms of the rounded 8-bit delta as its steps allow (this
    // frame's 2 px chips give the plain pattern few distinct values, hence coarse steps).
    for (const field of [r.field, patternField(w, h, 42n)]) {
      let se = 0;
      for (const v of field) se += Math.floor(v + 0.5) ** 2;
      const rms = Math.sqrt(se / field.length);
      expect(rms).toBeLessThanOrEqual(DEFAULT_RMS);
      expect(rms).toBeGreaterThan(0.9 * DEFAULT_RMS);
    }
  }, 30_000);
});
