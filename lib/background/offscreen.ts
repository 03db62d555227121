// The offscreen document's lifecycle: created on demand, one at a time.
const OFFSCREEN_URL = 'offscreen.html';

let creating: Promise<void> | null = null;

export async function ensureOffscreen(): Promise<void> {
  if (await chrome.offscreen.hasDocument()) return;
  creating ??= chrome.offscreen
    .createDocument({
      url: OFFSCREEN_URL,
      reasons: [chrome.offscreen.Reason.WORKERS, chrome.offscreen.Reason.BLOBS],
      justification: 'Runs the face model, the WebGPU renderer, the video encoder and the signer locally.',
    })
    .catch((e: unknown) => {
      // Another caller may have created it in between.
      if (!String(e).includes('single offscreen')) throw e;
    })
    .finally(() => {
      creating = null;
    });
  await creating;
}
