import { describe, expect, it } from 'vitest';
import { headAnglesOf } from '../../lib/face/head-pose';
import { anglesOf } from '../quality/channels';
import { MAX_PITCH, MAX_SHIFT, MAX_YAW } from '../../lib/motion/curves';
import { jawTravel } from '../../lib/render/pose';
import { EXPRESSION_PEAKS, bridge, chooseNeutral, readResponse, retarget, smooth, type DriverFace, type DriverSample } from '../../lib/motion/retarget';

const DEG = Math.PI / 180;

/**
 * A MediaPipe-style column-major matrix for a head with the given rig-convention angles
 * (R_rig = Rz(roll) Ry(yaw) Rx(pitch), y down; MediaPipe's is S R S with S = diag(1, -1, -1)).
 */
function matrixFor(yaw: number, pitch: number, roll = 0, scale = 1): number[] {
  const cy = Math.cos(yaw), sy = Math.sin(yaw), cp = Math.cos(pitch), sp = Math.sin(pitch), cr = Math.cos(roll), sr = Math.sin(roll);
  const Rx = [1, 0, 0, 0, cp, -sp, 0, sp, cp];
  const Ry = [cy, 0, sy, 0, 1, 0, -sy, 0, cy];
  const Rz = [cr, -sr, 0, sr, cr, 0, 0, 0, 1];
  const mul = (a: number[], b: number[]) => Array.from({ length: 9 }, (_, k) => {
    const i = Math.floor(k / 3), j = k % 3;
    return a[i * 3]! * b[j]! + a[i * 3 + 1]! * b[3 + j]! + a[i * 3 + 2]! * b[6 + j]!;
  });
  const R = mul(Rz, mul(Ry, Rx));
  const s = [1, -1, -1];
  const m = new Array(16).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) m[j * 4 + i] = s[i]! * s[j]! * R[i * 3 + j]! * scale;
  m[15] = 1;
  m[14] = -40; // a translation that must not matter
  return m;
}

function face(over: Partial<DriverFace> & { yaw?: number; pitch?: number; roll?: number } = {}): DriverFace {
  return {
    blend: over.blend ?? {},
    matrix: over.matrix ?? matrixFor(over.yaw ?? 0, over.pitch ?? 0, over.roll ?? 0),
    cx: over.cx ?? 100,
    cy: over.cy ?? 100,
    w: over.w ?? 50,
    h: over.h ?? 60,
  };
}

const track = (faces: Array<DriverFace | null>) => ({
  samples: faces.map((f, i): DriverSample => ({ t: i / 30, face: f })),
  durationS: faces.length / 30,
});

describe('head pose from MediaPipe matrices', () => {
  it('reads back yaw, pitch and roll in the rig convention, whatever the scale', () => {
    const a = headAnglesOf(matrixFor(5 * DEG, -3 * DEG, 2 * DEG, 7.5));
    expect(a.yaw).toBeCloseTo(5 * DEG, 6);
    expect(a.pitch).toBeCloseTo(-3 * DEG, 6);
    expect(a.roll).toBeCloseTo(2 * DEG, 6);
  });

  it('agrees with the quality harness\'s re-detected yaw and pitch for small turns', () => {
    const m = matrixFor(3 * DEG, -2 * DEG);
    const h = anglesOf(m);
    expect(h.yaw).toBeCloseTo(3 * DEG, 3);
    expect(h.pitch).toBeCloseTo(-2 * DEG, 3);
  });
});

