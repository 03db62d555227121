// Invisible-watermark detector. Pure TypeScript, runs anywhere (extension page, worker, Node).
//
// 1. Every frame is reduced to luma at a detection resolution whose long side is 64 samples per tile
//    period (2 samples per chip when the frame is uncropped; 320 px for format v2), high-pass filtered (luma minus its 3x3 box
//    mean), weighted by 1/sigma^2 where sigma is the local mean |residual| (7x7; the matched weight
//    for a host whose local variance varies; 1/sigma, the first version, measured worse on every
//    attack of the bench) and clipped; the
//    residuals of all frames of the same size are summed (soft combining: the mark sits at the same
//    place in every frame, the picture content and codec noise do not).
// 2. Tile period: the period is 1/T of the ORIGINAL long side (T tiles per long side); resizing keeps
//    that ratio and a crop of c of the long side makes it 1/(T(1-c)). For each candidate scale f in scaleRange the residual
//    is folded modulo the period into a 64x64 tile and circularly cross-correlated (FFT) with the
//    keyed sync pattern; the peak gives the grid offset, its height above the correlation surface
//    (a z-score) ranks candidates.
// 3. The best candidates are refined (scale, sub-chip offset), the chip evidence is gathered with
//    the same bilinear weights as the embedder, combined per channel bit, decoded and checked with
//    the CRC-32.
// 4. Formats are tried in turn (v2, then v1 for clips made before v2), each with at most
//    DECODE_ATTEMPTS decodes; a decode makes at most format.checksPerDecode CRC checks, each passed by
//    an unmarked input with probability 2^-32. FALSE_POSITIVE_BOUND is their sum.
import { CHIPS, CHIP_COUNT, FORMATS, FORMAT_V2, type ChipLayout, type WatermarkFormat } from './formats';
import { patternAt } from './pattern';

export interface WatermarkFrame {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
  /** 4 (RGBA, default) or 3 (RGB). */
  channels?: 3 | 4;
}

export interface WatermarkDetection {
  found: boolean;
  /** The clip identifier payload when found (CRC verified), else null. */
  payload: bigint | null;
  /**
   * 0..1. When found: 0.5 + 0.5 * (2 * agreement - 1) where agreement is the fraction of the
   * raw channel bits that agree with the decoded codeword (1 = every raw bit agrees). When not
   * found: below 0.5, growing with the strength of the sync peak (a hint that a damaged mark may be
   * present).
   */
  confidence: number;
  /** Fraction of raw channel bits agreeing with the decoded codeword (an estimate of the raw bit accuracy). */
  bitAccuracy?: number;
  framesUsed: number;
  /** Upper bound on the probability that an unmarked input is reported as found (per call). */
  falsePositiveProbability: number;
  /** Best-effort decoded payload even when the CRC fails (for diagnostics / benchmarks). */
  rawPayload?: bigint;
  /** Sync peak z-score of the chosen candidate and the estimated geometry. */
  syncZ?: number;
  scale?: number;
  /** The watermark format found (2 = current, 1 = clips made before format v2). */
  format?: number;
}

export interface DetectOptions {
  /** Range of period scale factors to search: 1 = uncropped, 1.25 = 20% of the long side cropped. */
  scaleRange?: [number, number];
  /** Use at most this many frames (the first ones given); default unlimited. */
  maxFrames?: number;
  /** Formats to try, in order (default: all, current first). */
  formats?: readonly WatermarkFormat[];
}

const SAMPLES_PER_CHIP = 2;
const BINS = CHIPS * SAMPLES_PER_CHIP; // 64
const PERIOD0 = BINS; // detection pixels per tile at scale 1
/** Detection-resolution long side of a format (320 for v2, 256 for v1). */
export const detLong = (format: WatermarkFormat): number => format.tilesPerLongSide * PERIOD0;
const SCALE_STEP = 0.005;
const DEFAULT_RANGE: [number, number] = [0.97, 1.28];
/** Decodes per format and call: the best sync candidates at distinct scales. */
export const DECODE_ATTEMPTS = 2;
/** Upper bound on the probability that one detectWatermark call reports an unmarked input as marked. */
export const FALSE_POSITIVE_BOUND = FORMATS.reduce((s, f) => s + DECODE_ATTEMPTS * f.checksPerDecode, 0) * 2 ** -32;

