// Clip synthesis and attacks shared by the watermark benchmark (watermark.ts) and its diagnostics
// (watermark-why.ts). Node only (ffmpeg, ImageMagick's convert when present).
import { spawnSync } from 'node:child_process';
import { ffmpeg, type RawFrame } from './watermark-media';

let seed = 20261125;
/** Seeded uniform [0, 1) (the crop positions and false-positive crops of the benchmark). */
export const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;

/** RGB of `data` (RGBA rows `w` wide) at (sx, sy), bilinear, into `d` at byte `q`; sx, sy within [0, w-1) x [0, h-1). */
function bilinearRgbInto(data: ArrayLike<number>, w: number, sx: number, sy: number, d: Uint8ClampedArray, q: number): void {
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  const tx = sx - x0;
  const ty = sy - y0;
  const p00 = (y0 * w + x0) * 4;
  const p10 = p00 + 4;
  const p01 = p00 + w * 4;
  const p11 = p01 + 4;
  for (let c = 0; c < 3; c++) d[q + c] = (1 - ty) * ((1 - tx) * data[p00 + c]! + tx * data[p10 + c]!) + ty * ((1 - tx) * data[p01 + c]! + tx * data[p11 + c]!);
}

/**
 * The product's case: a static portrait whose face region moves. The face is not located here: a
 * smooth window around the upper middle of the picture (where portraits put the head) sways by up to
 * 5 px and nods by 3 px over the clip, the rest of the picture stays put. Bilinear resampling.
 */
export function faceMotionFrames(src: RawFrame, n: number): RawFrame[] {
  const { width: w, height: h, data } = src;
  const cx = 0.5 * w;
  const cy = 0.38 * h;
  const r = 0.16 * Math.max(w, h);
  const win = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const d = Math.hypot(x - cx, (y - cy) / 1.3) / r;
      win[y * w + x] = d < 1 ? 1 : d > 1.8 ? 0 : 0.5 + 0.5 * Math.cos((Math.PI * (d - 1)) / 0.8);
    }
  const out: RawFrame[] = [];
  for (let i = 0; i < n; i++) {
    const ph = (2 * Math.PI * i) / Math.max(n, 30);
    const dx = 5 * Math.sin(ph);
    const dy = 3 * Math.sin(2 * ph);
    const d = new Uint8ClampedArray(data);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const k = win[y * w + x]!;
        if (k === 0) continue;
        const sx = Math.min(w - 1.001, Math.max(0, x - k * dx));
        const sy = Math.min(h - 1.001, Math.max(0, y - k * dy));
        bilinearRgbInto(data, w, sx, sy, d, (y * w + x) * 4);
      }
    out.push({ data: d, width: w, height: h });
  }
  return out;
}

/** Small zoom/pan of a still, bilinear (WM_MOTION=pan). */
export function motionFrames(src: RawFrame, n: number): RawFrame[] {
  const { width: w, height: h, data } = src;
  const out: RawFrame[] = [];
  for (let i = 0; i < n; i++) {
    const ph = (2 * Math.PI * i) / n;
    const z = 1.02 + 0.015 * Math.sin(ph);
    const dx = 4 * Math.sin(ph);
    const dy = 3 * Math.cos(ph);
    const d = new Uint8ClampedArray(w * h * 4);
    for (let y = 0; y < h; y++) {
      const sy = Math.min(h - 1.001, Math.max(0, (y - h / 2) / z + h / 2 + dy));
      for (let x = 0; x < w; x++) {
        const sx = Math.min(w - 1.001, Math.max(0, (x - w / 2) / z + w / 2 + dx));
        const q = (y * w + x) * 4;
        bilinearRgbInto(data, w, sx, sy, d, q);
        d[q + 3] = 255;
      }
    }
    out.push({ data: d, width: w, height: h });
  }
  return out;
}

export interface Attack {
  name: string;
  report?: boolean; // "report only" (not part of the >= 99% target)
  kind: 'video' | 'frame';
  /** master: the clip file; out: output path without extension; size: the clip's frame size; at: crop position in [0,1)^2. */
  make: (master: string, out: string, size: { w: number; h: number }, at?: [number, number]) => string;
}

