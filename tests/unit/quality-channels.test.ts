import { describe, expect, it } from 'vitest';
import { compareChannels } from '../quality/channels';

describe('the round trip comparison of driver and driven channels', () => {
  it('correlates each channel over the pairs where both sides have a value, with their ranges', () => {
    const pairs = [
      [{ blink: 0, yaw: 0.1 }, { blink: 0.1, yaw: null }],
      [{ blink: 0.5, yaw: 0.2 }, { blink: 0.3, yaw: 0.05 }],
      [{ blink: 1, yaw: null }, { blink: 0.5, yaw: 0.1 }],
      [{ blink: 0.2, yaw: 0.3 }, { blink: 0.18, yaw: 0.15 }],
      [{ blink: 0.1, yaw: 0.4 }, { blink: 0.14, yaw: 0.2 }],
    ] as const;
    const r = compareChannels(pairs);
    // blink: y = 0.1 + 0.4 x exactly, so r = 1.
    expect(r.blink.r).toBeCloseTo(1, 10);
    expect(r.blink.range[0]).toBeCloseTo(1, 10);
    expect(r.blink.range[1]).toBeCloseTo(0.4, 10);
    // yaw: only the three frames where both have a value (0.2/0.05, 0.3/0.15, 0.4/0.2).
    expect(r.yaw.range[0]).toBeCloseTo(0.2, 10);
    expect(r.yaw.range[1]).toBeCloseTo(0.15, 10);
    expect(r.yaw.r).toBeGreaterThan(0.98);
    // A channel neither side carries has no correlation and no range.
    expect(r.jaw).toEqual({ r: null, range: [0, 0] });
  });
});