// ---------------------------------------------------------------------------------------------
// FFT (radix-2, in place) on BINS x BINS complex arrays.

const LOG2 = Math.log2(BINS);
const REV = (() => {
  const r = new Uint16Array(BINS);
  for (let i = 0; i < BINS; i++) {
    let x = i;
    let y = 0;
    for (let b = 0; b < LOG2; b++) {
      y = (y << 1) | (x & 1);
      x >>= 1;
    }
    r[i] = y;
  }
  return r;
})();
const COS = new Float64Array(BINS / 2);
const SIN = new Float64Array(BINS / 2);
for (let i = 0; i < BINS / 2; i++) {
  COS[i] = Math.cos((2 * Math.PI * i) / BINS);
  SIN[i] = -Math.sin((2 * Math.PI * i) / BINS);
}

function fft1(re: Float64Array, im: Float64Array, off: number, stride: number, inverse: boolean): void {
  for (let i = 0; i < BINS; i++) {
    const j = REV[i]!;
    if (j > i) {
      const a = off + i * stride;
      const b = off + j * stride;
      let t = re[a]!;
      re[a] = re[b]!;
      re[b] = t;
      t = im[a]!;
      im[a] = im[b]!;
      im[b] = t;
    }
  }
  for (let size = 2; size <= BINS; size <<= 1) {
    const half = size >> 1;
    const step = BINS / size;
    for (let start = 0; start < BINS; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = COS[k * step]!;
        const wi = inverse ? -SIN[k * step]! : SIN[k * step]!;
        const a = off + (start + k) * stride;
        const b = off + (start + k + half) * stride;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

function fft2(re: Float64Array, im: Float64Array, inverse: boolean): void {
  for (let r = 0; r < BINS; r++) fft1(re, im, r * BINS, 1, inverse);
  for (let c = 0; c < BINS; c++) fft1(re, im, c, BINS, inverse);
}

// Sync template of a layout sampled at bin centres, and its spectrum (computed once per layout).
const templates = new Map<ChipLayout, { re: Float64Array; im: Float64Array }>();
function templateSpectrum(layout: ChipLayout): { re: Float64Array; im: Float64Array } {
  let t = templates.get(layout);
  if (t) return t;
  const v = new Float32Array(CHIP_COUNT);
  for (const c of layout.sync) v[c] = layout.sign[c]!;
  const re = new Float64Array(BINS * BINS);
  const im = new Float64Array(BINS * BINS);
  for (let by = 0; by < BINS; by++)
    for (let bx = 0; bx < BINS; bx++) re[by * BINS + bx] = patternAt(v, (bx + 0.5) / SAMPLES_PER_CHIP, (by + 0.5) / SAMPLES_PER_CHIP);
  fft2(re, im, false);
  t = { re, im };
  templates.set(layout, t);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Frame -> detection-resolution luma residual.

interface Plane {
  w: number;
  h: number;
  r: Float32Array;
}

function lumaAtDetectionScale(f: WatermarkFrame, det: number): { w: number; h: number; Y: Float32Array } | null {
  const { width, height, data } = f;
  const ch = f.channels ?? 4;
  if (width < 8 || height < 8 || data.length < width * height * ch) return null;
  const L = Math.max(width, height);
  const s = det / L;
  const w = Math.max(1, Math.floor(width * s));
  const h = Math.max(1, Math.floor(height * s));
  const Y = new Float32Array(w * h);
  if (s <= 1) {
    // Area binning: source pixel x goes to bin floor(x * s).
    const colBin = new Int32Array(width);
    const cntX = new Float32Array(w);
    for (let x = 0; x < width; x++) {
      const b = Math.floor(x * s);
      colBin[x] = b < w ? b : -1;
      if (b < w) cntX[b]!++;
    }
    const cntY = new Float32Array(h);
    for (let y = 0; y < height; y++) {
      const yb = Math.floor(y * s);
      if (yb >= h) continue;
      cntY[yb]!++;
      const rowOff = yb * w;
      let p = y * width * ch;
      for (let x = 0; x < width; x++, p += ch) {
        const b = colBin[x]!;
        if (b >= 0) Y[rowOff + b] = Y[rowOff + b]! + 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!;
      }
    }
    for (let yb = 0; yb < h; yb++) for (let b = 0; b < w; b++) Y[yb * w + b] = Y[yb * w + b]! / (cntX[b]! * cntY[yb]!);
  } else {
    // Upsample bilinearly (a small screenshot or a 25% downscale).
    const lum = (x: number, y: number) => {
      const p = (y * width + x) * ch;
      return 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!;
    };
    for (let yd = 0; yd < h; yd++) {
      const sy = Math.min(height - 1, Math.max(0, (yd + 0.5) / s - 0.5));
      const y0 = Math.floor(sy);
      const y1 = Math.min(height - 1, y0 + 1);
      const ty = sy - y0;
      for (let xd = 0; xd < w; xd++) {
        const sx = Math.min(width - 1, Math.max(0, (xd + 0.5) / s - 0.5));
        const x0 = Math.floor(sx);
        const x1 = Math.min(width - 1, x0 + 1);
        const tx = sx - x0;
        Y[yd * w + xd] =
          (1 - ty) * ((1 - tx) * lum(x0, y0) + tx * lum(x1, y0)) + ty * ((1 - tx) * lum(x0, y1) + tx * lum(x1, y1));
      }
    }
  }
  return { w, h, Y };
}

function boxBlur(src: Float32Array, w: number, h: number, rad: number): Float32Array {
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  const n = 2 * rad + 1;
  for (let y = 0; y < h; y++) {
    const o = y * w;
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -rad; k <= rad; k++) s += src[o + Math.min(w - 1, Math.max(0, x + k))]!;
      tmp[o + x] = s / n;
    }
  }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -rad; k <= rad; k++) s += tmp[Math.min(h - 1, Math.max(0, y + k)) * w + x]!;
      out[y * w + x] = s / n;
    }
  return out;
}

