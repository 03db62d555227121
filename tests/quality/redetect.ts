// The independent re-detector (browser side): a FaceLandmarker in IMAGE mode, separate from the
// one the extension uses, run on output pixels only. Shared by the quality harness
// (harness-entry.ts) and the driving-video e2e test (tests/e2e/support/redetect-entry.ts).
import { FaceLandmarker, FilesetResolver } from '@mediapipe/tasks-vision';
import { ALL_FORMATS, BufferSource, CanvasSink, Input } from 'mediabunny';
import { CHANNELS, CHECKED_BLENDSHAPES, channelOf, type Channel } from './channels';

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

/** The channels re-detected in one analysed frame of a clip (redetectClip). */
export interface FrameChannels {
  t: number;
  found: boolean;
  values: Record<Channel, number | null>;
  /** The mouth's width (corner to corner) over the eyes' outer corners' distance; null when no face. */
  mouthWidth: number | null;
}

const dist = (L: number[], a: number, b: number) => Math.hypot(L[a * 2]! - L[b * 2]!, L[a * 2 + 1]! - L[b * 2 + 1]!);

/**
 * Decode an MP4 clip and re-detect the channels at `fps` frames a second from its first frame, on a
 * fixed square crop around the face: found in the first frame (whole or, where that finds none, in
 * overlapping tiles: a face 8 % of the frame's width is 31 px in the whole-frame pass, and was missed
 * there once in 13 runs), then centred twice on what was found.
 */
export async function redetectClip(checker: FaceLandmarker, bytes: Uint8Array, fps: number): Promise<{ frames: FrameChannels[]; msPerFrame: number }> {
  const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS });
  try {
    const track = (await input.getPrimaryVideoTrack())!;
    const W = track.displayWidth;
    const H = track.displayHeight;
    const sink = new CanvasSink(track, { poolSize: 2 });
    const start = await track.getFirstTimestamp();
    const end = await track.computeDuration();
    const times: number[] = [];
    for (let t = start; t < end - 1e-3; t += 1 / fps) times.push(t);
    const det = new OffscreenCanvas(384, 384);
    type Crop = { x: number; y: number; side: number };
    let crop: Crop | null = null;
    let nose = { x: W / 2, y: H / 2 };
    const detectIn = (canvas: HTMLCanvasElement | OffscreenCanvas, c: Crop, near: { x: number; y: number }) => redetectCrop(checker, det, canvas, c, near);
    const frames: FrameChannels[] = [];
    const t0 = performance.now();
    for await (const w of sink.canvasesAtTimestamps(times)) {
      const t = times[frames.length]! - start;
      const canvas = w!.canvas as HTMLCanvasElement | OffscreenCanvas;
      if (!crop) {
        const side = Math.max(W, H);
        const tile = 0.6 * side;
        const corners = [0, side - tile].flatMap((y) => [0, side - tile].map((x) => ({ x, y, side: tile })));
        const tries: Crop[] = [{ x: 0, y: 0, side }, ...corners, { x: (side - tile) / 2, y: (side - tile) / 2, side: tile }];
        crop = tries[0]!;
        let found: Redetected | null = null;
        for (const c of tries) if ((found = detectIn(canvas, c, { x: c.x + c.side / 2, y: c.y + c.side / 2 }))) break;
        for (let pass = 0; found && pass < 3; pass++) {
          const xs = found.landmarks.filter((_, i) => i % 2 === 0);
          const ys = found.landmarks.filter((_, i) => i % 2 === 1);
          const s = Math.min(side, Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) * 2.2);
          crop = { x: (Math.max(...xs) + Math.min(...xs)) / 2 - s / 2, y: (Math.max(...ys) + Math.min(...ys)) / 2 - s / 2, side: s };
          nose = { x: found.landmarks[2]!, y: found.landmarks[3]! };
          if (pass < 2) found = detectIn(canvas, crop, nose) ?? found;
        }
      }
      const f = detectIn(canvas, crop, nose);
      const values = Object.fromEntries(CHANNELS.map((c) => [c, f ? channelOf(f.blend, f.matrix, c) : null])) as Record<Channel, number | null>;
      frames.push({ t, found: !!f, values, mouthWidth: f ? dist(f.landmarks, 61, 291) / dist(f.landmarks, 33, 263) : null });
    }
    return { frames, msPerFrame: (performance.now() - t0) / Math.max(1, frames.length) };
  } finally {
    input.dispose();
  }
}
