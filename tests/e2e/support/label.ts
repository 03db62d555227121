// Finds Sfumato's visible label in a decoded RGB frame, from the layout rules alone (corner, size,
// style), independently of how the extension drew it.
import type { Corner, LabelSize, LabelStyle } from '@/lib/watermark/label';
import { LABEL_SIZES } from '@/lib/watermark/label';

export interface LabelProbe {
  /** Mean luminance (0-255) in the label's left part, where the pill, the mark and the first letters are. */
  mean: number;
  /** Share of pixels that contrast strongly with the pill: the text and the mark. */
  inkShare: number;
}

const lum = (f: Uint8Array, i: number) => 0.2126 * f[i]! + 0.7152 * f[i + 1]! + 0.0722 * f[i + 2]!;

/** Looks inside where the label must be: height = ceil(fraction × shorter side), margin 0.35 h. */
export function probeLabel(frame: Uint8Array, width: number, height: number, corner: Corner, size: LabelSize, style: LabelStyle): LabelProbe {
  const h = Math.max(12, Math.ceil(Math.min(width, height) * LABEL_SIZES[size]));
  const margin = Math.round(h * 0.35);
  // The pill is at least 4 h wide for any translation; probe its left 2.5 h, away from the rounded ends.
  const w = Math.round(h * 2.5);
  const x0 = corner.endsWith('left') ? margin + Math.round(h * 0.3) : width - margin - Math.round(h * 4) + Math.round(h * 0.3);
  const y0 = corner.startsWith('top') ? margin : height - h - margin;
  let sum = 0;
  let ink = 0;
  let n = 0;
  for (let y = y0 + Math.round(h * 0.2); y < y0 + Math.round(h * 0.8); y++) {
    for (let x = x0; x < x0 + w; x++) {
      const v = lum(frame, (y * width + x) * 3);
      sum += v;
      if (style === 'dark' ? v > 170 : v < 110) ink++;
      n++;
    }
  }
  return { mean: sum / n, inkShare: ink / n };
}

/** True when the probe looks like the label of that style: a pill of the right tone with text on it. */
export function looksLikeLabel(p: LabelProbe, style: LabelStyle): boolean {
  const toneOk = style === 'dark' ? p.mean < 130 : p.mean > 150;
  return toneOk && p.inkShare > 0.04 && p.inkShare < 0.6;
}
