// The first end-to-end slice: right-click a portrait in a real page, see it come alive in place.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipSize } from '@/lib/video/encode';
import { ERROR_SENTENCES } from '@/lib/messages/errors';
import { LABEL_SIZES } from '@/lib/watermark/label';
import { MENUS } from '@/lib/background/menus';
import { clickMenu, launchWithExtension, openExtensionPage, type ExtensionBrowser } from './support/browser';
import { FIXTURES, startSite, type TestSite } from './support/server';
import { animateFrame, animateHere, animateTarget, expectInPlace, expectPlaying, fromBothMenus, openSingle, pagePixels, showFilm } from './support/animate';
import { looksLikeLabel, probeLabel } from './support/label';
import { decodeFrames, landmarkBox, LEFT_EYE, meanAbsDiff, probeMp4, readStoredClips, RIGHT_EYE, type StoredClip } from './support/clips';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

let site: TestSite;
let b: ExtensionBrowser;
let ext: Page;

beforeAll(async () => {
  site = await startSite();
  b = await launchWithExtension();
  ext = await openExtensionPage(b, 'sidepanel.html');
});
afterAll(async () => {
  await b?.close();
  await site?.close();
});

const newest = async (): Promise<StoredClip> => {
  const clips = await readStoredClips(ext);
  return clips.sort((a, c) => c.createdAt - a.createdAt)[0]!;
};

describe('the context menu', () => {
  it('holds every Sfumato item, registered without error', async () => {
    const ids = MENUS.map((m) => String(m.id));
    // contextMenus.update fails for an item that does not exist (a rejected pattern would leave it out).
    const missing = await b.worker.evaluate(async (list) => {
      const out: string[] = [];
      for (const id of list) await chrome.contextMenus.update(id, {}).catch(() => out.push(id));
      return out;
    }, ids);
    expect(missing).toEqual([]);
  });
});

