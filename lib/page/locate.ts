// Finds the right-clicked image in the page from the URL Chrome reports, and gathers what the
// element offers (currentSrc, srcset, <picture> sources). Runs in the content script's isolated
// world: page values are read, never trusted to be well-formed.
import { parseSrcset, rankSources, type ImageElementInfo } from '../source/choose';
import type { DrawRect } from './fit';
import { deepestFocused, deepestHovered, elementsFromPointDeep, layoutParent, queryAllDeep } from './shadow';

function matchesUrl(img: HTMLImageElement, srcUrl: string): boolean {
  if (img.currentSrc === srcUrl || img.src === srcUrl) return true;
  const srcsets = [img.srcset, ...pictureSources(img).map((s) => s.srcset)];
  return srcsets.some((s) => s && parseSrcset(s, document.baseURI).some((c) => c.url === srcUrl));
}

function pictureSources(img: HTMLImageElement): { srcset: string; type: string; matches?: boolean }[] {
  const pic = img.parentElement;
  if (!pic || pic.tagName !== 'PICTURE') return [];
  return [...pic.querySelectorAll('source')].map((s) => {
    const media = s.media.trim();
    // A media query the page wrote may be malformed: matchMedia then reports "not all", no match.
    return { srcset: s.srcset || '', type: s.type || '', ...(media ? { matches: matchMedia(media).matches } : {}) };
  });
}

function visibleArea(el: Element): number {
  const r = el.getBoundingClientRect();
  const w = Math.max(0, Math.min(r.right, innerWidth) - Math.max(r.left, 0));
  const h = Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0));
  return w * h;
}

/**
 * The picture the person right-clicked: the most visible image showing `srcUrl`, or, where that
 * image is one tile of a deep-zoom viewer, the viewer (taken from the screen: see tileViewer).
 */
export function findImage(srcUrl: string): Picture | Unreadable | null {
  // The page's own images first; the walk through every shadow root only when none shows it.
  const showing = (deep: boolean) => {
    const all = (selector: string) => (deep ? queryAllDeep(selector) : [...document.querySelectorAll(selector)]);
    const found: Array<HTMLImageElement | SVGImageElement> = all('img').filter((el): el is HTMLImageElement => el instanceof HTMLImageElement && matchesUrl(el, srcUrl));
    // An SVG <image> (a picture inside a drawing, a slide) showing that URL.
    found.push(...all('image').filter((el): el is SVGImageElement => el instanceof SVGImageElement && svgImageUrl(el) === srcUrl));
    return found;
  };
  let imgs = showing(false);
  if (imgs.length === 0) imgs = showing(true);
  imgs.sort((a, b) => visibleArea(b) - visibleArea(a));
  const best = imgs[0];
  return !best ? null : best instanceof SVGImageElement ? svgPicture(best) : imagePicture(best);
}

/** The absolute address an SVG <image> shows (href, or the older xlink:href), or null. */
function svgImageUrl(el: SVGImageElement): string | null {
  const raw = el.href.baseVal || el.getAttribute('xlink:href') || '';
  if (!raw) return null;
  try {
    return new URL(raw, document.baseURI).href;
  } catch {
    return null;
  }
}

function svgPicture(el: SVGImageElement): Picture | null {
  const url = svgImageUrl(el);
  return url && /^(https?:|data:image\/|blob:)/i.test(url) ? { kind: 'svg-image', el, url } : null;
}

/** An image as a picture: itself, or the viewer it is a tile of. */
function imagePicture(img: HTMLImageElement): Picture | Unreadable {
  const viewer = tileViewer(img);
  return viewer ? { kind: 'unreadable', el: viewer } : { kind: 'img', el: img };
}

/**
 * The deep-zoom viewer an image is one tile of, or null. Such viewers lay a large picture out as a
 * grid of positioned images that abut one another, so that an image under the pointer is a piece of
 * a face. A tile is positioned (absolute or fixed) and meets another positioned image edge to edge,
 * side by side and above or below; a gallery's thumbnails stand apart or flow in the page. The
 * viewer is the tiles' nearest clipping ancestor (its viewport), else their parent.
 */
