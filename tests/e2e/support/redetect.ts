// Node side of the independent re-detection used by the driving-video test: serves the bundled
// redetect-entry.ts, MediaPipe's wasm, the model and the clips to analyse on 127.0.0.1, and runs
// the analysis in a plain page of the test browser (not inside the extension).
import { bundleForBrowser } from '../../support/browser-bundle';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { FrameChannels } from './redetect-entry';

const ROOT = resolve(import.meta.dirname, '../../..');
const MODEL = join(ROOT, 'public/models/face_landmarker.task');
const WASM = join(ROOT, 'node_modules/@mediapipe/tasks-vision/wasm');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm' };

export interface Redetector {
  analyse(name: string, bytes: Uint8Array, fps?: number): Promise<{ frames: FrameChannels[]; msPerFrame: number }>;
  close(): Promise<void>;
}

export async function startRedetector(context: BrowserContext): Promise<Redetector> {
  const js = await bundleForBrowser(join(import.meta.dirname, 'redetect-entry.ts'));
  const clips = new Map<string, Uint8Array>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (body: Uint8Array | string, type: string) => {
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    };
    if (url.pathname === '/') return send('<!doctype html><meta charset="utf-8"><title>redetect</title><script type="module" src="/redetect.js"></script>', 'text/html');
    if (url.pathname === '/redetect.js') return send(js, 'text/javascript');
    if (url.pathname === '/model/face_landmarker.task') return send(readFileSync(MODEL), 'application/octet-stream');
    if (url.pathname.startsWith('/wasm/')) {
      const p = resolve(WASM, decodeURIComponent(url.pathname.slice(6)));
      if (p.startsWith(WASM) && existsSync(p)) return send(readFileSync(p), TYPES[extname(p)] ?? 'application/octet-stream');
    }
    if (url.pathname.startsWith('/clip/') && clips.has(url.pathname.slice(6))) return send(clips.get(url.pathname.slice(6))!, 'video/mp4');
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  let page: Page | null = null;
  return {
    async analyse(name, bytes, fps = 15) {
      clips.set(name, bytes);
      if (!page) {
        page = await context.newPage();
        await page.goto(`${origin}/`);
        await page.waitForFunction(() => 'redetectClip' in globalThis);
      }
      return page.evaluate(
        ([u, f]) => (globalThis as unknown as { redetectClip(u: string, f: number): Promise<{ frames: FrameChannels[]; msPerFrame: number }> }).redetectClip(u, f),
        [`/clip/${name}`, fps] as const,
      );
    },
    async close() {
      await page?.close();
      // Chromium keeps idle keep-alive connections open; without dropping them close() waits for their timeout.
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