describe('Animate this portrait', () => {
  let clip: StoredClip;

  it('shows an overlay at once, then plays the clip in place over the image, and closes cleanly', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/mona-lisa.jpg', 420);
    const before = await page.$eval('#target', (i) => i.outerHTML);
    const bodyBefore = await page.evaluate(() => document.body.innerHTML);
    const out = await animateTarget(b, page);
    expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
    if (out.kind !== 'clip') return;
    expect(out.overlayAppearedMs).toBeLessThan(5000);

    // Exactly covering the image.
    const boxes = await page.evaluate(() => {
      const r = (e: Element) => e.getBoundingClientRect().toJSON();
      const host = document.querySelector('sfumato-overlay')!;
      const iframe = host.shadowRoot!.querySelector('iframe')!;
      return { img: r(document.getElementById('target')!), host: r(host), iframe: r(iframe) };
    });
    for (const k of ['x', 'y', 'width', 'height'] as const) {
      expect(Math.abs(boxes.iframe[k] - boxes.img[k])).toBeLessThan(1.01);
    }
    await expectPlaying(out.player);
    await page.waitForTimeout(1200);
    await page.screenshot({ path: join(ARTIFACTS, 'overlay-mid-animation.png') });

    // The side panel knows the clip.
    clip = await newest();
    expect(clip.title).toMatch(/Test portrait/);
    const panel = await openExtensionPage(b, `sidepanel.html#clip=${clip.id}`);
    await panel.waitForSelector(`section.clip[data-clip-id="${clip.id}"] video`);
    await expect.poll(() => panel.locator('section.clip').innerText()).toMatch(/AI-generated/);
    await panel.screenshot({ path: join(ARTIFACTS, 'sidepanel.png') });
    await panel.close();

    // Close restores the page untouched.
    await out.player.click('button.close');
    await page.waitForSelector('sfumato-overlay', { state: 'detached', timeout: 5000 });
    expect(await page.$eval('#target', (i) => i.outerHTML)).toBe(before);
    expect(await page.evaluate(() => document.body.innerHTML)).toBe(bodyBefore);
    await page.close();
  });

  it('goes with the picture when the page takes it away (a gallery moves on), and the clip stays in the gallery', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/einstein-1921.jpg', 260);
    const out = await animateTarget(b, page);
    expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
    if (out.kind !== 'clip') return;
    await expectPlaying(out.player);
    const made = await newest();
    // A single-page site swaps its picture for the next one.
    await page.$eval('#target', (i) => i.remove());
    await page.waitForSelector('sfumato-overlay', { state: 'detached', timeout: 5000 });
    await expect.poll(() => page.frames().some((f) => f.url().includes('/player.html'))).toBe(false);
    expect((await newest()).id).toBe(made.id);
    await page.close();
  });

  it('works on a site with a strict Content-Security-Policy (no inline styles, no frames)', async () => {
    const page = await b.context.newPage();
    const csp = "default-src 'self'; img-src 'self'; style-src 'self'; frame-src 'none'; script-src 'self'";
    await page.goto(`${site.origin}/single?src=${encodeURIComponent('/fixtures/portraits/raphael-baldassare-castiglione.jpg')}&w=300&csp=${encodeURIComponent(csp)}`);
    await page.waitForFunction(() => (document.getElementById('target') as HTMLImageElement | null)?.complete);
    const out = await animateTarget(b, page);
    expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
    if (out.kind !== 'clip') return;
    await expectPlaying(out.player);
    // The overlay's own styles apply (the page's policy blocks the page's inline styles, not Sfumato's).
    expect(await page.$eval('sfumato-overlay', (h) => (h.shadowRoot!.querySelector('style') as HTMLStyleElement).sheet?.cssRules.length ?? 0)).toBeGreaterThan(0);
    const [img, host] = [(await page.locator('#target').boundingBox())!, (await page.locator('sfumato-overlay').boundingBox())!];
    expect([host.x, host.y, host.width, host.height].map(Math.round)).toEqual([img.x, img.y, img.width, img.height].map(Math.round));
    await page.close();
  });

  it('stores an H.264 MP4 of 5 s at 30 fps, long side 1024, that starts as the source and blinks', async () => {
    expect(clip).toBeDefined();
    const facts = await probeMp4(clip.mp4);
    const want = clipSize(1058, 1600);
    expect({ w: facts.width, h: facts.height }).toEqual({ w: want.width, h: want.height });
    expect(facts.codec).toMatch(/^avc1\./);
    expect(facts.fps).toBeCloseTo(30, 0);
    expect(facts.durationS).toBeGreaterThan(4);
    expect(facts.durationS).toBeLessThanOrEqual(6.05);
    expect(facts.frameCount).toBe(clip.frameCount);

    const { width, height, frames } = decodeFrames(clip.mp4, facts.width, facts.height);
    expect(frames.length).toBe(facts.frameCount);
    // Frame 0 equals the source apart from the label, the encoder's noise and the invisible
    // watermark (about 2.8 levels): compared at half size, it is close to the source and best
    // aligned with it at zero offset (a posed or shifted first frame would align elsewhere).
    const hw = Math.round(width / 2), hh = Math.round(height / 2);
    const first = decodeFrames(clip.mp4, hw, hh).frames[0]!;
    const source = decodeFrames(readFileSync(join(FIXTURES, 'portraits/mona-lisa.jpg')), hw, hh, 'jpg').frames[0]!;
    const inner = { x: 2, y: 2, w: hw - 4, h: hh * 0.8 - 4 }; // away from the label and the borders
    const shiftedDiff = (dx: number, dy: number) => {
      const moved = new Uint8Array(source.length);
      for (let y = 0; y < hh; y++)
        for (let x = 0; x < hw; x++) {
          const sx = Math.min(hw - 1, Math.max(0, x + dx)), sy = Math.min(hh - 1, Math.max(0, y + dy));
          for (let c = 0; c < 3; c++) moved[(y * hw + x) * 3 + c] = source[(sy * hw + sx) * 3 + c]!;
        }
      return meanAbsDiff(first, moved, hw, inner);
    };
    const atZero = shiftedDiff(0, 0);
    expect(atZero).toBeLessThan(3.6);
    for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]] as const) expect(shiftedDiff(dx, dy)).toBeGreaterThan(atZero + 1);

    const lm = clip.faceLandmarks;
    const eyes = [landmarkBox(lm, LEFT_EYE), landmarkBox(lm, RIGHT_EYE)];
    const eyeChange = frames.map((f) => Math.max(...eyes.map((e) => meanAbsDiff(f, frames[0]!, width, e))));
    expect(Math.max(...eyeChange)).toBeGreaterThan(6); // a blink closes the eyes at least once

    // A background patch far from the face (the upper corner opposite the label) stays put. The
    // encoder's noise in this textured corner is about as large as a half-pixel shift, so the
    // tolerance is calibrated on the source itself: every frame must stay well below what a
    // one-pixel swim of the background would give.
    const full = decodeFrames(readFileSync(join(FIXTURES, 'portraits/mona-lisa.jpg')), width, height, 'jpg').frames[0]!;
    const patch = { x: 4, y: 4, w: width * 0.15, h: height * 0.1 };
    const shifted = new Uint8Array(full.length);
    shifted.set(full.subarray(3), 0); // the source moved left by one pixel
    const onePixelSwim = meanAbsDiff(shifted, full, width, patch);
    const bgChange = frames.map((f) => meanAbsDiff(f, full, width, patch));
    expect(onePixelSwim).toBeGreaterThan(8);
    expect(Math.max(...bgChange)).toBeLessThan(0.7 * onePixelSwim);
  });
});

