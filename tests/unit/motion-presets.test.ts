import { describe, expect, it } from 'vitest';
import { createPerformance, loopDuration, PRESET_IDS, PRESETS, presetName, type PresetId } from '../../lib/motion/catalog';
import { talk } from '../../lib/motion/presets';
import { MAX_PITCH, MAX_ROLL, MAX_YAW } from '../../lib/motion/curves';
import { buildRig } from '../../lib/render/mesh';
import { countFlippedTriangles, poseRig } from '../../lib/render/pose';
import type { PoseParams } from '../../lib/render/types';
import { FACES } from '../support/landmarks';

const perf = (preset: PresetId, seed = 1, durationS = 5, intensity?: number) => createPerformance({ preset, seed, durationS, intensity });

function isRest(p: PoseParams): boolean {
  return p.yaw === 0 && p.pitch === 0 && p.roll === 0 && p.tx === 0 && p.ty === 0 && Object.values(p.expressions).every((v) => v === 0);
}

describe('preset catalog', () => {
  it('registers the eight presets with names', () => {
    expect(PRESET_IDS).toEqual(['gentle-life', 'smile', 'blink-glance', 'nod', 'shake-head', 'look-around', 'surprise', 'talk']);
    for (const p of PRESETS) expect(presetName(p.id)).toBe(p.name);
  });
  it('snaps the loop to whole frames within 2-20 s', () => {
    expect(loopDuration(1)).toBe(2);
    expect(loopDuration(30)).toBe(20);
    expect(loopDuration(4.333) * 30).toBeCloseTo(130, 9);
  });
});

describe.each(PRESET_IDS)('preset %s', (id) => {
  it('starts and ends at rest exactly, for every duration', () => {
    for (const d of [2, 3.5, 5, 9, 20]) {
      for (const seed of [1, 7, 12345]) {
        const p = perf(id, seed, d);
        expect(p.durationS).toBeCloseTo(d, 9);
        expect(isRest(p.at(0))).toBe(true);
        expect(isRest(p.at(p.durationS))).toBe(true);
      }
    }
  });

  it('is seamless: the last frames come back close to rest', () => {
    for (const seed of [1, 2, 3]) {
      const p = perf(id, seed, 5);
      const a = p.at(p.durationS - 1 / 60);
      expect(Math.abs(a.yaw) + Math.abs(a.pitch) + Math.abs(a.roll)).toBeLessThan(0.004);
      for (const v of Object.values(a.expressions)) expect(v).toBeLessThan(0.05);
    }
  });

  it('is deterministic for a seed and varies with the seed', () => {
    const sample = (seed: number) => Array.from({ length: 121 }, (_, i) => perf(id, seed).at((i / 120) * 5));
    expect(sample(5)).toEqual(sample(5));
    expect(JSON.stringify(sample(5))).not.toEqual(JSON.stringify(sample(6)));
  });

  it('is still at intensity 0 and grows with intensity', () => {
    const still = perf(id, 3, 5, 0);
    for (let t = 0; t <= 5; t += 0.05) expect(isRest(still.at(t))).toBe(true);
    const energy = (k: number) => {
      const p = perf(id, 3, 5, k);
      let e = 0;
      for (let t = 0; t < 5; t += 0.02) {
        const q = p.at(t);
        e += Math.abs(q.yaw) + Math.abs(q.pitch) + Math.abs(q.roll) + Object.values(q.expressions).reduce((s, v) => s + (v ?? 0), 0);
      }
      return e;
    };
    expect(energy(0.5)).toBeGreaterThan(0);
    expect(energy(1)).toBeGreaterThan(energy(0.5));
  });

  it('keeps head turns within what a still image supports', () => {
    for (const seed of [1, 2, 3, 4]) {
      const p = perf(id, seed, 6, 1);
      for (let t = 0; t < p.durationS; t += 0.01) {
        const q = p.at(t);
        expect(Math.abs(q.yaw)).toBeLessThanOrEqual(MAX_YAW);
        expect(Math.abs(q.pitch)).toBeLessThanOrEqual(MAX_PITCH);
        expect(Math.abs(q.roll)).toBeLessThanOrEqual(MAX_ROLL);
        for (const v of Object.values(q.expressions)) expect(v! >= 0 && v! <= 1).toBe(true);
        // Moderate jaw: no mouth interior is drawn.
        expect(q.expressions.jawOpen ?? 0).toBeLessThanOrEqual(0.75);
      }
    }
  });

  it('blinks fully at least once per loop (planned blinks fall inside the loop)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const p = perf(id, seed, 5);
      expect(p.blinks.length).toBeGreaterThanOrEqual(1);
      for (const b of p.blinks) {
        expect(b.startS).toBeGreaterThan(0);
        expect(b.startS + b.durationS).toBeLessThan(p.durationS);
      }
      let maxBlink = 0;
      for (let t = 0; t < p.durationS; t += 0.004) maxBlink = Math.max(maxBlink, p.at(t).expressions.eyeBlinkLeft ?? 0);
      expect(maxBlink).toBeGreaterThan(0.95);
    }
  });
});

