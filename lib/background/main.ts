// The background service worker: context menus, permissions at the moment of use, on-demand
// injection of the content script, and routing of job messages between the rooms.
import { ERROR_SENTENCES, type ErrorCode } from '../messages/errors';
import { exportResult, fetchDriverResult, locateResult, msg, parseMessage, recordResult, type FetchDriverResult, type LocateResult, type Message, type RecordResult } from '../messages/protocol';
import type { MotionSettings } from '../motion/catalog';
import { getClip } from '../store/clips';
import { getMotionDefaults } from '../store/motion-defaults';
import { DRIVER_REQUEST_KEY, driverRef, getDriver, type DriverRequest } from '../store/drivers';
import { base64Of } from '../messages/base64';
import { captureCrop } from './capture';
import { dropRoute, getRoute, newJobId, saveRoute } from './jobs';
import { MENUS, MENU_ANIMATE, MENU_ANIMATE_FRAME, MENU_ANIMATE_HERE, MENU_DRIVER, MENU_INSPECT } from './menus';
import { ensureOffscreen } from './offscreen';

/** Session-storage key through which the side panel's Inspect tab receives a right-clicked medium. */
export const INSPECT_REQUEST_KEY = 'inspectRequest';
const CONTENT_SCRIPT = '/content-scripts/content.js';

function randomSeed() {
  return crypto.getRandomValues(new Uint32Array(1))[0]! >>> 1;
}

function registerMenus() {
  chrome.contextMenus.removeAll(() => {
    for (const m of MENUS) chrome.contextMenus.create(m);
  });
}