describe('in place, however the page lays the picture out', () => {
  it('a portrait cropped to a square card (object-fit: cover, padding, border) comes alive where it is, labelled', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/mona-lisa.jpg', 300);
    await page.$eval('#target', (i) => Object.assign((i as HTMLImageElement).style, { width: '300px', height: '300px', objectFit: 'cover', padding: '6px', border: '4px solid #333' }));
    const box = await page.$eval('#target', (i) => {
      const r = i.getBoundingClientRect();
      return { x: Math.round(r.left + 10), y: Math.round(r.top + 10), width: 300, height: 300 };
    });
    const before = await pagePixels(page, box);
    const out = await animateTarget(b, page);
    expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
    if (out.kind !== 'clip') return;
    await expectPlaying(out.player);
    const host = (await page.locator('sfumato-overlay').boundingBox())!;
    expect([host.x, host.y, host.width, host.height]).toEqual([box.x, box.y, 300, 300]);
    // The first frame, paused, over the page's own crop: the picture lies where it was (the clip at
    // rest is the portrait plus a faint watermark); stretched over the card it would not.
    await expectInPlace('object-fit cover', page, out.player, box, before, { x: 30, y: 60, w: 240, h: 200 });
    // The clip's label (bottom right) is cropped away with the picture's bottom: it is shown again
    // in the visible corner, and the player's buttons keep off it.
    const again = out.player.getByTestId('label-again');
    await expect.poll(() => again.count()).toBe(1);
    expect(await again.innerText()).toBe('AI-generated');
    const lBox = (await again.boundingBox())!;
    expect(lBox.x + lBox.width).toBeLessThanOrEqual(box.x + 300);
    expect(lBox.y + lBox.height).toBeLessThanOrEqual(box.y + 300);
    expect(lBox.y).toBeGreaterThan(box.y + 240);
    const cBox = (await out.player.locator('.controls').boundingBox())!;
    expect(cBox.y + cBox.height).toBeLessThan(lBox.y);
    await page.screenshot({ path: join(ARTIFACTS, 'in-place-cover.png'), clip: { x: box.x - 20, y: box.y - 20, width: 340, height: 340 } });
    // The page moves the crop to the picture's bottom: the player follows, and the clip's own label
    // now shows, so it is not drawn twice.
    await out.player.$eval('video', (v: HTMLVideoElement) => void v.play());
    await page.$eval('#target', (i) => ((i as HTMLImageElement).style.objectPosition = '50% 100%'));
    await expect.poll(() => again.count()).toBe(0);
    const vBox = (await out.player.locator('video').boundingBox())!;
    expect(Math.abs(vBox.y + vBox.height - (box.y + 300))).toBeLessThan(1.5);
    await page.screenshot({ path: join(ARTIFACTS, 'in-place-cover-bottom.png'), clip: { x: box.x - 20, y: box.y - 20, width: 340, height: 340 } });
    await page.close();
  });

  it('a portrait cut to a circle inside a clipping frame stays round and clipped, and labelled inside the circle', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/girl-with-a-pearl-earring.jpg', 300);
    // A 300 px round portrait in a frame that shows only its left 240 px (overflow: hidden).
    await page.$eval('#target', (i) => {
      const frame = document.createElement('div');
      Object.assign(frame.style, { width: '240px', height: '320px', overflow: 'hidden', display: 'inline-block' });
      i.replaceWith(frame);
      frame.appendChild(i);
      Object.assign((i as HTMLImageElement).style, { width: '300px', height: '300px', objectFit: 'cover', borderRadius: '50%', display: 'block' });
    });
    const out = await animateTarget(b, page);
    expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
    if (out.kind !== 'clip') return;
    await expectPlaying(out.player);
    const style = await page.$eval('sfumato-overlay', (h) => ({ radius: getComputedStyle(h).borderTopLeftRadius, clip: getComputedStyle(h).clipPath }));
    expect(style.radius).toBe('50%');
    expect(style.clip).toBe('inset(0px 60px 0px 0px)');
    const img = await page.$eval('#target', (i) => {
      const r = i.getBoundingClientRect();
      return { x: r.left, y: r.top };
    });
    // Every corner of a circle is cut away: the label is shown again at the bottom's middle, inside
    // the circle and the frame, and the buttons sit at the top's middle, of the part the frame shows.
    const again = out.player.getByTestId('label-again');
    await expect.poll(() => again.count()).toBe(1);
    const l = (await again.boundingBox())!;
    const cx = img.x + 150, cy = img.y + 150;
    for (const [x, y] of [[l.x, l.y + l.height], [l.x + l.width, l.y + l.height]] as const) {
      expect(Math.hypot(x - cx, y - cy), 'the label lies inside the circle').toBeLessThan(150);
      expect(x).toBeLessThanOrEqual(img.x + 240);
    }
    const c = (await out.player.locator('.controls').boundingBox())!;
    expect(Math.abs(c.x + c.width / 2 - (img.x + 120))).toBeLessThan(2);
    expect(c.x + c.width).toBeLessThanOrEqual(img.x + 240);
    expect(c.y + c.height).toBeLessThan(l.y);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ARTIFACTS, 'in-place-round-clipped.png'), clip: { x: img.x - 20, y: img.y - 20, width: 340, height: 360 } });
    await page.close();
  });
  it('a portrait inside a web component (a closed shadow root, clipped by its frame) animates in place, from the image menu and from a layer over it', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/girl-with-a-pearl-earring.jpg', 300);
    // A gallery element whose shadow root (closed: the page cannot reach in) holds a frame that
    // clips the picture, and a transparent layer over it.
    const src = await page.$eval('#target', (i) => {
      const url = (i as HTMLImageElement).src;
      const host = document.createElement('museum-frame');
      host.id = 'gallery';
      const root = host.attachShadow({ mode: 'closed' });
      root.innerHTML = `<div id="frame" style="width:300px;height:300px;overflow:hidden;position:relative"><img id="art" src="${url}" style="width:300px;display:block;margin-top:-20px"><div id="veil" style="position:absolute;inset:0"></div></div>`;
      i.replaceWith(host);
      return url;
    });
    await page.waitForFunction(() => {
      const r = document.getElementById('gallery')!.getBoundingClientRect();
      return r.height >= 300;
    });
    const g = (await page.locator('#gallery').boundingBox())!;
    const box = { x: Math.round(g.x), y: Math.round(g.y), width: 300, height: 300 };
    const before = await pagePixels(page, box);
    await fromBothMenus(b, page, src, { x: box.x + 150, y: box.y + 120 }, async (via, player) => {
      // The overlay lies over the image (300 px wide, 20 px above the frame) and the frame clips it.
      const host = (await page.locator('sfumato-overlay').boundingBox())!;
      expect([Math.round(host.x), Math.round(host.y), Math.round(host.width)]).toEqual([box.x, box.y - 20, 300]);
      expect(await page.$eval('sfumato-overlay', (h) => (h as HTMLElement).style.clipPath)).toMatch(/^inset\(20px 0px/);
      await expectInPlace(`web component (${via})`, page, player, box, before, { x: 40, y: 30, w: 220, h: 220 });
    });
    await page.close();
  });
  it('a portrait placed in an SVG drawing (an <image>, sliced to a square at its top) animates in place, from the image menu and from a shape over it', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/vigee-le-brun-self-portrait-three-quarter.jpg', 300);
    const src = await page.$eval('#target', (i) => {
      const url = (i as HTMLImageElement).src;
      const wrap = document.createElement('div');
      wrap.innerHTML = `<svg id="slide" width="360" height="340" viewBox="0 0 360 340" style="display:block"><rect width="360" height="340" fill="#eee"/><image id="art" x="30" y="20" width="300" height="300" href="${url}" preserveAspectRatio="xMidYMin slice"/><rect id="veil" x="30" y="20" width="300" height="300" fill="transparent"/></svg>`;
      i.replaceWith(wrap);
      return url;
    });
    await page.waitForTimeout(300);
    const a = (await page.locator('#art').boundingBox())!;
    const box = { x: Math.round(a.x), y: Math.round(a.y), width: 300, height: 300 };
    const before = await pagePixels(page, box);
    await fromBothMenus(b, page, src, { x: box.x + 150, y: box.y + 110 }, async (via, player) => {
      const host = (await page.locator('sfumato-overlay').boundingBox())!;
      expect([host.x, host.y, host.width, host.height].map(Math.round)).toEqual([box.x, box.y, 300, 300]);
      expect((await newest()).sourceUrl).toContain('vigee-le-brun');
      await expectInPlace(`SVG image (${via})`, page, player, box, before, { x: 40, y: 30, w: 220, h: 220 });
    });
    await page.close();
  });
});

