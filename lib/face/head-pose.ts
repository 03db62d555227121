// Head rotation from MediaPipe's facial transformation matrix, in the rig's convention (pure).
//
// MediaPipe's canonical face space is y-up with z towards the camera; poseRig (lib/render/pose.ts)
// is y-down with z away from the viewer and composes R = Rz(roll) * Ry(yaw) * Rx(pitch). Changing
// between the two is a conjugation by S = diag(1, -1, -1). Retargeting (lib/motion/retarget.ts)
// composes driver rotations here; for small angles these agree with the quality harness's yaw and
// pitch (tests/quality/channels.ts anglesOf), which the unit tests check.

/** 3x3 rotation, row-major. */
export type Rot3 = [number, number, number, number, number, number, number, number, number];

/**
 * The rotation part of a column-major 4x4 MediaPipe matrix, converted to the rig's axes
 * (S R S) and with any scale divided out of its columns.
 */
export function rigRotationOf(m: ArrayLike<number>): Rot3 {
  const r = (i: number, j: number) => m[j * 4 + i]!;
  const cols = [0, 1, 2].map((j) => Math.hypot(r(0, j), r(1, j), r(2, j)) || 1);
  const s = [1, -1, -1];
  const out = new Array(9) as Rot3;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[i * 3 + j] = (s[i]! * s[j]! * r(i, j)) / cols[j]!;
  return out;
}

/** R = A * B^T (the rotation that takes B to A). */
export function relativeRotation(a: Rot3, b: Rot3): Rot3 {
  const out = new Array(9) as Rot3;
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += a[i * 3 + k]! * b[j * 3 + k]!;
      out[i * 3 + j] = s;
    }
  return out;
}

/** yaw, pitch, roll (radians) with R = Rz(roll) * Ry(yaw) * Rx(pitch), as poseRig builds it. */
export function eulerOf(r: Rot3): { yaw: number; pitch: number; roll: number } {
  const yaw = Math.asin(Math.max(-1, Math.min(1, -r[6])));
  const pitch = Math.atan2(r[7], r[8]);
  const roll = Math.atan2(r[3], r[0]);
  return { yaw, pitch, roll };
}

/** Head yaw, pitch and roll (radians, rig convention) of a MediaPipe facial transformation matrix. */
export function headAnglesOf(m: ArrayLike<number>): { yaw: number; pitch: number; roll: number } {
  return eulerOf(rigRotationOf(m));
}
