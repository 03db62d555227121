// Animated WebP muxing: still WebP frames (as the browser's canvas encoder makes them) wrapped into
// one RIFF container with VP8X + ANIM + one ANMF chunk per frame (WebP container spec,
// "Extended file format"). Pure byte work, runs anywhere.

export interface WebpChunk {
  fourcc: string;
  data: Uint8Array;
}

const td = new TextDecoder('latin1');
const fourcc = (b: Uint8Array, o: number) => td.decode(b.subarray(o, o + 4));
const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

/** The chunks of a RIFF/WEBP file (throws if it is not one). */
export function parseWebp(bytes: Uint8Array): WebpChunk[] {
  if (bytes.length < 12 || fourcc(bytes, 0) !== 'RIFF' || fourcc(bytes, 8) !== 'WEBP') throw new Error('not a WebP file');
  const end = Math.min(bytes.length, 8 + u32(bytes, 4));
  const chunks: WebpChunk[] = [];
  let o = 12;
  while (o + 8 <= end) {
    const size = u32(bytes, o + 4);
    if (o + 8 + size > end) throw new Error('truncated WebP chunk');
    chunks.push({ fourcc: fourcc(bytes, o), data: bytes.subarray(o + 8, o + 8 + size) });
    o += 8 + size + (size & 1);
  }
  return chunks;
}

class Out {
  parts: Uint8Array[] = [];
  size = 0;
  push(b: Uint8Array) {
    this.parts.push(b);
    this.size += b.length;
  }
  chunk(cc: string, data: Uint8Array | Uint8Array[]) {
    const list = Array.isArray(data) ? data : [data];
    const n = list.reduce((s, d) => s + d.length, 0);
    const head = new Uint8Array(8);
    for (let i = 0; i < 4; i++) head[i] = cc.charCodeAt(i);
    new DataView(head.buffer).setUint32(4, n, true);
    this.push(head);
    for (const d of list) this.push(d);
    if (n & 1) this.push(new Uint8Array(1));
  }
}

const u24 = (v: number) => new Uint8Array([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff]);

/** Serialise a chunk (header + data + pad) for nesting inside ANMF. */
function chunkBytes(c: WebpChunk): Uint8Array {
  const o = new Out();
  o.chunk(c.fourcc, c.data);
  const out = new Uint8Array(o.size);
  let p = 0;
  for (const part of o.parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

export interface WebpAnimationOptions {
  width: number;
  height: number;
  /** 0 = forever. */
  loop?: number;
}

/**
 * Mux still WebP images (each exactly width x height) into an animated WebP. `durationsMs[i]` is
 * how long frame i shows. Frames replace the canvas (no blending, no disposal needed).
 */
export function muxAnimatedWebp(frames: Uint8Array[], durationsMs: number[], opts: WebpAnimationOptions): Uint8Array {
  if (frames.length === 0) throw new Error('no frames');
  const out = new Out();
  const body = new Out();
  let alpha = false;
  const anmf: Uint8Array[][] = [];
  frames.forEach((f, i) => {
    const chunks = parseWebp(f).filter((c) => c.fourcc === 'ALPH' || c.fourcc === 'VP8 ' || c.fourcc === 'VP8L');
    if (!chunks.some((c) => c.fourcc === 'VP8 ' || c.fourcc === 'VP8L')) throw new Error(`frame ${i} has no image data`);
    if (chunks.some((c) => c.fourcc === 'ALPH' || c.fourcc === 'VP8L')) alpha = true;
    const head = new Uint8Array(16);
    head.set(u24(0), 0); // x / 2
    head.set(u24(0), 3); // y / 2
    head.set(u24(opts.width - 1), 6);
    head.set(u24(opts.height - 1), 9);
    head.set(u24(Math.max(1, Math.round(durationsMs[i] ?? 100))), 12);
    head[15] = 0b10; // do not blend, do not dispose
    anmf.push([head, ...chunks.map(chunkBytes)]);
  });
  const vp8x = new Uint8Array(10);
  vp8x[0] = 0x02 | (alpha ? 0x10 : 0); // animation (+ alpha)
  vp8x.set(u24(opts.width - 1), 4);
  vp8x.set(u24(opts.height - 1), 7);
  body.chunk('VP8X', vp8x);
  const anim = new Uint8Array(6); // background colour (BGRA) 0, loop count
  new DataView(anim.buffer).setUint16(4, opts.loop ?? 0, true);
  body.chunk('ANIM', anim);
  for (const parts of anmf) body.chunk('ANMF', parts);
  const riff = new Uint8Array(12);
  riff.set([0x52, 0x49, 0x46, 0x46]);
  new DataView(riff.buffer).setUint32(4, 4 + body.size, true);
  riff.set([0x57, 0x45, 0x42, 0x50], 8);
  out.push(riff);
  for (const p of body.parts) out.push(p);
  const bytes = new Uint8Array(out.size);
  let p = 0;
  for (const part of out.parts) {
    bytes.set(part, p);
    p += part.length;
  }
  return bytes;
}
