// A compact animated GIF89a encoder (pure TypeScript, runs in the offscreen document and in Node).
//
// - One global palette of up to 255 colours, chosen by median cut over pixels sampled from several
//   frames (a painting barely changes colour over a clip, so a shared palette avoids flicker and
//   keeps frames small); index 255 is transparent.
// - Optional ordered (Bayer 8x8) dithering: a fixed pattern, unlike error diffusion it does not
//   crawl from frame to frame, and it keeps the invisible watermark's faint luma pattern alive.
// - Frames after the first only repaint pixels that changed by more than `keepThreshold` since they
//   were last painted (the rest are transparent, disposal "leave in place"), cropped to the changed
//   rectangle: the video decoder's noise does not make every frame a full repaint.
// - LZW with the usual 12-bit code limit and a clear code when the table is full; NETSCAPE2.0 loop.

export interface GifOptions {
  width: number;
  height: number;
  /** 0 = loop forever (default). */
  loop?: number;
  /** Bayer dithering strength in levels (0 = none). Default 10. */
  dither?: number;
  /** A pixel is repainted when a channel moved more than this since it was last painted. Default 6. */
  keepThreshold?: number;
}

export const GIF_TRANSPARENT = 255;
const MAX_COLORS = 255;

// ---------------------------------------------------------------------------------------------
// Palette: median cut over sampled RGB pixels.

interface Box {
  pixels: Uint8Array; // rgb triplets
  count: number;
}

function channelRange(b: Box): { ch: number; range: number } {
  const lo = [255, 255, 255];
  const hi = [0, 0, 0];
  for (let i = 0; i < b.count; i++) {
    for (let c = 0; c < 3; c++) {
      const v = b.pixels[i * 3 + c]!;
      if (v < lo[c]!) lo[c] = v;
      if (v > hi[c]!) hi[c] = v;
    }
  }
  // Green counts most to the eye, red next (weights of luma).
  const r = [(hi[0]! - lo[0]!) * 1.0, (hi[1]! - lo[1]!) * 1.2, (hi[2]! - lo[2]!) * 0.8];
  const ch = r[0]! >= r[1]! && r[0]! >= r[2]! ? 0 : r[1]! >= r[2]! ? 1 : 2;
  return { ch, range: r[ch]! * b.count };
}

/** Median-cut palette (rgb triplets, at most `maxColors` colours) from RGBA samples. */
export function buildPalette(samples: ArrayLike<number>[], maxColors = MAX_COLORS, maxSamples = 60_000): Uint8Array {
  let total = 0;
  for (const s of samples) total += s.length / 4;
  const step = Math.max(1, Math.floor(total / maxSamples));
  const px: number[] = [];
  let k = 0;
  for (const s of samples) {
    for (let i = 0; i < s.length; i += 4, k++) if (k % step === 0) px.push(s[i]!, s[i + 1]!, s[i + 2]!);
  }
  let boxes: Box[] = [{ pixels: Uint8Array.from(px), count: px.length / 3 }];
  while (boxes.length < maxColors) {
    let best = -1;
    let bestScore = 0;
    let bestCh = 0;
    for (let i = 0; i < boxes.length; i++) {
      if (boxes[i]!.count < 2) continue;
      const { ch, range } = channelRange(boxes[i]!);
      if (range > bestScore) {
        bestScore = range;
        best = i;
        bestCh = ch;
      }
    }
    if (best < 0) break;
    const b = boxes[best]!;
    // Sort the box's pixels along the channel and split at the median.
    const idx = Array.from({ length: b.count }, (_, i) => i).sort((x, y) => b.pixels[x * 3 + bestCh]! - b.pixels[y * 3 + bestCh]!);
    const half = b.count >> 1;
    const a = new Uint8Array(half * 3);
    const c = new Uint8Array((b.count - half) * 3);
    idx.forEach((p, j) => {
      const dst = j < half ? a : c;
      const o = (j < half ? j : j - half) * 3;
      dst[o] = b.pixels[p * 3]!;
      dst[o + 1] = b.pixels[p * 3 + 1]!;
      dst[o + 2] = b.pixels[p * 3 + 2]!;
    });
    boxes = [...boxes.slice(0, best), { pixels: a, count: half }, { pixels: c, count: b.count - half }, ...boxes.slice(best + 1)];
  }
  const pal = new Uint8Array(boxes.length * 3);
  boxes.forEach((b, i) => {
    let r = 0;
    let g = 0;
    let bl = 0;
    for (let j = 0; j < b.count; j++) {
      r += b.pixels[j * 3]!;
      g += b.pixels[j * 3 + 1]!;
      bl += b.pixels[j * 3 + 2]!;
    }
    const n = Math.max(1, b.count);
    pal[i * 3] = Math.round(r / n);
    pal[i * 3 + 1] = Math.round(g / n);
    pal[i * 3 + 2] = Math.round(bl / n);
  });
  return pal;
}