describe('a portrait the site covers with a transparent layer', () => {
  it('"Animate the portrait here" finds the picture under the layer and animates it in place', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/vigee-le-brun-self-portrait-three-quarter.jpg', 300);
    // As many sites do to keep people from saving images: a transparent layer over the picture, so
    // that a right-click lands on the layer and Chrome offers no image menu.
    const r = await page.$eval('#target', (i) => {
      const q = i.getBoundingClientRect();
      const layer = document.createElement('div');
      layer.id = 'layer';
      Object.assign(layer.style, { position: 'absolute', left: `${q.left + scrollX}px`, top: `${q.top + scrollY}px`, width: `${q.width}px`, height: `${q.height}px`, zIndex: '5' });
      document.body.appendChild(layer);
      return { x: q.left, y: q.top, w: q.width, h: q.height };
    });
    await page.mouse.move(r.x + r.w * 0.4, r.y + r.h * 0.3);
    expect(await page.evaluate(() => [...document.querySelectorAll(':hover')].pop()?.id)).toBe('layer');
    const out = await animateHere(b, page);
    expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
    if (out.kind !== 'clip') return;
    await expectPlaying(out.player);
    const host = (await page.locator('sfumato-overlay').boundingBox())!;
    expect([host.x, host.y, host.width, host.height].map(Math.round)).toEqual([r.x, r.y, r.w, r.h].map(Math.round));
    expect((await newest()).sourceUrl).toContain('vigee-le-brun');
    await page.screenshot({ path: join(ARTIFACTS, 'animate-here-covered.png') });
    await page.close();
  });

  it('a portrait painted as a CSS background (background-size: cover) animates in place too', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/mona-lisa.jpg', 300);
    // A card whose portrait is its background, with a caption over it.
    const box = await page.$eval('#target', (i) => {
      const card = document.createElement('div');
      card.id = 'card';
      Object.assign(card.style, {
        width: '300px', height: '300px', border: '3px solid #333', padding: '5px', boxSizing: 'content-box',
        backgroundImage: `linear-gradient(transparent, transparent), url("${(i as HTMLImageElement).src}")`,
        backgroundSize: 'auto, cover', backgroundPosition: '0% 0%, 50% 35%', backgroundRepeat: 'no-repeat',
      });
      const caption = document.createElement('span');
      caption.id = 'caption';
      caption.textContent = 'Lisa Gherardini';
      Object.assign(caption.style, { display: 'inline-block', margin: '120px 0 0 90px', padding: '4px', background: 'rgba(255,255,255,.6)' });
      card.appendChild(caption);
      i.replaceWith(card);
      const r = card.getBoundingClientRect();
      return { x: Math.round(r.left + 3), y: Math.round(r.top + 3), width: 310, height: 310 };
    });
    const before = await pagePixels(page, box);
    const c = (await page.locator('#caption').boundingBox())!;
    await page.mouse.move(c.x + c.width / 2, c.y + c.height / 2);
    // Hide the caption so that only the portrait is compared (the pointer's hover state stays).
    await page.$eval('#caption', (e) => ((e as HTMLElement).style.visibility = 'hidden'));
    const out = await animateHere(b, page);
    expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
    if (out.kind !== 'clip') return;
    await expectPlaying(out.player);
    expect((await newest()).sourceUrl).toContain('mona-lisa');
    const host = (await page.locator('sfumato-overlay').boundingBox())!;
    expect([host.x, host.y, host.width, host.height].map(Math.round)).toEqual([box.x, box.y, 310, 310]);
    await expectInPlace('CSS background cover', page, out.player, box, before, { x: 30, y: 60, w: 250, h: 200 }, { x: 80, y: 110, w: 150, h: 40 });
    await page.screenshot({ path: join(ARTIFACTS, 'animate-here-background.png'), clip: { x: box.x - 20, y: box.y - 20, width: 350, height: 350 } });
    await page.close();
  });

  it('a portrait drawn into a <canvas> (as deep-zoom viewers show artworks) animates from what the canvas shows', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/rembrandt-self-portrait.jpg', 400);
    const box = await page.$eval('#target', (i) => {
      const img = i as HTMLImageElement;
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      c.getContext('2d')!.drawImage(img, 0, 0);
      Object.assign(c.style, { width: '400px', display: 'block' });
      img.replaceWith(c);
      const r = c.getBoundingClientRect();
      return { x: Math.round(r.left), y: Math.round(r.top), width: Math.round(r.width), height: Math.round(r.height) };
    });
    const before = await pagePixels(page, box);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
    const out = await animateHere(b, page);
    expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
    if (out.kind !== 'clip') return;
    await expectPlaying(out.player);
    const clip = await newest();
    expect(clip.sourceUrl.startsWith('data:image/jpeg;base64,')).toBe(true);
    await expectInPlace('canvas', page, out.player, box, before, { x: 60, y: 40, w: box.width - 120, h: box.height - 100 });
    await page.close();
  });

  it('"Animate the portrait in this frame": the frame a paused video shows comes alive over the video', async () => {
    // A short film of Lincoln's portrait, slowly zooming (VP9), played from a blob: URL as sites
    // that stream do: there is no file to download, only the frame on screen.
    const dir = mkdtempSync(join(tmpdir(), 'sfumato-frame-'));
    const file = join(dir, 'film.webm');
    execFileSync('ffmpeg', ['-v', 'error', '-loop', '1', '-i', join(FIXTURES, 'portraits/lincoln-1863.jpg'), '-t', '2', '-r', '15',
      '-vf', "scale=646:796,zoompan=z='1+0.002*on':d=1:s=646x796", '-c:v', 'libvpx-vp9', '-b:v', '2M', '-pix_fmt', 'yuv420p', file]);
    const page = await openSingle(b, site.origin, '/fixtures/portraits/lincoln-1863.jpg', 200);
    const { src } = await showFilm(page, { webmBase64: readFileSync(file).toString('base64') });
    const r = (await page.locator('#film').boundingBox())!;
    await page.mouse.move(r.x + r.width / 2, r.y + r.height / 3);
    const out = await animateFrame(b, page, src);
    expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
    if (out.kind !== 'clip') return;
    await expectPlaying(out.player);
    const clip = await newest();
    expect(clip.sourceUrl.startsWith('data:image/jpeg;base64,')).toBe(true);
    // The source is the frame at the video's own size.
    const size = await page.$eval('#film', (v) => [(v as HTMLVideoElement).videoWidth, (v as HTMLVideoElement).videoHeight]);
    expect([clip.sourceSize.width, clip.sourceSize.height]).toEqual(size);
    const host = (await page.locator('sfumato-overlay').boundingBox())!;
    expect([host.x, host.y, host.width, host.height].map(Math.round)).toEqual([r.x, r.y, r.width, r.height].map(Math.round));
    await page.screenshot({ path: join(ARTIFACTS, 'animate-frame.png'), clip: { x: r.x - 10, y: r.y - 10, width: r.width + 20, height: r.height + 20 } });
    await page.close();
  });

  it('from the keyboard (the context-menu key on a focused link), the focused portrait comes alive, wherever the mouse rests', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/rembrandt-self-portrait.jpg', 320);
    // A card's link wraps the picture, as galleries do; the person tabs to it.
    await page.$eval('#target', (i) => {
      const a = document.createElement('a');
      a.id = 'card';
      a.href = '#artwork';
      Object.assign(a.style, { display: 'inline-block' });
      i.replaceWith(a);
      a.appendChild(i);
    });
    await page.mouse.move(1000, 600);
    await page.focus('#card');
    const out = await animateHere(b, page);
    expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
    if (out.kind !== 'clip') return;
    await expectPlaying(out.player);
    expect((await newest()).sourceUrl).toContain('rembrandt-self-portrait');
    const [img, host] = [(await page.locator('#target').boundingBox())!, (await page.locator('sfumato-overlay').boundingBox())!];
    expect([host.x, host.y, host.width, host.height].map(Math.round)).toEqual([img.x, img.y, img.width, img.height].map(Math.round));
    await page.close();
  });

  it('says so, at the top of the page, when nothing is under the pointer', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/lincoln-1863.jpg', 200);
    // The page's empty margin, right of the picture: the middle of <body> may hold the picture, but
    // that is not where the person clicked.
    await page.mouse.move(900, 500);
    await clickMenu(b, page, 'sfumato-animate-here', '', '');
    await page.waitForSelector('sfumato-toast', { state: 'attached', timeout: 10_000 });
    await expect.poll(() => page.locator('sfumato-toast .error').innerText()).toBe(ERROR_SENTENCES['nothing-here']);
    expect(await page.locator('sfumato-overlay').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'animate-here-nothing.png') });
    await page.locator('sfumato-toast .close').click();
    expect(await page.locator('sfumato-toast').count()).toBe(0);
    await page.close();
  });
});

