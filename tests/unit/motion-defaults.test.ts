import { describe, expect, it } from 'vitest';
import { FACTORY_MOTION_DEFAULTS, sanitizeMotionDefaults } from '@/lib/store/motion-defaults';

describe('default motion for a right-click', () => {
  it('keeps a known preset and clamps length and intensity into range', () => {
    expect(sanitizeMotionDefaults({ preset: 'talk', durationS: 7, intensity: 0.4 })).toEqual({ preset: 'talk', durationS: 7, intensity: 0.4 });
    expect(sanitizeMotionDefaults({ preset: 'nod', durationS: 0.5, intensity: 3 })).toEqual({ preset: 'nod', durationS: 2, intensity: 1 });
    expect(sanitizeMotionDefaults({ preset: 'nod', durationS: 99, intensity: -1 })).toEqual({ preset: 'nod', durationS: 20, intensity: 0 });
  });

  it('falls back to the factory setting for anything unknown or malformed', () => {
    expect(sanitizeMotionDefaults(undefined)).toEqual(FACTORY_MOTION_DEFAULTS);
    expect(sanitizeMotionDefaults({ preset: 'dance', durationS: 'long', intensity: NaN })).toEqual(FACTORY_MOTION_DEFAULTS);
  });
});
