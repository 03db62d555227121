// ffmpeg helpers for the watermark tests and benchmark (Node only): decode images and videos to raw
// RGBA, encode raw frames to video, run attacks.
import { execFileSync, spawnSync } from 'node:child_process';

export interface RawFrame {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

const MAX_BUF = 1 << 30;

export function probeSize(path: string): { width: number; height: number } {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', path],
    { encoding: 'utf8' },
  ).trim();
  const [w, h] = out.split('\n')[0]!.split(',').map(Number);
  if (!w || !h) throw new Error(`probeSize: cannot read ${path}`);
  return { width: w, height: h };
}

/** Decode an image (or a video's frames) to RGBA; optional long-side resize and frame cap. */
export function decodeFrames(path: string, opts: { maxLong?: number; maxFrames?: number; vf?: string } = {}): RawFrame[] {
  let { width, height } = probeSize(path);
  const filters: string[] = [];
  if (opts.vf) filters.push(opts.vf);
  if (opts.maxLong && Math.max(width, height) > opts.maxLong) {
    const s = opts.maxLong / Math.max(width, height);
    width = Math.round((width * s) / 2) * 2;
    height = Math.round((height * s) / 2) * 2;
    filters.push(`scale=${width}:${height}:flags=area`);
  }
  if (opts.vf) {
    // Size after a custom filter: probe by decoding one frame is costly; the caller passes maxLong
    // or a vf that keeps the size known. Here we let ffmpeg tell us through a probe of the output.
    const probe = spawnSync('ffmpeg', ['-v', 'error', '-i', path, '-vf', filters.join(','), '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', '-'], { maxBuffer: MAX_BUF });
    const png = probe.stdout as Buffer;
    width = png.readUInt32BE(16);
    height = png.readUInt32BE(20);
  }
  const args = ['-v', 'error', '-i', path];
  if (filters.length) args.push('-vf', filters.join(','));
  if (opts.maxFrames) args.push('-frames:v', String(opts.maxFrames));
  args.push('-f', 'rawvideo', '-pix_fmt', 'rgba', '-');
  const r = spawnSync('ffmpeg', args, { maxBuffer: MAX_BUF });
  if (r.status !== 0) throw new Error(`ffmpeg decode ${path}: ${r.stderr}`);
  const buf = r.stdout as Buffer;
  const fsz = width * height * 4;
  const frames: RawFrame[] = [];
  for (let o = 0; o + fsz <= buf.length; o += fsz) {
    frames.push({ data: new Uint8ClampedArray(buf.buffer, buf.byteOffset + o, fsz), width, height });
  }
  return frames;
}

/** Encode RGBA frames with ffmpeg (output args decide the codec). */
export function encodeFrames(frames: RawFrame[], fps: number, outArgs: string[], outPath: string): void {
  const { width, height } = frames[0]!;
  const input = Buffer.concat(frames.map((f) => Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength)));
  const r = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${width}x${height}`, '-r', String(fps), '-i', '-', ...outArgs, outPath],
    { input, maxBuffer: MAX_BUF },
  );
  if (r.status !== 0) throw new Error(`ffmpeg encode ${outPath}: ${r.stderr}`);
}

/** Run ffmpeg on a file: input -> output with args. */
export function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { maxBuffer: MAX_BUF });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr}`);
}

export function psnr(a: ArrayLike<number>, b: ArrayLike<number>, channels = 4): number {
  let se = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (channels === 4 && i % 4 === 3) continue;
    const d = a[i]! - b[i]!;
    se += d * d;
    n++;
  }
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255) / (se / n));
}

/** Area-average resize of RGBA (JS), for tests without ffmpeg. */
export function resizeRGBA(f: RawFrame, width: number, height: number): RawFrame {
  const out = new Uint8ClampedArray(width * height * 4);
  const sx = f.width / width;
  const sy = f.height / height;
  for (let y = 0; y < height; y++) {
    const y0 = y * sy;
    const y1 = (y + 1) * sy;
    for (let x = 0; x < width; x++) {
      const x0 = x * sx;
      const x1 = (x + 1) * sx;
      const acc = [0, 0, 0, 0];
      let wsum = 0;
      for (let yy = Math.floor(y0); yy < Math.min(f.height, Math.ceil(y1)); yy++) {
        const wy = Math.min(y1, yy + 1) - Math.max(y0, yy);
        for (let xx = Math.floor(x0); xx < Math.min(f.width, Math.ceil(x1)); xx++) {
          const w = wy * (Math.min(x1, xx + 1) - Math.max(x0, xx));
          const p = (yy * f.width + xx) * 4;
          for (let c = 0; c < 4; c++) acc[c]! += w * f.data[p + c]!;
          wsum += w;
        }
      }
      for (let c = 0; c < 4; c++) out[(y * width + x) * 4 + c] = acc[c]! / wsum;
    }
  }
  return { data: out, width, height };
}

export function cropRGBA(f: RawFrame, x0: number, y0: number, width: number, height: number): RawFrame {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) out.set(f.data.subarray(((y0 + y) * f.width + x0) * 4, ((y0 + y) * f.width + x0 + width) * 4), y * width * 4);
  return { data: out, width, height };
}
