// Which media type a file really is, from its first bytes (names and servers lie). Pure.

export type MediaKind = 'image' | 'video' | 'audio' | 'other';

export interface SniffedMedia {
  /** The MIME type the content-credentials reader expects, or null when it cannot read this kind. */
  mime: string | null;
  kind: MediaKind;
}

const ascii = (b: Uint8Array, from: number, to: number) => {
  let s = '';
  for (let i = from; i < Math.min(to, b.length); i++) s += String.fromCharCode(b[i]!);
  return s;
};

/** Look at up to the first 64 bytes; `hint` (a declared MIME type or file name) breaks ties. */
export function sniffMedia(head: Uint8Array, hint = ''): SniffedMedia {
  const h = hint.toLowerCase();
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { mime: 'image/jpeg', kind: 'image' };
  if (ascii(head, 0, 8) === '\x89PNG\r\n\x1a\n') return { mime: 'image/png', kind: 'image' };
  if (/^GIF8[79]a/.test(ascii(head, 0, 6))) return { mime: 'image/gif', kind: 'image' };
  if (ascii(head, 0, 4) === 'RIFF') {
    const t = ascii(head, 8, 12);
    if (t === 'WEBP') return { mime: 'image/webp', kind: 'image' };
    if (t === 'WAVE') return { mime: 'audio/wav', kind: 'audio' };
    if (t === 'AVI ') return { mime: 'video/avi', kind: 'video' };
  }
  if (ascii(head, 0, 4) === 'II*\0' || ascii(head, 0, 4) === 'MM\0*') return { mime: 'image/tiff', kind: 'image' };
  if (ascii(head, 4, 8) === 'ftyp') {
    const brand = ascii(head, 8, 12);
    if (/^(avif|avis)/.test(brand)) return { mime: 'image/avif', kind: 'image' };
    if (/^(heic|heix|mif1|msf1|heim|heis)/.test(brand)) return { mime: 'image/heic', kind: 'image' };
    if (brand === 'qt  ') return { mime: 'video/quicktime', kind: 'video' };
    if (/^M4[AB] /.test(brand) || /audio/.test(h)) return { mime: 'audio/mp4', kind: 'audio' };
    return { mime: 'video/mp4', kind: 'video' };
  }
  // QuickTime files without ftyp start with moov/mdat/wide/free boxes.
  if (/^(moov|mdat|wide|free|skip|pnot)$/.test(ascii(head, 4, 8))) return { mime: 'video/quicktime', kind: 'video' };
  if (ascii(head, 0, 3) === 'ID3' || (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0)) return { mime: 'audio/mpeg', kind: 'audio' };
  if (ascii(head, 0, 4) === '%PDF') return { mime: null, kind: 'other' };
  const text = ascii(head, 0, 64).replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().toLowerCase();
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && /svg/.test(h))) return { mime: 'image/svg+xml', kind: 'image' };
  // Fall back on the declared type for formats we do not sniff (DNG, JPEG XL...).
  const known: Record<string, MediaKind> = { 'image/jxl': 'image', 'image/dng': 'image', 'image/x-adobe-dng': 'image' };
  if (known[h]) return { mime: h, kind: known[h] };
  return { mime: null, kind: 'other' };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}
