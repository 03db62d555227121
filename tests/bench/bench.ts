// `npm run bench`: every fixture portrait through the real extension in headless Chromium
// (SwiftShader WebGPU), from the menu action to the clip playing in place; then, for the engine
// issue's speed target, rendering against encoding at 768 px, each timed alone (harness page, the
// same renderer and encoder the extension uses). Prints tables and writes bench-results/bench.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchWithExtension, openExtensionPage } from '../e2e/support/browser';
import { listFixtures, startSite } from '../e2e/support/server';
import { animateTarget, openSingle } from '../e2e/support/animate';
import { readStoredClips } from '../e2e/support/clips';
import { openHarness } from '../quality/harness-page';
import type { SpeedResult } from '../quality/harness-entry';

const only = process.argv.slice(2);
const site = await startSite();
const b = await launchWithExtension();
const ext = await openExtensionPage(b, 'sidepanel.html');
const gpu = await ext.evaluate(async () => {
  const a = await navigator.gpu?.requestAdapter();
  return a ? `${a.info.vendor} ${a.info.architecture} ${a.info.description}`.trim() || 'WebGPU adapter' : 'none';
});

interface Row {
  portrait: string;
  size: string;
  menuToFirstFrameMs: number;
  detectMs: number;
  renderMsPerFrame: number;
  encodeMsPerFrame: number;
  signMs: number;
  totalMs: number;
  realtimeFactor: number;
  peakHeapMB: number;
  renderer: string;
  faces: number;
}
const rows: Row[] = [];
for (const f of listFixtures('portraits').filter((f) => only.length === 0 || only.some((o) => f.includes(o)))) {
  const page = await openSingle(b, site.origin, `/fixtures/portraits/${f}`, 400);
  const before = Date.now();
  const out = await animateTarget(b, page);
  if (out.kind !== 'clip') {
    console.log(`${f}: ${out.message}`);
    await page.close();
    continue;
  }
  const clip = (await readStoredClips(ext)).filter((c) => c.createdAt >= before).sort((a, c) => c.createdAt - a.createdAt)[0]!;
  const t = clip.timings;
  rows.push({
    portrait: f.replace(/\.\w+$/, ''),
    size: `${clip.width}x${clip.height}`,
    menuToFirstFrameMs: out.readyMs,
    detectMs: Math.round(t.detectMs),
    renderMsPerFrame: +t.renderMsPerFrame.toFixed(1),
    encodeMsPerFrame: +t.encodeMsPerFrame.toFixed(1),
    signMs: Math.round(t.signMs),
    totalMs: Math.round(t.totalMs),
    realtimeFactor: +(t.totalMs / 1000 / clip.durationS).toFixed(2),
    peakHeapMB: +t.peakHeapMB.toFixed(0),
    renderer: clip.renderer,
    faces: clip.faces.length,
  });
  await page.close();
}
await b.close();
await site.close();

const cols = Object.keys(rows[0] ?? {}) as (keyof Row)[];
const mean = (k: keyof Row) => rows.reduce((s, r) => s + (r[k] as number), 0) / Math.max(1, rows.length);
console.log(`\nGPU adapter: ${gpu}\n`);
console.log(`| ${cols.join(' | ')} |\n|${cols.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${cols.map((c) => r[c]).join(' | ')} |`);
const numeric = cols.filter((c) => typeof rows[0]?.[c] === 'number');
console.log(`| mean | ${cols.slice(1).map((c) => (numeric.includes(c) ? mean(c).toFixed(1) : '')).join(' | ')} |`);
// Render against encode at 768 px: the renderer drawing ahead as the pipeline does (label and
// watermark on), and the H.264 encoder alone on those frames; medians of three runs of 60 frames.
const harness = await openHarness();
const speed: Array<{ portrait: string } & SpeedResult> = [];
for (const f of listFixtures('portraits').filter((f) => only.length === 0 || only.some((o) => f.includes(o)))) {
  const info = await harness.loadFixture(f, 1024);
  if (!info.ok) continue;
  speed.push({ portrait: f.replace(/\.\w+$/, ''), ...(await harness.speed(768)) });
}
await harness.close();
console.log('\nRender against encode, 768 px long side, ms per frame (each alone; medians of 3 runs of 60 frames):\n');
console.log('| portrait | size | render (pipelined) | render (one at a time) | encode | render / encode |\n|---|---|---|---|---|---|');
for (const r of speed) console.log(`| ${r.portrait} | ${r.w}x${r.h} | ${r.renderMs.toFixed(1)} | ${r.renderSerialMs.toFixed(1)} | ${r.encodeMs.toFixed(1)} | ${(r.renderMs / r.encodeMs).toFixed(2)} |`);
const avg = (k: 'renderMs' | 'renderSerialMs' | 'encodeMs') => speed.reduce((s, r) => s + r[k], 0) / Math.max(1, speed.length);
console.log(`| mean | | ${avg('renderMs').toFixed(1)} | ${avg('renderSerialMs').toFixed(1)} | ${avg('encodeMs').toFixed(1)} | ${(avg('renderMs') / avg('encodeMs')).toFixed(2)} |`);

mkdirSync('bench-results', { recursive: true });
writeFileSync(join('bench-results', 'bench.json'), JSON.stringify({ date: new Date().toISOString(), gpu, rows, renderVsEncode768: speed }, null, 2));
console.log('\nwritten bench-results/bench.json');