describe('neutral frame', () => {
  it('is the frame with the lowest expression energy near the start, skipping lost frames', () => {
    const fs = [
      face({ blend: { jawOpen: 0.3 } }),
      null,
      face({ blend: { jawOpen: 0.05, eyeBlinkLeft: 0.05 } }),
      face({ blend: { jawOpen: 0.2 } }),
      ...Array.from({ length: 60 }, () => face({ blend: { jawOpen: 0.4 } })),
      face({ blend: {} }), // more neutral, but beyond the first second
    ];
    expect(chooseNeutral(track(fs).samples, 1)).toBe(2);
  });

  it('is a closed-mouth, open-eyed frame even where other channels read high at rest', () => {
    // Vigée Le Brun's closed lips read mouthPucker 0.93 and brows 0.4-0.5 at rest; opening the jaw
    // drops them (0.28, 0.3). Raw expression energy would make the open mouth the "neutral" frame.
    const rest = { jawOpen: 0.04, mouthPucker: 0.93, browInnerUp: 0.4, browOuterUpLeft: 0.54, eyeBlinkLeft: 0.04 };
    const open = { jawOpen: 0.53, mouthPucker: 0.28, browInnerUp: 0.29, browOuterUpLeft: 0.43, eyeBlinkLeft: 0.06 };
    const fs = [face({ blend: rest }), face({ blend: open }), face({ blend: rest }), face({ blend: open })];
    expect(chooseNeutral(track(fs).samples, 1)).toBe(0);
    const p = retarget(track(fs), { exprSmoothFrames: 0 });
    expect(jawTravel(p.frames[1]!.expressions.jawOpen!)).toBeCloseTo(EXPRESSION_PEAKS.jawOpen!, 6);
  });
});

describe('bridging and smoothing', () => {
  it('fills gaps smoothly between known values and holds at the ends', () => {
    const b = bridge([null, 1, null, null, null, 3, null]);
    expect(b[0]).toBe(1);
    expect(b[1]).toBe(1);
    expect(b[5]).toBe(3);
    expect(b[6]).toBe(3);
    expect(b[3]).toBeCloseTo(2, 6);
    expect(b[2]).toBeGreaterThan(1);
    expect(b[2]).toBeLessThan(b[3]!);
    expect(b[4]).toBeLessThan(3);
  });

  it('smoothing keeps a constant, has no lag, and removes frame-to-frame jitter', () => {
    expect(smooth([2, 2, 2, 2], 1.5)).toEqual([2, 2, 2, 2]);
    const ramp = Array.from({ length: 21 }, (_, i) => i);
    expect(smooth(ramp, 1.5)[10]).toBeCloseTo(10, 9);
    const jitter = Array.from({ length: 40 }, (_, i) => (i % 2 ? 1 : -1));
    const s = smooth(jitter, 1.5);
    expect(Math.max(...s.slice(5, 35).map(Math.abs))).toBeLessThan(0.05);
  });
});

