// Motion channels read back from an independent FaceLandmarker run, and how they are compared
// (pure; shared by the quality harness, tests/quality/run.ts, and the driving-video e2e test).

export const CHANNELS = ['blink', 'jaw', 'smile', 'yaw', 'pitch'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Blendshapes the checks read. */
export const CHECKED_BLENDSHAPES = ['eyeBlinkLeft', 'eyeBlinkRight', 'jawOpen', 'mouthSmileLeft', 'mouthSmileRight'] as const;

export function pearson(a: number[], b: number[]): number | null {
  const n = a.length;
  if (n < 3) return null;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : null;
}

// MediaPipe's canonical face is y-up, z towards the camera; poseRig is y-down, z away from the viewer.
const YAW_SIGN = Number(globalThis.process?.env?.QUALITY_YAW_SIGN ?? -1);
const PITCH_SIGN = Number(globalThis.process?.env?.QUALITY_PITCH_SIGN ?? 1);

/** Head yaw and pitch (radians) from MediaPipe's column-major facial transformation matrix, in poseRig's sign convention. */
export function anglesOf(m: number[]): { yaw: number; pitch: number } {
  const r = (i: number, j: number) => m[j * 4 + i]!;
  const yaw = Math.atan2(r(0, 2), r(2, 2));
  const pitch = Math.atan2(-r(1, 2), Math.hypot(r(0, 2), r(2, 2)));
  return { yaw: YAW_SIGN * yaw, pitch: PITCH_SIGN * pitch };
}

/** One channel's value in a re-detected frame; null when the face (or its matrix) was not found. */
export function channelOf(blend: Record<string, number> | null, matrix: number[] | null, c: Channel): number | null {
  if (!blend) return null;
  if (c === 'blink') return ((blend.eyeBlinkLeft ?? 0) + (blend.eyeBlinkRight ?? 0)) / 2;
  if (c === 'jaw') return blend.jawOpen ?? 0;
  if (c === 'smile') return ((blend.mouthSmileLeft ?? 0) + (blend.mouthSmileRight ?? 0)) / 2;
  if (!matrix) return null;
  return anglesOf(matrix)[c];
}

/** One frame's channels (null where the face, or its matrix, was not found). */
export type ChannelValues = Partial<Record<Channel, number | null>>;

/** What a driver's channel and a driven clip's share: their correlation and each one's range. */
export interface ChannelAgreement {
  r: number | null;
  /** max - min of the driver's and of the driven clip's values, over the compared frames. */
  range: [number, number];
}

/**
 * Issue 8's round trip: per channel, the correlation between the driver's values and the driven
 * clip's over the given frame pairs, where both have one. Pairing is the caller's (the drive test
 * pairs frames by index, the quality harness by time); this is the one place the comparison lives.
 */
export function compareChannels(pairs: ReadonlyArray<readonly [ChannelValues, ChannelValues]>): Record<Channel, ChannelAgreement> {
  const out = {} as Record<Channel, ChannelAgreement>;
  for (const c of CHANNELS) {
    const x: number[] = [];
    const y: number[] = [];
    for (const [a, b] of pairs) {
      const u = a[c], v = b[c];
      if (u === null || u === undefined || v === null || v === undefined) continue;
      x.push(u);
      y.push(v);
    }
    const span = (vs: number[]) => (vs.length ? Math.max(...vs) - Math.min(...vs) : 0);
    out[c] = { r: pearson(x, y), range: [span(x), span(y)] };
  }
  return out;
}
