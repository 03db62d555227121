// Browser side of the driving-video round trip (bundled with esbuild by tests/e2e/support/redetect.ts):
// fetch a clip and run the quality harness's independent re-detector over it
// (tests/quality/redetect.ts, redetectClip).
import type { FaceLandmarker } from '@mediapipe/tasks-vision';
import { createChecker, redetectClip, type FrameChannels } from '../../quality/redetect';

export type { FrameChannels };

let checker: FaceLandmarker | null = null;

async function analyse(url: string, fps: number): Promise<{ frames: FrameChannels[]; msPerFrame: number }> {
  checker ??= await createChecker('/wasm', '/model/face_landmarker.task');
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  return redetectClip(checker, bytes, fps);
}

(globalThis as unknown as { redetectClip: typeof analyse }).redetectClip = analyse;
