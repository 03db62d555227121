// One job, from a source URL to a stored clip: source -> faces -> rig -> motion -> frames (+label)
// -> encode -> sign -> store. Runs in the offscreen document; reports progress through a callback.
import { chooseFace, isFaceTooSmall } from '../face';
import type { FaceFinder } from '../face';
import type { Face } from '../face/types';
import { ERROR_SENTENCES, SfumatoError } from '../messages/errors';
import type { Stage } from '../messages/protocol';
import { createPerformance } from '../motion';
import type { Performance } from '../motion/curves';
import { retarget } from '../motion/retarget';
import { measureSmileResponse } from './calibrate';
import type { FaceTracker } from '../face/track';
import { getDriver, type DriverRecord } from '../store/drivers';
import { planDriverAudio } from '../video/audio';
import { buildRig, createRenderer, poseRig, sourceSample } from '../render';
import { loadSource } from '../source/load';
import { newClipId, putClip, type ClipRecord, type MotionSettings } from '../store/clips';
import { isStorageFull } from '../store/db';
import { clipSize, CLIP_FPS, createMp4Encoder, frameTime } from '../video/encode';
import { encodeImage, jpegBytes } from '../video/image-encoder';
import { renderLabelLayer } from '../watermark/label';
import { getLabelOptions } from '../store/label-settings';
import { clipIdToPayload, payloadToHex } from '../watermark/payload';

export interface AnimateInput {
  sourceUrl: string;
  pageUrl: string;
  title: string;
  faceIndex?: number;
  motion: MotionSettings;
}

export interface AnimateDeps {
  faceFinder: () => Promise<FaceFinder>;
  onProgress: (stage: Stage, fraction: number) => void;
  /** Tracks a driving video's face (needed only when the motion has a driver). */
  faceTracker?: () => Promise<FaceTracker>;
  /** Signs the MP4 before it is stored; must throw rather than return unsigned bytes. */
  sign: (request: SignRequest) => Promise<{ bytes: Uint8Array; credentials: NonNullable<ClipRecord['credentials']> }>;
}

/** What the signer gets: only bytes this pipeline generated, plus what it knows of the source. */
export interface SignRequest {
  mp4: Uint8Array;
  clip: Omit<ClipRecord, 'mp4'>;
  clipThumbnailJpeg: Uint8Array;
  source: { bytes: Uint8Array; type: string; thumbnailJpeg: Uint8Array };
  /** The driving video of a driven clip (recorded as an ingredient). */
  driver?: Pick<DriverRecord, 'title' | 'kind' | 'type' | 'sourceUrl' | 'pageUrl'> & { thumbnailJpeg: Uint8Array; bytes: Uint8Array };
}

export interface AnimateResult {
  clip: ClipRecord;
  notice?: string;
}

const now = () => performance.now();
/** Frames drawn ahead of the encoder (each holds one frame of pixels). */
const FRAMES_IN_FLIGHT = 3;

