// Message handling of the offscreen document: runs one animation job at a time and streams
// progress to the background, which relays it to the page overlay and the side panel.
import { createFaceFinder, type FaceFinder } from '../face';
import { createFaceTracker, type FaceTracker } from '../face/track';
import { fetchPageDriver, storeRecordedDriver } from './fetch-driver';
import { base64Of } from '../messages/base64';
import { SfumatoError, toSfumatoError } from '../messages/errors';
import { isStorageFull } from '../store/db';
import { msg, parseMessage, type ExportResult, type Message } from '../messages/protocol';
import { animatePortrait } from './animate';
import { makeExport } from './export';
import { signGeneratedClip, warmSigner } from './sign-clip';

let finder: Promise<FaceFinder> | null = null;
const getFinder = () =>
  (finder ??= createFaceFinder({
    wasmBaseUrl: chrome.runtime.getURL('/vendor/mediapipe'),
    modelAssetUrl: chrome.runtime.getURL('/models/face_landmarker.task'),
  }).catch((e) => {
    finder = null;
    throw e;
  }));

/** A second FaceLandmarker, in VIDEO mode, for driving videos (made on first use). */
let tracker: Promise<FaceTracker> | null = null;
const getTracker = () =>
  (tracker ??= createFaceTracker({
    wasmBaseUrl: chrome.runtime.getURL('/vendor/mediapipe'),
    modelAssetUrl: chrome.runtime.getURL('/models/face_landmarker.task'),
  }).catch((e) => {
    tracker = null;
    throw e;
  }));

let queue: Promise<void> = Promise.resolve();

/** Any write can meet a full disk (a store, a cache, the identity), not only the clip's own put. */
async function toSfumatoErrorOrFull(e: unknown): Promise<SfumatoError> {
  const err = toSfumatoError(e);
  return err.code === 'internal' && (await isStorageFull(e)) ? new SfumatoError('storage-full') : err;
}

const send = (m: Message) => chrome.runtime.sendMessage(m).catch(() => undefined);

async function runJob(m: Message<'animate'>) {
  const { jobId } = m;
  warmSigner();
  try {
    const { clip, notice } = await animatePortrait(
      { sourceUrl: m.source.url, pageUrl: m.source.pageUrl, title: m.source.title, faceIndex: m.faceIndex, motion: m.motion },
      {
        faceFinder: getFinder,
        faceTracker: getTracker,
        sign: signGeneratedClip,
        onProgress: (stage, fraction) => void send(msg({ to: 'background', type: 'job-progress', jobId, stage, fraction })),
      },
    );
    await send(msg({ to: 'background', type: 'job-done', jobId, clipId: clip.id, width: clip.width, height: clip.height, notice }));
  } catch (e) {
    let err = await toSfumatoErrorOrFull(e);
    // Without host permission a refused download most likely needs the person's permission.
    if (err.code === 'blocked' && !m.hostPermission) err = new SfumatoError('permission-denied');
    console.error('Sfumato job failed', e);
    await send(msg({ to: 'background', type: 'job-failed', jobId, code: err.code, message: err.message.slice(0, 2000) }));
  }
}

/** A signed export of a stored clip (lib/pipeline/export.ts), answered as an ExportResult. */
async function runExport(m: Message<'make-export'>): Promise<ExportResult> {
  warmSigner();
  try {
    const { record: r, notice } = await makeExport(m.clipId, m.format);
    return {
      ok: true,
      format: r.format,
      mime: r.mime as ExportResult['mime'],
      base64: await base64Of(r.bytes),
      width: r.width,
      height: r.height,
      frames: r.frames,
      makeMs: r.makeMs,
      watermarkConfidence: r.watermarkConfidence,
      credentialsState: r.credentialsState,
      notice,
    };
  } catch (e) {
    const err = await toSfumatoErrorOrFull(e);
    console.error('Sfumato export failed', e);
    return { ok: false, code: err.code, message: err.message.slice(0, 2000) };
  }
}

export function startOffscreenWorker() {
  chrome.runtime.onMessage.addListener((raw, sender, sendResponse) => {
    // Only the background may start work here: never a content script or an extension frame
    // living inside a web page (both have sender.tab).
    if (sender.id !== chrome.runtime.id || sender.tab || !sender.url?.startsWith(chrome.runtime.getURL(''))) return;
    let m;
    try {
      m = parseMessage(raw, 'offscreen');
    } catch (e) {
      sendResponse({ ok: false, error: String(e) });
      return;
    }
    if (!m) return;
    if (m.type === 'ping') {
      sendResponse({ ok: true });
      return;
    }
    if (m.type === 'make-export') {
      // Exports do not need the GPU: they run beside an animation job rather than after it.
      void runExport(m).then(sendResponse);
      return true;
    }
    if (m.type === 'fetch-driver') {
      void fetchPageDriver(m).then(sendResponse);
      return true;
    }
    if (m.type === 'store-driver') {
      void storeRecordedDriver(m).then(sendResponse);
      return true;
    }
    if (m.type === 'animate') {
      queue = queue.then(() => runJob(m));
      sendResponse({ ok: true });
    }
  });
}
