// Decides what a file really is from its first bytes, never from its name or the server's word.

export type ImageType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp' | 'image/avif' | 'image/bmp';

export type Sniffed = { kind: 'image'; type: ImageType } | { kind: 'html' | 'svg' | 'unknown' };

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);
const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

export function sniff(bytes: Uint8Array): Sniffed {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: 'image', type: 'image/jpeg' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'image', type: 'image/png' };
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return { kind: 'image', type: 'image/gif' };
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return { kind: 'image', type: 'image/webp' };
  if (ascii(bytes, 4, 8) === 'ftyp' && /^(avif|avis|mif1)/.test(ascii(bytes, 8, 12))) return { kind: 'image', type: 'image/avif' };
  if (ascii(bytes, 0, 2) === 'BM') return { kind: 'image', type: 'image/bmp' };
  const head = new TextDecoder().decode(bytes.subarray(0, 512)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return { kind: 'svg' };
  if (/^<(!doctype html|html|head|body|script|!--|p|div|h1|title)\b/.test(head)) return { kind: 'html' };
  return { kind: 'unknown' };
}

/** A JPEG whose data stops before its End Of Image marker was cut off in transit or on disk. */
export function isTruncatedJpeg(bytes: Uint8Array): boolean {
  // Trailing padding after EOI is common; look for FFD9 in the last few KB.
  const tail = bytes.subarray(Math.max(0, bytes.length - 4096));
  for (let i = tail.length - 2; i >= 0; i--) if (tail[i] === 0xff && tail[i + 1] === 0xd9) return false;
  return true;
}
