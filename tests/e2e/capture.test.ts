// A picture the page forbids reading (a canvas or video filled from another site without CORS) is
// taken from the screen: the right-click's activeTab grant lets the background capture the visible
// tab. A dispatched menu click gets no activeTab grant, so this browser's copy of the extension has
// <all_urls> instead (support/browser.ts); the default copy, which has neither, shows what a person
// reads when the tab cannot be captured (a frame inside the page, a browser page).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_SENTENCES } from '@/lib/messages/errors';
import { clickMenu, launchWithExtension, openExtensionPage, type ExtensionBrowser } from './support/browser';
import { FIXTURES, startSite, type TestSite } from './support/server';
import { animateFrame, animateHere, animateImage, expectInPlace, expectPlaying, openSingle, pagePixels, showFilm, type Outcome } from './support/animate';
import { readStoredClips, type StoredClip } from './support/clips';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

let site: TestSite;
/** Another origin for the same server: what it serves under /nocors/ cannot be read from the page. */
let other: string;
let film: string;

beforeAll(async () => {
  site = await startSite();
  other = site.origin.replace('127.0.0.1', 'localhost');
  // A short film of Lincoln's portrait (VP9), served from the other origin without CORS.
  const dir = mkdtempSync(join(tmpdir(), 'sfumato-capture-'));
  const file = join(dir, 'lincoln.webm');
  execFileSync('ffmpeg', ['-v', 'error', '-loop', '1', '-i', join(FIXTURES, 'portraits/lincoln-1863.jpg'), '-t', '2', '-r', '15',
    '-vf', 'scale=646:796', '-c:v', 'libvpx-vp9', '-b:v', '2M', '-pix_fmt', 'yuv420p', file]);
  film = `${other}/nocors${site.serve('lincoln.webm', readFileSync(file), 'video/webm')}`;
});
afterAll(async () => {
  await site?.close();
});

/** A portrait from the other origin drawn into a canvas: the canvas is tainted, its pixels unreadable. */
async function showTaintedCanvas(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
  return page.evaluate(async (u) => {
    const img = new Image();
    img.src = u;
    await img.decode();
    const c = document.createElement('canvas');
    c.id = 'viewer';
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    c.getContext('2d')!.drawImage(img, 0, 0);
    Object.assign(c.style, { width: '400px', display: 'block' });
    document.getElementById('target')!.replaceWith(c);
    let tainted = false;
    try {
      c.toDataURL();
    } catch {
      tainted = true;
    }
    if (!tainted) throw new Error('the canvas should be tainted');
    const r = c.getBoundingClientRect();
    return { x: Math.round(r.left), y: Math.round(r.top), width: Math.round(r.width), height: Math.round(r.height) };
  }, `${other}/nocors/fixtures/portraits/rembrandt-self-portrait.jpg`);
}

