// Browser side of the driving-video round trip (bundled with esbuild by tests/e2e/support/redetect.ts):
// decode a clip with mediabunny and run the quality harness's independent re-detector
// (tests/quality/redetect.ts) on every analysed frame, on a fixed square crop around the face.
import { ALL_FORMATS, BufferSource, CanvasSink, Input } from 'mediabunny';
import type { FaceLandmarker } from '@mediapipe/tasks-vision';
import { CHANNELS, channelOf, type Channel } from '../../quality/channels';
import { createChecker, redetectCrop, type Redetected } from '../../quality/redetect';

export interface FrameChannels {
  t: number;
  found: boolean;
  values: Record<Channel, number | null>;
  /** The mouth's width (corner to corner) over the eyes' outer corners' distance; null when no face. */
  mouthWidth: number | null;
}

const dist = (L: number[], a: number, b: number) => Math.hypot(L[a * 2]! - L[b * 2]!, L[a * 2 + 1]! - L[b * 2 + 1]!);

let checker: FaceLandmarker | null = null;

async function analyse(url: string, fps: number): Promise<{ frames: FrameChannels[]; msPerFrame: number }> {
  checker ??= await createChecker('/wasm', '/model/face_landmarker.task');
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS });
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
  const detectIn = (canvas: HTMLCanvasElement | OffscreenCanvas, c: Crop, near: { x: number; y: number }) => redetectCrop(checker!, det, canvas, c, near);
  const frames: FrameChannels[] = [];
  const t0 = performance.now();
  for await (const w of sink.canvasesAtTimestamps(times)) {
    const t = times[frames.length]! - start;
    const canvas = w!.canvas as HTMLCanvasElement | OffscreenCanvas;
    if (!crop) {
      // The face's place from the first frame, analysed whole or, where that finds none, in
      // overlapping tiles (a face 8 % of the frame's width is 31 px in the whole-frame pass, and was
      // missed there once in 13 runs), then the crop is centred twice on what was found. The crop
      // then stays fixed.
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
  input.dispose();
  return { frames, msPerFrame: (performance.now() - t0) / Math.max(1, frames.length) };
}

(globalThis as unknown as { redetectClip: typeof analyse }).redetectClip = analyse;