describe('awkward inputs give their documented outcome', () => {
  const cases: [string, 'clip' | keyof typeof ERROR_SENTENCES | Array<keyof typeof ERROR_SENTENCES>][] = [
    ['edge/no-face-starry-night.jpg', 'no-face'],
    ['edge/html-disguised-as.jpg', 'not-an-image'],
    ['edge/truncated-half-einstein-1921.jpg', 'unreadable'],
    ['edge/tiny-96x96-girl-with-a-pearl-earring.jpg', ['face-too-small', 'no-face']],
    ['edge/grayscale-mona-lisa.jpg', 'clip'],
    ['edge/alpha-oval-vigee-le-brun.png', 'clip'],
    ['edge/huge-5000x6000-raphael-baldassare-castiglione.jpg', 'clip'],
    ['edge/group-portrait-frans-hals-st-adrian-militia.jpg', 'clip'],
  ];
  for (const [fixture, expected] of cases) {
    it(`${fixture} -> ${expected}`, async () => {
      const page = await openSingle(b, site.origin, `/fixtures/${fixture}`, 360);
      const out = await animateTarget(b, page);
      const name = fixture.split('/')[1]!.replace(/\.\w+$/, '');
      if (expected === 'clip') {
        expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
        if (out.kind === 'clip') await expectPlaying(out.player);
        await page.waitForTimeout(800);
      } else {
        expect(out.kind).toBe('error');
        const codes = Array.isArray(expected) ? expected : [expected];
        if (out.kind === 'error') expect(codes.some((c) => out.message.startsWith(ERROR_SENTENCES[c]))).toBe(true);
      }
      await page.screenshot({ path: join(ARTIFACTS, `edge-${name}.png`) });
      if (fixture.includes('group-portrait') && out.kind === 'clip') {
        const c = await newest();
        expect(c.faces.length).toBeGreaterThanOrEqual(3);
        // The faces fill the lower part, so the label goes to a top corner; the player's controls
        // then sit at the bottom, and nothing of the player covers the label.
        expect(c.labelCorner?.startsWith('top')).toBe(true);
        const corner = c.labelCorner!;
        const f = decodeFrames(c.mp4, c.width, c.height).frames[0]!;
        expect(looksLikeLabel(probeLabel(f, c.width, c.height, corner, 'standard', 'dark'), 'dark')).toBe(true);
        const video = (await out.player.locator('video').boundingBox())!;
        const k = video.width / c.width;
        const h = Math.max(12, Math.ceil(Math.min(c.width, c.height) * LABEL_SIZES.standard)) * k;
        const margin = 0.35 * h;
        // The pill is at most 6 h wide in any of the label's languages.
        const label = {
          x: corner.endsWith('left') ? video.x + margin : video.x + video.width - margin - 6 * h,
          y: corner.startsWith('top') ? video.y + margin : video.y + video.height - margin - h,
          w: 6 * h,
          h,
        };
        for (const sel of ['.controls', '.notice']) {
          for (const box of await Promise.all((await out.player.locator(sel).all()).map((l) => l.boundingBox()))) {
            if (!box) continue;
            const apart = box.x >= label.x + label.w || box.x + box.width <= label.x || box.y >= label.y + label.h || box.y + box.height <= label.y;
            expect(apart, `${sel} ${JSON.stringify(box)} covers the label ${JSON.stringify(label)}`).toBe(true);
          }
        }
      }
      if (fixture.includes('alpha-oval')) {
        // Transparent pixels become white, not black: the top-left corner of the clip is light.
        const c = await newest();
        const f = decodeFrames(c.mp4, c.width, c.height).frames[0]!;
        expect(meanAbsDiff(f, new Uint8Array(f.length).fill(255), c.width, { x: 0, y: 0, w: 8, h: 8 })).toBeLessThan(12);
      }
      await page.close();
    });
  }

  it('a site that refuses to share the image gives a clear sentence', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/lincoln-1863.jpg', 300);
    // Same page, but the image now comes from another origin that sends no CORS headers and for
    // which Sfumato holds no permission.
    const other = site.origin.replace('127.0.0.1', 'localhost');
    await page.$eval('#target', (i, u) => new Promise((r) => { (i as HTMLImageElement).onload = r; (i as HTMLImageElement).src = u; }), `${other}/nocors/fixtures/portraits/lincoln-1863.jpg`);
    const out = await animateTarget(b, page);
    expect(out.kind).toBe('error');
    // No permission could be asked (no real click here), so the sentence asks for it.
    if (out.kind === 'error') expect(out.message).toBe(ERROR_SENTENCES['permission-denied']);
    await page.close();
  });
});