const hasConvert = spawnSync('convert', ['-version']).status === 0;
export const x264 = (crf: number) => ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(crf), '-pix_fmt', 'yuv420p'];
const vfVideo = (vf: string, crf = 23) => (m: string, o: string) => {
  ffmpeg(['-i', m, '-vf', vf, ...x264(crf), `${o}.mp4`]);
  return `${o}.mp4`;
};
const even = (v: number) => Math.max(2, Math.round(v / 2) * 2);
const crop = (frac: number) => (m: string, o: string, s: { w: number; h: number }, at?: [number, number]) => {
  const cw = even(s.w * (1 - frac));
  const ch = even(s.h * (1 - frac));
  const x = Math.floor((at ? at[0] : rnd()) * (s.w - cw));
  const y = Math.floor((at ? at[1] : rnd()) * (s.h - ch));
  return vfVideo(`crop=${cw}:${ch}:${x}:${y}`)(m, o);
};
/** The frame the single-frame attacks take (mid-motion in a 30-frame clip). */
export const SINGLE_FRAME_INDEX = 20;
const frameAt = (m: string, o: string) => {
  ffmpeg(['-i', m, '-vf', `select=eq(n\\,${SINGLE_FRAME_INDEX})`, '-frames:v', '1', `${o}.png`]);
  return `${o}.png`;
};

export const ALL_ATTACKS: Attack[] = [
  { name: 'none (clip, H.264 CRF 18)', kind: 'video', make: (m) => m },
  { name: 'H.264 CRF 23', kind: 'video', make: (m, o) => (ffmpeg(['-i', m, ...x264(23), `${o}.mp4`]), `${o}.mp4`) },
  { name: 'H.264 CRF 28', kind: 'video', make: (m, o) => (ffmpeg(['-i', m, ...x264(28), `${o}.mp4`]), `${o}.mp4`) },
  { name: 'H.264 CRF 35', kind: 'video', make: (m, o) => (ffmpeg(['-i', m, ...x264(35), `${o}.mp4`]), `${o}.mp4`) },
  {
    name: 'VP9 CRF 36',
    kind: 'video',
    make: (m, o) => (
      ffmpeg(['-i', m, '-c:v', 'libvpx-vp9', '-crf', '36', '-b:v', '0', '-deadline', 'realtime', '-cpu-used', '8', '-pix_fmt', 'yuv420p', `${o}.webm`]),
      `${o}.webm`
    ),
  },
  { name: 'downscale 50%', kind: 'video', make: vfVideo('scale=trunc(iw/4)*2:trunc(ih/4)*2:flags=bicubic') },
  { name: 'downscale 25%', report: true, kind: 'video', make: vfVideo('scale=trunc(iw/8)*2:trunc(ih/8)*2:flags=bicubic') },
  { name: 'crop 10% (keep 90% of w and h)', kind: 'video', make: crop(0.1) },
  { name: 'crop 20% (keep 80% of w and h)', report: true, kind: 'video', make: crop(0.2) },
  { name: 'brightness +30%', kind: 'video', make: vfVideo('colorchannelmixer=rr=1.3:gg=1.3:bb=1.3') },
  { name: 'brightness -30%', kind: 'video', make: vfVideo('colorchannelmixer=rr=0.7:gg=0.7:bb=0.7') },
  { name: 'contrast +30%', kind: 'video', make: vfVideo('eq=contrast=1.3') },
  { name: 'contrast -30%', kind: 'video', make: vfVideo('eq=contrast=0.7') },
  { name: '24 fps', kind: 'video', make: vfVideo('fps=24') },
  {
    name: 'animated GIF (12 fps, palettegen)',
    kind: 'video',
    make: (m, o) => (ffmpeg(['-i', m, '-vf', 'fps=12,split[a][b];[a]palettegen[p];[b][p]paletteuse', `${o}.gif`]), `${o}.gif`),
  },
  { name: 'single frame PNG', kind: 'frame', make: frameAt },
  {
    name: 'single frame JPEG q50',
    kind: 'frame',
    make: (m, o) => {
      const png = frameAt(m, `${o}-src`);
      if (hasConvert) spawnSync('convert', [png, '-quality', '50', `${o}.jpg`]);
      else ffmpeg(['-i', png, '-q:v', '10', `${o}.jpg`]);
      return `${o}.jpg`;
    },
  },
  { name: 'downscale 50% + CRF 28', kind: 'video', make: vfVideo('scale=trunc(iw/4)*2:trunc(ih/4)*2:flags=bicubic', 28) },
];

/** Attacks whose name contains one of the comma-separated, case-insensitive filters (all when none). */
export function selectAttacks(filter: string | undefined): Attack[] {
  const f = filter?.split(',').filter(Boolean).map((a) => a.toLowerCase());
  return f ? ALL_ATTACKS.filter((a) => f.some((x) => a.name.toLowerCase().includes(x))) : ALL_ATTACKS;
}
