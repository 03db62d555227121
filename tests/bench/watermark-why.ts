// `npx vite-node tests/bench/watermark-why.ts`: why does a watermarked clip fail after an attack?
// For every portrait x attack it builds the benchmark's clip (watermarked and not), attacks both the
// same way, and reports at the geometry the detector chose:
//   z1/z2       sync z-score of the best candidate and of the best one at another scale,
//   BER         raw channel bit error rate against the true codeword (0.5 = wrong geometry),
//   snr         mean / std of the signed soft bits (about 1.6 is what the rate-1/2 code needs),
//   mark, host  the mean mark response and the std of the host's (attacked, unmarked clip's)
//               projection over the channel bits, in the same units,
//   ok          the decoder's verdict.
// With WM_MAPS=dir it writes PNGs: the frame's luma, and where the mark's evidence lies (per block of
// the detection plane, green = evidence for the true bits, red = against) before and after the attack.
// Env: WM_CLIPS, WM_ATTACKS, WM_FRAMES (as in watermark.ts), WM_SINGLE=1 (also frame 20 alone).
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectInternals as D, detectWatermark } from '../../lib/watermark/detect';
import { clipIdToPayload, CODE_BITS, decodePayload, encodePayload } from '../../lib/watermark/payload';
import { addPatternField, chipValues, CHIPS } from '../../lib/watermark/pattern';
import { informedField } from '../../lib/watermark/informed';
import { decodeFrames, encodeFrames, type RawFrame } from './watermark-media';
import { faceMotionFrames, selectAttacks, SINGLE_FRAME_INDEX, x264 } from './watermark-clips';

const FIX = '/work/shared/fixtures/portraits';
const TMP = join(tmpdir(), `sfumato-wm-why-${process.pid}`);
mkdirSync(TMP, { recursive: true });
const only = process.env.WM_CLIPS?.split(',').filter(Boolean);
const NFRAMES = Number(process.env.WM_FRAMES ?? 30);
const MAPS = process.env.WM_MAPS;
if (MAPS) mkdirSync(MAPS, { recursive: true });
const attacks = selectAttacks(process.env.WM_ATTACKS);
const files = readdirSync(FIX).filter((f) => /\.jpe?g$/.test(f) && (!only || only.some((o) => f.startsWith(o)))).sort();

type Plane = NonNullable<ReturnType<typeof D.frameResidual>>;
const sumPlanes = (frames: RawFrame[]): Plane => {
  let acc: Plane | null = null;
  for (const f of frames) {
    const p = D.frameResidual(f)!;
    if (!acc) acc = p;
    else for (let i = 0; i < p.r.length; i++) acc.r[i] = acc.r[i]! + p.r[i]!;
  }
  return acc!;
};

const stats = (v: Float64Array, t: Float64Array) => {
  let m = 0;
  let m2 = 0;
  let err = 0;
  for (let b = 0; b < CODE_BITS; b++) {
    const x = v[b]! * t[b]!;
    m += x;
    m2 += x * x;
    if (x <= 0) err++;
  }
  m /= CODE_BITS;
  const sd = Math.sqrt(Math.max(0, m2 / CODE_BITS - m * m));
  return { mean: m, sd, ber: err / CODE_BITS };
};

/** Per-block evidence (residual x expected plain pattern), blocks of B detection pixels. */
const B = 8;
function evidence(pl: Plane, chips: Float32Array, f: number, ox: number, oy: number): { bw: number; bh: number; e: Float64Array } {
  const scale = CHIPS / (64 * f);
  const bw = Math.ceil(pl.w / B);
  const bh = Math.ceil(pl.h / B);
  const e = new Float64Array(bw * bh);
  for (let y = 0; y < pl.h; y++)
    for (let x = 0; x < pl.w; x++) {
      const cu = (x + 0.5) * scale + ox;
      const cv = (y + 0.5) * scale + oy;
      // Nearest-chip pattern value is enough for a picture.
      const i = ((Math.floor(cu) % CHIPS) + CHIPS) % CHIPS;
      const j = ((Math.floor(cv) % CHIPS) + CHIPS) % CHIPS;
      const k = Math.floor(y / B) * bw + Math.floor(x / B);
      e[k] = e[k]! + pl.r[y * pl.w + x]! * chips[j * CHIPS + i]!;
    }
  return { bw, bh, e };
}

function writeMap(path: string, maps: { bw: number; bh: number; e: Float64Array }[], lum: Plane): void {
  const { bw, bh } = maps[0]!;
  const cell = B;
  const W = bw * cell;
  const H = bh * cell;
  const out = new Uint8ClampedArray(W * (maps.length + 1) * H * 4);
  const Wt = W * (maps.length + 1);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of lum.r) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const v = y < lum.h && x < lum.w ? (255 * (lum.r[y * lum.w + x]! - lo)) / (hi - lo) : 0;
      const p = (y * Wt + x) * 4;
      out[p] = out[p + 1] = out[p + 2] = v;
      out[p + 3] = 255;
    }
  let sc = 0;
  for (const v of maps[0]!.e) sc = Math.max(sc, Math.abs(v));
  maps.forEach((m, mi) => {
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const v = m.e[Math.floor(y / cell) * bw + Math.floor(x / cell)]! / (0.5 * sc);
        const p = (y * Wt + (mi + 1) * W + x) * 4;
        out[p] = v < 0 ? Math.min(255, -v * 255) : 0;
        out[p + 1] = v > 0 ? Math.min(255, v * 255) : 0;
        out[p + 2] = 0;
        out[p + 3] = 255;
      }
  });
  encodeFrames([{ data: out, width: Wt, height: H }], 1, ['-frames:v', '1'], path);
}