/** Ask for the image's origin at the moment of use; resolves false when not granted or not askable. */
function requestOriginFor(srcUrl: string): Promise<boolean> {
  let origin: string;
  try {
    const u = new URL(srcUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return Promise.resolve(true);
    origin = `${u.protocol}//${u.hostname}/*`;
  } catch {
    return Promise.resolve(false);
  }
  // Must be called synchronously inside the click handler to keep the user gesture.
  return chrome.permissions.request({ origins: [origin] }).catch(() => false);
}

/** The content script's answer to overlay-locate or overlay-captured; a malformed one counts as not found. */
function readLocated(raw: unknown): LocateResult {
  try {
    return locateResult(raw, 'locate');
  } catch {
    return { ok: false };
  }
}

async function toContent(tabId: number, frameId: number, m: Message) {
  return chrome.tabs.sendMessage(tabId, m, { frameId }).catch(() => undefined);
}

async function failInTab(tabId: number, frameId: number, jobId: string, code: ErrorCode, detail?: string) {
  await toContent(tabId, frameId, msg({ to: 'content', type: 'overlay-error', jobId, code, message: detail ?? ERROR_SENTENCES[code] }));
}

async function startAnimateFromMenu(info: chrome.contextMenus.OnClickData, tab: chrome.tabs.Tab | undefined, permission: Promise<boolean>) {
  // "Animate the portrait here" has no image URL, and a video's frame is no file: the content script
  // finds the picture under the pointer (a frame is read from the video element itself).
  const frame = info.menuItemId === MENU_ANIMATE_FRAME;
  const here = info.menuItemId === MENU_ANIMATE_HERE || frame;
  const srcUrl = here ? undefined : info.srcUrl;
  if (!tab?.id || (!here && !srcUrl)) return;
  const tabId = tab.id;
  const frameId = info.frameId ?? 0;
  const jobId = newJobId();
  try {
    await chrome.scripting.executeScript({ target: { tabId, frameIds: [frameId] }, files: [CONTENT_SCRIPT] });
  } catch (e) {
    console.warn('Sfumato: cannot inject into this page', e);
    return;
  }
  const raw = await chrome.tabs.sendMessage(tabId, msg({ to: 'content', type: 'overlay-locate', jobId, srcUrl, here }), { frameId });
  let located = readLocated(raw);
  if (located.ok && !located.bestUrl && located.capture) {
    // The picture is there but unreadable from the page: take it from the screen. Only the top
    // frame's viewport is the tab's (a frame inside the page cannot tell where it lies in the tab).
    // The shot is of the window's active tab: the person's, unless they switched tabs meanwhile.
    const shown = frameId === 0 && (await chrome.tabs.get(tabId).catch(() => undefined))?.active === true;
    const url = shown ? await captureCrop(tab.windowId, located.capture) : null;
    if (!url) {
      await failInTab(tabId, frameId, jobId, frame ? 'frame-unreadable' : 'picture-unreadable');
      return;
    }
    located = readLocated(await toContent(tabId, frameId, msg({ to: 'content', type: 'overlay-captured', jobId, url })));
  }
  if (!located.ok || !located.bestUrl) {
    await failInTab(tabId, frameId, jobId, frame ? 'frame-unreadable' : here ? 'nothing-here' : 'element-not-found');
    return;
  }
  await saveRoute(jobId, { tabId, frameId, createdAt: Date.now() });
  // A refused permission is not final: many image hosts allow reading without it (CORS).
  await permission;
  await dispatchJob(jobId, {
    url: located.bestUrl,
    pageUrl: info.pageUrl ?? tab.url ?? '',
    title: (located.title || tab.title || 'Portrait').slice(0, 500),
  });
}

/** "Use as motion for Sfumato": the offscreen document downloads the video; the panel is told through session storage. */
async function useVideoAsDriver(info: chrome.contextMenus.OnClickData, tab: chrome.tabs.Tab | undefined, permission: Promise<boolean>) {
  const tell = (r: Omit<DriverRequest, 'at'>) => chrome.storage.session.set({ [DRIVER_REQUEST_KEY]: { ...r, at: Date.now() } satisfies DriverRequest });
  const srcUrl = info.srcUrl ?? '';
  const pageUrl = info.pageUrl ?? tab?.url ?? '';
  // What the page plays, recorded where it plays, then stored; a failure says why.
  const recordAndStore = async (): Promise<FetchDriverResult> => {
    const recorded = tab?.id !== undefined ? await recordInPage(tab.id, info.frameId ?? 0, srcUrl) : null;
    if (!recorded?.ok || !recorded.base64) {
      const code = recorded?.tooShort ? 'driver-too-short' : 'driver-not-fetchable';
      return { ok: false, code, message: ERROR_SENTENCES[code] };
    }
    await ensureOffscreen();
    const title = `${(tab?.title || 'Video from a page').slice(0, 470)} (recorded)`;
    return fetchDriverResult(await chrome.runtime.sendMessage(msg({ to: 'offscreen', type: 'store-driver', base64: recorded.base64, mime: recorded.mime ?? 'video/webm', title, pageUrl })), 'driver');
  };
  try {
    let r: FetchDriverResult;
    if (!/^(https?|data):/i.test(srcUrl)) {
      // Streamed by the page (blob:, MediaSource): nothing to download.
      r = await recordAndStore();
    } else {
      await permission;
      await ensureOffscreen();
      const raw = await chrome.runtime.sendMessage(
        msg({
          to: 'offscreen',
          type: 'fetch-driver',
          source: { url: srcUrl, pageUrl, title: (tab?.title || 'Video').slice(0, 500) },
          hostPermission: await hasHostPermission(srcUrl),
        }),
      );
      r = fetchDriverResult(raw, 'driver');
      // A site that serves its video only to its own player (hotlink protection, a session cookie)
      // refuses the download: what the player plays is recorded instead (its refusal stays the
      // sentence when that cannot be recorded either).
      if (!r.ok && r.code === 'blocked') {
        const recorded = await recordAndStore();
        if (recorded.ok) r = recorded;
      }
    }
    await tell(r.ok && r.driverId ? { driverId: r.driverId } : { error: r.message ?? ERROR_SENTENCES['driver-unreadable'] });
  } catch (e) {
    await tell({ error: `${ERROR_SENTENCES.internal} (${e instanceof Error ? e.message : String(e)})` });
  }
}

/** Have the content script record the page video at `srcUrl` (lib/page/record.ts); null when it cannot. */
async function recordInPage(tabId: number, frameId: number, srcUrl: string): Promise<RecordResult | null> {
  try {
    await chrome.scripting.executeScript({ target: { tabId, frameIds: [frameId] }, files: [CONTENT_SCRIPT] });
    const raw = await chrome.tabs.sendMessage(tabId, msg({ to: 'content', type: 'driver-record', srcUrl: /^(https?|blob):/i.test(srcUrl) ? srcUrl : undefined }), { frameId });
    return recordResult(raw, 'record');
  } catch {
    return null;
  }
}

async function hasHostPermission(url: string): Promise<boolean> {
  if (!/^https?:/i.test(url)) return true;
  const u = new URL(url);
  return chrome.permissions.contains({ origins: [`${u.protocol}//${u.hostname}/*`] }).catch(() => false);
}

async function dispatchJob(
  jobId: string,
  source: { url: string; pageUrl: string; title: string },
  faceIndex?: number,
  motion?: MotionSettings,
) {
  try {
    // A right-click uses the person's default motion (Settings) with a fresh seed.
    motion ??= { ...(await getMotionDefaults()), seed: randomSeed() };
    await ensureOffscreen();
    const hostPermission = await hasHostPermission(source.url);
    await chrome.runtime.sendMessage(
      msg({ to: 'offscreen', type: 'animate', jobId, source, faceIndex, hostPermission, motion }),
    );
  } catch (e) {
    await routeFailure(jobId, 'internal', String(e));
  }
}

async function routeFailure(jobId: string, code: ErrorCode, message: string) {
  const route = await getRoute(jobId);
  if (route?.tabId != null) await failInTab(route.tabId, route.frameId, jobId, code, message);
  void chrome.runtime.sendMessage(msg({ to: 'panel', type: 'job-status', jobId, error: message, done: true })).catch(() => undefined);
  await dropRoute(jobId);
}

async function onJobMessage(m: Extract<Message, { to: 'background' }>): Promise<unknown> {
  if (m.type === 'reanimate') {
    const clip = await getClip(m.clipId);
    if (!clip) return;
    const jobId = newJobId();
    await saveRoute(jobId, { tabId: null, frameId: 0, createdAt: Date.now() });
    // A driving video: named by id only, looked up here (its title and kind come from the store).
    const driverId = m.driverId ?? m.motion?.driver?.id;
    if (driverId) {
      const driver = await getDriver(driverId).catch(() => undefined);
      if (!driver) {
        await routeFailure(jobId, 'driver-missing', ERROR_SENTENCES['driver-missing']);
        return jobId;
      }
      const base = m.motion ?? clip.motion;
      await dispatchJob(jobId, { url: clip.sourceUrl, pageUrl: clip.pageUrl, title: clip.title }, m.faceIndex ?? clip.faceIndex, { ...base, driver: driverRef(driver) });
      return jobId;
    }
    await dispatchJob(jobId, { url: clip.sourceUrl, pageUrl: clip.pageUrl, title: clip.title }, m.faceIndex ?? clip.faceIndex, m.motion ?? { ...clip.motion, seed: randomSeed() });
    return jobId;
  }
  if (m.type === 'open-panel') return;
  if (m.type === 'export-clip') {
    // The offscreen document makes and signs the export from the stored clip; only its id travels.
    try {
      await ensureOffscreen();
      const raw = await chrome.runtime.sendMessage(msg({ to: 'offscreen', type: 'make-export', clipId: m.clipId, format: m.format }));
      return exportResult(raw, 'export');
    } catch (e) {
      return { ok: false, code: 'export-failed', message: `${ERROR_SENTENCES['export-failed']} (${e instanceof Error ? e.message : String(e)})` };
    }
  }
  if (m.type === 'get-clip') {
    const clip = await getClip(m.clipId);
    if (!clip) return { ok: false };
    return { ok: true, mp4Base64: await base64Of(clip.mp4), renderer: clip.renderer, title: clip.title, labelCorner: clip.labelCorner, labelBox: clip.labelBox };
  }
  const route = await getRoute(m.jobId);
  const panel = (p: Message<'job-status'>) => void chrome.runtime.sendMessage(p).catch(() => undefined);
  if (m.type === 'job-progress') {
    if (route?.tabId != null)
      await toContent(route.tabId, route.frameId, msg({ to: 'content', type: 'overlay-progress', jobId: m.jobId, stage: m.stage, fraction: m.fraction }));
    panel(msg({ to: 'panel', type: 'job-status', jobId: m.jobId, stage: m.stage, fraction: m.fraction }));
  } else if (m.type === 'job-done') {
    if (route?.tabId != null) {
      const playerUrl = chrome.runtime.getURL(`/player.html?clip=${encodeURIComponent(m.clipId)}&tab=${route.tabId}`);
      await toContent(route.tabId, route.frameId, msg({ to: 'content', type: 'overlay-ready', jobId: m.jobId, playerUrl, notice: m.notice }));
    }
    await chrome.storage.session.set({ lastClipId: m.clipId });
    panel(msg({ to: 'panel', type: 'job-status', jobId: m.jobId, done: true }));
    void chrome.runtime.sendMessage(msg({ to: 'panel', type: 'clip-saved', clipId: m.clipId })).catch(() => undefined);
    await dropRoute(m.jobId);
  } else if (m.type === 'job-failed') {
    await routeFailure(m.jobId, m.code, m.message);
  }
}

export function startBackground() {
  chrome.runtime.onInstalled.addListener(registerMenus);
  chrome.runtime.onStartup.addListener(registerMenus);
  void chrome.sidePanel.setPanelBehavior({ openPanelOnActionClick: true }).catch(() => undefined);

  chrome.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId === MENU_ANIMATE && info.srcUrl) {
      const permission = requestOriginFor(info.srcUrl);
      void startAnimateFromMenu(info, tab, permission);
    }
    if (info.menuItemId === MENU_ANIMATE_FRAME) void startAnimateFromMenu(info, tab, Promise.resolve(true));
    if (info.menuItemId === MENU_ANIMATE_HERE) {
      // The image's address is not known yet: ask for the page's own site, where its images
      // usually are (a site that serves them from elsewhere may still allow reading them).
      const permission = requestOriginFor(info.frameUrl ?? info.pageUrl ?? tab?.url ?? '');
      void startAnimateFromMenu(info, tab, permission);
    }
    if (info.menuItemId === MENU_DRIVER) {
      // Both calls need the click's user gesture, so neither waits for anything first.
      const permission = info.srcUrl && /^https?:/i.test(info.srcUrl) ? requestOriginFor(info.srcUrl) : Promise.resolve(false);
      if (tab?.windowId !== undefined) void chrome.sidePanel.open({ windowId: tab.windowId }).catch(() => undefined);
      void useVideoAsDriver(info, tab, permission);
    }
    if (info.menuItemId === MENU_INSPECT && info.srcUrl) {
      // Both calls need the click's user gesture, so neither waits for anything first.
      const permission = requestOriginFor(info.srcUrl);
      if (tab?.windowId !== undefined) void chrome.sidePanel.open({ windowId: tab.windowId }).catch(() => undefined);
      void permission.then(() =>
        chrome.storage.session.set({
          [INSPECT_REQUEST_KEY]: {
            srcUrl: info.srcUrl,
            pageUrl: info.pageUrl ?? '',
            mediaType: info.mediaType ?? 'image',
            at: Date.now(),
          },
        }),
      );
    }
  });

  chrome.runtime.onMessage.addListener((raw, sender, sendResponse) => {
    // Only extension pages (offscreen, side panel, player) may talk to the background this way;
    // the content script only answers requests.
    if (sender.id !== chrome.runtime.id || sender.tab?.id !== undefined && !sender.url?.startsWith(chrome.runtime.getURL(''))) return;
    let m;
    try {
      m = parseMessage(raw, 'background');
    } catch (e) {
      console.warn('Sfumato: invalid message', e);
      return;
    }
    if (!m) return;
    onJobMessage(m).then(
      (r) => sendResponse(m.type === 'get-clip' || m.type === 'export-clip' ? r : { ok: true, jobId: r }),
      (e) => sendResponse({ ok: false, error: String(e) }),
    );
    return true;
  });
}