function tileViewer(img: HTMLImageElement): HTMLElement | null {
  const pos = getComputedStyle(img).position;
  const parent = layoutParent(img);
  if ((pos !== 'absolute' && pos !== 'fixed') || !(parent instanceof HTMLElement)) return null;
  const r = img.getBoundingClientRect();
  if (r.width < 8 || r.height < 8) return null;
  // The tiles share a container, or sit one level down each (a wrapper a tile).
  const grand = layoutParent(parent);
  const scope = [...parent.querySelectorAll('img')].length > 1 || !(grand instanceof HTMLElement) ? parent : grand;
  const near = (a: number, b: number) => Math.abs(a - b) <= 1.5;
  const overlap = (a0: number, a1: number, b0: number, b1: number) => Math.min(a1, b1) - Math.max(a0, b0);
  let side = false;
  let stacked = false;
  for (const other of scope.querySelectorAll('img')) {
    if (other === img) continue;
    const q = other.getBoundingClientRect();
    if ((near(q.left, r.right) || near(q.right, r.left)) && overlap(q.top, q.bottom, r.top, r.bottom) > 0.5 * Math.min(q.height, r.height)) side = true;
    if ((near(q.top, r.bottom) || near(q.bottom, r.top)) && overlap(q.left, q.right, r.left, r.right) > 0.5 * Math.min(q.width, r.width)) stacked = true;
    if (side && stacked) break;
  }
  if (!side || !stacked) return null;
  for (let el: Element | null = scope, depth = 0; el && el !== document.body && el !== document.documentElement && depth < 6; el = layoutParent(el), depth++) {
    const cs = getComputedStyle(el);
    if (el instanceof HTMLElement && (cs.overflowX !== 'visible' || cs.overflowY !== 'visible')) return el;
  }
  return scope;
}

/** Smallest picture worth animating here (CSS px each way): icons and spacers are not portraits. */
const MIN_SIDE = 48;

/**
 * The picture under the pointer when there is no image URL to go by ("Animate the portrait here":
 * the right-click landed on something else, often a transparent layer a site lays over its images).
 * The pointer is where the right-click was: the menu holds the mouse, so the page's hover state is
 * still the clicked element's when this runs. The image is the clicked element itself, or the
 * topmost sizeable image or canvas under the middle of the clicked element that covers at least half of it
 * (a layer over an image, a card's link over its picture; not the page's background, whose middle
 * may hold any picture).
 */
export function findImageHere(): Picture | Unreadable | null {
  // A menu opened from the keyboard (the context-menu key, Shift+F10) is for the focused element,
  // wherever the mouse rests: where nothing is under the pointer, the focus says where.
  const hovered = deepestHovered();
  const found = hovered ? pictureAt(hovered) : null;
  if (found) return found;
  const focused = deepestFocused();
  return focused && focused !== hovered ? pictureAt(focused) : null;
}

/** The picture at `target` (an element the person pointed at or focused), or null. */
function pictureAt(target: Element): Picture | Unreadable | null {
  const el = imageUnder(target);
  if (el instanceof HTMLImageElement) return imagePicture(el);
  if (el instanceof SVGImageElement) return svgPicture(el);
  if (!el) return backgroundUnder(target);
  const url = snapshot(el);
  return url ? { kind: 'snapshot', el, url } : { kind: 'unreadable', el };
}

/**
 * What a canvas shows (a deep-zoom viewer's view of an artwork) or a video's current frame, as a
 * JPEG data URL; null when its pixels cannot be read: they came from another site without CORS
 * (the browser then forbids reading them), or a WebGL canvas has already handed its picture to the
 * screen and reads back empty.
 */
function snapshot(el: HTMLCanvasElement | HTMLVideoElement): string | null {
  try {
    let c: HTMLCanvasElement = el as HTMLCanvasElement;
    if (el instanceof HTMLVideoElement) {
      c = document.createElement('canvas');
      c.width = el.videoWidth;
      c.height = el.videoHeight;
      c.getContext('2d')!.drawImage(el, 0, 0);
    } else if (looksEmpty(el)) return null;
    for (const q of [0.95, 0.85, 0.7]) {
      const url = c.toDataURL('image/jpeg', q);
      if (url.length < 3_900_000) return url;
    }
  } catch {
    /* tainted */
  }
  return null;
}

/** Whether a canvas reads back fully transparent (sampled at 32 x 32): nothing that can be read is drawn in it. */
function looksEmpty(c: HTMLCanvasElement): boolean {
  const probe = document.createElement('canvas');
  probe.width = probe.height = 32;
  const g = probe.getContext('2d', { willReadFrequently: true })!;
  g.drawImage(c, 0, 0, 32, 32);
  const a = g.getImageData(0, 0, 32, 32).data;
  for (let i = 3; i < a.length; i += 4) if (a[i] !== 0) return false;
  return true;
}

/** A snapshot's natural size: the canvas's bitmap, the video's frame. */
export const snapshotSize = (el: HTMLCanvasElement | HTMLVideoElement) =>
  el instanceof HTMLVideoElement ? { w: el.videoWidth, h: el.videoHeight } : { w: el.width, h: el.height };

/**
 * A picture on the page: an <img>, a canvas or video (with a snapshot of what it shows, read from
 * the page or, where the page forbids that, taken from the screen), or an element painting one as
 * its CSS background.
 */
