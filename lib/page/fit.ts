// Where an <img> draws its picture inside its own box (CSS object-fit and object-position), so that
// the clip can be laid exactly where the picture is: museum collections and card grids often show a
// portrait cropped to a square (object-fit: cover) or letterboxed (contain). Pure; the content
// script reads the computed style and passes it in.

/** A rectangle as fractions of the element's content box: x, y, width, height. */
export type DrawRect = readonly [number, number, number, number];

export const FULL_BOX: DrawRect = [0, 0, 1, 1];

/** One axis of a computed object-position ("50%", "12px", "calc(...)" falls back to centred). */
function offsetAlong(value: string | undefined, free: number): number {
  const v = (value ?? '').trim();
  let m = /^(-?\d+(?:\.\d+)?)%$/.exec(v);
  if (m) return (free * Number(m[1])) / 100;
  m = /^(-?\d+(?:\.\d+)?)px$/.exec(v);
  if (m) return Number(m[1]);
  if (v === 'left' || v === 'top') return 0;
  if (v === 'right' || v === 'bottom') return free;
  return free / 2;
}

/**
 * The picture's rectangle in a content box of `boxW` x `boxH` CSS px, for a picture of natural size
 * `natW` x `natH`, as fractions of the box. `position` is the computed object-position ("x y", as
 * getComputedStyle gives it: percentages or px). Unknown values fall back to the CSS defaults (fill,
 * centred), and degenerate sizes to the whole box.
 */
export function drawRect(fit: string, position: string, boxW: number, boxH: number, natW: number, natH: number): DrawRect {
  if (!(boxW > 0 && boxH > 0 && natW > 0 && natH > 0)) return FULL_BOX;
  let s: number;
  switch (fit) {
    case 'contain':
      s = Math.min(boxW / natW, boxH / natH);
      break;
    case 'cover':
      s = Math.max(boxW / natW, boxH / natH);
      break;
    case 'none':
      s = 1;
      break;
    case 'scale-down':
      s = Math.min(1, boxW / natW, boxH / natH);
      break;
    default:
      return FULL_BOX;
  }
  const w = natW * s;
  const h = natH * s;
  const [px, py] = position.trim().split(/\s+/);
  const x = offsetAlong(px, boxW - w);
  const y = offsetAlong(py, boxH - h);
  return [x / boxW, y / boxH, w / boxW, h / boxH];
}

/** Whether `r` (fractions of the clip, x0 y0 x1 y1) lies wholly inside the box when the clip is drawn at `d`. */
export function showsWhole(d: DrawRect, r: readonly [number, number, number, number], slack = 0.002): boolean {
  const x0 = d[0] + r[0] * d[2], y0 = d[1] + r[1] * d[3];
  const x1 = d[0] + r[2] * d[2], y1 = d[1] + r[3] * d[3];
  return x0 >= -slack && y0 >= -slack && x1 <= 1 + slack && y1 <= 1 + slack;
}

/** Parse a DrawRect from untrusted text ("x,y,w,h"); null unless four finite, sane numbers. */
export function parseDrawRect(text: string | null | undefined): DrawRect | null {
  if (!text) return null;
  const v = text.split(',').map(Number);
  if (v.length !== 4 || !v.every((n) => Number.isFinite(n) && Math.abs(n) <= 100) || !(v[2]! > 0 && v[3]! > 0)) return null;
  return [v[0]!, v[1]!, v[2]!, v[3]!];
}

export const formatDrawRect = (d: DrawRect) => d.map((v) => v.toFixed(5)).join(',');

/** A computed background-size length along one axis, in px; null for auto. */
function bgLength(v: string | undefined, box: number): number | null {
  const t = (v ?? 'auto').trim();
  let m = /^(\d+(?:\.\d+)?)%$/.exec(t);
  if (m) return (box * Number(m[1])) / 100;
  m = /^(\d+(?:\.\d+)?)px$/.exec(t);
  if (m) return Number(m[1]);
  return null;
}

/**
 * Where a CSS background picture lies in its positioning box (the padding box), for the computed
 * background-size ("cover", "contain", "auto", or one or two lengths) and background-position, as
 * fractions of the box. What it cannot read is taken as the picture's natural size, centred.
 */
export function backgroundRect(size: string, position: string, boxW: number, boxH: number, natW: number, natH: number): DrawRect {
  if (!(boxW > 0 && boxH > 0 && natW > 0 && natH > 0)) return FULL_BOX;
  const s = size.trim();
  if (s === 'cover' || s === 'contain') return drawRect(s, position, boxW, boxH, natW, natH);
  const [a, b] = s.split(/\s+/);
  let w = bgLength(a, boxW);
  let h = bgLength(b, boxH);
  // auto takes the other length through the picture's own proportions, or its natural size.
  if (w === null && h === null) [w, h] = [natW, natH];
  else if (w === null) w = (h! * natW) / natH;
  else if (h === null) h = (w * natH) / natW;
  const [px, py] = position.trim().split(/\s+/);
  const x = offsetAlong(px, boxW - w);
  const y = offsetAlong(py, boxH - h!);
  return [x / boxW, y / boxH, w / boxW, h! / boxH];
}

/**
 * Where an SVG <image> draws its picture in its viewport box, for its preserveAspectRatio attribute
 * ("xMidYMid meet" by default; "none" stretches; "slice" covers), as object-fit and object-position
 * values for drawRect.
 */
export function svgImageFit(preserveAspectRatio: string | null): { fit: string; position: string } {
  const [align = 'xMidYMid', mode = 'meet'] = (preserveAspectRatio ?? '').trim().split(/\s+/).filter((t) => t !== 'defer');
  if (align === 'none') return { fit: 'fill', position: '50% 50%' };
  const m = /^x(Min|Mid|Max)Y(Min|Mid|Max)$/.exec(align);
  const at = (v: string | undefined) => (v === 'Min' ? '0%' : v === 'Max' ? '100%' : '50%');
  return { fit: mode === 'slice' ? 'cover' : 'contain', position: m ? `${at(m[1])} ${at(m[2])}` : '50% 50%' };
}

/**
 * What the in-page player needs of the page's layout: where the picture lies in the box, whether
 * the box is round (a portrait cut to a circle), and the part of the box its ancestors leave
 * visible. Sent as text (the player's address, then a message when it changes).
 */
export interface PlayerView {
  draw: DrawRect;
  round: boolean;
  visible: DrawRect;
}

export const formatView = (v: PlayerView) => `${formatDrawRect(v.draw)}|${v.round ? 'round' : 'box'}|${formatDrawRect(v.visible)}`;

/** Parse a PlayerView from untrusted text; null without a sane draw rectangle (an unreadable visible part is the whole box). */
export function parseView(text: string | null | undefined): PlayerView | null {
  const [draw, shape, visible] = (text ?? '').split('|');
  const d = parseDrawRect(draw);
  return d ? { draw: d, round: shape === 'round', visible: parseDrawRect(visible) ?? FULL_BOX } : null;
}
