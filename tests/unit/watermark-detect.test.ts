import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { detectWatermark } from '@/lib/watermark/detect';
import { clipIdToPayload } from '@/lib/watermark/payload';
import { DEFAULT_RMS, embedWatermarkRGBA, patternField, tilePeriod } from '@/lib/watermark/pattern';
import { FORMAT_V1 } from '@/lib/watermark/formats';
import { cropRGBA, decodeFrames, psnr, resizeRGBA, type RawFrame } from '../bench/watermark-media';

const PORTRAITS = '/work/shared/fixtures/portraits';
const fixtures = readdirSync(PORTRAITS).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();

function synthetic(w: number, h: number, seed = 1): RawFrame {
  const data = new Uint8ClampedArray(w * h * 4);
  let s = seed;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 4;
      const disc = (x - w / 2) ** 2 + (y - h / 2.5) ** 2 < (w / 4) ** 2 ? 60 : 0;
      data[p] = 40 + (120 * x) / w + disc + 6 * rnd();
      data[p + 1] = 60 + (90 * y) / h + 0.5 * disc + 6 * rnd();
      data[p + 2] = 90 + 40 * Math.sin(x / 23) * Math.cos(y / 31) + 6 * rnd();
      data[p + 3] = 255;
    }
  return { data, width: w, height: h };
}

function marked(f: RawFrame, payload: bigint): RawFrame {
  const data = new Uint8ClampedArray(f.data);
  embedWatermarkRGBA(data, f.width, f.height, payload);
  return { data, width: f.width, height: f.height };
}

describe('watermark embed + detect (CPU)', () => {
  it('patternField and the embedder agree, and the rounded delta has the planned rms (PSNR 42.2 dB)', () => {
    for (const [w, h] of [[300, 200], [576, 768], [768, 508]] as const) {
      const f = synthetic(w, h);
      const p = 0x1234n;
      const m = marked(f, p);
      const field = patternField(w, h, p);
      let se = 0;
      for (let i = 0; i < field.length; i++) {
        se += Math.floor(field[i]! + 0.5) ** 2;
        const want = Math.floor(Math.min(255, Math.max(0, f.data[i * 4]! + field[i]!)) + 0.5);
        expect(m.data[i * 4]).toBe(want);
      }
      expect(Math.sqrt(se / field.length)).toBeLessThanOrEqual(DEFAULT_RMS);
      expect(Math.sqrt(se / field.length)).toBeGreaterThan(DEFAULT_RMS - 0.02);
      expect(psnr(f.data, m.data)).toBeGreaterThanOrEqual(42.2);
    }
    expect(tilePeriod(300, 200)).toBe(60);
  }, 30_000);

  it('still finds format v1 marks (clips made before format v2), and says which format it found', () => {
    const payload = clipIdToPayload('old clip');
    const orig = synthetic(768, 576, 5);
    const v1 = { data: new Uint8ClampedArray(orig.data), width: 768, height: 576 };
    embedWatermarkRGBA(v1.data, 768, 576, payload, DEFAULT_RMS, FORMAT_V1);
    const d1 = detectWatermark([v1]);
    expect(d1.found).toBe(true);
    expect(d1.payload).toBe(payload);
    expect(d1.format).toBe(1);
    expect(detectWatermark([marked(orig, payload)]).format).toBe(2);
  }, 30_000);

  it('finds the payload in a synthetic frame, after a 50% resize and a 10% crop', () => {
    const payload = clipIdToPayload('synthetic');
    const orig = synthetic(768, 576, 7);
    const m = marked(orig, payload);
    expect(psnr(orig.data, m.data)).toBeGreaterThanOrEqual(42);
    for (const [name, fr] of [
      ['as is', m],
      ['resize 50%', resizeRGBA(m, 384, 288)],
      ['crop 10%', cropRGBA(m, 30, 20, Math.round(768 * 0.9), Math.round(576 * 0.9))],
    ] as const) {
      const d = detectWatermark([fr]);
      expect(d.found, name).toBe(true);
      expect(d.payload, name).toBe(payload);
      expect(d.falsePositiveProbability).toBeLessThan(1e-8);
    }
    expect(detectWatermark([orig]).found).toBe(false);
  }, 30_000);

  it('accepts RGB frames and combines several frames', () => {
    const payload = 0xfeedfacecafebeefn;
    const frames = [1, 2, 3].map((s) => marked(synthetic(400, 300, s), payload));
    const rgb = frames.map((f) => {
      const d = new Uint8Array(f.width * f.height * 3);
      for (let i = 0, j = 0; i < f.data.length; i += 4, j += 3) {
        d[j] = f.data[i]!;
        d[j + 1] = f.data[i + 1]!;
        d[j + 2] = f.data[i + 2]!;
      }
      return { data: d, width: f.width, height: f.height, channels: 3 as const };
    });
    const d = detectWatermark(rgb);
    expect(d.found).toBe(true);
    expect(d.payload).toBe(payload);
    expect(d.framesUsed).toBe(3);
  }, 30_000);

  it(
    'fixture portraits: PSNR >= 42 dB; found as is, after a 50% resize and a 10% crop (JS); unmarked never found',
    () => {
      let found = 0;
      let total = 0;
      for (const f of fixtures) {
        const orig = decodeFrames(join(PORTRAITS, f), { maxLong: 768 })[0]!;
        // No detection on the unmarked fixture (full size and at 768 px).
        expect(detectWatermark(decodeFrames(join(PORTRAITS, f))).found, `${f} unmarked`).toBe(false);
        expect(detectWatermark([orig]).found, `${f} unmarked 768`).toBe(false);
        const payload = clipIdToPayload(f);
        const m = marked(orig, payload);
        expect(psnr(orig.data, m.data), f).toBeGreaterThanOrEqual(42);
        const { width: w, height: h } = m;
        const attacked = [
          m,
          resizeRGBA(m, Math.round(w / 2), Math.round(h / 2)),
          cropRGBA(m, Math.round(w * 0.04), Math.round(h * 0.06), Math.round(w * 0.9), Math.round(h * 0.9)),
        ];
        for (const a of attacked) {
          const d = detectWatermark([a]);
          total++;
          if (d.found) {
            expect(d.payload, f).toBe(payload); // never a wrong payload
            found++;
          }
        }
      }
      // Single frames of strongly textured paintings can miss (video detection aggregates frames).
      expect(found / total).toBeGreaterThanOrEqual(0.9);
    },
    120_000,
  );
});
