// Picks the best-quality URL for a clicked image from what the element offers. Pure: the content
// script gathers the raw attributes, this decides.

export interface SrcsetCandidate {
  url: string;
  /** Width descriptor (w) in pixels, or null. */
  width: number | null;
  /** Pixel density descriptor (x), 1 when none is given. */
  density: number;
}

/** Parse a srcset attribute per the HTML spec's candidate grammar (commas inside URLs are kept). */
export function parseSrcset(srcset: string, baseUrl?: string): SrcsetCandidate[] {
  const out: SrcsetCandidate[] = [];
  let i = 0;
  const s = srcset;
  while (i < s.length) {
    while (i < s.length && (s[i] === ',' || /\s/.test(s[i]!))) i++;
    if (i >= s.length) break;
    let j = i;
    while (j < s.length && !/\s/.test(s[j]!)) j++;
    let rawUrl = s.slice(i, j);
    let descriptor = '';
    if (rawUrl.endsWith(',')) {
      rawUrl = rawUrl.replace(/,+$/, '');
    } else {
      let k = j;
      while (k < s.length && s[k] !== ',') k++;
      descriptor = s.slice(j, k).trim();
      j = k;
    }
    i = j + 1;
    let width: number | null = null;
    let density = 1;
    const w = /^(\d+)w$/i.exec(descriptor);
    const x = /^(\d*\.?\d+)x$/i.exec(descriptor);
    if (w) width = Number(w[1]);
    else if (x) density = Number(x[1]);
    else if (descriptor !== '' && !/^\d+h$/i.test(descriptor)) continue; // malformed: skip, as browsers do
    out.push({ url: resolve(rawUrl, baseUrl), width, density });
  }
  return out;
}

function resolve(u: string, base?: string): string {
  try {
    return base ? new URL(u, base).href : u;
  } catch {
    return u;
  }
}

export interface ImageElementInfo {
  currentSrc: string;
  src: string;
  srcset: string;
  /**
   * srcset of every <source> of an enclosing <picture>, in document order, with their type and
   * whether their media query matches now (absent: no media query).
   */
  pictureSources: { srcset: string; type: string; matches?: boolean }[];
  /** Displayed width in CSS pixels, to turn x descriptors into comparable widths. */
  displayWidth: number;
  naturalWidth: number;
  baseUrl: string;
}

const DECODABLE = /^(image\/(jpeg|png|webp|gif|avif|bmp)|)$/i;

/**
 * Candidate URLs, best first. The largest candidate wins (widths compared after turning density
 * descriptors into widths); the browser's currentSrc breaks ties and is always a fallback.
 * Candidates come from the source the browser shows, as it picks one: the first <picture> source
 * whose media query matches and whose format can be decoded, else the image's own srcset. The other
 * sources may be other crops of the artwork (art direction: a square detail for narrow screens),
 * which would not lie where the page shows the picture.
 */
export function rankSources(info: ImageElementInfo): string[] {
  const scored: { url: string; size: number; order: number }[] = [];
  const add = (c: SrcsetCandidate) => {
    const size = c.width ?? c.density * Math.max(info.displayWidth, info.naturalWidth || 1);
    scored.push({ url: c.url, size, order: scored.length });
  };
  // e.g. image/jxl: not something this browser (or Sfumato) decodes, so not what it shows.
  const shown = info.pictureSources.find((s) => s.matches !== false && DECODABLE.test(s.type.trim()));
  parseSrcset(shown ? shown.srcset : info.srcset, info.baseUrl).forEach(add);
  const current = info.currentSrc || info.src;
  if (current) scored.push({ url: current, size: info.naturalWidth || 0, order: -1 });
  scored.sort((a, b) => b.size - a.size || a.order - b.order);
  const seen = new Set<string>();
  return scored.map((s) => s.url).filter((u) => u && !seen.has(u) && seen.add(u));
}
