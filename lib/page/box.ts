// How the page lays out the image Sfumato plays over: its content box in the viewport, where in
// that box the picture lies, its rounded corners and what clipping ancestors cut off. Read from the
// live DOM and computed styles (the content script calls these every animation frame).
import { backgroundRect, drawRect, FULL_BOX, svgImageFit, type DrawRect } from './fit';
import { splitLayers, type Picture } from './locate';
import { layoutParent } from './shadow';

/** A computed CSS length in px (0 where it is not one). */
const px = (v: string) => Number.parseFloat(v) || 0;

/**
 * The box the picture is laid out in, in the viewport, and where in that box it lies: an image's or
 * canvas's content box (inside border and padding) with its object-fit and object-position; a CSS
 * background's padding box (its positioning area) with its background-size and -position.
 */
export function contentBox(pic: Picture, natural: { w: number; h: number }) {
  const el = pic.el;
  const r = el.getBoundingClientRect();
  const cs = getComputedStyle(el);
  const pad = pic.kind === 'background' ? 0 : 1;
  const left = r.left + px(cs.borderLeftWidth) + pad * px(cs.paddingLeft);
  const top = r.top + px(cs.borderTopWidth) + pad * px(cs.paddingTop);
  const width = Math.max(0, r.right - px(cs.borderRightWidth) - pad * px(cs.paddingRight) - left);
  const height = Math.max(0, r.bottom - px(cs.borderBottomWidth) - pad * px(cs.paddingBottom) - top);
  const svgFit = pic.kind === 'svg-image' ? svgImageFit(el.getAttribute('preserveAspectRatio')) : null;
  const draw =
    pic.kind === 'screen'
      ? pic.draw
      : svgFit
      ? drawRect(svgFit.fit, svgFit.position, width, height, natural.w, natural.h)
      : pic.kind !== 'background'
      ? drawRect(cs.objectFit, cs.objectPosition, width, height, natural.w, natural.h)
      : backgroundRect(splitLayers(cs.backgroundSize)[pic.layer] ?? 'auto', splitLayers(cs.backgroundPosition)[pic.layer] ?? '0% 0%', width, height, natural.w, natural.h);
  return { left, top, width, height, draw };
}

/**
 * How the page shapes the image's box: its rounded corners (a round portrait stays round; px radii
 * shrink by the border and padding, as the content box's own curve does) and what its scrolling or
 * clipping ancestors cut off (a card with overflow: hidden), as CSS for the overlay's host.
 */
export function boxShape(pic: Picture, box: { left: number; top: number; width: number; height: number }): { borderRadius: string; clipPath: string; round: boolean; visible: DrawRect } {
  const img = pic.el;
  const cs = getComputedStyle(img);
  // The box lies inside the border and, but for a background's, the padding too (contentBox).
  const pad = pic.kind === 'background' ? 0 : 1;
  const insetX = Math.min(px(cs.borderLeftWidth) + pad * px(cs.paddingLeft), px(cs.borderRightWidth) + pad * px(cs.paddingRight));
  const insetY = Math.min(px(cs.borderTopWidth) + pad * px(cs.paddingTop), px(cs.borderBottomWidth) + pad * px(cs.paddingBottom));
  const corner = (v: string) => {
    const [h = '0px', w = h] = v.split(/\s+/);
    const one = (t: string, inset: number) => (t.endsWith('%') ? t : `${Math.max(0, px(t) - inset)}px`);
    return `${one(h, insetX)} ${one(w, insetY)}`;
  };
  const radii = [cs.borderTopLeftRadius, cs.borderTopRightRadius, cs.borderBottomRightRadius, cs.borderBottomLeftRadius].map(corner);
  // Rounded enough to cut a corner label away (a tenth of the shorter side).
  const side = Math.min(box.width, box.height);
  const resolve = (t: string, along: number) => (t.endsWith('%') ? (along * px(t)) / 100 : px(t));
  const round = radii.some((r) => {
    const [h, w] = r.split(' ') as [string, string];
    return Math.min(resolve(h, box.width), resolve(w, box.height)) >= 0.1 * side;
  });
  const borderRadius = `${radii.map((r) => r.split(' ')[0]).join(' ')} / ${radii.map((r) => r.split(' ')[1]).join(' ')}`;
  let x0 = box.left, y0 = box.top, x1 = box.left + box.width, y1 = box.top + box.height;
  for (let el = layoutParent(img); el && el !== document.documentElement && el !== document.body; el = layoutParent(el)) {
    const a = getComputedStyle(el);
    if (a.position === 'fixed') break;
    if (a.overflowX === 'visible' && a.overflowY === 'visible') continue;
    const r = el.getBoundingClientRect();
    if (a.overflowX !== 'visible') [x0, x1] = [Math.max(x0, r.left + px(a.borderLeftWidth)), Math.min(x1, r.right - px(a.borderRightWidth))];
    if (a.overflowY !== 'visible') [y0, y1] = [Math.max(y0, r.top + px(a.borderTopWidth)), Math.min(y1, r.bottom - px(a.borderBottomWidth))];
  }
  const t = y0 - box.top, l = x0 - box.left, bt = box.top + box.height - y1, rt = box.left + box.width - x1;
  const clipPath = t > 0.5 || l > 0.5 || bt > 0.5 || rt > 0.5 ? `inset(${Math.max(0, t)}px ${Math.max(0, rt)}px ${Math.max(0, bt)}px ${Math.max(0, l)}px)` : 'none';
  // What the ancestors leave visible, as fractions of the box (the player keeps its buttons and a
  // repeated label in there).
  const W = Math.max(1, box.width), H = Math.max(1, box.height);
  const vx = Math.min(1, Math.max(0, l / W)), vy = Math.min(1, Math.max(0, t / H));
  const visible: DrawRect = [vx, vy, Math.max(0.01, Math.min(1, 1 - Math.max(0, rt) / W) - vx), Math.max(0.01, Math.min(1, 1 - Math.max(0, bt) / H) - vy)];
  return { borderRadius, clipPath, round, visible };
}

/**
 * The part of an element's content box that shows on screen, cut by the viewport and by clipping
 * ancestors: where it lies in the viewport (CSS px) and in the content box (fractions); null when
 * none of it shows. What can be taken of it from the screen.
 */
export function visiblePart(el: HTMLElement): { rect: { x: number; y: number; w: number; h: number }; draw: DrawRect } | null {
  const whole: Picture = { kind: 'screen', el, url: '', draw: FULL_BOX };
  const b = contentBox(whole, { w: 1, h: 1 });
  if (!(b.width > 0 && b.height > 0)) return null;
  const [vx, vy, vw, vh] = boxShape(whole, b).visible;
  const x0 = Math.max(0, b.left + vx * b.width), y0 = Math.max(0, b.top + vy * b.height);
  const x1 = Math.min(innerWidth, b.left + (vx + vw) * b.width), y1 = Math.min(innerHeight, b.top + (vy + vh) * b.height);
  if (!(x1 > x0 && y1 > y0)) return null;
  return { rect: { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }, draw: [(x0 - b.left) / b.width, (y0 - b.top) / b.height, (x1 - x0) / b.width, (y1 - y0) / b.height] };
}
