// `npx vite-node tests/bench/watermark-gpu.ts`: checks the WGSL watermark pass against the CPU
// reference embedder in headless Chromium (SwiftShader WebGPU) and times it. Bundles lib/watermark
// with esbuild, serves it from 127.0.0.1, drives Debian Chromium with playwright-core.
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';

const entry = `
import { createWatermarkPass } from '${resolve('lib/watermark/embed-gpu')}';
import { embedWatermarkRGBA, addPatternField } from '${resolve('lib/watermark/pattern')}';
import { informedField } from '${resolve('lib/watermark/informed')}';
globalThis.runTest = async (w, h, format) => {
  const adapter = await navigator.gpu.requestAdapter();
  const device = await adapter.requestDevice();
  const rgba = new Uint8ClampedArray(w * h * 4);
  let s = 12345;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = (y * w + x) * 4;
    const edge = ((x >> 5) + (y >> 5)) & 1 ? 40 : 0;
    rgba[p] = (x * 255) / w + edge * rnd(); rgba[p + 1] = (y * 255) / h; rgba[p + 2] = 128 + 60 * Math.sin(x / 7) + 20 * rnd(); rgba[p + 3] = 255;
  }
  const payload = 0x0123456789abcdefn;
  const cpu = new Uint8ClampedArray(rgba);
  embedWatermarkRGBA(cpu, w, h, payload);
  const swap = (a) => { if (format === 'bgra8unorm') for (let i = 0; i < a.length; i += 4) { const t = a[i]; a[i] = a[i + 2]; a[i + 2] = t; } return a; };
  const src = device.createTexture({ size: { width: w, height: h }, format, usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST | GPUTextureUsage.COPY_SRC | GPUTextureUsage.RENDER_ATTACHMENT });
  const dst = device.createTexture({ size: { width: w, height: h }, format, usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC });
  const upload = () => device.queue.writeTexture({ texture: src }, swap(new Uint8Array(rgba)), { bytesPerRow: w * 4 }, { width: w, height: h });
  upload();
  const pass = createWatermarkPass(device, w, h, payload);
  const bpr = Math.ceil((w * 4) / 256) * 256;
  const buf = device.createBuffer({ size: bpr * h, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const readback = async (tex) => {
    const enc = device.createCommandEncoder();
    enc.copyTextureToBuffer({ texture: tex }, { buffer: buf, bytesPerRow: bpr }, { width: w, height: h });
    device.queue.submit([enc.finish()]);
    await buf.mapAsync(GPUMapMode.READ);
    const m = new Uint8Array(buf.getMappedRange());
    const out = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) out.set(m.subarray(y * bpr, y * bpr + w * 4), y * w * 4);
    buf.unmap();
    return swap(out);
  };
  const compare = (g, ref = cpu) => { let maxDiff = 0, differing = 0; for (let i = 0; i < g.length; i++) { const d = Math.abs(g[i] - ref[i]); if (d > maxDiff) maxDiff = d; if (d) differing++; } return { maxDiff, differing }; };
  let enc = device.createCommandEncoder(); pass.encode(enc, src, dst); device.queue.submit([enc.finish()]);
  const separate = compare(await readback(dst));
  enc = device.createCommandEncoder(); pass.encodeInPlace(enc, src); device.queue.submit([enc.finish()]);
  const inPlace = compare(await readback(src));
  // Informed embedding: the pass reads the unwatermarked frame back once and re-uploads its field.
  upload();
  const cpuInf = new Uint8ClampedArray(rgba);
  addPatternField(cpuInf, informedField({ data: rgba, width: w, height: h }, payload).field);
  const ti = performance.now();
  await pass.informFrom(src);
  const informMs = +(performance.now() - ti).toFixed(0);
  enc = device.createCommandEncoder(); pass.encode(enc, src, dst); device.queue.submit([enc.finish()]);
  const informed = { ...compare(await readback(dst), cpuInf), flag: pass.informed, informMs };
  const N = 30;
  const time = async (record) => {
    await device.queue.onSubmittedWorkDone();
    const t0 = performance.now();
    for (let i = 0; i < N; i++) { const e = device.createCommandEncoder(); record(e); device.queue.submit([e.finish()]); }
    await device.queue.onSubmittedWorkDone();
    return (performance.now() - t0) / N;
  };
  const passMs = await time((e) => pass.encode(e, src, dst));
  // Baseline: a plain texture-to-texture copy of the same frame.
  const copyMs = await time((e) => e.copyTextureToTexture({ texture: src }, { texture: dst }, { width: w, height: h }));
  pass.destroy();
  return { size: w + 'x' + h, format, separate, inPlace, informed, passMs: +passMs.toFixed(2), copyMs: +copyMs.toFixed(2), adapter: adapter.info.vendor + ' ' + adapter.info.architecture };
};
`;
const dir = mkdtempSync(join(tmpdir(), 'sfumato-wm-gpu-'));
const entryFile = join(dir, 'entry.ts');
writeFileSync(entryFile, entry);
const r = spawnSync('node_modules/.bin/esbuild', ['--bundle', '--format=esm', entryFile], { maxBuffer: 1 << 26 });
rmSync(dir, { recursive: true, force: true });
if (r.status !== 0) throw new Error(String(r.stderr));
const js = r.stdout;
const srv = http
  .createServer((req, res) => {
    if (req.url === '/b.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<script type="module" src="/b.js"></script>');
  })
  .listen(0, '127.0.0.1');
await new Promise((res) => srv.once('listening', res));
const port = (srv.address() as AddressInfo).port;
const b = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader'],
});
let failed = false;
try {
  const page = await b.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => typeof (globalThis as { runTest?: unknown }).runTest === 'function');
  for (const [w, h, f] of [[576, 768, 'rgba8unorm'], [576, 768, 'bgra8unorm'], [768, 1024, 'bgra8unorm'], [1024, 1024, 'rgba8unorm']] as const) {
    const res = await page.evaluate(([w, h, f]) => (globalThis as unknown as { runTest: (w: number, h: number, f: string) => Promise<Record<string, unknown>> }).runTest(w, h, f), [w, h, f] as const);
    console.log(JSON.stringify(res));
    const sep = res.separate as { maxDiff: number };
    const inp = res.inPlace as { maxDiff: number };
    const inf = res.informed as { maxDiff: number; flag: boolean };
    if (sep.maxDiff > 1 || inp.maxDiff > 1 || inf.maxDiff > 1 || !inf.flag) failed = true;
  }
} finally {
  await b.close();
  srv.close();
}
console.log(failed ? 'GPU != CPU (more than +-1)' : 'GPU pass matches the CPU reference within +-1');
if (failed) process.exitCode = 1;
