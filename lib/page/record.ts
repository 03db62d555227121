// "Use as motion for Sfumato" on a video the page streams (a blob: or MediaSource address, as most
// video sites play): there is no file to download, so what the video plays is recorded where it
// plays, in the page (captureStream and MediaRecorder), up to the 20 s a driver may last. A video
// from another site that does not allow it cannot be recorded (the browser refuses).
import { deepestHovered, queryAllDeep } from './shadow';

/** The longest and shortest recording a driver takes (seconds; drivers last 2-20 s). */
export const RECORD_MAX_S = 20;
export const RECORD_MIN_S = 2;

/** The video the person right-clicked: the one playing `srcUrl`, else the one under the pointer. */
export function findVideo(srcUrl: string | undefined): HTMLVideoElement | null {
  const videos = queryAllDeep<HTMLVideoElement>('video').filter((v) => v instanceof HTMLVideoElement);
  const playing = srcUrl ? videos.find((v) => v.currentSrc === srcUrl || v.src === srcUrl) : undefined;
  if (playing) return playing;
  const hovered = deepestHovered();
  return hovered instanceof HTMLVideoElement ? hovered : (hovered?.closest('video') ?? null);
}

export interface Recording {
  blob: Blob;
  seconds: number;
}

/**
 * Record what `video` plays from where it is (from the start when under RECORD_MIN_S is left), up
 * to RECORD_MAX_S, its end, or stop() (the person's "Stop"). `tick` is told the seconds left (of
 * the video, or of RECORD_MAX_S). The
 * video is left paused or playing as it was. Throws when the browser will not record it.
 */
export function recordVideo(video: HTMLVideoElement, tick: (secondsLeft: number) => void): { done: Promise<Recording>; stop: () => void } {
  const stream = (video as HTMLVideoElement & { captureStream(): MediaStream }).captureStream();
  const mime = ['video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t)) ?? '';
  // Throws for a video whose data came from another site without CORS.
  const recorder = new MediaRecorder(stream, mime ? { mimeType: mime, videoBitsPerSecond: 4_000_000 } : undefined);
  const chunks: Blob[] = [];
  const wasPaused = video.paused;
  let left = Number.isFinite(video.duration) ? video.duration - video.currentTime : Infinity;
  if (left < RECORD_MIN_S) {
    video.currentTime = 0;
    left = video.duration;
  }
  // What is recorded: the rest of the video, at most RECORD_MAX_S (a live stream: RECORD_MAX_S).
  const limit = Math.min(RECORD_MAX_S, left);
  let stopped = false;
  let started = 0;
  let timer = 0;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    video.removeEventListener('ended', stop);
    if (recorder.state !== 'inactive') recorder.stop();
  };
  const done = new Promise<Recording>((resolve, reject) => {
    recorder.ondataavailable = (e) => {
      if (e.data.size > 0) chunks.push(e.data);
    };
    recorder.onstop = () => {
      stream.getTracks().forEach((t) => t.stop());
      if (wasPaused) video.pause();
      resolve({ blob: new Blob(chunks, { type: (mime || 'video/webm').split(';')[0] }), seconds: (performance.now() - started) / 1000 });
    };
    recorder.onerror = () => {
      stop();
      reject(new Error('recording failed'));
    };
  });
  video.addEventListener('ended', stop);
  recorder.start(1000);
  started = performance.now();
  void video.play().catch(() => stop());
  tick(Math.ceil(limit));
  timer = window.setInterval(() => {
    const s = (performance.now() - started) / 1000;
    if (s >= RECORD_MAX_S) stop();
    else tick(Math.max(1, Math.ceil(limit - s)));
  }, 250);
  return { done, stop };
}