/** Residual filter parameters (tunable for experiments through detectInternals.tune). */
const RES = { hp: 1, loc: 3, eps: 0.25, clip: 3, pow: 2 };

/** High-pass residual of one frame at a format's detection resolution, clipped to limit the influence of strong edges. */
function frameResidual(f: WatermarkFrame, format: WatermarkFormat = FORMAT_V2): Plane | null {
  const l = lumaAtDetectionScale(f, detLong(format));
  if (!l) return null;
  const { w, h, Y } = l;
  const b = boxBlur(Y, w, h, RES.hp);
  const r = new Float32Array(w * h);
  let mad = 0;
  for (let i = 0; i < r.length; i++) {
    r[i] = Y[i]! - b[i]!;
    mad += Math.abs(r[i]!);
  }
  mad /= r.length;
  if (!(mad > 0)) return { w, h, r };
  // Local whitening: divide by the local mean |r| (the picture content is very non-stationary:
  // edges and texture are loud, flat areas quiet), then clip.
  const a = new Float32Array(w * h);
  for (let i = 0; i < a.length; i++) a[i] = Math.abs(r[i]!);
  const loc = boxBlur(a, w, h, RES.loc);
  const eps = RES.eps * mad;
  const clip = RES.clip;
  for (let i = 0; i < r.length; i++) {
    const d = loc[i]! + eps;
    const v = RES.pow === 1 ? r[i]! / d : (r[i]! * mad) / (d * d);
    r[i] = v > clip ? clip : v < -clip ? -clip : v;
  }
  return { w, h, r };
}

// ---------------------------------------------------------------------------------------------
// Geometry search.

interface Candidate {
  f: number;
  ox: number;
  oy: number;
  z: number;
  /** Raw correlation peak (for interpolation across scales). */
  peak: number;
  k: number;
}

function foldInto(pl: Plane, f: number, out: Float64Array, binX: Int32Array, binY: Int32Array): void {
  const { w, h, r } = pl;
  const p = PERIOD0 * f;
  for (let x = 0; x < w; x++) {
    const u = (x + 0.5) / p;
    binX[x] = Math.min(BINS - 1, Math.floor((u - Math.floor(u)) * BINS));
  }
  for (let y = 0; y < h; y++) {
    const v = (y + 0.5) / p;
    binY[y] = Math.min(BINS - 1, Math.floor((v - Math.floor(v)) * BINS)) * BINS;
  }
  out.fill(0);
  for (let y = 0; y < h; y++) {
    const by = binY[y]!;
    const o = y * w;
    for (let x = 0; x < w; x++) {
      const i = by + binX[x]!;
      out[i] = out[i]! + r[o + x]!;
    }
  }
}

