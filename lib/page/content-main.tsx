// The content script: locates the clicked image, draws the overlay over it in a shadow
// root, keeps it exactly on top of the image, and plays the finished clip in place.
import { render } from 'preact';
import { Overlay, OVERLAY_CSS, type OverlayState } from '@/components/Overlay';
import { base64Of } from '../messages/base64';
import { parseMessage } from '../messages/protocol';
import { boxShape, contentBox, visiblePart } from './box';
import { findVideo, recordVideo, RECORD_MIN_S } from './record';
import { formatView, type DrawRect } from './fit';
import { bestSources, findImage, findImageHere, imageTitle, pictureTitle, snapshotSize, type Picture, type Unreadable } from './locate';

interface Session {
  jobId: string;
  /** The picture played over: an <img>, or an element's CSS background (with its image's natural size). */
  pic: Picture;
  natural: { w: number; h: number };
  host: HTMLElement;
  root: HTMLElement;
  state: OverlayState;
  nonce: string;
  raf: number;
  lastRect: string;
  /** The layout the player needs (fit.ts PlayerView, as text), as last told to it. */
  view: string;
}

const sessions = new Map<string, Session>();

function place(s: Session) {
  // The page took the picture away (a gallery moved on, a single-page site navigated): its clip
  // goes with it, rather than play on unseen. The clip itself is kept in the gallery.
  if (!s.pic.el.isConnected) {
    close(s.jobId);
    return;
  }
  const b = contentBox(s.pic, s.natural);
  const shape = boxShape(s.pic, b);
  const key = `${b.left},${b.top},${b.width},${b.height},${shape.borderRadius},${shape.clipPath}`;
  if (key !== s.lastRect) {
    s.lastRect = key;
    const { borderRadius, clipPath } = shape;
    Object.assign(s.host.style, { left: `${b.left}px`, top: `${b.top}px`, width: `${b.width}px`, height: `${b.height}px`, borderRadius, clipPath });
  }
  const view = formatView({ draw: b.draw, round: shape.round, visible: shape.visible });
  if (view !== s.view) {
    s.view = view;
    // A box that changes shape (a responsive card) moves a cropped picture within it: tell the player.
    tellPlayer(s);
  }
  s.raf = requestAnimationFrame(() => place(s));
}

/** Send the player the page's layout (s.view). */
function tellPlayer(s: Session) {
  const frame = s.root.querySelector('iframe');
  frame?.contentWindow?.postMessage({ sfumato: 'view', nonce: s.nonce, view: s.view }, new URL(chrome.runtime.getURL('/')).origin);
}

function draw(s: Session) {
  // The phase is mirrored on the host so that tests and assistive tools can follow it.
  s.host.setAttribute('data-phase', s.state.phase);
  const compact = s.pic.el.getBoundingClientRect().height < 160;
  render(<Overlay state={s.state} compact={compact} onClose={() => close(s.jobId)} />, s.root);
}

function close(jobId: string) {
  const s = sessions.get(jobId);
  if (!s) return;
  cancelAnimationFrame(s.raf);
  render(null, s.root);
  s.host.remove();
  sessions.delete(jobId);
}

/** A fixed-position element of ours on the page, its content in a shadow root with the overlay's styles. */
function shadowHost(tag: string, style: Partial<CSSStyleDeclaration>): { host: HTMLElement; mount: HTMLElement } {
  const host = document.createElement(tag);
  Object.assign(host.style, { position: 'fixed', display: 'block', margin: '0', padding: '0', ...style });
  const root = host.attachShadow({ mode: 'open' });
  const css = document.createElement('style');
  css.textContent = OVERLAY_CSS;
  root.appendChild(css);
  const mount = document.createElement('div');
  root.appendChild(mount);
  document.documentElement.appendChild(host);
  return { host, mount };
}

function open(jobId: string, pic: Picture, natural: { w: number; h: number }): Session {
  // One overlay per image: a new job on the same image replaces the old overlay.
  for (const s of sessions.values()) if (s.pic.el === pic.el) close(s.jobId);
  const { host, mount } = shadowHost('sfumato-overlay', { zIndex: '2147483646', pointerEvents: 'auto', overflow: 'hidden' });
  host.setAttribute('data-sfumato-job', jobId);
  const nonce = crypto.randomUUID();
  const s: Session = { jobId, pic, natural, host, root: mount, state: { phase: 'working', stage: 'source', fraction: 0 }, nonce, raf: 0, lastRect: '', view: '' };
  sessions.set(jobId, s);
  place(s);
  draw(s);
  return s;
}

