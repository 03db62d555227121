// The visible "AI-generated" label burnt into every frame: at least 5% of the shorter side tall,
// by default in the corner farthest from the face, a dark translucent pill with light text so that
// it reads on light and dark paintings alike. The person may move it, restyle it or enlarge it in
// Settings; nothing can make it smaller than 5% or turn it off.
import type { Box } from '../face/types';

export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
export const CORNERS: readonly Corner[] = ['top-left', 'top-right', 'bottom-left', 'bottom-right'];

export const LABEL_MIN_FRACTION = 0.05;

/** Where the label goes: 'auto' is the corner farthest from the face. */
export type LabelPlacement = 'auto' | Corner;
export const LABEL_PLACEMENTS: readonly LabelPlacement[] = ['auto', ...CORNERS];
/** 'dark': dark pill, white text (default). 'light': light pill, dark text. */
export type LabelStyle = 'dark' | 'light';
export const LABEL_STYLES: readonly LabelStyle[] = ['dark', 'light'];
/** Label height as a share of the shorter side: both are above the 5% floor. */
export const LABEL_SIZES = { standard: 0.06, large: 0.09 } as const;
export type LabelSize = keyof typeof LABEL_SIZES;

export interface LabelOptions {
  placement: LabelPlacement;
  style: LabelStyle;
  size: LabelSize;
}
export const DEFAULT_LABEL_OPTIONS: LabelOptions = { placement: 'auto', style: 'dark', size: 'standard' };

/** Accept stored or received options only when every field is one we know; else the defaults. */
export function sanitizeLabelOptions(raw: unknown): LabelOptions {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof LabelOptions, unknown>>;
  const pick = <T,>(v: unknown, allowed: readonly T[], d: T): T => (allowed.includes(v as T) ? (v as T) : d);
  return {
    placement: pick(o.placement, LABEL_PLACEMENTS, DEFAULT_LABEL_OPTIONS.placement),
    style: pick(o.style, LABEL_STYLES, DEFAULT_LABEL_OPTIONS.style),
    size: pick(o.size, Object.keys(LABEL_SIZES) as LabelSize[], DEFAULT_LABEL_OPTIONS.size),
  };
}

export interface LabelLayout {
  corner: Corner;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The corner whose centre is farthest from the face centre (in output pixels). */
export function cornerAwayFrom(face: Box | null, width: number, height: number): Corner {
  if (!face) return 'bottom-right';
  const cx = face.x + face.w / 2;
  const cy = face.y + face.h / 2;
  const corners: [Corner, number, number][] = [
    ['bottom-right', width, height],
    ['bottom-left', 0, height],
    ['top-right', width, 0],
    ['top-left', 0, 0],
  ];
  let best = corners[0]!;
  for (const c of corners) if (Math.hypot(c[1] - cx, c[2] - cy) > Math.hypot(best[1] - cx, best[2] - cy) + 1) best = c;
  return best[0];
}

/** Label box: height at least 5% of the shorter side (6% by default, to stay clear of rounding). */
export function layoutLabel(width: number, height: number, corner: Corner, textWidthPerHeight: number, fraction: number = LABEL_SIZES.standard): LabelLayout {
  const h = Math.max(12, Math.ceil(Math.min(width, height) * Math.max(LABEL_MIN_FRACTION + 0.01, fraction)));
  const w = Math.min(width, Math.ceil(h * textWidthPerHeight));
  const margin = Math.round(h * 0.35);
  const x = corner.endsWith('left') ? margin : width - w - margin;
  const y = corner.startsWith('top') ? margin : height - h - margin;
  return { corner, x, y, w, h };
}

function drawMark(ctx: OffscreenCanvasRenderingContext2D, cx: number, cy: number, r: number, ring?: string) {
  // Sfumato's mark: a soft disc fading into smoke, after Leonardo's blurred outlines.
  const g = ctx.createRadialGradient(cx - r * 0.3, cy - r * 0.3, r * 0.1, cx, cy, r);
  g.addColorStop(0, '#fff6df');
  g.addColorStop(0.6, '#e0b66a');
  g.addColorStop(1, 'rgba(224,182,106,0.15)');
  ctx.fillStyle = g;
  ctx.beginPath();
  ctx.arc(cx, cy, r, 0, Math.PI * 2);
  ctx.fill();
  if (ring) {
    // On the light pill the golden disc needs an edge to read.
    ctx.strokeStyle = ring;
    ctx.lineWidth = Math.max(1, r * 0.14);
    ctx.stroke();
  }
}

/** Draw the label onto a transparent layer the size of the output; returns the layer and its layout. */
export async function renderLabelLayer(
  width: number,
  height: number,
  face: Box | null,
  options: LabelOptions = DEFAULT_LABEL_OPTIONS,
  text = labelText(),
): Promise<{ layer: ImageBitmap; layout: LabelLayout }> {
  const opts = sanitizeLabelOptions(options);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  const probeH = 100;
  ctx.font = `600 ${probeH * 0.5}px system-ui, "DejaVu Sans", sans-serif`;
  const ratio = (ctx.measureText(text).width + probeH * 1.25) / probeH;
  const corner = opts.placement === 'auto' ? cornerAwayFrom(face, width, height) : opts.placement;
  const layout = layoutLabel(width, height, corner, ratio, LABEL_SIZES[opts.size]);
  const { x, y, w, h } = layout;
  const light = opts.style === 'light';
  ctx.fillStyle = light ? 'rgba(250, 247, 240, 0.86)' : 'rgba(18, 16, 14, 0.72)';
  ctx.strokeStyle = light ? 'rgba(20, 18, 16, 0.6)' : 'rgba(255, 255, 255, 0.55)';
  ctx.lineWidth = Math.max(1, h * 0.04);
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, h / 2);
  ctx.fill();
  ctx.stroke();
  drawMark(ctx, x + h * 0.5, y + h / 2, h * 0.26, light ? 'rgba(120, 84, 30, 0.8)' : undefined);
  ctx.font = `600 ${h * 0.5}px system-ui, "DejaVu Sans", sans-serif`;
  ctx.fillStyle = light ? '#15120f' : '#ffffff';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, x + h * 0.85, y + h / 2 + h * 0.02);
  return { layer: await createImageBitmap(canvas), layout };
}

/** "AI-generated" in the UI language where a translation exists. */
export function labelText(lang = typeof navigator !== 'undefined' ? navigator.language : 'en'): string {
  const table: Record<string, string> = {
    en: 'AI-generated',
    fr: 'Généré par IA',
    de: 'KI-generiert',
    es: 'Generado por IA',
    it: 'Generato con IA',
    nl: 'AI-gegenereerd',
    pt: 'Gerado por IA',
    zh: 'AI生成',
    ja: 'AI生成',
  };
  return table[lang.slice(0, 2).toLowerCase()] ?? table.en!;
}