/** Chrome's non-standard heap gauge; 0 where it does not exist. */
function heapBytes(): number {
  return (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0;
}

export async function animatePortrait(input: AnimateInput, deps: AnimateDeps): Promise<AnimateResult> {
  const t0 = now();
  let peakHeap = heapBytes();
  const progress = deps.onProgress;
  deps = { ...deps, onProgress: (stage, f) => ((peakHeap = Math.max(peakHeap, heapBytes())), progress(stage, f)) };
  deps.onProgress('source', 0);
  const src = await loadSource(input.sourceUrl);
  const tSource = now();

  deps.onProgress('faces', 0);
  const finder = await deps.faceFinder();
  const faces = await finder.find(src.bitmap, { onProgress: (f) => deps.onProgress('faces', f) });
  const tDetect = now();
  if (faces.length === 0) throw new SfumatoError('no-face');
  const face: Face = (input.faceIndex !== undefined ? faces[input.faceIndex] : undefined) ?? chooseFace(faces)!;
  if (isFaceTooSmall(face)) throw new SfumatoError('face-too-small');

  // Motion: a preset, or the movement of a driving video's face relative to its neutral frame.
  const { width, height } = clipSize(src.bitmap.width, src.bitmap.height);
  const rig = buildRig(face, src.bitmap.width, src.bitmap.height, await sourceSample(src.bitmap));
  let performance_: Performance;
  let driven: { rec: DriverRecord; thumbnailJpeg: Uint8Array; hasAudio: boolean; startS: number; msPerFrame: number; coverage: number } | null = null;
  if (input.motion.driver) {
    const rec = await getDriver(input.motion.driver.id);
    if (!rec) throw new SfumatoError('driver-missing');
    if (!deps.faceTracker) throw new SfumatoError('internal', 'no face tracker in this document');
    const tracker = await deps.faceTracker();
    const tracked = await tracker.track(rec.video, { fps: CLIP_FPS, onProgress: (f) => deps.onProgress('faces', f) });
    // The driver's smile is taken on this portrait's own smile scale; without it, linearly.
    const smile = await measureSmileResponse(src.bitmap, rig, face, finder, width, height).catch(() => null);
    const perf = retarget(tracked, { intensity: input.motion.intensity, responses: smile ? { mouthSmileLeft: smile, mouthSmileRight: smile } : undefined });
    performance_ = perf;
    driven = { rec, thumbnailJpeg: tracked.thumbnailJpeg, hasAudio: tracked.hasAudio, startS: tracked.startS, msPerFrame: tracked.msPerFrame, coverage: perf.coverage };
  } else {
    performance_ = createPerformance(input.motion);
  }
  const tTrack = now();

  deps.onProgress('animating', 0);
  const scale = width / src.bitmap.width;
  const faceOut = { x: face.box.x * scale, y: face.box.y * scale, w: face.box.w * scale, h: face.box.h * scale };
  const { layer, layout: labelLayout } = await renderLabelLayer(width, height, faceOut, await getLabelOptions());
  // The clip's identifier is known before its first frame: the watermark in every frame carries it.
  const clipId = newClipId();
  const watermark = clipIdToPayload(clipId);
  const renderer = await createRenderer({ source: src.bitmap, rig, outWidth: width, outHeight: height, overlay: layer, watermark });
  // A driven clip lasts as long as its driver (2-20 s); a preset clip as long as asked.
  const frameCount = Math.round((driven ? performance_.durationS : input.motion.durationS) * CLIP_FPS);
  // The driver's sound, trimmed to the clip, when it has any this browser can re-encode.
  const audio = driven?.hasAudio ? await planDriverAudio(driven.rec.video, driven.startS, frameCount / CLIP_FPS).catch(() => null) : null;
  const encoder = await createMp4Encoder(width, height, CLIP_FPS, audio ?? undefined);

  let renderMs = 0;
  let encodeMs = 0;
  let firstFrameMs = 0;
  let poster: Blob | null = null;
  let clipThumbnail: Uint8Array = new Uint8Array();
  const positions = new Float32Array(rig.rest.length);
  let mp4: Uint8Array;
  // Frames in flight: frame 0 is drawn alone (it informs the watermark and gives the poster), then
  // the renderer draws ahead while the encoder takes the frames in order. renderMs counts the time
  // spent waiting for frames, encodeMs the time spent handing them to the encoder.
  const inFlight: Array<Promise<VideoFrame>> = [];
  try {
    let encoded = 0;
    const encodeNext = async () => {
      const a = now();
      const frame = await inFlight.shift()!;
      const b = now();
      renderMs += b - a;
      await encoder.addFrame(encoded++, () => frame);
      encodeMs += now() - b;
      if (encoded % 5 === 0) deps.onProgress('animating', encoded / frameCount);
    };
    for (let i = 0; i < frameCount; i++) {
      const a = now();
      const pose = performance_.at(i / CLIP_FPS);
      poseRig(rig, pose, positions);
      const { timestampUs, durationUs } = frameTime(i);
      if (i === 0) {
        await renderer.render(positions, pose);
        firstFrameMs = now() - t0;
        poster = await encodeImage(renderer.canvas, { type: 'image/png' });
        clipThumbnail = await jpegBytes(renderer.canvas, 320);
        inFlight.push(Promise.resolve(renderer.videoFrame(timestampUs, durationUs)));
      } else {
        const frame = renderer.draw(positions, pose, timestampUs, durationUs);
        frame.catch(() => undefined); // a failure is reported where the frame is awaited
        inFlight.push(frame);
      }
      renderMs += now() - a;
      if (inFlight.length >= FRAMES_IN_FLIGHT) await encodeNext();
    }
    while (inFlight.length > 0) await encodeNext();
    deps.onProgress('encoding', 0.5);
    const a = now();
    if (audio) await audio.feed((sample) => encoder.addAudio(sample));
    mp4 = await encoder.finish();
    encodeMs += now() - a;
  } catch (e) {
    // Frames still being drawn are closed, not leaked.
    for (const f of inFlight) void f.then((v) => v.close()).catch(() => undefined);
    await encoder.cancel().catch(() => undefined);
    throw e instanceof SfumatoError ? e : new SfumatoError('encode-failed', e instanceof Error ? e.message : String(e));
  } finally {
    renderer.destroy();
    layer.close();
  }

  const k = src.naturalWidth / src.bitmap.width;
  const summary: Omit<ClipRecord, 'mp4'> = {
    id: clipId,
    watermarkPayload: payloadToHex(watermark),
    createdAt: Date.now(),
    title: input.title,
    sourceUrl: input.sourceUrl,
    pageUrl: input.pageUrl,
    width,
    height,
    fps: CLIP_FPS,
    frameCount,
    durationS: frameCount / CLIP_FPS,
    motion: driven ? { ...input.motion, durationS: frameCount / CLIP_FPS } : input.motion,
    ...(driven ? { audio: audio ? audio.codec : null, driverCoverage: driven.coverage } : {}),
    faces: faces.map((f) => ({ index: f.index, box: { x: f.box.x * k, y: f.box.y * k, w: f.box.w * k, h: f.box.h * k } })),
    faceIndex: face.index,
    faceLandmarks: face.landmarks.map((v) => v * scale),
    sourceSize: { width: src.naturalWidth, height: src.naturalHeight },
    renderer: renderer.kind,
    labelCorner: labelLayout.corner,
    labelBox: [labelLayout.x / width, labelLayout.y / height, (labelLayout.x + labelLayout.w) / width, (labelLayout.y + labelLayout.h) / height],
    poster: poster!,
    signed: false,
    timings: {
      sourceMs: tSource - t0,
      detectMs: tDetect - tSource,
      ...(driven ? { trackMs: tTrack - tDetect, trackMsPerFrame: driven.msPerFrame } : {}),
      renderMsPerFrame: renderMs / frameCount,
      encodeMsPerFrame: encodeMs / frameCount,
      signMs: 0,
      totalMs: 0,
      firstFrameMs,
      peakHeapMB: 0,
    },
  };
  const sourceThumbnail = await jpegBytes(src.bitmap, 256);
  src.bitmap.close();

  // Invariant: nothing is stored or shown unsigned. A signing failure is the person's error.
  deps.onProgress('signing', 0);
  const a = now();
  let signed;
  try {
    signed = await deps.sign({
      mp4,
      clip: summary,
      clipThumbnailJpeg: clipThumbnail,
      source: { bytes: src.bytes, type: src.type, thumbnailJpeg: sourceThumbnail },
      driver: driven
        ? {
            title: driven.rec.title,
            kind: driven.rec.kind,
            type: driven.rec.type || 'video/mp4',
            sourceUrl: driven.rec.sourceUrl,
            pageUrl: driven.rec.pageUrl,
            thumbnailJpeg: driven.thumbnailJpeg,
            bytes: driven.rec.video.size <= 20 * 1024 * 1024 ? new Uint8Array(await driven.rec.video.arrayBuffer()) : new Uint8Array(),
          }
        : undefined,
    });
  } catch (e) {
    if (e instanceof SfumatoError) throw e;
    // The signing identity lives in IndexedDB, which a full disk can keep from opening.
    if (await isStorageFull(e, mp4.byteLength)) throw new SfumatoError('storage-full');
    throw new SfumatoError('sign-failed', e instanceof Error ? e.message : String(e));
  }
  summary.timings.signMs = now() - a;
  const bytes = signed.bytes;
  summary.signed = true;
  summary.credentials = signed.credentials;

  deps.onProgress('saving', 0);
  summary.timings.totalMs = now() - t0;
  summary.timings.peakHeapMB = peakHeap / 2 ** 20;
  const clip: ClipRecord = { ...summary, mp4: new Blob([bytes as BlobPart], { type: 'video/mp4' }) };
  try {
    await putClip(clip);
  } catch (e) {
    // The transaction is all-or-nothing, so a full disk leaves every earlier clip as it was.
    if (await isStorageFull(e, clip.mp4.size + clip.poster.size)) throw new SfumatoError('storage-full');
    throw e;
  }
  const notice = renderer.kind === 'cpu' ? ERROR_SENTENCES['gpu-unavailable'] : undefined;
  return { clip, notice };
}
