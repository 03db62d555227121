// `npx vite-node tests/bench/watermark-diag.ts`: single-frame diagnostics of the watermark per
// portrait: host interference vs mark response at the true geometry, and detection of one frame
// (as is, JPEG q50, H.264 CRF 28/35 intra, 50% / 25% downscale, 10% crop) with the plain and the
// informed embedding. Env: WM_CLIPS=prefix,prefix (portraits), WM_LONG (default 768).
import { readdirSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectInternals as D, detectWatermark } from '../../lib/watermark/detect';
import { clipIdToPayload, encodePayload, CODE_BITS } from '../../lib/watermark/payload';
import { addPatternField, patternField } from '../../lib/watermark/pattern';
import { informedField } from '../../lib/watermark/informed';
import { cropRGBA, decodeFrames, encodeFrames, psnr, type RawFrame } from './watermark-media';

const FIX = '/work/shared/fixtures/portraits';
const TMP = join(tmpdir(), `sfumato-wm-diag-${process.pid}`);
mkdirSync(TMP, { recursive: true });
const only = process.env.WM_CLIPS?.split(',');
const LONG = Number(process.env.WM_LONG ?? 768);
const files = readdirSync(FIX).filter((f) => /\.jpe?g$/.test(f) && (!only || only.some((o) => f.startsWith(o))));
const via = (fr: RawFrame, name: string, args: string[], vf?: string): RawFrame => {
  const p = join(TMP, name);
  encodeFrames([fr], 30, args, p);
  return decodeFrames(p, vf ? { vf } : {})[0]!;
};
const attacks: [string, (f: RawFrame) => RawFrame][] = [
  ['none', (f) => f],
  ['jpeg50', (f) => via(f, 'a.jpg', ['-q:v', '10'])],
  ['crf28', (f) => via(f, 'a.mp4', ['-c:v', 'libx264', '-crf', '28', '-pix_fmt', 'yuv420p'])],
  ['crf35', (f) => via(f, 'b.mp4', ['-c:v', 'libx264', '-crf', '35', '-pix_fmt', 'yuv420p'])],
  ['half', (f) => via(f, 'c.png', ['-vf', 'scale=trunc(iw/4)*2:trunc(ih/4)*2:flags=bicubic'])],
  ['quarter', (f) => via(f, 'd.png', ['-vf', 'scale=trunc(iw/8)*2:trunc(ih/8)*2:flags=bicubic'])],
  ['crop10', (f) => cropRGBA(f, Math.round(f.width * 0.03), Math.round(f.height * 0.07), Math.round(f.width * 0.9), Math.round(f.height * 0.9))],
];
const tally: Record<string, number> = {};
for (const f of files) {
  const still = decodeFrames(join(FIX, f), { maxLong: LONG })[0]!;
  const payload = clipIdToPayload(`bench/${f.replace(/\.\w+$/, '')}`);
  const bits = encodePayload(payload);
  const t0 = performance.now();
  const inf = informedField(still, payload);
  const tInf = performance.now() - t0;
  const line: string[] = [];
  for (const [mode, field] of [['plain', patternField(still.width, still.height, payload)], ['informed', inf.field]] as const) {
    const m = new Uint8ClampedArray(still.data);
    addPatternField(m, field);
    const mf: RawFrame = { data: m, width: still.width, height: still.height };
    const soft = D.softBits(D.chipEvidence(D.frameResidual(mf)!, 1, 0, 0));
    let err = 0;
    for (let b = 0; b < CODE_BITS; b++) if (soft[b]! * (bits[b] ? 1 : -1) <= 0) err++;
    const res: string[] = [];
    for (const [an, fn] of attacks) {
      const d = detectWatermark([fn(mf)]);
      const ok = d.found && d.payload === payload;
      tally[`${mode} ${an}`] = (tally[`${mode} ${an}`] ?? 0) + (ok ? 1 : 0);
      res.push(`${an}:${ok ? '✓' : '✗'}${(d.bitAccuracy ?? 0).toFixed(2)}`);
    }
    line.push(`  ${mode.padEnd(8)} psnr ${psnr(still.data, m).toFixed(2)} raw err ${err} | ${res.join(' ')}`);
  }
  console.log(`${f} ${still.width}x${still.height} informed ${tInf.toFixed(0)} ms, min margin ${inf.minMargin.toFixed(2)}, amp range ${Math.min(...inf.amp).toFixed(2)}..${Math.max(...inf.amp).toFixed(2)}\n${line.join('\n')}`);
}
console.log(Object.entries(tally).map(([k, v]) => `${k}: ${v}/${files.length}`).join('\n'));
rmSync(TMP, { recursive: true, force: true });
