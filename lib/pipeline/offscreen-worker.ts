// Message handling of the offscreen document: runs one animation job at a time and streams
// progress to the background, which relays it to the page overlay and the side panel.
import { createFaceFinder, type FaceFinder } from '../face';
import { SfumatoError, toSfumatoError } from '../messages/errors';
import { msg, parseMessage, type Message } from '../messages/protocol';
import { animatePortrait } from './animate';
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

let queue: Promise<void> = Promise.resolve();

const send = (m: Message) => chrome.runtime.sendMessage(m).catch(() => undefined);

async function runJob(m: Message<'animate'>) {
  const { jobId } = m;
  warmSigner();
  try {
    const { clip, notice } = await animatePortrait(
      { sourceUrl: m.source.url, pageUrl: m.source.pageUrl, title: m.source.title, faceIndex: m.faceIndex, motion: m.motion },
      {
        faceFinder: getFinder,
        sign: signGeneratedClip,
        onProgress: (stage, fraction) => void send(msg({ to: 'background', type: 'job-progress', jobId, stage, fraction })),
      },
    );
    await send(msg({ to: 'background', type: 'job-done', jobId, clipId: clip.id, width: clip.width, height: clip.height, notice }));
  } catch (e) {
    let err = toSfumatoError(e);
    // Without host permission a refused download most likely needs the person's permission.
    if (err.code === 'blocked' && !m.hostPermission) err = new SfumatoError('permission-denied');
    console.error('Sfumato job failed', e);
    await send(msg({ to: 'background', type: 'job-failed', jobId, code: err.code, message: err.message.slice(0, 2000) }));
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
    if (m.type === 'animate') {
      queue = queue.then(() => runJob(m));
      sendResponse({ ok: true });
    }
  });
}