/** A note of Sfumato's at the top of the page (one at a time: it replaces the one before). */
function topNote(width: number) {
  document.querySelector('sfumato-toast')?.remove();
  return shadowHost('sfumato-toast', { zIndex: '2147483647', top: '16px', left: '50%', transform: 'translateX(-50%)', width: `min(${width}px, 92vw)` });
}

/** A sentence at the top of the page, for a failure with no picture to show it over. */
function toast(message: string) {
  const { host, mount } = topNote(340);
  const remove = () => {
    render(null, mount);
    host.remove();
  };
  render(
    <div class="card toast" role="alert">
      <div class="brand">Sfumato</div>
      <div class="error">{message}</div>
      <button class="close" type="button" onClick={remove}>
        Close
      </button>
    </div>,
    mount,
  );
  setTimeout(remove, 12_000);
}

/**
 * Record a streamed page video's movement for the Studio (lib/page/record.ts), with a note at the
 * top of the page saying so, the seconds left, and a Stop button; answered as a recordResult.
 */
async function recordDriver(srcUrl: string | undefined) {
  const video = findVideo(srcUrl);
  if (!video) return { ok: false };
  const { host, mount } = topNote(360);
  host.setAttribute('data-recording', '');
  let recording: ReturnType<typeof recordVideo>;
  const show = (secondsLeft: number) =>
    render(
      <div class="card toast" role="status" aria-live="polite">
        <div class="brand">Sfumato</div>
        <div class="stage">Recording this video's movement for the Studio: {secondsLeft} s left.</div>
        <button class="close" type="button" onClick={() => recording.stop()}>
          Stop
        </button>
      </div>,
      mount,
    );
  try {
    recording = recordVideo(video, show);
    const { blob, seconds } = await recording.done;
    if (blob.size === 0 || seconds < RECORD_MIN_S - 0.5) return { ok: false, tooShort: true };
    return { ok: true, base64: await base64Of(blob), mime: blob.type || 'video/webm' };
  } catch {
    // The browser refuses to record a video another site did not allow to be read.
    return { ok: false };
  } finally {
    render(null, mount);
    host.remove();
  }
}

/** Pictures waiting to be taken from the screen, by job (awaitCapture). */
const pending = new Map<string, { el: HTMLElement; draw: DrawRect; done: () => void }>();

/**
 * A picture whose pixels cannot be read from the page: answer where it lies in the viewport, so
 * that the background takes it from the screen (overlay-captured follows). Only its visible part
 * can be taken: the crop is the content box cut by the viewport and by clipping ancestors. A
 * video's own controls, which show while the pointer is over it, are hidden until then.
 */
async function awaitCapture(jobId: string, pic: Unreadable) {
  const el = pic.el;
  const part = visiblePart(el);
  if (!part || part.rect.w < MIN_CAPTURE || part.rect.h < MIN_CAPTURE) return { ok: false };
  // Not Sfumato's own overlay in the shot: a clip already playing over this picture goes first.
  for (const s of sessions.values()) if (s.pic.el === el) close(s.jobId);
  const controls = el instanceof HTMLVideoElement && el.controls;
  if (controls) el.controls = false;
  let timer = 0;
  const done = () => {
    clearTimeout(timer);
    pending.delete(jobId);
    if (controls) el.controls = true;
  };
  // Should the background never come back (the tab cannot be captured), the page gets its controls again.
  timer = window.setTimeout(done, 5000);
  pending.set(jobId, { el, draw: part.draw, done });
  // Let the page paint without the controls before the shot.
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const viewport = { viewW: innerWidth, viewH: innerHeight, clientW: document.documentElement.clientWidth || innerWidth, dpr: devicePixelRatio || 1 };
  return { ok: true, capture: { ...part.rect, ...viewport } };
}

/** Smallest visible part of a picture worth taking from the screen (CSS px each way). */
const MIN_CAPTURE = 48;

