// The visible "AI-generated" label burnt into every frame: at least 5% of the shorter side tall,
// in the corner farthest from the face, a dark translucent pill with light text so that it reads
// on light and dark paintings alike.
import type { Box } from '../face/types';

export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

export const LABEL_MIN_FRACTION = 0.05;

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

/** Label box: height at least 5% of the shorter side (6% to stay clear of rounding). */
export function layoutLabel(width: number, height: number, corner: Corner, textWidthPerHeight: number): LabelLayout {
  const h = Math.max(12, Math.ceil(Math.min(width, height) * 0.06));
  const w = Math.min(width, Math.ceil(h * textWidthPerHeight));
  const margin = Math.round(h * 0.35);
  const x = corner.endsWith('left') ? margin : width - w - margin;
  const y = corner.startsWith('top') ? margin : height - h - margin;
  return { corner, x, y, w, h };
}

function drawMark(ctx: OffscreenCanvasRenderingContext2D, cx: number, cy: number, r: number) {
  // Sfumato's mark: a soft disc fading into smoke, after Leonardo's blurred outlines.
  const g = ctx.createRadialGradient(cx - r * 0.3, cy - r * 0.3, r * 0.1, cx, cy, r);
  g.addColorStop(0, '#fff6df');
  g.addColorStop(0.6, '#e0b66a');
  g.addColorStop(1, 'rgba(224,182,106,0.15)');
  ctx.fillStyle = g;
  ctx.beginPath();
  ctx.arc(cx, cy, r, 0, Math.PI * 2);
  ctx.fill();
}

/** Draw the label onto a transparent layer the size of the output; returns the layer and its layout. */
export async function renderLabelLayer(
  width: number,
  height: number,
  face: Box | null,
  text = labelText(),
): Promise<{ layer: ImageBitmap; layout: LabelLayout }> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  const probeH = 100;
  ctx.font = `600 ${probeH * 0.5}px system-ui, "DejaVu Sans", sans-serif`;
  const ratio = (ctx.measureText(text).width + probeH * 1.25) / probeH;
  const layout = layoutLabel(width, height, cornerAwayFrom(face, width, height), ratio);
  const { x, y, w, h } = layout;
  ctx.fillStyle = 'rgba(18, 16, 14, 0.72)';
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.55)';
  ctx.lineWidth = Math.max(1, h * 0.04);
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, h / 2);
  ctx.fill();
  ctx.stroke();
  drawMark(ctx, x + h * 0.5, y + h / 2, h * 0.26);
  ctx.font = `600 ${h * 0.5}px system-ui, "DejaVu Sans", sans-serif`;
  ctx.fillStyle = '#ffffff';
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
