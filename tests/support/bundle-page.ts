// A plain test page on 127.0.0.1 (WebGPU needs a secure context) that runs one of the project's
// TypeScript entries in Chromium, with what such entries load: MediaPipe's wasm, the face model and
// the shared fixtures. Used by the quality harness, the bench, the re-detector and the renderer test.
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { bundleForBrowser } from './browser-bundle';

const ROOT = resolve(import.meta.dirname, '../..');
const MODEL = join(ROOT, 'public/models/face_landmarker.task');
const WASM = join(ROOT, 'node_modules/@mediapipe/tasks-vision/wasm');
const FIXTURES = resolve(process.env.SFUMATO_FIXTURES_DIR ?? join(ROOT, '../shared/fixtures'));
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.jpg': 'image/jpeg', '.png': 'image/png', '.mp4': 'video/mp4' };

export interface BundlePage {
  page: Page;
  origin: string;
  close(): Promise<void>;
}

export interface BundlePageOptions {
  /** Extra routes: return the body and content type for a path, or null. */
  route?: (pathname: string) => { body: Uint8Array | string; type: string } | null;
  /** A global the entry sets once it has loaded; the page is handed over after it exists. */
  ready: string;
}

/** Bundle `entry`, serve it with /wasm/, /model/face_landmarker.task and /fixtures/, and open it. */
export async function openBundlePage(browser: Browser | BrowserContext, entry: string, opts: BundlePageOptions): Promise<BundlePage> {
  const js = await bundleForBrowser(entry);
  const fileUnder = (root: string, rel: string) => {
    const p = resolve(root, decodeURIComponent(rel));
    return p.startsWith(root) && existsSync(p) && statSync(p).isFile() ? p : null;
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (body: Uint8Array | string, type: string) => {
      res.writeHead(200, { 'content-type': type, 'access-control-allow-origin': '*' });
      res.end(body);
    };
    const p = url.pathname;
    if (p === '/') return send('<!doctype html><meta charset="utf-8"><title>test page</title><script type="module" src="/entry.js"></script>', 'text/html');
    if (p === '/entry.js') return send(js, 'text/javascript');
    if (p === '/model/face_landmarker.task') return send(readFileSync(MODEL), 'application/octet-stream');
    const file = p.startsWith('/wasm/') ? fileUnder(WASM, p.slice(6)) : p.startsWith('/fixtures/') ? fileUnder(FIXTURES, p.slice(10)) : null;
    if (file) return send(readFileSync(file), TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
    const extra = opts.route?.(p);
    if (extra) return send(extra.body, extra.type);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('404')) console.error('[page]', m.text());
  });
  await page.goto(`${origin}/`);
  await page.waitForFunction((name) => name in globalThis, opts.ready);
  return {
    page,
    origin,
    async close() {
      await page.close();
      // Chromium keeps idle keep-alive connections open; without dropping them close() waits for their timeout.
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
