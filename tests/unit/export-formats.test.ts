// The GIF encoder and the animated WebP muxer used for exports (lib/video/gif.ts, lib/video/webp.ts),
// checked with an independent GIF decoder written here from the GIF89a specification.
import { describe, expect, it } from 'vitest';
import { buildPalette, encodeGif, GIF_TRANSPARENT, lzwEncode } from '@/lib/video/gif';
import { muxAnimatedWebp, parseWebp } from '@/lib/video/webp';
import { detectWatermark } from '@/lib/watermark/detect';
import { embedWatermarkRGBA } from '@/lib/watermark/pattern';
import { clipIdToPayload } from '@/lib/watermark/payload';

/** GIF LZW decoder (variable width, LSB first, clear and end codes). */
function lzwDecode(data: Uint8Array, minCodeSize: number, expected: number): Uint8Array {
  const out = new Uint8Array(expected);
  let n = 0;
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  let width = minCodeSize + 1;
  let dict: number[][] = [];
  const reset = () => {
    dict = Array.from({ length: clear }, (_, i) => [i]);
    dict.push([], []);
    width = minCodeSize + 1;
  };
  reset();
  let prev: number[] | null = null;
  let bitPos = 0;
  const read = () => {
    let v = 0;
    for (let i = 0; i < width; i++, bitPos++) v |= ((data[bitPos >> 3]! >> (bitPos & 7)) & 1) << i;
    return v;
  };
  while (bitPos + width <= data.length * 8) {
    const code = read();
    if (code === clear) {
      reset();
      prev = null;
      continue;
    }
    if (code === eoi) break;
    let entry: number[];
    if (code < dict.length) entry = dict[code]!;
    else if (code === dict.length && prev) entry = [...prev, prev[0]!];
    else throw new Error(`bad code ${code} (dict ${dict.length})`);
    for (const v of entry) out[n++] = v;
    if (prev && dict.length < 4096) dict.push([...prev, entry[0]!]);
    prev = entry;
    if (dict.length === 1 << width && width < 12) width++;
  }
  expect(n).toBe(expected);
  return out;
}

interface DecodedGif {
  width: number;
  height: number;
  loop: number | null;
  delays: number[];
  frames: Uint8ClampedArray[];
}

/** Decode a GIF into full RGBA frames (global palette, transparency, disposal "leave"). */
function decodeGif(b: Uint8Array): DecodedGif {
  const td = new TextDecoder('latin1');
  expect(td.decode(b.subarray(0, 6))).toBe('GIF89a');
  const u16 = (o: number) => b[o]! | (b[o + 1]! << 8);
  const width = u16(6);
  const height = u16(8);
  const flags = b[10]!;
  let o = 13;
  let palette: Uint8Array = new Uint8Array(0);
  if (flags & 0x80) {
    const size = 3 * (1 << ((flags & 7) + 1));
    palette = b.subarray(o, o + size);
    o += size;
  }
  const canvas = new Uint8ClampedArray(width * height * 4);
  const frames: Uint8ClampedArray[] = [];
  const delays: number[] = [];
  let loop: number | null = null;
  let transparent = -1;
  let delay = 0;
  const subBlocks = () => {
    const parts: number[] = [];
    while (b[o] !== 0) {
      const n = b[o]!;
      for (let i = 1; i <= n; i++) parts.push(b[o + i]!);
      o += n + 1;
    }
    o++;
    return Uint8Array.from(parts);
  };
  for (;;) {
    const t = b[o++];
    if (t === 0x3b) break;
    if (t === 0x21) {
      const label = b[o++];
      if (label === 0xf9) {
        const gce = subBlocks();
        transparent = gce[0]! & 1 ? gce[3]! : -1;
        delay = gce[1]! | (gce[2]! << 8);
      } else if (label === 0xff) {
        const app = subBlocks();
        if (td.decode(app.subarray(0, 11)) === 'NETSCAPE2.0') loop = app[12]! | (app[13]! << 8);
      } else subBlocks();
      continue;
    }
    expect(t).toBe(0x2c);
    const x0 = u16(o);
    const y0 = u16(o + 2);
    const fw = u16(o + 4);
    const fh = u16(o + 6);
    expect(b[o + 8]! & 0x80).toBe(0); // no local palette
    o += 9;
    const min = b[o++]!;
    const idx = lzwDecode(subBlocks(), min, fw * fh);
    for (let y = 0; y < fh; y++)
      for (let x = 0; x < fw; x++) {
        const k = idx[y * fw + x]!;
        if (k === transparent) continue;
        const p = ((y + y0) * width + x + x0) * 4;
        canvas[p] = palette[k * 3]!;
        canvas[p + 1] = palette[k * 3 + 1]!;
        canvas[p + 2] = palette[k * 3 + 2]!;
        canvas[p + 3] = 255;
      }
    frames.push(new Uint8ClampedArray(canvas));
    delays.push(delay);
  }
  return { width, height, loop, delays, frames };
}

function picture(w: number, h: number, shift = 0): Uint8ClampedArray {
  const d = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 4;
      const disc = (x - w / 2 - shift) ** 2 + (y - h / 2.5) ** 2 < (w / 5) ** 2 ? 70 : 0;
      d[p] = 50 + (120 * x) / w + disc;
      d[p + 1] = 70 + (90 * y) / h + disc / 2;
      d[p + 2] = 100 + 40 * Math.sin(x / 19) * Math.cos(y / 27);
      d[p + 3] = 255;
    }
  return d;
}

