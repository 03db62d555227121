// Look for Sfumato's invisible watermark in an image or video file, and match it to the person's
// own clips. Decoding happens in the page (createImageBitmap / a <video> element); the detector
// runs in a worker so the panel stays responsive.
import { clipIdToPayload, payloadToHex } from '../watermark/payload';
import { listClips } from '../store/clips';
import type { WatermarkSummary } from './verdict';

const VIDEO_FRAMES = 4;
const VIDEO_TIMEOUT_MS = 10_000;

/** Frames of the video as VideoFrames (no pixel copy on this thread). */
async function videoFrames(blob: Blob): Promise<VideoFrame[]> {
  const url = URL.createObjectURL(blob);
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'auto';
  video.src = url;
  const frames: VideoFrame[] = [];
  const once = (ev: string) =>
    new Promise<void>((resolve, reject) => {
      const ok = () => {
        cleanup();
        resolve();
      };
      const bad = () => {
        cleanup();
        reject(new Error('the video could not be decoded'));
      };
      const cleanup = () => {
        video.removeEventListener(ev, ok);
        video.removeEventListener('error', bad);
      };
      video.addEventListener(ev, ok);
      video.addEventListener('error', bad);
    });
  try {
    await once('loadeddata');
    const d = Number.isFinite(video.duration) ? video.duration : 0;
    for (let i = 0; i < VIDEO_FRAMES; i++) {
      const t = d > 0 ? Math.min(d - 0.05, (d * (i + 0.5)) / VIDEO_FRAMES) : 0;
      if (i > 0 || t > 0) {
        const seeked = once('seeked');
        video.currentTime = Math.max(0, t);
        await seeked;
      }
      if (video.videoWidth > 0) frames.push(new VideoFrame(video, { timestamp: Math.round(video.currentTime * 1e6) }));
      if (d === 0) break;
    }
    return frames;
  } finally {
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  }
}

let worker: Worker | null = null;
let nextId = 1;
function detectInWorker(input: { blob?: Blob; videoFrames?: VideoFrame[] }): Promise<{ found: boolean; payload: bigint | null }> {
  worker ??= new Worker(new URL('./watermark-worker.ts', import.meta.url), { type: 'module' });
  const w = worker;
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      w.removeEventListener('message', onMsg);
      w.terminate();
      if (worker === w) worker = null;
      reject(new Error('the watermark check took too long'));
    }, 15_000);
    const onMsg = (ev: MessageEvent) => {
      if (ev.data?.id !== id) return;
      clearTimeout(timer);
      w.removeEventListener('message', onMsg);
      if (ev.data.error) reject(new Error(ev.data.error));
      else resolve({ found: ev.data.found, payload: ev.data.payload });
    };
    w.addEventListener('message', onMsg);
    w.postMessage({ id, ...input }, input.videoFrames ?? []);
  });
}

export interface WatermarkCheck extends WatermarkSummary {
  /** Why the check could not run (not an error of the file's credentials). */
  skipped: string | null;
}

/** Check an image or video for the watermark. Never throws. */
export async function checkWatermark(blob: Blob, kind: 'image' | 'video' | 'audio' | 'other'): Promise<WatermarkCheck> {
  const none = (skipped: string | null): WatermarkCheck => ({ found: false, payloadHex: null, clip: null, skipped });
  if (kind !== 'image' && kind !== 'video') return none('Only pictures and videos can carry Sfumato’s watermark.');
  try {
    let input: { blob?: Blob; videoFrames?: VideoFrame[] } = { blob };
    if (kind === 'video') {
      const frames = await Promise.race([
        videoFrames(blob),
        new Promise<never>((_, rej) => setTimeout(() => rej(new Error('decoding took too long')), VIDEO_TIMEOUT_MS)),
      ]);
      if (frames.length === 0) return none('No picture could be decoded from this file.');
      input = { videoFrames: frames };
    }
    const d = await detectInWorker(input);
    if (!d.found || d.payload === null) return none(null);
    return { found: true, payloadHex: payloadToHex(d.payload), clip: await matchClip(d.payload), skipped: null };
  } catch (e) {
    return none(`The picture could not be decoded to look for Sfumato’s watermark (${e instanceof Error ? e.message : String(e)}).`);
  }
}

export async function matchClip(payload: bigint): Promise<{ id: string; title: string } | null> {
  try {
    for (const c of await listClips()) if (clipIdToPayload(c.id) === payload) return { id: c.id, title: c.title };
  } catch {
    /* no gallery */
  }
  return null;
}
