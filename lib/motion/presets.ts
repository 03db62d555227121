import { blinkCurve, createRng, loopWobble, performanceFromCurves, plateau, sumCurves, type Curve, type Performance } from './curves';

export interface GentleLifeOptions {
  /** Seed for blink timing, sway phases etc. Same seed, same performance. */
  seed?: number;
  /** Loop length in seconds (clamped to 4-6). Default 5. */
  durationS?: number;
  /** Overall motion strength, 0-1.5 (default 1). */
  intensity?: number;
}

export interface BlinkEvent {
  startS: number;
  durationS: number;
}

const DEG = Math.PI / 180;

/** Blink times for a loop: 1-3 blinks, 150-250 ms each, never at the loop boundary, spaced apart. */
export function planBlinks(rand: () => number, durationS: number): BlinkEvent[] {
  const count = 1 + Math.floor(rand() * 3); // 1..3
  const minGap = 0.9;
  const lo = 0.35;
  const events: BlinkEvent[] = [];
  for (let attempt = 0; attempt < 50 && events.length < count; attempt++) {
    const dur = 0.15 + rand() * 0.1;
    const hi = durationS - 0.35 - dur;
    const start = lo + rand() * Math.max(0, hi - lo);
    if (events.every((e) => Math.abs(e.startS - start) > minGap)) events.push({ startS: start, durationS: dur });
  }
  if (events.length === 0) events.push({ startS: durationS * 0.45, durationS: 0.2 });
  return events.sort((a, b) => a.startS - b.startS);
}

/**
 * "Gentle life": a slight 3D head sway, 1-3 natural blinks (both eyes) and a faint smile that rises
 * and falls once per loop. Every curve is exactly 0 at t = 0 and the loop is seamless.
 */
export function gentleLife(opts: GentleLifeOptions = {}): Performance & { blinks: BlinkEvent[] } {
  const seed = opts.seed ?? 1;
  const T = Math.min(6, Math.max(4, opts.durationS ?? 5));
  const k = Math.min(1.5, Math.max(0, opts.intensity ?? 1));
  const rand = createRng(seed);
  const ph = () => rand() * 2 * Math.PI;
  const jitter = (x: number) => x * (0.75 + 0.5 * rand());

  // Each wobble term contributes at most 2*amplitude peak to peak.
  const yaw = loopWobble(T, [
    { cycles: 1, amplitude: jitter(1.6 * DEG) * k, phase: ph() },
    { cycles: 2, amplitude: jitter(0.45 * DEG) * k, phase: ph() },
  ]);
  const pitch = loopWobble(T, [
    { cycles: 1, amplitude: jitter(1.0 * DEG) * k, phase: ph() },
    { cycles: 3, amplitude: jitter(0.25 * DEG) * k, phase: ph() },
  ]);
  const roll = loopWobble(T, [
    { cycles: 1, amplitude: jitter(0.9 * DEG) * k, phase: ph() },
    { cycles: 2, amplitude: jitter(0.3 * DEG) * k, phase: ph() },
  ]);
  const ty = loopWobble(T, [{ cycles: 2, amplitude: jitter(0.004) * k, phase: ph() }]);

  const blinks = planBlinks(rand, T);
  const left: Curve[] = [];
  const right: Curve[] = [];
  for (const b of blinks) {
    const lag = rand() * 0.012; // the two eyes are almost, not exactly, in sync
    left.push(blinkCurve(b.startS, b.durationS));
    right.push(blinkCurve(b.startS + lag, b.durationS));
  }

  const smilePeak = Math.min(1, (0.45 + 0.15 * rand()) * k);
  const riseStart = T * (0.12 + 0.08 * rand());
  const smile = plateau(riseStart, riseStart + T * 0.25, T * 0.62, T * 0.92, smilePeak);
  const asym = 0.9 + 0.2 * rand();
  const smileL: Curve = smile;
  const smileR: Curve = (t) => smile(t) * asym;

  const perf = performanceFromCurves(T, {
    yaw,
    pitch,
    roll,
    ty,
    expressions: {
      eyeBlinkLeft: sumCurves(left),
      eyeBlinkRight: sumCurves(right),
      mouthSmileLeft: smileL,
      mouthSmileRight: smileR,
    },
  });
  return Object.assign(perf, { blinks });
}
