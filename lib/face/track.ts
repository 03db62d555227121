/**
 * Tracking a driving face through a video (MP4, WebM, MOV): frames are decoded with mediabunny at
 * the clip frame rate, and MediaPipe's FaceLandmarker in VIDEO running mode (its own instance:
 * lib/face/detect.ts runs in IMAGE mode) reports blendshapes, the facial transformation matrix and
 * the face's box in every frame. Runs in a document (MediaPipe injects its loader as a script).
 */
import { FaceLandmarker, FilesetResolver, type FaceLandmarkerResult } from '@mediapipe/tasks-vision';
import { ALL_FORMATS, BlobSource, CanvasSink, Input } from 'mediabunny';
import { SfumatoError } from '../messages/errors';
import { yieldTask } from './detect';
import { MAX_DURATION_S } from '../motion/curves';
import type { DriverFace, DriverSample, DriverTrack } from '../motion/retarget';
import { jpegBytes } from '../video/image-encoder';

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

/** Where a detection ran: a square of `side` at (x, y) of the decoded frame, or the whole frame (null). */
type Crop = { x: number; y: number; side: number } | null;

/**
 * The largest face of a result, its box in the pixels of the analysed whole frame (w x h) whatever
 * part of the decoded frame (dw x dh) the detection ran on.
 */
function faceOf(result: FaceLandmarkerResult, w: number, h: number, crop: Crop = null, dw = w, dh = h): DriverFace | null {
  const toX = (x: number) => (crop ? ((crop.x + x * crop.side) * w) / dw : x * w);
  const toY = (y: number) => (crop ? ((crop.y + y * crop.side) * h) / dh : y * h);
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
    return { x0: toX(x0), y0: toY(y0), x1: toX(x1), y1: toY(y1) };
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

/** Side of the square crop around a small face that the landmarker analyses (px). */
const CROP = 384;
/** The crop's side, in face-box sizes (as the quality harness's re-detector crops). */
const CROP_MARGIN = 2.2;

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
      // Frames are decoded at up to twice the analysed size: a face that is small in the frame (a
      // half-length portrait, a page video) is analysed on a square crop around it at CROP px, as
      // the landmarker reads eyes and mouth far better at that size than in a 512 px whole frame.
      const dk = Math.min(1, (2 * long) / Math.max(info.width, info.height));
      const dw = Math.max(2, Math.round(info.width * dk));
      const dh = Math.max(2, Math.round(info.height * dk));
      const sink = new CanvasSink(vt, { width: dw, height: dh, fit: 'fill', poolSize: 2 });
      const whole = new OffscreenCanvas(width, height);
      const wctx = whole.getContext('2d')!;
      const cropCanvas = new OffscreenCanvas(CROP, CROP);
      const cctx = cropCanvas.getContext('2d')!;
      let crop: Crop = null;
      let lost = 0;
      const detect = (canvas: OffscreenCanvas | HTMLCanvasElement): DriverFace | null => {
        lastTs = Math.max(lastTs + 1, Math.round(performance.now()));
        if (!crop) {
          wctx.drawImage(canvas, 0, 0, width, height);
          return faceOf(landmarker!.detectForVideo(whole, lastTs), width, height);
        }
        cctx.fillStyle = '#000';
        cctx.fillRect(0, 0, CROP, CROP);
        cctx.drawImage(canvas, crop.x, crop.y, crop.side, crop.side, 0, 0, CROP, CROP);
        return faceOf(landmarker!.detectForVideo(cropCanvas, lastTs), width, height, crop, dw, dh);
      };
      /** The crop for a face seen at `f` (or null: whole frame); true when it changed. */
      const follow = (f: DriverFace | null): boolean => {
        if (!f) {
          // Lost for a few frames in a crop: look at the whole frame again.
          if (crop && ++lost >= 3) {
            crop = null;
            lost = 0;
          }
          return false;
        }
        lost = 0;
        const fx = (f.cx * dw) / width;
        const fy = (f.cy * dh) / height;
        const side = CROP_MARGIN * Math.max((f.w * dw) / width, (f.h * dh) / height);
        // Crop only where it gives the landmarker more pixels than the whole frame would.
        if ((side * width) / dw > 0.75 * long) {
          const changed = crop !== null;
          crop = null;
          return changed;
        }
        // Hysteresis: the crop stays put unless the face moves or changes size noticeably, so that
        // the reported pose does not shift with every small re-centring.
        const c = crop as Crop;
        if (c && Math.hypot(fx - (c.x + c.side / 2), fy - (c.y + c.side / 2)) < 0.12 * c.side && side < 1.25 * c.side && side > 0.8 * c.side) return false;
        crop = { x: fx - side / 2, y: fy - side / 2, side };
        return true;
      };
      const n = Math.max(1, Math.floor(durationS * fps + 1e-6));
      const samples: DriverSample[] = [];
      let thumbnailJpeg: Uint8Array = new Uint8Array();
      // Frames are read in order and each analysed time takes the frame showing at that moment.
      // (Webcam recordings have irregular frame times: a per-time lookup skipped most of them.)
      const analyse = async (canvas: OffscreenCanvas | HTMLCanvasElement | null) => {
        let face: DriverFace | null = null;
        if (canvas) {
          if (samples.length === 0) thumbnailJpeg = await jpegBytes(canvas, 320);
          face = detect(canvas);
          // When the crop changes, the frame is analysed again in the new crop (twice: the tracker
          // first re-acquires the face there), so that every reported face comes from the crop it is
          // followed in (the pose reading depends slightly on it).
          if (follow(face)) {
            detect(canvas);
            face = detect(canvas) ?? face;
          }
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
