/**
 * Tracking a driving face through a video (MP4, WebM, MOV): frames are decoded with mediabunny at
 * the clip frame rate, and MediaPipe's FaceLandmarker in VIDEO running mode (its own instance:
 * lib/face/detect.ts runs in IMAGE mode) reports blendshapes, the facial transformation matrix and
 * the face's box in every frame. Runs in a document (MediaPipe injects its loader as a script).
 */
import { FaceLandmarker, FilesetResolver, type FaceLandmarkerResult } from '@mediapipe/tasks-vision';
import { ALL_FORMATS, BlobSource, CanvasSink, Input } from 'mediabunny';
import { SfumatoError } from '../messages/errors';
import { MAX_DURATION_S } from '../motion/curves';
import type { DriverFace, DriverSample, DriverTrack } from '../motion/retarget';

export interface TrackerOptions {
  wasmBaseUrl: string;
  modelAssetUrl: string;
}

export interface TrackOptions {
  /** Frames per second to analyse (the clip's rate). Default 30. */
  fps?: number;
  /** Longest stretch analysed (seconds). Default 20. */
  maxDurationS?: number;
  /** Long side of the analysed frames (px). Default 512. */
  longSide?: number;
  onProgress?: (fraction: number) => void;
}

export interface TrackedDriver extends DriverTrack {
  width: number;
  height: number;
  /** Whether the file has an audio track. */
  hasAudio: boolean;
  /** Timestamp of the first video frame in the file (seconds); sample t is relative to it. */
  startS: number;
  /** A JPEG of the first frame (for the manifest's ingredient and the panel). */
  thumbnailJpeg: Uint8Array;
  /** Milliseconds spent per analysed frame (decode + landmarks). */
  msPerFrame: number;
}

export interface FaceTracker {
  track(video: Blob, opts?: TrackOptions): Promise<TrackedDriver>;
  close(): void;
}

/** Facts about a driver file without tracking it: duration, size, audio. Throws 'driver-unreadable'. */
export async function probeDriver(video: Blob): Promise<{ durationS: number; width: number; height: number; hasAudio: boolean; startS: number }> {
  const input = new Input({ source: new BlobSource(video), formats: ALL_FORMATS });
  try {
    const vt = await input.getPrimaryVideoTrack().catch(() => null);
    if (!vt) throw new SfumatoError('driver-unreadable');
    if (!(await vt.canDecode().catch(() => false))) throw new SfumatoError('driver-unreadable', 'this video codec cannot be decoded here');
    const startS = Math.max(0, await vt.getFirstTimestamp().catch(() => 0));
    const end = await vt.computeDuration();
    const at = await input.getPrimaryAudioTrack().catch(() => null);
    return { durationS: Math.max(0, end - startS), width: vt.displayWidth, height: vt.displayHeight, hasAudio: !!at && (await at.canDecode().catch(() => false)), startS };
  } catch (e) {
    if (e instanceof SfumatoError) throw e;
    throw new SfumatoError('driver-unreadable', e instanceof Error ? e.message : String(e));
  } finally {
    input.dispose?.();
  }
}

function faceOf(result: FaceLandmarkerResult, w: number, h: number): DriverFace | null {
  // Several faces: follow the largest.
  let best = -1;
  let bestArea = 0;
  const boxes = result.faceLandmarks.map((lms) => {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const p of lms) {
      x0 = Math.min(x0, p.x);
      y0 = Math.min(y0, p.y);
      x1 = Math.max(x1, p.x);
      y1 = Math.max(y1, p.y);
    }
    return { x0: x0 * w, y0: y0 * h, x1: x1 * w, y1: y1 * h };
  });
  boxes.forEach((b, i) => {
    const a = (b.x1 - b.x0) * (b.y1 - b.y0);
    if (a > bestArea) {
      bestArea = a;
      best = i;
    }
  });
  if (best < 0) return null;
  const b = boxes[best]!;
  const blend: Record<string, number> = {};
  for (const c of result.faceBlendshapes?.[best]?.categories ?? []) blend[c.categoryName] = c.score;
  const m = result.facialTransformationMatrixes?.[best];
  return {
    blend,
    matrix: m && m.data.length === 16 ? Array.from(m.data) : null,
    cx: (b.x0 + b.x1) / 2,
    cy: (b.y0 + b.y1) / 2,
    w: b.x1 - b.x0,
    h: b.y1 - b.y0,
  };
}

/** Yield to the event loop without timers (timers are throttled in hidden/offscreen documents). */
function yieldTask(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(0);
  });
}

