// The content script: locates the clicked image, draws the overlay over it in a shadow
// root, keeps it exactly on top of the image, and plays the finished clip in place.
import { render } from 'preact';
import { Overlay, OVERLAY_CSS, type OverlayState } from '@/components/Overlay';
import { parseMessage } from '../messages/protocol';
import { boxShape, contentBox } from './box';
import { formatView } from './fit';
import { bestSources, findImage, findImageHere, imageTitle, pictureTitle, snapshotSize, type Picture } from './locate';

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

/** A sentence at the top of the page, for a failure with no picture to show it over. */
function toast(message: string) {
  document.querySelector('sfumato-toast')?.remove();
  const { host, mount } = shadowHost('sfumato-toast', { zIndex: '2147483647', top: '16px', left: '50%', transform: 'translateX(-50%)', width: 'min(340px, 92vw)' });
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

/** Open the overlay over a found picture and describe it (locateResult) for the background. */
async function locate(jobId: string, pic: Picture, srcUrl: string | undefined) {
  // A background's natural size is its image's: load it (the browser has it cached).
  let natural: { w: number; h: number };
  if (pic.kind === 'img') natural = { w: pic.el.naturalWidth, h: pic.el.naturalHeight };
  else if (pic.kind === 'snapshot') natural = snapshotSize(pic.el);
  else {
    const probe = new Image();
    probe.src = pic.url;
    await probe.decode();
    natural = { w: probe.naturalWidth, h: probe.naturalHeight };
  }
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
        const found = m.here ? findImageHere() : m.srcUrl ? findImage(m.srcUrl) : null;
        const pic: Picture | null = found instanceof HTMLImageElement ? { kind: 'img', el: found } : found;
        if (!pic) {
          sendResponse({ ok: false });
          return;
        }
        void locate(m.jobId, pic, m.srcUrl).then(sendResponse, () => sendResponse({ ok: false }));
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