/** Nearest palette entry, cached on a 6-bit-per-channel grid. */
class Mapper {
  private cache = new Int16Array(1 << 18).fill(-1);
  constructor(private pal: Uint8Array) {}
  index(r: number, g: number, b: number): number {
    const key = ((r >> 2) << 12) | ((g >> 2) << 6) | (b >> 2);
    const hit = this.cache[key]!;
    if (hit >= 0) return hit;
    const rr = (r & ~3) + 2;
    const gg = (g & ~3) + 2;
    const bb = (b & ~3) + 2;
    let best = 0;
    let bestD = Infinity;
    const n = this.pal.length / 3;
    for (let i = 0; i < n; i++) {
      const dr = this.pal[i * 3]! - rr;
      const dg = this.pal[i * 3 + 1]! - gg;
      const db = this.pal[i * 3 + 2]! - bb;
      const d = 3 * dr * dr + 4 * dg * dg + 2 * db * db;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    this.cache[key] = best;
    return best;
  }
}

const BAYER8 = (() => {
  const m = new Float32Array(64);
  for (let y = 0; y < 8; y++)
    for (let x = 0; x < 8; x++) {
      let v = 0;
      let xx = x;
      let yy = y ^ x;
      for (let bit = 0; bit < 3; bit++) {
        v = (v << 2) | ((yy & 1) << 1) | (xx & 1);
        xx >>= 1;
        yy >>= 1;
      }
      m[y * 8 + x] = (v + 0.5) / 64 - 0.5;
    }
  return m;
})();

// ---------------------------------------------------------------------------------------------
// LZW (GIF flavour: variable code width from minCodeSize+1 up to 12 bits, LSB-first packing).

export function lzwEncode(indices: Uint8Array, minCodeSize = 8): Uint8Array {
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  const out: number[] = [];
  let cur = 0;
  let bits = 0;
  let width = minCodeSize + 1;
  const emit = (code: number) => {
    cur |= code << bits;
    bits += width;
    while (bits >= 8) {
      out.push(cur & 0xff);
      cur >>>= 8;
      bits -= 8;
    }
  };
  // Dictionary: (prefix code << 8 | byte) -> code, in an open-addressing hash table.
  const SIZE = 1 << 14;
  const keys = new Int32Array(SIZE);
  const vals = new Int16Array(SIZE);
  let next = eoi + 1;
  const reset = () => {
    keys.fill(-1);
    next = eoi + 1;
    width = minCodeSize + 1;
  };
  reset();
  emit(clear);
  if (indices.length === 0) {
    emit(eoi);
    if (bits > 0) out.push(cur & 0xff);
    return Uint8Array.from(out);
  }
  let prefix = indices[0]!;
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i]!;
    const key = (prefix << 8) | k;
    let h = ((key * 2654435761) >>> 18) & (SIZE - 1);
    let found = -1;
    while (keys[h] !== -1) {
      if (keys[h] === key) {
        found = vals[h]!;
        break;
      }
      h = (h + 1) & (SIZE - 1);
    }
    if (found >= 0) {
      prefix = found;
      continue;
    }
    emit(prefix);
    if (next < 4096) {
      keys[h] = key;
      vals[h] = next;
      if (next === 1 << width && width < 12) width++;
      next++;
    } else {
      emit(clear);
      reset();
    }
    prefix = k;
  }
  emit(prefix);
  // The decoder adds one more entry after this code: widen if it would cross the limit.
  if (next === 1 << width && width < 12) width++;
  emit(eoi);
  if (bits > 0) out.push(cur & 0xff);
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------------------------------------