export type Picture =
  | { kind: 'img'; el: HTMLImageElement }
  | { kind: 'snapshot'; el: HTMLCanvasElement | HTMLVideoElement; url: string }
  /** Taken from the screen: `draw` is where the crop lies in the element's content box (fractions), as it was when taken. */
  | { kind: 'screen'; el: HTMLElement; url: string; draw: DrawRect }
  /** An SVG <image>: drawn in its box as its preserveAspectRatio says (fit.ts svgImageFit). */
  | { kind: 'svg-image'; el: SVGImageElement; url: string }
  /** `layer`: which of the element's background layers (comma-separated in CSS) holds it. */
  | { kind: 'background'; el: HTMLElement; url: string; layer: number };

/**
 * A picture whose pixels cannot be read from the page: a canvas or video the page does not let us
 * read (snapshot), or a deep-zoom viewer's grid of tiles (tileViewer). It is taken from the screen.
 */
export interface Unreadable {
  kind: 'unreadable';
  el: HTMLElement;
}

type Drawn = HTMLImageElement | HTMLCanvasElement | HTMLVideoElement | SVGImageElement;

function imageUnder(target: Element): Drawn | null {
  const sizeable = (el: Element): el is Drawn => {
    const drawn =
      el instanceof HTMLImageElement
        ? el.complete && el.naturalWidth > 0
        : el instanceof SVGImageElement
        ? svgImageUrl(el) !== null
        : el instanceof HTMLVideoElement
          ? el.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && el.videoWidth > 0
          : el instanceof HTMLCanvasElement && el.width > 0 && el.height > 0;
    if (!drawn) return false;
    const r = el.getBoundingClientRect();
    return r.width >= MIN_SIDE && r.height >= MIN_SIDE && visibleArea(el) > 0;
  };
  if (sizeable(target)) return target;
  const r = target.getBoundingClientRect();
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
  const covers = (img: Element) => {
    const q = img.getBoundingClientRect();
    const w = Math.min(q.right, r.right) - Math.max(q.left, r.left);
    const h = Math.min(q.bottom, r.bottom) - Math.max(q.top, r.top);
    return w > 0 && h > 0 && w * h >= 0.5 * r.width * r.height;
  };
  return elementsFromPointDeep(x, y).find((el): el is Drawn => sizeable(el) && covers(el)) ?? null;
}

/**
 * The clicked element's CSS background picture, or its nearest ancestor's (a hero banner, a card
 * whose portrait is a background): the first url() layer of a sizeable element, below <body>.
 * Gradients are not pictures.
 */
function backgroundUnder(target: Element): Picture | null {
  for (let el: Element | null = target, depth = 0; el && el !== document.body && el !== document.documentElement && depth < 8; el = layoutParent(el), depth++) {
    if (!(el instanceof HTMLElement)) continue;
    const layers = splitLayers(getComputedStyle(el).backgroundImage);
    const layer = layers.findIndex((l) => /^url\(/i.test(l));
    if (layer < 0) continue;
    const r = el.getBoundingClientRect();
    if (r.width < MIN_SIDE || r.height < MIN_SIDE || visibleArea(el) === 0) continue;
    const m = /^url\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)]*?))\s*\)$/i.exec(layers[layer]!);
    const raw = (m?.[1] ?? m?.[2] ?? m?.[3] ?? '').replace(/\\(.)/g, '$1');
    let url: string;
    try {
      url = new URL(raw, document.baseURI).href;
    } catch {
      continue;
    }
    if (!/^(https?:|data:image\/|blob:)/i.test(url)) continue;
    return { kind: 'background', el, url, layer };
  }
  return null;
}

/** A computed multi-layer CSS value split at its top-level commas (not those inside url() or functions). */
export function splitLayers(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter((s) => s !== '');
}

export function describeImage(img: HTMLImageElement): ImageElementInfo {
  return {
    currentSrc: img.currentSrc,
    src: img.src,
    srcset: img.srcset || '',
    pictureSources: pictureSources(img),
    displayWidth: img.getBoundingClientRect().width,
    naturalWidth: img.naturalWidth,
    baseUrl: document.baseURI,
  };
}

/** A human title for the artwork: alt text, title attribute, a figure caption, else the page title. */
export function imageTitle(img: HTMLImageElement): string {
  return pictureTitle(img, img.alt);
}

/** The same for any element showing a picture (a CSS background, an SVG image): its label, title, caption, the page's title. */
export function pictureTitle(el: Element, alt = ''): string {
  const caption = el.closest('figure')?.querySelector('figcaption')?.textContent;
  const own = el.getAttribute('aria-label') || el.getAttribute('title') || (el instanceof SVGElement ? el.querySelector('title')?.textContent : '');
  const t = (alt || own || caption || document.title || 'Portrait').replace(/\s+/g, ' ').trim();
  return t.slice(0, 200);
}

export function bestSources(img: HTMLImageElement): string[] {
  return rankSources(describeImage(img)).filter((u) => /^(https?:|data:image\/|blob:)/i.test(u));
}
