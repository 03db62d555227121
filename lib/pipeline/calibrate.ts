// How far this portrait must smile, or open its mouth, before the face model reads it. A driven portrait borrows
// the driver's blendshape scores, which MediaPipe gives on a scale with a dead zone that differs
// from face to face: Vigée Le Brun's smile reads 0.00 until the corners have travelled most of the
// way, Lincoln's reads 0.8 at a full smile. So the rig is posed at a few smiles, each frame is drawn
// and the face found in it again, and retarget maps the driver's smile onto the value that reads
// the same share of this portrait's own broadest smile (readResponse). The jaw likewise: the Mona
// Lisa's jawOpen reads 0.06 at a half-open mouth.
import type { FaceFinder } from '../face';
import type { Box, Face } from '../face/types';
import type { ExpressionResponse } from '../motion/retarget';
import { createRenderer, poseRig } from '../render';
import type { PoseParams, Rig } from '../render/types';

/** The values measured (rig values). */
export const RESPONSE_STEPS = [0, 0.25, 0.5, 0.75, 1];

const smileOf = (f: Face) => ((f.blendshapes.mouthSmileLeft ?? 0) + (f.blendshapes.mouthSmileRight ?? 0)) / 2;
const jawOf = (f: Face) => f.blendshapes.jawOpen ?? 0;

/** What the portrait's smile and jaw read to the face model, rig value by rig value. */
export interface PortraitResponses {
  smile: ExpressionResponse | null;
  jaw: ExpressionResponse | null;
}

/**
 * The portrait's smile and jaw responses: its re-detected smile and jawOpen (over its rest) at
 * each of RESPONSE_STEPS, drawn at `outWidth` x `outHeight` and analysed in a square around the face.
 * Both null when the face is not found again in some frame (the driver's expressions are then
 * transferred as they come).
 */
export async function measureResponses(
  source: ImageBitmap,
  rig: Rig,
  face: Face,
  finder: FaceFinder,
  outWidth: number,
  outHeight: number,
): Promise<PortraitResponses> {
  const renderer = await createRenderer({ source, rig, outWidth, outHeight });
  try {
    const crop = squareAround(face.box, outWidth / rig.width, outWidth, outHeight);
    const positions = new Float32Array(rig.rest.length);
    const readAt = async (expressions: PoseParams['expressions']): Promise<Face | null> => {
      const pose: PoseParams = { yaw: 0, pitch: 0, roll: 0, tx: 0, ty: 0, expressions };
      poseRig(rig, pose, positions);
      await renderer.render(positions, pose);
      const bitmap = await createImageBitmap(renderer.canvas, crop.x, crop.y, crop.side, crop.side);
      try {
        // The face nearest the crop's centre.
        const c = crop.side / 2;
        return (await finder.find(bitmap)).sort((a, b) => dist(a.box, c) - dist(b.box, c))[0] ?? null;
      } finally {
        bitmap.close();
      }
    };
    const rest = await readAt({});
    if (!rest) return { smile: null, jaw: null };
    const measure = async (expressions: (v: number) => PoseParams['expressions'], score: (f: Face) => number): Promise<ExpressionResponse | null> => {
      const reads = [0];
      for (const v of RESPONSE_STEPS.slice(1)) {
        const f = await readAt(expressions(v));
        if (!f) return null;
        reads.push(Math.max(0, score(f) - score(rest)));
      }
      return { at: [...RESPONSE_STEPS], reads };
    };
    const smile = await measure((v) => ({ mouthSmileLeft: v, mouthSmileRight: v }), smileOf);
    const jaw = await measure((v) => ({ jawOpen: v }), jawOf);
    return { smile, jaw };
  } finally {
    renderer.destroy();
  }
}

function dist(b: Box, c: number): number {
  return Math.hypot(b.x + b.w / 2 - c, b.y + b.h / 2 - c);
}

/** A square of twice the face box's larger side around its centre (output px), kept inside the frame. */
function squareAround(box: Box, scale: number, w: number, h: number): { x: number; y: number; side: number } {
  const side = Math.max(16, Math.min(w, h, Math.round(2 * Math.max(box.w, box.h) * scale)));
  const cx = (box.x + box.w / 2) * scale;
  const cy = (box.y + box.h / 2) * scale;
  const x = Math.round(Math.min(w - side, Math.max(0, cx - side / 2)));
  const y = Math.round(Math.min(h - side, Math.max(0, cy - side / 2)));
  return { x, y, side };
}