describe('a picture the page forbids reading is taken from the screen', () => {
  let b: ExtensionBrowser;
  let ext: Page;
  const newest = async (): Promise<StoredClip> => (await readStoredClips(ext)).sort((a, c) => c.createdAt - a.createdAt)[0]!;
  /** The outcome is a clip playing, made from the screen: a JPEG of the picture at the size it is seen. */
  const playsFromScreen = async (out: Outcome, seen: { width: number; height: number }): Promise<Frame> => {
    expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
    if (out.kind !== 'clip') throw new Error('no clip');
    await expectPlaying(out.player);
    const clip = await newest();
    expect(clip.sourceUrl.startsWith('data:image/jpeg;base64,')).toBe(true);
    expect([clip.sourceSize.width, clip.sourceSize.height]).toEqual([seen.width, seen.height]);
    return out.player;
  };
  beforeAll(async () => {
    b = await launchWithExtension({ hosts: ['<all_urls>'] });
    ext = await openExtensionPage(b, 'sidepanel.html');
  });
  afterAll(async () => {
    await b?.close();
  });

  it('a frame of a video from another site comes alive over it, without the video\'s controls in it', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/lincoln-1863.jpg', 200);
    const { src, box } = await showFilm(page, { url: film }, true);
    // What the frame looks like without the controls the paused video shows over its bottom.
    await page.$eval('#film', (v) => ((v as HTMLVideoElement).controls = false));
    await page.waitForTimeout(200);
    const before = await pagePixels(page, box);
    await page.$eval('#film', (v) => ((v as HTMLVideoElement).controls = true));
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
    // The film plays (looping) when the person picks its frame.
    await page.$eval('#film', async (v) => {
      const film = v as HTMLVideoElement;
      film.loop = true;
      await film.play();
    });
    // Taken from the screen, at the size the page shows it (this browser draws 1 device px a CSS px).
    const player = await playsFromScreen(await animateFrame(b, page, src), box);
    // The film stopped at the frame that came alive, rather than play on under the clip.
    expect(await page.$eval('#film', (v) => (v as HTMLVideoElement).paused)).toBe(true);
    // The page gets its video's controls back.
    expect(await page.$eval('#film', (v) => (v as HTMLVideoElement).controls)).toBe(true);
    const host = (await page.locator('sfumato-overlay').boundingBox())!;
    expect([host.x, host.y, host.width, host.height].map(Math.round)).toEqual([box.x, box.y, box.width, box.height]);
    // The bottom strip, where the controls were, is compared too: they are not in the clip.
    await expectInPlace('video from another site', page, player, box, before, { x: 30, y: 60, w: box.width - 60, h: box.height - 70 });
    await page.screenshot({ path: join(ARTIFACTS, 'capture-video.png'), clip: { x: box.x - 10, y: box.y - 10, width: box.width + 20, height: box.height + 20 } });
    await page.close();
  });

  it('a canvas filled from another site (a deep-zoom viewer without CORS) comes alive in place', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/lincoln-1863.jpg', 200);
    const box = await showTaintedCanvas(page);
    // Scrolled so that the canvas's top is off screen: only what is visible can be taken.
    await page.evaluate((y) => {
      document.body.style.paddingBottom = '2000px';
      scrollTo(0, y);
    }, box.y + 60);
    await page.waitForTimeout(200);
    const r = (await page.locator('#viewer').boundingBox())!;
    expect(Math.round(r.y)).toBe(-60);
    const seen = { x: Math.round(r.x), y: 0, width: Math.round(r.width), height: Math.round(r.y + r.height) };
    const before = await pagePixels(page, seen);
    await page.mouse.move(seen.x + seen.width / 2, seen.height / 3);
    const player = await playsFromScreen(await animateHere(b, page), seen);
    // The overlay covers the whole canvas; the clip, its visible part.
    const host = (await page.locator('sfumato-overlay').boundingBox())!;
    expect([host.x, host.y, host.width, host.height].map(Math.round)).toEqual([r.x, r.y, r.width, r.height].map(Math.round));
    await expectInPlace('tainted canvas, visible part', page, player, seen, before, { x: 50, y: 30, w: seen.width - 100, h: seen.height - 90 });
    await page.screenshot({ path: join(ARTIFACTS, 'capture-canvas.png') });
    await page.close();
  });
  it('right after two other shots of the tab (Chrome allows two a second), the picture still comes from the screen', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/lincoln-1863.jpg', 200);
    const box = await showTaintedCanvas(page);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
    await page.bringToFront();
    // Spend this second's shots, as two pictures right-clicked at once would.
    const spent = await b.worker.evaluate(async () => {
      const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
      let n = 0;
      for (let i = 0; i < 2; i++) await chrome.tabs.captureVisibleTab(tab!.windowId, { format: 'png' }).then(() => n++, () => undefined);
      return n;
    });
    expect(spent).toBe(2);
    await playsFromScreen(await animateHere(b, page), box);
    await page.close();
  });

  it('a WebGL canvas (as newer deep-zoom viewers draw) comes alive in place, though it reads back empty once shown', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/lincoln-1863.jpg', 200);
    const box = await page.evaluate(async (u) => {
      const img = new Image();
      img.crossOrigin = 'anonymous';
      img.src = u;
      await img.decode();
      const c = document.createElement('canvas');
      c.id = 'viewer';
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      Object.assign(c.style, { width: '360px', display: 'block' });
      document.getElementById('target')!.replaceWith(c);
      // One textured quad over the whole canvas; the drawing buffer is not preserved (WebGL's default).
      const gl = c.getContext('webgl', { preserveDrawingBuffer: false })!;
      const shader = (type: number, src: string) => {
        const sh = gl.createShader(type)!;
        gl.shaderSource(sh, src);
        gl.compileShader(sh);
        return sh;
      };
      const prog = gl.createProgram()!;
      gl.attachShader(prog, shader(gl.VERTEX_SHADER, 'attribute vec2 p; varying vec2 uv; void main() { uv = vec2(p.x * 0.5 + 0.5, 0.5 - p.y * 0.5); gl_Position = vec4(p, 0.0, 1.0); }'));
      gl.attachShader(prog, shader(gl.FRAGMENT_SHADER, 'precision mediump float; varying vec2 uv; uniform sampler2D t; void main() { gl_FragColor = texture2D(t, uv); }'));
      gl.linkProgram(prog);
      gl.useProgram(prog);
      gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
      gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
      const loc = gl.getAttribLocation(prog, 'p');
      gl.enableVertexAttribArray(loc);
      gl.vertexAttribPointer(loc, 2, gl.FLOAT, false, 0, 0);
      gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, img);
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const r = c.getBoundingClientRect();
      return { x: Math.round(r.left), y: Math.round(r.top), width: Math.round(r.width), height: Math.round(r.height) };
    }, `${site.origin}/fixtures/portraits/lincoln-1863.jpg`);
    const before = await pagePixels(page, box);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
    // Read back, the canvas is empty: the picture is the screen's (its size on screen, not the canvas's 646 x 796).
    const player = await playsFromScreen(await animateHere(b, page), box);
    await expectInPlace('WebGL canvas', page, player, box, before, { x: 40, y: 40, w: box.width - 80, h: box.height - 100 });
    await page.close();
  });
  it('a deep-zoom viewer built of image tiles: the right-clicked tile brings the whole view to life, in place', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/lincoln-1863.jpg', 200);
    // The portrait cut into 3 x 3 tiles, laid edge to edge (absolutely positioned) in a viewer that clips them.
    const view = await page.$eval('#target', async (i) => {
      const img = i as HTMLImageElement;
      const viewer = document.createElement('div');
      viewer.id = 'viewer';
      Object.assign(viewer.style, { position: 'relative', overflow: 'hidden', width: '360px', height: '420px' });
      const k = 360 / img.naturalWidth;
      const tw = Math.ceil(img.naturalWidth / 3), th = Math.ceil(img.naturalHeight / 3);
      for (let row = 0; row < 3; row++)
        for (let col = 0; col < 3; col++) {
          const c = document.createElement('canvas');
          c.width = tw;
          c.height = th;
          c.getContext('2d')!.drawImage(img, -col * tw, -row * th);
          const tile = document.createElement('img');
          tile.src = c.toDataURL('image/png');
          tile.className = 'tile';
          Object.assign(tile.style, { position: 'absolute', left: `${col * tw * k}px`, top: `${row * th * k}px`, width: `${tw * k}px`, height: `${th * k}px` });
          viewer.appendChild(tile);
        }
      img.replaceWith(viewer);
      await Promise.all([...viewer.querySelectorAll('img')].map((t) => t.decode()));
      const r = viewer.getBoundingClientRect();
      return { x: Math.round(r.left), y: Math.round(r.top), width: 360, height: 420 };
    });
    const before = await pagePixels(page, view);
    // The tile under the face's middle: the image Chrome reports for the right-click.
    const tile = await page.evaluate(({ x, y }) => (document.elementFromPoint(x, y) as HTMLImageElement).src, { x: view.x + 180, y: view.y + 140 });
    await page.mouse.move(view.x + 180, view.y + 140);
    const player = await playsFromScreen(await animateImage(b, page, tile), view);
    const host = (await page.locator('sfumato-overlay').boundingBox())!;
    expect([host.x, host.y, host.width, host.height].map(Math.round)).toEqual([view.x, view.y, view.width, view.height]);
    await expectInPlace('deep-zoom tiles', page, player, view, before, { x: 40, y: 40, w: 280, h: 320 });
    await page.screenshot({ path: join(ARTIFACTS, 'capture-tiles.png'), clip: { x: view.x - 10, y: view.y - 10, width: 380, height: 440 } });
    await page.close();
  });

  it('a gallery of separate portraits laid edge to edge is not taken for tiles: the right-clicked one comes alive alone', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/lincoln-1863.jpg', 200);
    const names = ['mona-lisa', 'einstein-1921', 'rembrandt-self-portrait', 'vigee-le-brun-self-portrait-three-quarter'];
    await page.$eval('#target', async (i, list) => {
      const grid = document.createElement('div');
      Object.assign(grid.style, { display: 'grid', gridTemplateColumns: '200px 200px', gap: '0', overflow: 'hidden', width: '400px' });
      for (const n of list) {
        const img = document.createElement('img');
        img.src = `/fixtures/portraits/${n}.jpg`;
        img.id = n;
        Object.assign(img.style, { width: '200px', height: '240px', objectFit: 'cover', display: 'block' });
        grid.appendChild(img);
      }
      i.replaceWith(grid);
      await Promise.all([...grid.querySelectorAll('img')].map((t) => t.decode()));
    }, names);
    const one = (await page.locator('#einstein-1921').boundingBox())!;
    await page.mouse.move(one.x + 100, one.y + 100);
    const src = await page.$eval('#einstein-1921', (i) => (i as HTMLImageElement).src);
    const out = await animateImage(b, page, src);
    expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
    if (out.kind !== 'clip') return;
    await expectPlaying(out.player);
    expect((await newest()).sourceUrl).toContain('einstein-1921');
    const host = (await page.locator('sfumato-overlay').boundingBox())!;
    expect([host.x, host.y, host.width, host.height].map(Math.round)).toEqual([one.x, one.y, one.width, one.height].map(Math.round));
    await page.close();
  });
});