/** Parabolic sub-sample offset of a peak from its two neighbours. */
function parabolic(m: number, c: number, p: number): number {
  const d = m - 2 * c + p;
  if (!(d < 0)) return 0;
  return Math.max(-0.5, Math.min(0.5, (0.5 * (m - p)) / d));
}

function peakOf(c: Float64Array, k: number, f: number): Candidate {
  const n = BINS * BINS;
  let best = -Infinity;
  let bi = 0;
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    const v = c[i]!;
    sum += v;
    sum2 += v * v;
    if (v > best) {
      best = v;
      bi = i;
    }
  }
  const mean = sum / n;
  const sd = Math.sqrt(Math.max(1e-30, sum2 / n - mean * mean));
  const sx = bi % BINS;
  const sy = (bi / BINS) | 0;
  const at = (x: number, y: number) => c[((y + BINS) % BINS) * BINS + ((x + BINS) % BINS)]!;
  const fx = sx + parabolic(at(sx - 1, sy), best, at(sx + 1, sy));
  const fy = sy + parabolic(at(sx, sy - 1), best, at(sx, sy + 1));
  return { f, k, ox: fx / SAMPLES_PER_CHIP, oy: fy / SAMPLES_PER_CHIP, z: (best - mean) / sd, peak: best };
}

function searchScales(pl: Plane, range: [number, number], layout: ChipLayout = FORMAT_V2.layout): Candidate[] {
  const { w, h } = pl;
  const kMin = Math.ceil(Math.log(range[0]) / Math.log1p(SCALE_STEP));
  const kMax = Math.floor(Math.log(range[1]) / Math.log1p(SCALE_STEP));
  const binX = new Int32Array(w);
  const binY = new Int32Array(h);
  const n = BINS * BINS;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const c1 = new Float64Array(n);
  const c2 = new Float64Array(n);
  const out: Candidate[] = [];
  const { re: tr, im: ti } = templateSpectrum(layout);
  // Two real folds per complex FFT: z = a + i b; corr_z[s] = sum_b z[b] T[b+s] = IFFT(Z(-k) T(k)),
  // whose real part is corr_a and imaginary part corr_b.
  for (let k = kMin; k <= kMax; k += 2) {
    const fa = Math.pow(1 + SCALE_STEP, k);
    const fb = Math.pow(1 + SCALE_STEP, k + 1);
    const hasB = k + 1 <= kMax;
    foldInto(pl, fa, re, binX, binY);
    if (hasB) foldInto(pl, fb, im, binX, binY);
    else im.fill(0);
    fft2(re, im, false);
    // Z(-k): index reversal mod BINS on both axes.
    for (let y = 0; y < BINS; y++) {
      const ny = (BINS - y) % BINS;
      for (let x = 0; x < BINS; x++) {
        const i = y * BINS + x;
        const j = ny * BINS + ((BINS - x) % BINS);
        c1[i] = re[j]!;
        c2[i] = im[j]!;
      }
    }
    for (let i = 0; i < n; i++) {
      const zr = c1[i]!;
      const zi = c2[i]!;
      re[i] = zr * tr[i]! - zi * ti[i]!;
      im[i] = zr * ti[i]! + zi * tr[i]!;
    }
    fft2(re, im, true);
    out.push(peakOf(re, k, fa));
    if (hasB) out.push(peakOf(im, k + 1, fb));
  }
  return out;
}

/** Per-row projections of the residual onto the 32 chip columns (bilinear in x) for scale f, offset ox. */
function rowProjections(pl: Plane, f: number, ox: number): Float64Array {
  const { w, h, r } = pl;
  const scale = CHIPS / (PERIOD0 * f);
  const ci = new Int32Array(w);
  const ci1 = new Int32Array(w);
  const ct = new Float64Array(w);
  for (let x = 0; x < w; x++) {
    const cu = (x + 0.5) * scale + ox;
    const fl = Math.floor(cu);
    const i0 = ((fl % CHIPS) + CHIPS) % CHIPS;
    ci[x] = i0;
    ci1[x] = i0 === CHIPS - 1 ? 0 : i0 + 1;
    ct[x] = cu - fl;
  }
  const rp = new Float64Array(h * CHIPS);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    const ro = y * CHIPS;
    for (let x = 0; x < w; x++) {
      const v = r[o + x]!;
      const vt = v * ct[x]!;
      const i0 = ro + ci[x]!;
      const i1 = ro + ci1[x]!;
      rp[i0] = rp[i0]! + v - vt;
      rp[i1] = rp[i1]! + vt;
    }
  }
  return rp;
}