describe('GIF LZW', () => {
  it('round-trips short, repetitive and long random data (past the 4096-code table reset)', () => {
    let s = 7;
    const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
    const cases = [new Uint8Array([5]), new Uint8Array(10_000).fill(3), Uint8Array.from({ length: 60_000 }, rnd), Uint8Array.from({ length: 30_000 }, (_, i) => (i % 7) * 30)];
    for (const c of cases) expect(Array.from(lzwDecode(lzwEncode(c, 8), 8, c.length))).toEqual(Array.from(c));
  });
});

describe('GIF encoder', () => {
  const W = 160;
  const H = 200;
  const frames = [0, 4, 8, 12, 8, 4].map((s) => picture(W, H, s));

  it('writes a looping GIF89a whose frames decode back close to the input, with the frame delays asked for', () => {
    const gif = encodeGif(frames, { width: W, height: H, delayCs: 7, delaysCs: [7, 7, 6, 7, 7, 6], dither: 0 });
    const d = decodeGif(gif);
    expect([d.width, d.height, d.loop]).toEqual([W, H, 0]);
    expect(d.delays).toEqual([7, 7, 6, 7, 7, 6]);
    expect(d.frames).toHaveLength(frames.length);
    for (let i = 0; i < frames.length; i++) {
      let err = 0;
      for (let p = 0; p < W * H * 4; p += 4) for (let c = 0; c < 3; c++) err += Math.abs(d.frames[i]![p + c]! - frames[i]![p + c]!);
      // Mean error per channel: palette quantisation plus the "unchanged" tolerance.
      expect(err / (W * H * 3)).toBeLessThan(6);
    }
    // Later frames only repaint what changed: they are much smaller than a full frame.
    expect(gif.length).toBeLessThan(frames.length * W * H * 0.6);
  });

  it('keeps at most 255 colours and reserves the transparent index', () => {
    const pal = buildPalette([picture(64, 64)]);
    expect(pal.length / 3).toBeLessThanOrEqual(255);
    expect(GIF_TRANSPARENT).toBe(255);
  });

  it('keeps the invisible watermark readable, with or without ordered dithering', () => {
    const w = 240;
    const h = 300;
    const payload = clipIdToPayload('clip-gif-test');
    const marked = [0, 3, 6].map((s) => {
      const f = picture(w, h, s);
      embedWatermarkRGBA(f, w, h, payload);
      return f;
    });
    for (const dither of [0, 6]) {
      const d = decodeGif(encodeGif(marked, { width: w, height: h, delayCs: 7, dither }));
      const found = detectWatermark(d.frames.map((data) => ({ data, width: w, height: h })));
      expect(found.found, `dither ${dither}`).toBe(true);
      expect(found.payload).toBe(payload);
    }
  });
});

describe('animated WebP muxer', () => {
  const still = (payload: number[], fourcc = 'VP8 ') => {
    const chunk = [...fourcc].map((c) => c.charCodeAt(0));
    const size = payload.length;
    const body = [...'WEBP'].map((c) => c.charCodeAt(0)).concat(chunk, [size & 255, size >> 8, 0, 0], payload, size & 1 ? [0] : []);
    return Uint8Array.from([...'RIFF'].map((c) => c.charCodeAt(0)).concat([body.length & 255, body.length >> 8, 0, 0], body));
  };

  it('wraps still frames into VP8X + ANIM + one ANMF per frame, with durations and padding', () => {
    const frames = [still([1, 2, 3]), still([4, 5, 6, 7]), still([8, 9, 10, 11, 12])];
    const out = muxAnimatedWebp(frames, [67, 66, 67], { width: 390, height: 480 });
    const chunks = parseWebp(out);
    expect(chunks.map((c) => c.fourcc)).toEqual(['VP8X', 'ANIM', 'ANMF', 'ANMF', 'ANMF']);
    expect(chunks[0]!.data[0]! & 0x02).toBe(0x02);
    const u24 = (d: Uint8Array, o: number) => d[o]! | (d[o + 1]! << 8) | (d[o + 2]! << 16);
    expect([u24(chunks[0]!.data, 4) + 1, u24(chunks[0]!.data, 7) + 1]).toEqual([390, 480]);
    const anmf = chunks.slice(2);
    expect(anmf.map((c) => u24(c.data, 12))).toEqual([67, 66, 67]);
    expect(anmf.map((c) => [u24(c.data, 6) + 1, u24(c.data, 9) + 1])).toEqual([
      [390, 480],
      [390, 480],
      [390, 480],
    ]);
    // Each ANMF carries its frame's VP8 chunk unchanged.
    const inner = parseWebp(Uint8Array.from([...new TextEncoder().encode('RIFF'), 0, 0, 0, 0, ...new TextEncoder().encode('WEBP'), ...anmf[2]!.data.subarray(16)]).map((v, i, a) => (i === 4 ? (a.length - 8) & 255 : v)));
    expect(inner[0]!.fourcc).toBe('VP8 ');
    expect(Array.from(inner[0]!.data)).toEqual([8, 9, 10, 11, 12]);
    // The RIFF size covers the whole file.
    expect(new DataView(out.buffer, out.byteOffset).getUint32(4, true) + 8).toBe(out.length);
  });

  it('refuses a frame that is not a WebP image', () => {
    expect(() => muxAnimatedWebp([new Uint8Array(20)], [100], { width: 2, height: 2 })).toThrow(/not a WebP/);
  });
});
