// How far this portrait must smile before the face model reads a smile. A driven portrait borrows
// the driver's blendshape scores, which MediaPipe gives on a scale with a dead zone that differs
// from face to face: Vigée Le Brun's smile reads 0.00 until the corners have travelled most of the
// way, Lincoln's reads 0.8 at a full smile. So the rig is posed at a few smiles, each frame is drawn
// and the face found in it again, and retarget maps the driver's smile onto the value that reads
// the same share of this portrait's own broadest smile (readResponse).
import { chooseFace, refineTile, type FaceFinder } from '../face';
import type { Face } from '../face/types';
import type { ExpressionResponse } from '../motion/retarget';
import { createRenderer, poseRig } from '../render';
import type { PoseParams, Rig } from '../render/types';

/** The smiles measured (rig values, both corners). */
export const SMILE_STEPS = [0, 0.25, 0.5, 0.75, 1];

const smileOf = (f: Face) => ((f.blendshapes.mouthSmileLeft ?? 0) + (f.blendshapes.mouthSmileRight ?? 0)) / 2;

/**
 * The portrait's smile response: its re-detected smile (over its rest) at each of SMILE_STEPS,
 * drawn at `outWidth` x `outHeight` and analysed in a square around the face. null when the face
 * is not found again in every frame (the driver's smile is then transferred linearly).
 */
export async function measureSmileResponse(
  source: ImageBitmap,
  rig: Rig,
  face: Face,
  finder: FaceFinder,
  outWidth: number,
  outHeight: number,
): Promise<ExpressionResponse | null> {
  const renderer = await createRenderer({ source, rig, outWidth, outHeight });
  try {
    // A square of twice the face box around it (output px), kept inside the frame.
    const k = outWidth / rig.width;
    const crop = refineTile({ x: face.box.x * k, y: face.box.y * k, w: face.box.w * k, h: face.box.h * k }, outWidth, outHeight, { faceFraction: 0.5 });
    const positions = new Float32Array(rig.rest.length);
    const reads: number[] = [];
    for (const v of SMILE_STEPS) {
      const pose: PoseParams = { yaw: 0, pitch: 0, roll: 0, tx: 0, ty: 0, expressions: { mouthSmileLeft: v, mouthSmileRight: v } };
      poseRig(rig, pose, positions);
      await renderer.render(positions, pose);
      const bitmap = await createImageBitmap(renderer.canvas, crop.x, crop.y, crop.w, crop.h);
      try {
        // The face at (or nearest) the crop's centre.
        const near = chooseFace(await finder.find(bitmap), { x: crop.w / 2, y: crop.h / 2 });
        if (!near) return null;
        reads.push(smileOf(near));
      } finally {
        bitmap.close();
      }
    }
    return { at: [...SMILE_STEPS], reads: reads.map((r) => Math.max(0, r - reads[0]!)) };
  } finally {
    renderer.destroy();
  }
}