class ByteWriter {
  private chunks: Uint8Array[] = [];
  private buf = new Uint8Array(1 << 16);
  private pos = 0;
  byte(v: number) {
    if (this.pos === this.buf.length) this.flush();
    this.buf[this.pos++] = v & 0xff;
  }
  u16(v: number) {
    this.byte(v);
    this.byte(v >> 8);
  }
  bytes(a: ArrayLike<number>) {
    for (let i = 0; i < a.length; i++) this.byte(a[i]!);
  }
  str(s: string) {
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i));
  }
  private flush() {
    this.chunks.push(this.buf.slice(0, this.pos));
    this.pos = 0;
  }
  result(): Uint8Array {
    this.flush();
    const n = this.chunks.reduce((s, c) => s + c.length, 0);
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

export class GifEncoder {
  private w = new ByteWriter();
  private mapper: Mapper;
  private displayed: Uint8Array; // rgb last painted per pixel (the source value, for the keep test)
  private frames = 0;
  private dither: number;
  private keep: number;
  readonly palette: Uint8Array;

  constructor(
    private opts: GifOptions,
    palette: Uint8Array,
  ) {
    if (palette.length > MAX_COLORS * 3) throw new Error('at most 255 colours');
    this.palette = palette;
    this.mapper = new Mapper(palette);
    this.dither = opts.dither ?? 10;
    this.keep = opts.keepThreshold ?? 6;
    this.displayed = new Uint8Array(opts.width * opts.height * 3);
    const { width, height } = opts;
    const w = this.w;
    w.str('GIF89a');
    w.u16(width);
    w.u16(height);
    w.byte(0xf7); // global colour table, 8 bits colour resolution, 256 entries
    w.byte(0); // background index
    w.byte(0); // aspect
    const table = new Uint8Array(256 * 3);
    table.set(palette);
    w.bytes(table);
    // NETSCAPE2.0 looping extension.
    w.bytes([0x21, 0xff, 0x0b]);
    w.str('NETSCAPE2.0');
    w.bytes([0x03, 0x01]);
    w.u16(opts.loop ?? 0);
    w.byte(0);
  }

  /** Add a frame (RGBA, width x height) shown for `delayCs` hundredths of a second. */
  addFrame(rgba: ArrayLike<number>, delayCs: number): void {
    const { width, height } = this.opts;
    const first = this.frames === 0;
    const idx = new Uint8Array(width * height);
    let x0 = width;
    let y0 = height;
    let x1 = -1;
    let y1 = -1;
    const d = this.dither;
    const disp = this.displayed;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = y * width + x;
        const r = rgba[p * 4]!;
        const g = rgba[p * 4 + 1]!;
        const b = rgba[p * 4 + 2]!;
        if (!first) {
          const same = Math.abs(disp[p * 3]! - r) <= this.keep && Math.abs(disp[p * 3 + 1]! - g) <= this.keep && Math.abs(disp[p * 3 + 2]! - b) <= this.keep;
          if (same) {
            idx[p] = GIF_TRANSPARENT;
            continue;
          }
        }
        const t = d * BAYER8[(y & 7) * 8 + (x & 7)]!;
        const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v | 0);
        idx[p] = this.mapper.index(clamp(r + t), clamp(g + t), clamp(b + t));
        disp[p * 3] = r;
        disp[p * 3 + 1] = g;
        disp[p * 3 + 2] = b;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
    if (x1 < 0) {
      // Nothing changed: a 1x1 transparent frame keeps the timing.
      x0 = y0 = 0;
      x1 = y1 = 0;
    }
    const fw = x1 - x0 + 1;
    const fh = y1 - y0 + 1;
    const sub = new Uint8Array(fw * fh);
    for (let y = 0; y < fh; y++) sub.set(idx.subarray((y + y0) * width + x0, (y + y0) * width + x0 + fw), y * fw);

    const w = this.w;
    // Graphic control: disposal 1 (leave in place), transparent index, delay.
    w.bytes([0x21, 0xf9, 0x04, (1 << 2) | (first ? 0 : 1)]);
    w.u16(Math.max(2, Math.round(delayCs)));
    w.byte(GIF_TRANSPARENT);
    w.byte(0);
    // Image descriptor, no local table, not interlaced.
    w.byte(0x2c);
    w.u16(x0);
    w.u16(y0);
    w.u16(fw);
    w.u16(fh);
    w.byte(0);
    w.byte(8); // LZW minimum code size
    const data = lzwEncode(sub, 8);
    for (let o = 0; o < data.length; o += 255) {
      const n = Math.min(255, data.length - o);
      w.byte(n);
      w.bytes(data.subarray(o, o + n));
    }
    w.byte(0);
    this.frames++;
  }

  finish(): Uint8Array {
    this.w.byte(0x3b);
    return this.w.result();
  }
}

/** Encode RGBA frames as a looping GIF with a palette from a few of them. */
export function encodeGif(frames: ArrayLike<number>[], opts: GifOptions & { delayCs: number; delaysCs?: number[] }): Uint8Array {
  const picks = frames.length <= 4 ? frames : [0, 1, 2, 3].map((i) => frames[Math.round((i * (frames.length - 1)) / 3)]!);
  const enc = new GifEncoder(opts, buildPalette(picks));
  frames.forEach((f, i) => enc.addFrame(f, opts.delaysCs?.[i] ?? opts.delayCs));
  return enc.finish();
}