function lumaPlane(f: RawFrame): Plane {
  // The luma at detection scale, via the residual filter's own downscaling: approximate with a plain box average.
  const s = 256 / Math.max(f.width, f.height);
  const w = Math.floor(f.width * s);
  const h = Math.floor(f.height * s);
  const r = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const p = (Math.min(f.height - 1, Math.floor((y + 0.5) / s)) * f.width + Math.min(f.width - 1, Math.floor((x + 0.5) / s))) * 4;
      r[y * w + x] = 0.299 * f.data[p]! + 0.587 * f.data[p + 1]! + 0.114 * f.data[p + 2]!;
    }
  return { w, h, r };
}

console.log(`${files.length} clips x ${NFRAMES} frames; attacks: ${attacks.map((a) => a.name).join(', ')}`);
for (const f of files) {
  const name = f.replace(/\.\w+$/, '');
  const payload = clipIdToPayload(`bench/${name}`);
  const still = decodeFrames(join(FIX, f), { maxLong: 768 })[0]!;
  const frames = faceMotionFrames(still, NFRAMES);
  const inf = informedField(frames[0]!, payload);
  const marked = frames.map((fr) => {
    const d = new Uint8ClampedArray(fr.data);
    addPatternField(d, inf.field);
    return { data: d, width: fr.width, height: fr.height };
  });
  const masterM = join(TMP, `${name}-m.mp4`);
  const masterU = join(TMP, `${name}-u.mp4`);
  encodeFrames(marked, 30, x264(18), masterM);
  encodeFrames(frames, 30, x264(18), masterU);
  const t = new Float64Array(CODE_BITS);
  encodePayload(payload).forEach((b, i) => (t[i] = b ? 1 : -1));
  const chips = chipValues(payload);
  let ref0: ReturnType<typeof evidence> | null = null;
  console.log(`\n${name} (informed amp ${Math.min(...inf.amp).toFixed(2)}..${Math.max(...inf.amp).toFixed(2)}, min margin ${inf.minMargin.toFixed(2)})`);
  for (const a of attacks) {
    const at: [number, number] = [0.37, 0.61];
    const tag = a.name.replace(/[^a-z0-9]+/gi, '_');
    const am = decodeFrames(a.make(masterM, join(TMP, `${name}-${tag}-m`), { w: still.width, h: still.height }, at));
    const au = decodeFrames(a.make(masterU, join(TMP, `${name}-${tag}-u`), { w: still.width, h: still.height }, at));
    const sets: [string, RawFrame[], RawFrame[]][] = [['clip', am, au]];
    if (process.env.WM_SINGLE && am.length > 1) {
      const k = Math.min(am.length - 1, Math.round((SINGLE_FRAME_INDEX * am.length) / NFRAMES));
      sets.push([`frame ${k}`, [am[k]!], [au[k]!]]);
    }
    for (const [label, fm, fu] of sets) {
      const pm = sumPlanes(fm);
      const pu = sumPlanes(fu);
      const cands = D.searchScales(pm, [0.97, 1.28]);
      const ranked = [...cands].sort((x, y) => y.z - x.z);
      const best = ranked[0]!;
      const second = ranked.find((c) => Math.abs(Math.log(c.f / best.f)) > 2.5 * 0.005)!;
      const ref = D.refine(pm, best, cands);
      const sm = D.softBits(ref.acc);
      const su = D.softBits(D.chipEvidence(pu, ref.f, ref.ox, ref.oy));
      const sM = stats(sm, t);
      const mark = new Float64Array(CODE_BITS);
      for (let b = 0; b < CODE_BITS; b++) mark[b] = sm[b]! - su[b]!;
      const sMark = stats(mark, t);
      const sHost = stats(su, t);
      const dec = decodePayload(sm);
      const det = detectWatermark(fm);
      console.log(
        `  ${a.name.padEnd(34)} ${label.padEnd(9)} z1 ${best.z.toFixed(1).padStart(5)} z2 ${second.z.toFixed(1).padStart(5)} f ${ref.f.toFixed(3)} ` +
          `BER ${sM.ber.toFixed(3)} snr ${(sM.mean / sM.sd).toFixed(2)} mark ${(sMark.mean / sHost.sd).toFixed(2)}±${(sMark.sd / sHost.sd).toFixed(2)} host ${(sHost.mean / sHost.sd).toFixed(2)}±1 ` +
          `${dec.ok && dec.payload === payload ? 'ok' : 'FAIL'}${det.found && det.payload === payload ? '' : ' (detector: miss)'}`,
      );
      if (MAPS && label === 'clip') {
        const ev = evidence(pm, chips, ref.f, ref.ox, ref.oy);
        if (!ref0) ref0 = ev;
        if (ref0.bw === ev.bw && ref0.bh === ev.bh) writeMap(join(MAPS, `${name}-${tag}.png`), [ref0, ev], lumaPlane(fm[0]!));
        else writeMap(join(MAPS, `${name}-${tag}.png`), [ev], lumaPlane(fm[0]!));
      }
    }
  }
}
rmSync(TMP, { recursive: true, force: true });
