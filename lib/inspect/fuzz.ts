// Deterministic mutations of media files for robustness tests of the inspector (bit flips,
// truncations, swapped segments/boxes, appended junk...). Pure; used by tests only.
import { createRng } from '../motion/curves';

export type Mutation = 'bitflip' | 'bitflip-manifest' | 'truncate' | 'swap' | 'append' | 'overwrite' | 'duplicate' | 'insert';
export const MUTATIONS: Mutation[] = ['bitflip', 'bitflip-manifest', 'truncate', 'swap', 'append', 'overwrite', 'duplicate', 'insert'];

/** mulberry32: small, seeded, reproducible. */
/** Seeded PRNG for reproducible mutations (the motion module's mulberry32). */
export const rng = createRng;

const int = (r: () => number, n: number) => Math.floor(r() * Math.max(1, n));

function indexOfAll(b: Uint8Array, needle: string, max = 64): number[] {
  const n = [...needle].map((c) => c.charCodeAt(0));
  const out: number[] = [];
  outer: for (let i = 0; i <= b.length - n.length && out.length < max; i++) {
    for (let j = 0; j < n.length; j++) if (b[i + j] !== n[j]) continue outer;
    out.push(i);
  }
  return out;
}

/** Top-level structure: JPEG marker segments or ISO-BMFF boxes, as [start, end) ranges. */
export function segments(b: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  if (b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 4 <= b.length && b[i] === 0xff && out.length < 200) {
      const marker = b[i + 1]!;
      if (marker === 0xda || marker === 0xd9) break;
      const len = (b[i + 2]! << 8) | b[i + 3]!;
      out.push([i, Math.min(b.length, i + 2 + len)]);
      i += 2 + len;
    }
    return out;
  }
  if (String.fromCharCode(...b.subarray(4, 8)) === 'ftyp' || /^(moov|mdat|free|wide)$/.test(String.fromCharCode(...b.subarray(4, 8)))) {
    let i = 0;
    while (i + 8 <= b.length && out.length < 200) {
      const size = ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
      if (size < 8) break;
      out.push([i, Math.min(b.length, i + size)]);
      i += size;
    }
    return out;
  }
  // PNG chunks
  if (b[0] === 0x89 && b[1] === 0x50) {
    let i = 8;
    while (i + 12 <= b.length && out.length < 200) {
      const len = ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
      out.push([i, Math.min(b.length, i + 12 + len)]);
      i += 12 + len;
    }
  }
  return out;
}

/** Apply one mutation chosen by `kind` with randomness from `r`. Returns new bytes. */
export function mutate(src: Uint8Array, kind: Mutation, r: () => number): Uint8Array {
  const b = new Uint8Array(src);
  switch (kind) {
    case 'bitflip': {
      const n = 1 + int(r, 16);
      for (let i = 0; i < n; i++) {
        const at = int(r, b.length);
        b[at] = b[at]! ^ (1 << int(r, 8));
      }
      return b;
    }
    case 'bitflip-manifest': {
      // Aim at the credentials: near JUMBF / CBOR labels.
      const anchors = [...indexOfAll(b, 'jumb'), ...indexOfAll(b, 'c2pa'), ...indexOfAll(b, 'cbor')];
      const n = 1 + int(r, 4);
      for (let i = 0; i < n; i++) {
        const base = anchors.length ? anchors[int(r, anchors.length)]! : int(r, b.length);
        const at = Math.min(b.length - 1, Math.max(0, base + int(r, 2048) - 256));
        b[at] = b[at]! ^ (1 << int(r, 8));
      }
      return b;
    }
    case 'truncate':
      return b.slice(0, int(r, b.length));
    case 'swap': {
      const segs = segments(b);
      if (segs.length >= 2) {
        const i = int(r, segs.length);
        let j = int(r, segs.length);
        if (j === i) j = (i + 1) % segs.length;
        const [a, c] = i < j ? [segs[i]!, segs[j]!] : [segs[j]!, segs[i]!];
        return concat(b.subarray(0, a[0]), b.subarray(c[0], c[1]), b.subarray(a[1], c[0]), b.subarray(a[0], a[1]), b.subarray(c[1]));
      }
      const len = 1 + int(r, 4096);
      const x = int(r, Math.max(1, b.length - len));
      const y = int(r, Math.max(1, b.length - len));
      const tmp = b.slice(x, x + len);
      b.copyWithin(x, y, y + len);
      b.set(tmp.subarray(0, Math.min(tmp.length, b.length - y)), y);
      return b;
    }
    case 'append': {
      const junk = new Uint8Array(1 + int(r, 65536));
      for (let i = 0; i < junk.length; i++) junk[i] = int(r, 256);
      return concat(b, junk);
    }
    case 'overwrite': {
      const len = 1 + int(r, 8192);
      const at = int(r, b.length);
      b.fill(r() < 0.5 ? 0 : 0xff, at, at + len);
      return b;
    }
    case 'duplicate': {
      const len = 1 + int(r, 16384);
      const at = int(r, b.length);
      return concat(b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len));
    }
    case 'insert': {
      const junk = new Uint8Array(1 + int(r, 512));
      for (let i = 0; i < junk.length; i++) junk[i] = int(r, 256);
      const at = int(r, b.length);
      return concat(b.subarray(0, at), junk, b.subarray(at));
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** An ISO-BMFF `free` box of `size` bytes (header included), zero-filled: padding that still parses. */
export function freeBoxHeader(size: number): Uint8Array {
  const h = new Uint8Array(8);
  new DataView(h.buffer).setUint32(0, size);
  h.set([0x66, 0x72, 0x65, 0x65], 4);
  return h;
}