/** Open the overlay over a found picture and describe it (locateResult) for the background. */
async function locate(jobId: string, pic: Picture, srcUrl: string | undefined) {
  // A background's natural size is its image's, a screen crop's its own: loaded from the URL.
  const natural =
    pic.kind === 'img' ? { w: pic.el.naturalWidth, h: pic.el.naturalHeight } : pic.kind === 'snapshot' ? snapshotSize(pic.el) : await naturalSize(pic.url);
  open(jobId, pic, natural);
  const candidates = pic.kind === 'img' ? bestSources(pic.el) : [pic.url];
  const r = pic.el.getBoundingClientRect();
  return {
    ok: true,
    bestUrl: candidates[0] ?? srcUrl,
    title: pic.kind === 'img' ? imageTitle(pic.el) : pictureTitle(pic.el),
    box: { x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height },
    naturalWidth: natural.w,
    naturalHeight: natural.h,
    candidates: candidates.slice(0, 10),
  };
}

/** An image's natural size, loaded from `url` (the browser has a page's image cached). */
async function naturalSize(url: string) {
  const probe = new Image();
  probe.src = url;
  await probe.decode();
  return { w: probe.naturalWidth, h: probe.naturalHeight };
}

function update(jobId: string, state: OverlayState) {
  const s = sessions.get(jobId);
  if (!s) return;
  s.state = state;
  draw(s);
}

export function startContent() {
  const w = window as unknown as { __sfumatoContent?: boolean };
  if (w.__sfumatoContent) return;
  w.__sfumatoContent = true;

  // The player iframe asks to close with the nonce it was given; anything else is ignored.
  window.addEventListener('message', (e) => {
    const data = e.data as { sfumato?: unknown; nonce?: unknown } | null;
    if (!data || typeof data.nonce !== 'string') return;
    for (const s of sessions.values()) {
      if (s.nonce !== data.nonce) continue;
      if (data.sfumato === 'close') close(s.jobId);
      // The player listens now: the layout may have changed since its address was made.
      else if (data.sfumato === 'listening') tellPlayer(s);
    }
  });

  chrome.runtime.onMessage.addListener((raw, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id) return;
    let m;
    try {
      m = parseMessage(raw, 'content');
    } catch {
      return;
    }
    if (!m) return;
    switch (m.type) {
      case 'overlay-locate': {
        const pic = m.here ? findImageHere() : m.srcUrl ? findImage(m.srcUrl) : null;
        if (!pic) {
          sendResponse({ ok: false });
          return;
        }
        // A video's frame comes alive over the video: the film stops there (its sound too) rather
        // than play on unseen under the clip.
        if (pic.el instanceof HTMLVideoElement && !pic.el.paused) pic.el.pause();
        const located = pic.kind === 'unreadable' ? awaitCapture(m.jobId, pic) : locate(m.jobId, pic, m.srcUrl);
        void located.then(sendResponse, () => sendResponse({ ok: false }));
        return true;
      }
      case 'driver-record':
        void recordDriver(m.srcUrl).then(sendResponse, () => sendResponse({ ok: false }));
        return true;
      case 'overlay-captured': {
        const p = pending.get(m.jobId);
        if (!p) {
          sendResponse({ ok: false });
          return;
        }
        p.done();
        void locate(m.jobId, { kind: 'screen', el: p.el, url: m.url, draw: p.draw }, undefined).then(sendResponse, () => sendResponse({ ok: false }));
        return true;
      }
      case 'overlay-progress':
        update(m.jobId, { phase: 'working', stage: m.stage, fraction: m.fraction });
        return;
      case 'overlay-error':
        // No picture to lay the sentence over (none was found where the person right-clicked): a note at the top.
        if (sessions.has(m.jobId)) update(m.jobId, { phase: 'error', message: m.message });
        else toast(m.message);
        return;
      case 'overlay-ready': {
        const s = sessions.get(m.jobId);
        if (!s) return;
        update(m.jobId, { phase: 'ready', playerUrl: `${m.playerUrl}&nonce=${encodeURIComponent(s.nonce)}&view=${encodeURIComponent(s.view)}`, notice: m.notice });
        return;
      }
    }
  });
}