/** Chip evidence from row projections: bilinear in y for scale f, offset oy. */
function evidenceFromRows(rp: Float64Array, h: number, f: number, oy: number): Float64Array {
  const scale = CHIPS / (PERIOD0 * f);
  const acc = new Float64Array(CHIP_COUNT);
  for (let y = 0; y < h; y++) {
    const cv = (y + 0.5) * scale + oy;
    const fl = Math.floor(cv);
    const j0 = ((fl % CHIPS) + CHIPS) % CHIPS;
    const j1 = (j0 + 1) % CHIPS;
    const tv = cv - fl;
    const a0 = j0 * CHIPS;
    const a1 = j1 * CHIPS;
    const ro = y * CHIPS;
    for (let i = 0; i < CHIPS; i++) {
      const s = rp[ro + i]!;
      acc[a0 + i] = acc[a0 + i]! + s * (1 - tv);
      acc[a1 + i] = acc[a1 + i]! + s * tv;
    }
  }
  return acc;
}

/** Chip evidence: residual scattered onto the 32x32 chip lattice with the embedder's bilinear weights. */
function chipEvidence(pl: Plane, f: number, ox: number, oy: number): Float64Array {
  return evidenceFromRows(rowProjections(pl, f, ox), pl.h, f, oy);
}

function syncScore(acc: Float64Array, layout: ChipLayout): number {
  let s = 0;
  for (const c of layout.sync) s += layout.sign[c]! * acc[c]!;
  return s;
}

function refine(pl: Plane, c0: Candidate, all: Candidate[], layout: ChipLayout = FORMAT_V2.layout): { f: number; ox: number; oy: number; acc: Float64Array } {
  // Scale: parabola through the peaks at the neighbouring scales; keep the chip coordinate at the
  // image centre fixed when moving the scale (the fold estimates the offset there).
  let { f, ox, oy } = c0;
  const prev = all.find((c) => c.k === c0.k - 1);
  const next = all.find((c) => c.k === c0.k + 1);
  if (prev && next) {
    const f2 = f * Math.pow(1 + SCALE_STEP, parabolic(prev.peak, c0.peak, next.peak));
    const k = CHIPS / PERIOD0;
    ox += (pl.w / 2) * k * (1 / f - 1 / f2);
    oy += (pl.h / 2) * k * (1 / f - 1 / f2);
    f = f2;
  }
  // Local grid over the sub-chip offset (one pass over the pixels per ox, oy is cheap), then scale.
  let best = -Infinity;
  let acc: Float64Array = new Float64Array(CHIP_COUNT);
  let bx = ox;
  let by = oy;
  const steps = [-0.125, -0.0625, 0, 0.0625, 0.125];
  for (const dx of steps) {
    const rp = rowProjections(pl, f, ox + dx);
    for (const dy of steps) {
      const a = evidenceFromRows(rp, pl.h, f, oy + dy);
      const sc = syncScore(a, layout);
      if (sc > best) {
        best = sc;
        acc = a;
        bx = ox + dx;
        by = oy + dy;
      }
    }
  }
  ox = bx;
  oy = by;
  for (const df of [SCALE_STEP / 4, -SCALE_STEP / 4]) {
    const f2 = f * (1 + df);
    const k = CHIPS / PERIOD0;
    const ox2 = ox + (pl.w / 2) * k * (1 / f - 1 / f2);
    const oy2 = oy + (pl.h / 2) * k * (1 / f - 1 / f2);
    const a = chipEvidence(pl, f2, ox2, oy2);
    const sc = syncScore(a, layout);
    if (sc > best) {
      best = sc;
      acc = a;
      f = f2;
      ox = ox2;
      oy = oy2;
    }
  }
  return { f, ox, oy, acc };
}