async function jpegOf(canvas: OffscreenCanvas | HTMLCanvasElement, longSide: number): Promise<Uint8Array> {
  const k = Math.min(1, longSide / Math.max(canvas.width, canvas.height));
  const c = new OffscreenCanvas(Math.max(1, Math.round(canvas.width * k)), Math.max(1, Math.round(canvas.height * k)));
  c.getContext('2d')!.drawImage(canvas, 0, 0, c.width, c.height);
  return new Uint8Array(await (await c.convertToBlob({ type: 'image/jpeg', quality: 0.85 })).arrayBuffer());
}

export async function createFaceTracker(opts: TrackerOptions): Promise<FaceTracker> {
  const fileset = await FilesetResolver.forVisionTasks(opts.wasmBaseUrl.replace(/\/+$/, ''));
  let landmarker: FaceLandmarker | null = await FaceLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: opts.modelAssetUrl, delegate: 'CPU' },
    runningMode: 'VIDEO',
    numFaces: 2,
    minFaceDetectionConfidence: 0.4,
    minFacePresenceConfidence: 0.5,
    minTrackingConfidence: 0.5,
    outputFaceBlendshapes: true,
    outputFacialTransformationMatrixes: true,
  });
  // detectForVideo needs increasing timestamps across calls, also across videos.
  let lastTs = 0;
  let queue: Promise<unknown> = Promise.resolve();

  async function track(video: Blob, o: TrackOptions = {}): Promise<TrackedDriver> {
    if (!landmarker) throw new Error('Face tracker is closed');
    const fps = o.fps ?? 30;
    const info = await probeDriver(video);
    const durationS = Math.min(o.maxDurationS ?? MAX_DURATION_S, info.durationS);
    if (!(durationS > 0)) throw new SfumatoError('driver-unreadable', 'the video has no frames');
    const input = new Input({ source: new BlobSource(video), formats: ALL_FORMATS });
    const t0 = performance.now();
    try {
      const vt = (await input.getPrimaryVideoTrack())!;
      const long = o.longSide ?? 512;
      const k = Math.min(1, long / Math.max(info.width, info.height));
      const width = Math.max(2, Math.round(info.width * k));
      const height = Math.max(2, Math.round(info.height * k));
      const sink = new CanvasSink(vt, { width, height, fit: 'fill', poolSize: 2 });
      const n = Math.max(1, Math.floor(durationS * fps + 1e-6));
      const samples: DriverSample[] = [];
      let thumbnailJpeg: Uint8Array = new Uint8Array();
      // Frames are read in order and each analysed time takes the frame showing at that moment.
      // (Webcam recordings have irregular frame times: a per-time lookup skipped most of them.)
      const analyse = async (canvas: OffscreenCanvas | HTMLCanvasElement | null) => {
        let face: DriverFace | null = null;
        if (canvas) {
          if (samples.length === 0) thumbnailJpeg = await jpegOf(canvas, 320);
          lastTs = Math.max(lastTs + 1, Math.round(performance.now()));
          face = faceOf(landmarker!.detectForVideo(canvas, lastTs), width, height);
        }
        samples.push({ t: samples.length / fps, face });
        if (samples.length % 5 === 0) {
          o.onProgress?.(samples.length / n);
          await yieldTask();
        }
      };
      let last: OffscreenCanvas | HTMLCanvasElement | null = null;
      for await (const wrapped of sink.canvases(info.startS, info.startS + durationS + 0.5)) {
        const canvas = wrapped.canvas as OffscreenCanvas | HTMLCanvasElement;
        const until = wrapped.timestamp - info.startS + Math.max(wrapped.duration, 1e-3);
        while (samples.length < n && samples.length / fps < until - 1e-6) await analyse(canvas);
        last = canvas;
        if (samples.length >= n) break;
      }
      // Past the last frame: the last picture holds (or the driver is shorter than announced).
      while (samples.length < n && last) await analyse(last);
      o.onProgress?.(1);
      if (!samples.some((s) => s.face)) throw new SfumatoError('driver-no-face');
      return {
        samples,
        durationS: samples.length / fps,
        width,
        height,
        hasAudio: info.hasAudio,
        startS: info.startS,
        thumbnailJpeg,
        msPerFrame: (performance.now() - t0) / Math.max(1, samples.length),
      };
    } catch (e) {
      if (e instanceof SfumatoError) throw e;
      throw new SfumatoError('driver-unreadable', e instanceof Error ? e.message : String(e));
    } finally {
      input.dispose?.();
    }
  }

  return {
    track: (video, o) => {
      const run = queue.then(() => track(video, o));
      queue = run.catch(() => undefined);
      return run;
    },
    close() {
      landmarker?.close();
      landmarker = null;
    },
  };
}
