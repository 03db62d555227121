import { describe, expect, it } from 'vitest';
import { blinkCurve, createRng, loopWobble, wrapTime } from '../../lib/motion/curves';
import { gentleLife } from '../../lib/motion/presets';

describe('createRng', () => {
  it('is deterministic per seed and different across seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(sa);
    expect(Array.from({ length: 5 }, c)).not.toEqual(sa);
    for (const v of sa) expect(v >= 0 && v < 1).toBe(true);
  });
});

describe('curves', () => {
  it('loopWobble is exactly 0 at t=0 and periodic', () => {
    const f = loopWobble(5, [{ cycles: 1, amplitude: 1, phase: 1.3 }, { cycles: 2, amplitude: 0.5, phase: 4 }]);
    expect(f(0)).toBe(0);
    expect(Math.abs(f(5))).toBeLessThan(1e-12);
    expect(Math.abs(f(1.7) - f(6.7))).toBeLessThan(1e-12);
  });
  it('blinkCurve peaks at 1 and is 0 outside', () => {
    const b = blinkCurve(1, 0.2);
    expect(b(0.99)).toBe(0);
    expect(b(1.2)).toBe(0);
    expect(b(1.08)).toBe(1);
  });
  it('wrapTime wraps negatives and overflows', () => {
    expect(wrapTime(5.5, 5)).toBeCloseTo(0.5);
    expect(wrapTime(-1, 5)).toBeCloseTo(4);
    expect(wrapTime(Number.NaN, 5)).toBe(0);
  });
});

describe('gentleLife', () => {
  const sample = (seed: number, durationS = 5) => {
    const perf = gentleLife({ seed, durationS });
    return Array.from({ length: 151 }, (_, i) => perf.at((i / 150) * perf.durationS));
  };

  it('is deterministic for a seed and varies with the seed', () => {
    expect(sample(7)).toEqual(sample(7));
    expect(JSON.stringify(sample(7))).not.toEqual(JSON.stringify(sample(8)));
  });

  it('starts at rest exactly and loops back to it', () => {
    for (const seed of [1, 2, 3, 11, 99]) {
      const perf = gentleLife({ seed });
      const p0 = perf.at(0);
      expect(p0.yaw).toBe(0);
      expect(p0.pitch).toBe(0);
      expect(p0.roll).toBe(0);
      expect(p0.tx).toBe(0);
      expect(p0.ty).toBe(0);
      for (const v of Object.values(p0.expressions)) expect(v).toBe(0);
      expect(perf.at(perf.durationS)).toEqual(p0);
    }
  });

  it('has 1-3 full blinks of 150-250 ms in both eyes, and small head angles', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const perf = gentleLife({ seed, durationS: 4 + (seed % 3) });
      expect(perf.durationS).toBeGreaterThanOrEqual(4);
      expect(perf.durationS).toBeLessThanOrEqual(6);
      expect(perf.blinks.length).toBeGreaterThanOrEqual(1);
      expect(perf.blinks.length).toBeLessThanOrEqual(3);
      for (const b of perf.blinks) {
        expect(b.durationS).toBeGreaterThanOrEqual(0.15);
        expect(b.durationS).toBeLessThanOrEqual(0.25);
        expect(b.startS).toBeGreaterThan(0);
        expect(b.startS + b.durationS).toBeLessThan(perf.durationS);
      }
      let maxL = 0;
      let maxR = 0;
      let maxAngle = 0;
      let maxSmile = 0;
      for (let t = 0; t < perf.durationS; t += 0.005) {
        const p = perf.at(t);
        maxL = Math.max(maxL, p.expressions.eyeBlinkLeft ?? 0);
        maxR = Math.max(maxR, p.expressions.eyeBlinkRight ?? 0);
        maxSmile = Math.max(maxSmile, p.expressions.mouthSmileLeft ?? 0);
        maxAngle = Math.max(maxAngle, Math.abs(p.yaw), Math.abs(p.pitch), Math.abs(p.roll));
      }
      expect(maxL).toBeGreaterThan(0.95);
      expect(maxR).toBeGreaterThan(0.95);
      expect(maxSmile).toBeGreaterThan(0.3);
      expect(maxSmile).toBeLessThanOrEqual(1);
      expect(maxAngle).toBeGreaterThan(0.005);
      expect(maxAngle).toBeLessThan((8 * Math.PI) / 180);
    }
  });
});