function softBits(acc: Float64Array, format: WatermarkFormat = FORMAT_V2): Float64Array {
  const { role, sign } = format.layout;
  const soft = new Float64Array(format.codeBits);
  for (let c = 0; c < CHIP_COUNT; c++) {
    const r = role[c]!;
    if (r >= 0) soft[r] = soft[r]! + sign[c]! * acc[c]!;
  }
  return soft;
}

// ---------------------------------------------------------------------------------------------

/** The residuals of the most common frame size, summed (soft combining over the frames of a clip). */
function combinedResidual(frames: readonly WatermarkFrame[], format: WatermarkFormat): { pl: Plane; n: number } | null {
  const groups = new Map<string, { pl: Plane; n: number }>();
  for (const fr of frames) {
    const pl = frameResidual(fr, format);
    if (!pl) continue;
    const key = `${fr.width}x${fr.height}`;
    const g = groups.get(key);
    if (!g) groups.set(key, { pl, n: 1 });
    else {
      const a = g.pl.r;
      for (let i = 0; i < a.length; i++) a[i] = a[i]! + pl.r[i]!;
      g.n++;
    }
  }
  return groups.size ? [...groups.values()].sort((a, b) => b.n - a.n)[0]! : null;
}

/** Search, refine and decode one format: the first CRC-verified decode, else the best attempt. */
function detectFormat(g: { pl: Plane; n: number }, format: WatermarkFormat, range: [number, number]): WatermarkDetection {
  const layout = format.layout;
  const cands = searchScales(g.pl, range, layout);
  const ranked = [...cands].sort((a, b) => b.z - a.z);
  // Distinct candidates (a different scale, not a neighbour of one already taken).
  const picked: Candidate[] = [];
  for (const c of ranked) {
    if (picked.length >= DECODE_ATTEMPTS) break;
    if (picked.some((p) => Math.abs(Math.log(p.f / c.f)) < 2.5 * SCALE_STEP)) continue;
    picked.push(c);
  }
  let fallback: WatermarkDetection | null = null;
  for (const c of picked) {
    const ref = refine(g.pl, c, cands, layout);
    const dec = format.decode(softBits(ref.acc, format));
    const res: WatermarkDetection = {
      found: dec.ok,
      payload: dec.ok ? dec.payload : null,
      confidence: dec.ok ? 0.5 + 0.5 * Math.max(0, 2 * dec.agreement - 1) : Math.min(0.49, Math.max(0, (c.z - 4) / 20)),
      bitAccuracy: dec.agreement,
      framesUsed: g.n,
      falsePositiveProbability: FALSE_POSITIVE_BOUND,
      rawPayload: dec.payload,
      syncZ: c.z,
      scale: ref.f,
      format: format.version,
    };
    if (dec.ok) return res;
    if (!fallback) fallback = res;
  }
  return fallback!;
}

/**
 * Detect the Sfumato watermark in one or more decoded frames (RGBA or RGB, any size). Frames of the
 * same size are combined (a clip); when sizes differ the most common size is used.
 */
export function detectWatermark(frames: Iterable<WatermarkFrame>, opts: DetectOptions = {}): WatermarkDetection {
  const all: WatermarkFrame[] = [];
  for (const fr of frames) {
    if (opts.maxFrames !== undefined && all.length >= opts.maxFrames) break;
    all.push(fr);
  }
  let result: WatermarkDetection = {
    found: false,
    payload: null,
    confidence: 0,
    framesUsed: 0,
    falsePositiveProbability: FALSE_POSITIVE_BOUND,
  };
  for (const format of opts.formats ?? FORMATS) {
    const g = combinedResidual(all, format);
    if (!g) break;
    const res = detectFormat(g, format, opts.scaleRange ?? DEFAULT_RANGE);
    if (res.found) return res;
    // Report the attempt with the stronger sync peak (a hint that a damaged mark may be present).
    if (result.syncZ === undefined || (res.syncZ ?? 0) > result.syncZ) result = res;
  }
  return result;
}

/** Internals for the embedder (informed embedding) and the benchmarks; not a stable API. */
export const detectInternals = {
  frameResidual,
  chipEvidence,
  softBits,
  syncScore,
  searchScales,
  refine,
  /** Experiments only: change the residual filter (high-pass radius, whitening radius, epsilon, clip, 1/sigma^pow). */
  tune(p: Partial<typeof RES>): void {
    Object.assign(RES, p);
  },
};