describe('when the tab cannot be captured', () => {
  let b: ExtensionBrowser;
  beforeAll(async () => {
    // The default copy: host access to 127.0.0.1, no activeTab grant, no <all_urls>.
    b = await launchWithExtension();
  });
  afterAll(async () => {
    await b?.close();
  });

  it('a video from another site: a sentence saying its frame cannot be read', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/lincoln-1863.jpg', 200);
    const { src, box } = await showFilm(page, { url: film }, true);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await clickMenu(b, page, 'sfumato-animate-frame', src, 'video');
    await page.waitForSelector('sfumato-toast', { state: 'attached', timeout: 10_000 });
    await expect.poll(() => page.locator('sfumato-toast .error').innerText()).toBe(ERROR_SENTENCES['frame-unreadable']);
    // Its controls, hidden for the shot that could not be taken, come back.
    await expect.poll(() => page.$eval('#film', (v) => (v as HTMLVideoElement).controls), { timeout: 8_000 }).toBe(true);
    await page.close();
  });

  it('a canvas from another site: a sentence saying the picture cannot be read (not "no picture here")', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/lincoln-1863.jpg', 200);
    const box = await showTaintedCanvas(page);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
    await clickMenu(b, page, 'sfumato-animate-here', '', '');
    await page.waitForSelector('sfumato-toast', { state: 'attached', timeout: 10_000 });
    await expect.poll(() => page.locator('sfumato-toast .error').innerText()).toBe(ERROR_SENTENCES['picture-unreadable']);
    expect(await page.locator('sfumato-overlay').count()).toBe(0);
    await page.close();
  });
});