describe.each(Object.entries(FACES))('presets on %s never flip a triangle', (_name, { face, w, h }) => {
  const rig = buildRig(face, w, h);
  const out = new Float32Array(rig.rest.length);
  it.each(PRESET_IDS)('%s over whole loops', (id) => {
    for (const [seed, k] of [[1, 1], [2, 1.5]] as const) {
      const p = perf(id, seed, 5, k);
      for (let t = 0; t <= p.durationS; t += 1 / 15) {
        poseRig(rig, p.at(t), out);
        expect(countFlippedTriangles(rig, out)).toBe(0);
      }
    }
  });
});

describe('talk', () => {
  /** Frequency (Hz) of the largest spectral peak of jawOpen (mean removed), sampled at 60 Hz. */
  function peakHz(seed: number, durationS: number): number {
    const p = talk({ seed, durationS });
    const fs = 60;
    const n = Math.round(p.durationS * fs);
    const x = Array.from({ length: n }, (_, i) => p.at(i / fs).expressions.jawOpen ?? 0);
    const mean = x.reduce((s, v) => s + v, 0) / n;
    let best = 0;
    let bestF = 0;
    for (let kf = 1; kf < n / 2; kf++) {
      let re = 0;
      let im = 0;
      for (let i = 0; i < n; i++) {
        const a = (2 * Math.PI * kf * i) / n;
        re += (x[i]! - mean) * Math.cos(a);
        im -= (x[i]! - mean) * Math.sin(a);
      }
      const pw = re * re + im * im;
      if (pw > best) {
        best = pw;
        bestF = (kf * fs) / n;
      }
    }
    return bestF;
  }
  it('has a syllable rhythm: the spectral peak of jawOpen lies between 3 and 6 Hz', () => {
    for (const [seed, d] of [[1, 5], [2, 8], [3, 12], [4, 4], [5, 20]] as const) {
      const f = peakHz(seed, d);
      expect(f).toBeGreaterThanOrEqual(3);
      expect(f).toBeLessThanOrEqual(6);
    }
  });
  it('varies syllables (not a metronome): openness differs from syllable to syllable', () => {
    const p = talk({ seed: 9, durationS: 6 });
    const peaks: number[] = [];
    let prev = 0;
    let rising = false;
    for (let t = 0; t < p.durationS; t += 1 / 120) {
      const v = p.at(t).expressions.jawOpen ?? 0;
      if (v < prev && rising) peaks.push(prev);
      rising = v > prev;
      prev = v;
    }
    expect(peaks.length).toBeGreaterThan(10);
    const mean = peaks.reduce((s, v) => s + v, 0) / peaks.length;
    const sd = Math.sqrt(peaks.reduce((s, v) => s + (v - mean) ** 2, 0) / peaks.length);
    expect(sd / mean).toBeGreaterThan(0.1);
  });
});