describe('retarget', () => {
  it('transfers motion relative to the neutral frame, not the driver\'s absolute pose or expression', () => {
    // The driver rests turned 10° and half-smiling; it then turns 3° further and smiles fully.
    const rest = face({ yaw: 10 * DEG, blend: { mouthSmileLeft: 0.5, mouthSmileRight: 0.5 } });
    const moved = face({ yaw: 13 * DEG, blend: { mouthSmileLeft: 1, mouthSmileRight: 1 }, cx: 105 });
    const fs = [...Array.from({ length: 15 }, () => rest), ...Array.from({ length: 30 }, () => moved)];
    const p = retarget(track(fs), { poseSmoothFrames: 0, exprSmoothFrames: 0 });
    const a = p.at(0);
    expect(a.yaw).toBeCloseTo(0, 6);
    expect(a.expressions.mouthSmileLeft ?? 0).toBeCloseTo(0, 6);
    const b = p.at(30 / 30);
    expect(b.yaw).toBeCloseTo(3 * DEG, 4);
    expect(b.pitch).toBeCloseTo(0, 4);
    expect(b.expressions.mouthSmileLeft).toBe(1); // the driver's broadest smile is the rig's broadest
    expect(b.tx).toBeCloseTo(MAX_SHIFT, 6); // 5 px of a 50 px face = 0.1, fitted into MAX_SHIFT
  });

  it('composes rotations: a roll of the driver at rest does not leak into yaw or pitch', () => {
    const rest = face({ roll: 20 * DEG });
    const fs = [rest, ...Array.from({ length: 29 }, () => face({ roll: 20 * DEG, pitch: 2 * DEG }))];
    const p = retarget(track(fs), { poseSmoothFrames: 0 });
    // Relative rotation Rz(20)Rx(2) (Rz(20))^T is not a pure pitch, but its yaw stays tiny.
    const e = p.at(0.5);
    expect(Math.hypot(e.yaw, e.pitch, e.roll)).toBeCloseTo(2 * DEG, 3);
  });

  it('bridges lost frames without jumps and reports coverage', () => {
    const fs: Array<DriverFace | null> = Array.from({ length: 40 }, (_, i) => face({ blend: { jawOpen: i < 20 ? 0 : 0.4 } }));
    for (let i = 15; i < 25; i++) fs[i] = null;
    const p = retarget(track(fs), { exprSmoothFrames: 0 });
    expect(p.coverage).toBeCloseTo(30 / 40, 6);
    const jaw = p.frames.map((f) => f.expressions.jawOpen ?? 0);
    for (let i = 1; i < jaw.length; i++) expect(Math.abs(jaw[i]! - jaw[i - 1]!)).toBeLessThan(0.2);
    expect(jaw[14]).toBeCloseTo(0, 6);
    // The driver's widest jaw is a wide one on the rig, and its travel is linear in the driver's.
    expect(jawTravel(jaw[25]!)).toBeCloseTo(EXPRESSION_PEAKS.jawOpen!, 6);
  });

  it('maps the driver\'s jaw linearly onto the rig\'s jaw travel (not onto its concave jawOpen scale)', () => {
    const fs = Array.from({ length: 60 }, (_, i) => face({ blend: { jawOpen: i < 10 ? 0 : 0.1 + 0.3 * ((i - 10) % 2) } }));
    const p = retarget(track(fs), { exprSmoothFrames: 0 });
    const low = p.frames[20]!.expressions.jawOpen!;
    const high = p.frames[21]!.expressions.jawOpen!;
    expect(jawTravel(high)).toBeCloseTo(EXPRESSION_PEAKS.jawOpen!, 6);
    expect(jawTravel(low) / jawTravel(high)).toBeCloseTo(0.25, 6);
    expect(low).toBeLessThan(0.25 * high); // the concave scale: a quarter of the travel is under a quarter of jawOpen
  });

  it("takes the driver's smile on the portrait's own smile scale, where it was measured", () => {
    // Vigée Le Brun's kind of response: nothing reads until the corners have travelled half way.
    const deadZone = { at: [0, 0.25, 0.5, 0.75, 1], reads: [0, 0, 0.01, 0.09, 0.2] };
    // Half of the portrait's broadest reading (0.1) lies between 0.75 (0.09) and 1 (0.2).
    expect(readResponse(deadZone, 0.5)).toBeCloseTo(0.75 + 0.25 * (0.01 / 0.11), 6);
    expect(readResponse(deadZone, 1)).toBe(1);
    // The driver's noise does not become a half smile: small values fade to nothing.
    expect(readResponse(deadZone, 0.03)).toBe(0);
    expect(readResponse(deadZone, 0.1)).toBeLessThan(0.3);
    // A portrait that reads its smile in proportion keeps the driver's value.
    expect(readResponse({ at: [0, 0.5, 1], reads: [0, 0.4, 0.8] }, 0.5)).toBeCloseTo(0.5, 6);
    // A reading that dips is taken as its running maximum; one that never reads stays linear.
    expect(readResponse({ at: [0, 0.5, 1], reads: [0, 0.3, 0.25] }, 0.6)).toBeLessThan(0.5);
    expect(readResponse({ at: [0, 0.5, 1], reads: [0, 0.01, 0.02] }, 0.4)).toBe(0.4);

    // Through retarget: a driver smiling lightly, then broadly.
    const fs = Array.from({ length: 40 }, (_, i) => face({ blend: { mouthSmileLeft: i < 10 ? 0 : i < 25 ? 0.15 : 0.3, mouthSmileRight: i < 10 ? 0 : i < 25 ? 0.15 : 0.3 } }));
    const plain = retarget(track(fs), { exprSmoothFrames: 0 });
    const scaled = retarget(track(fs), { exprSmoothFrames: 0, responses: { mouthSmileLeft: deadZone, mouthSmileRight: deadZone } });
    expect(plain.frames[15]!.expressions.mouthSmileLeft).toBeCloseTo(0.5, 6);
    expect(scaled.frames[15]!.expressions.mouthSmileLeft).toBeCloseTo(readResponse(deadZone, 0.5), 6);
    expect(scaled.frames[30]!.expressions.mouthSmileRight).toBeCloseTo(1, 6);
    expect(scaled.frames[5]!.expressions.mouthSmileLeft ?? 0).toBe(0);
  });

  it('keeps head angles within the engine\'s limits by scaling the curve, shape kept', () => {
    const fs = Array.from({ length: 60 }, (_, i) => face({ yaw: 25 * DEG * Math.sin((2 * Math.PI * i) / 60), pitch: 20 * DEG * Math.sin((2 * Math.PI * i) / 30) }));
    const p = retarget(track(fs), { poseSmoothFrames: 0 });
    const yaws = p.frames.map((f) => f.yaw);
    const pitches = p.frames.map((f) => f.pitch);
    expect(Math.max(...yaws.map(Math.abs))).toBeCloseTo(MAX_YAW, 6);
    expect(Math.max(...pitches.map(Math.abs))).toBeLessThanOrEqual(MAX_PITCH + 1e-9);
    // Same shape: proportional to the driver's yaw.
    expect(yaws[15]! / yaws[5]!).toBeCloseTo(Math.sin(Math.PI / 2) / Math.sin(Math.PI / 6), 3);
    for (const f of p.frames) for (const v of Object.values(f.expressions)) expect(v).toBeLessThanOrEqual(1);
  });

  it('calibrates expressions to the driver\'s own range, without blowing up noise', () => {
    // A painted blink that only reaches 0.3 over a 0.1 rest still closes the eye almost fully...
    const weak = Array.from({ length: 30 }, (_, i) => face({ blend: { eyeBlinkLeft: i === 15 ? 0.3 : 0.1 } }));
    expect(retarget(track(weak), { exprSmoothFrames: 0 }).frames[15]!.expressions.eyeBlinkLeft).toBeCloseTo(0.8, 6);
    // ...a real one reaching 0.8 is full; a driver whose jaw only twitches (0.05) stays nearly still.
    const real = Array.from({ length: 30 }, (_, i) => face({ blend: { eyeBlinkLeft: i === 15 ? 0.8 : 0.05, jawOpen: i === 10 ? 0.05 : 0 } }));
    const p = retarget(track(real), { exprSmoothFrames: 0 });
    expect(p.frames[15]!.expressions.eyeBlinkLeft).toBeCloseTo(1, 6);
    expect(p.frames[10]!.expressions.jawOpen!).toBeLessThan(0.2);
  });

  it('follows intensity and refuses a driver with no face at all', () => {
    const fs = [face(), face({ blend: { eyeBlinkLeft: 0.4 } })];
    const full = retarget(track(fs), { exprSmoothFrames: 0 }).frames[1]!.expressions.eyeBlinkLeft!;
    const half = retarget(track(fs), { exprSmoothFrames: 0, intensity: 0.5 }).frames[1]!.expressions.eyeBlinkLeft!;
    expect(half).toBeCloseTo(full / 2, 6);
    expect(() => retarget(track([null, null]))).toThrow(/no face/);
  });

  it('lasts as long as the driver (clamped to 2-20 s) and interpolates between frames', () => {
    const fs = Array.from({ length: 90 }, (_, i) => face({ blend: { jawOpen: i / 90 / 2 } }));
    const p = retarget(track(fs), { exprSmoothFrames: 0 });
    expect(p.durationS).toBeCloseTo(3, 6);
    const mid = p.at(10.5 / 30).expressions.jawOpen!;
    expect(mid).toBeCloseTo((p.frames[10]!.expressions.jawOpen! + p.frames[11]!.expressions.jawOpen!) / 2, 6);
    expect(retarget(track(fs.slice(0, 20))).durationS).toBe(2);
  });
});
