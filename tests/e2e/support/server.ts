// A local test site on 127.0.0.1 (WebGPU needs a secure context): a page of portraits and every
// fixture under /fixtures/, read from ../shared/fixtures (never copied into the project).
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

export const FIXTURES = resolve(process.env.SFUMATO_FIXTURES_DIR ?? join(import.meta.dirname, '../../../../shared/fixtures'));

const TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.html': 'text/html; charset=utf-8',
};

export function listFixtures(dir: 'portraits' | 'edge' | 'c2pa'): string[] {
  return readdirSync(join(FIXTURES, dir)).filter((f) => statSync(join(FIXTURES, dir, f)).isFile()).sort();
}

function portraitPage(): string {
  const figures = [...listFixtures('portraits').map((f) => `portraits/${f}`), ...listFixtures('edge').map((f) => `edge/${f}`)]
    .map((p) => {
      const title = p.split('/')[1]!.replace(/\.\w+$/, '').replace(/-/g, ' ');
      return `<figure><img src="/fixtures/${p}" alt="${title}" data-fixture="${p}" loading="eager"><figcaption>${title}</figcaption></figure>`;
    })
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portraits for Sfumato</title>
<style>body{font:15px system-ui,sans-serif;margin:24px;background:#f4efe6;color:#222}
h1{font-weight:600}main{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:22px}
figure{margin:0}img{width:100%;height:auto;display:block;background:#ddd}figcaption{font-size:13px;color:#555;margin-top:4px}</style>
</head><body><h1>Portraits</h1><p>Right-click a portrait and choose “Animate this portrait”.</p><main>${figures}</main></body></html>`;
}

/** Pages used by tests: one image per page, sized as asked; `src` relative to /fixtures/. */
function singlePage(src: string, width: number, extra = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test page</title>
<style>body{margin:0;padding:40px;background:#fff}img{display:block}</style></head>
<body><p>A test page.</p><img id="target" src="${src}" alt="Test portrait" style="width:${width}px;height:auto">${extra}</body></html>`;
}

export interface TestSite {
  origin: string;
  /**
   * Serve `body` at /made/<name> (without CORS at /nocors/made/<name>, and only to media elements
   * at /media-only/made/<name>); returns the first path.
   */
  serve(name: string, body: Buffer, type: string): string;
  close(): Promise<void>;
}

export async function startSite(port = 0): Promise<TestSite> {
  // Files a test made (a film, a page's asset), by name.
  const made = new Map<string, { body: Buffer; type: string }>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, type: string, body: string | Buffer, cors = true, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': type, ...(cors ? { 'access-control-allow-origin': '*' } : {}), 'cache-control': 'no-store', ...headers });
      res.end(body);
    };
    if (url.pathname === '/' || url.pathname === '/index.html') return send(200, TYPES['.html']!, portraitPage());
    if (url.pathname === '/single') {
      const src = url.searchParams.get('src') ?? '';
      // `csp`: the page's Content-Security-Policy (a strict site's).
      const csp = url.searchParams.get('csp');
      return send(200, TYPES['.html']!, singlePage(src, Number(url.searchParams.get('w') ?? 400)), true, csp ? { 'content-security-policy': csp } : {});
    }
    // /fixtures/... with CORS; /nocors/fixtures/... without it (a site that refuses other origins);
    // /media-only/... only to a page's <video> or <audio> (hotlink protection), not to fetch().
    if (url.pathname.startsWith('/media-only/')) {
      const dest = req.headers['sec-fetch-dest'];
      if (dest !== 'video' && dest !== 'audio') return send(403, 'text/plain', 'forbidden', false);
    }
    const nocors = url.pathname.startsWith('/nocors/');
    const mediaOnly = url.pathname.startsWith('/media-only/');
    const path = decodeURIComponent(nocors ? url.pathname.slice('/nocors'.length) : mediaOnly ? url.pathname.slice('/media-only'.length) : url.pathname);
    if (path.startsWith('/made/')) {
      const f = made.get(path.slice('/made/'.length));
      return f ? send(200, f.type, f.body, !nocors) : send(404, 'text/plain', 'not found');
    }
    if (path.startsWith('/fixtures/')) {
      const file = resolve(FIXTURES, path.slice('/fixtures/'.length));
      if (!file.startsWith(FIXTURES) || !existsSync(file) || !statSync(file).isFile()) return send(404, 'text/plain', 'not found');
      return send(200, TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', readFileSync(file), !nocors);
    }
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const address = server.address();
  const p = typeof address === 'object' && address ? address.port : port;
  return {
    origin: `http://127.0.0.1:${p}`,
    serve(name, body, type) {
      made.set(name, { body, type });
      return `/made/${encodeURIComponent(name)}`;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
