// The independent re-detector (browser side): a FaceLandmarker in IMAGE mode, separate from the
// one the extension uses, run on output pixels only. Shared by the quality harness
// (harness-entry.ts) and the driving-video e2e test (tests/e2e/support/redetect-entry.ts).
import { FaceLandmarker, FilesetResolver } from '@mediapipe/tasks-vision';
import { CHECKED_BLENDSHAPES } from './channels';

export async function createChecker(wasmBase: string, modelUrl: string): Promise<FaceLandmarker> {
  const fileset = await FilesetResolver.forVisionTasks(wasmBase);
  return FaceLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: modelUrl, delegate: 'CPU' },
    runningMode: 'IMAGE',
    numFaces: 3,
    minFaceDetectionConfidence: 0.3,
    minFacePresenceConfidence: 0.5,
    outputFaceBlendshapes: true,
    outputFacialTransformationMatrixes: true,
  });
}

export interface Redetected {
  /** 478 landmarks, x,y in the pixels of the image the crop was taken from. */
  landmarks: number[];
  blend: Record<string, number>;
  matrix: number[] | null;
}

/**
 * Detect in `canvas` (a square crop of side `crop.side` at crop.x, crop.y of the frame, scaled to
 * the canvas) and keep the face whose nose tip is nearest to `near` (frame pixels).
 */
export function redetect(checker: FaceLandmarker, canvas: OffscreenCanvas | HTMLCanvasElement, crop: { x: number; y: number; side: number }, near: { x: number; y: number }): Redetected | null {
  const res = checker.detect(canvas);
  let best = -1;
  let bestD = Infinity;
  res.faceLandmarks.forEach((lms, i) => {
    const d = Math.hypot(crop.x + lms[1]!.x * crop.side - near.x, crop.y + lms[1]!.y * crop.side - near.y);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  if (best < 0) return null;
  const lms = res.faceLandmarks[best]!;
  const landmarks = new Array<number>(lms.length * 2);
  for (let i = 0; i < lms.length; i++) {
    landmarks[i * 2] = crop.x + lms[i]!.x * crop.side;
    landmarks[i * 2 + 1] = crop.y + lms[i]!.y * crop.side;
  }
  const blend: Record<string, number> = {};
  for (const c of res.faceBlendshapes?.[best]?.categories ?? []) if ((CHECKED_BLENDSHAPES as readonly string[]).includes(c.categoryName)) blend[c.categoryName] = c.score;
  const m = res.facialTransformationMatrixes?.[best];
  return { landmarks, blend, matrix: m ? Array.from(m.data) : null };
}

/**
 * Draw the square `crop` of `frame` (frame pixels) into `canvas`, black where the crop leaves the
 * frame, and detect there (redetect).
 */
export function redetectCrop(
  checker: FaceLandmarker,
  canvas: OffscreenCanvas,
  frame: CanvasImageSource,
  crop: { x: number; y: number; side: number },
  near: { x: number; y: number },
): Redetected | null {
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(frame, crop.x, crop.y, crop.side, crop.side, 0, 0, canvas.width, canvas.height);
  return redetect(checker, canvas, crop, near);
}
