import { describe, expect, it } from 'vitest';
import { cornerAwayFrom, layoutLabel, LABEL_MIN_FRACTION, labelText } from '@/lib/watermark/label';
import { clipSize } from '@/lib/video/encode';
import { overallProgress } from '@/components/Overlay';

describe('visible label layout', () => {
  it('goes to the corner farthest from the face', () => {
    expect(cornerAwayFrom({ x: 100, y: 100, w: 200, h: 200 }, 1000, 1000)).toBe('bottom-right');
    expect(cornerAwayFrom({ x: 700, y: 700, w: 200, h: 200 }, 1000, 1000)).toBe('top-left');
    expect(cornerAwayFrom({ x: 700, y: 100, w: 200, h: 200 }, 1000, 1000)).toBe('bottom-left');
  });
  it('is at least 5% of the shorter side and inside the frame', () => {
    for (const [w, h] of [[1024, 678], [676, 1024], [96, 96], [1024, 1024]] as const) {
      const l = layoutLabel(w, h, 'bottom-right', 6);
      expect(l.h).toBeGreaterThanOrEqual(Math.min(w, h) * LABEL_MIN_FRACTION);
      expect(l.x).toBeGreaterThanOrEqual(0);
      expect(l.y + l.h).toBeLessThanOrEqual(h);
      expect(l.x + l.w).toBeLessThanOrEqual(w);
    }
  });
  it('is translated with the UI language', () => {
    expect(labelText('en-US')).toBe('AI-generated');
    expect(labelText('fr-FR')).toBe('Généré par IA');
    expect(labelText('xx')).toBe('AI-generated');
  });
});

describe('clip size', () => {
  it('caps the long side at 1024 px with even sides', () => {
    expect(clipSize(1058, 1600)).toEqual({ width: 678, height: 1024 });
    expect(clipSize(1707, 2048)).toEqual({ width: 854, height: 1024 });
    expect(clipSize(97, 97)).toEqual({ width: 98, height: 98 });
  });
});

describe('overlay progress', () => {
  it('never runs backwards across stages', () => {
    const seq = [overallProgress('source', 0), overallProgress('faces', 0.5), overallProgress('animating', 0), overallProgress('animating', 1), overallProgress('saving', 1)];
    for (let i = 1; i < seq.length; i++) expect(seq[i]!).toBeGreaterThanOrEqual(seq[i - 1]!);
    expect(seq.at(-1)).toBeCloseTo(1);
  });
});

describe('label options', () => {
  it('keeps known values and replaces anything else with the default', async () => {
    const { sanitizeLabelOptions, DEFAULT_LABEL_OPTIONS } = await import('@/lib/watermark/label');
    expect(sanitizeLabelOptions({ placement: 'top-left', style: 'light', size: 'large' })).toEqual({ placement: 'top-left', style: 'light', size: 'large' });
    expect(sanitizeLabelOptions({ placement: 'middle', style: 'invisible', size: 'tiny', off: true })).toEqual(DEFAULT_LABEL_OPTIONS);
    expect(sanitizeLabelOptions(null)).toEqual(DEFAULT_LABEL_OPTIONS);
    expect(sanitizeLabelOptions('top-left')).toEqual(DEFAULT_LABEL_OPTIONS);
  });

  it('never lays the label out below 5% of the shorter side, whatever size is asked for', () => {
    for (const f of [0, 0.01, 0.05, 0.06, 0.09]) {
      const l = layoutLabel(1000, 700, 'top-left', 6, f);
      expect(l.h / 700).toBeGreaterThanOrEqual(LABEL_MIN_FRACTION);
      expect(l.x).toBeGreaterThan(0);
      expect(l.y).toBeGreaterThan(0);
    }
    expect(layoutLabel(1000, 700, 'top-left', 6, 0.09).h).toBe(Math.ceil(700 * 0.09));
  });
});
