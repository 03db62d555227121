// Drives one "Animate this portrait" from a right-click to the outcome the person sees.
import type { Frame, Page } from 'playwright-core';
import { expect } from 'vitest';
import { clickMenu, type ExtensionBrowser } from './browser';
import { decodeFrames, meanAbsDiff, type Rect } from './clips';

export type Outcome =
  | { kind: 'clip'; player: Frame; overlayAppearedMs: number; readyMs: number }
  | { kind: 'error'; message: string; overlayAppearedMs: number };

export async function openSingle(b: ExtensionBrowser, origin: string, src: string, width = 400): Promise<Page> {
  const page = await b.context.newPage();
  await page.goto(`${origin}/single?src=${encodeURIComponent(src)}&w=${width}`);
  await page.waitForFunction(() => {
    const img = document.getElementById('target') as HTMLImageElement | null;
    return !!img && img.complete;
  });
  return page;
}

export async function animateTarget(b: ExtensionBrowser, page: Page, timeoutMs = 180_000): Promise<Outcome> {
  const src = await page.$eval('#target', (i) => (i as HTMLImageElement).currentSrc || (i as HTMLImageElement).src);
  return animateVia(b, page, 'sfumato-animate', src, 'image', timeoutMs);
}

/** "Animate this portrait" on an image Chrome reports as `src` (one the test cannot reach as #target). */
export async function animateImage(b: ExtensionBrowser, page: Page, src: string, timeoutMs = 180_000): Promise<Outcome> {
  return animateVia(b, page, 'sfumato-animate', src, 'image', timeoutMs);
}

/**
 * Animate the picture at `point` from the image menu (Chrome reports `src`), then from "Animate the
 * portrait here" with the pointer there; `check` looks at each clip playing, which is then removed.
 */
export async function fromBothMenus(b: ExtensionBrowser, page: Page, src: string, point: { x: number; y: number }, check: (via: 'image menu' | 'here', player: Frame) => Promise<void>) {
  for (const via of ['image menu', 'here'] as const) {
    await page.mouse.move(point.x, point.y);
    const out = via === 'here' ? await animateHere(b, page) : await animateImage(b, page, src);
    expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
    if (out.kind !== 'clip') return;
    await expectPlaying(out.player);
    await check(via, out.player);
    await page.locator('sfumato-overlay').evaluate((h) => h.remove());
  }
}

/**
 * "Animate the portrait here" (right-click on something that is not an image): Chrome reports no
 * image URL; the pointer must already be where the person right-clicked (page.mouse.move).
 */
export async function animateHere(b: ExtensionBrowser, page: Page, timeoutMs = 180_000): Promise<Outcome> {
  return animateVia(b, page, 'sfumato-animate-here', '', '', timeoutMs);
}

/** "Animate the portrait in this frame" on a video (`src`: what Chrome reports as its srcUrl); the pointer must be over it. */
export async function animateFrame(b: ExtensionBrowser, page: Page, src: string, timeoutMs = 180_000): Promise<Outcome> {
  return animateVia(b, page, 'sfumato-animate-frame', src, 'video', timeoutMs);
}

async function animateVia(b: ExtensionBrowser, page: Page, menuItemId: string, src: string, mediaType: string, timeoutMs: number): Promise<Outcome> {
  const t0 = Date.now();
  await clickMenu(b, page, menuItemId, src, mediaType);
  await page.waitForSelector('sfumato-overlay', { state: 'attached', timeout: 5_000 });
  const overlayAppearedMs = Date.now() - t0;
  await page.waitForSelector('sfumato-overlay[data-phase="ready"], sfumato-overlay[data-phase="error"]', { state: 'attached', timeout: timeoutMs });
  const phase = await page.$eval('sfumato-overlay', (h) => h.getAttribute('data-phase'));
  if (phase === 'error') {
    const message = await page.locator('sfumato-overlay .error').innerText();
    return { kind: 'error', message, overlayAppearedMs };
  }
  const readyMs = Date.now() - t0;
  const frame = await waitForPlayer(page);
  return { kind: 'clip', player: frame, overlayAppearedMs, readyMs };
}

async function waitForPlayer(page: Page): Promise<Frame> {
  for (let i = 0; i < 100; i++) {
    const f = page.frames().find((fr) => fr.url().includes('/player.html'));
    if (f) {
      await f.waitForSelector('video', { timeout: 10_000 });
      return f;
    }
    await page.waitForTimeout(100);
  }
  throw new Error('player frame did not appear');
}

/** The player's video is playing: time advances and it is not paused. */
export async function expectPlaying(player: Frame) {
  await player.waitForFunction(() => {
    const v = document.querySelector('video');
    return !!v && v.readyState >= 2 && !v.paused;
  }, undefined, { timeout: 15_000 });
  const t1 = await player.$eval('video', (v) => (v as HTMLVideoElement).currentTime);
  await new Promise((r) => setTimeout(r, 700));
  const t2 = await player.$eval('video', (v) => (v as HTMLVideoElement).currentTime);
  expect(t2).not.toBe(t1);
  expect(await player.$eval('video', (v) => (v as HTMLVideoElement).loop)).toBe(true);
}

/** A rectangle of the page in CSS px (one device px each in these tests). */
export interface PageBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the page shows in `box`, as decoded RGB pixels. */
export async function pagePixels(page: Page, box: PageBox): Promise<Uint8Array> {
  return decodeFrames(await page.screenshot({ clip: box }), box.width, box.height, 'png').frames[0]!;
}

/**
 * The clip's first frame, paused, lies where the page showed the picture (`before`, from
 * pagePixels of `box`): the mean difference per channel in `middle` (less `exclude`) is small, and
 * under half of the same frame's 8 px off. At rest the clip is the picture plus a faint watermark.
 */
export async function expectInPlace(what: string, page: Page, player: Frame, box: PageBox, before: Uint8Array, middle: Rect, exclude?: Rect) {
  await player.$eval('video', async (v: HTMLVideoElement) => {
    v.pause();
    v.currentTime = 0;
    await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
  });
  await page.waitForTimeout(300);
  const after = await pagePixels(page, box);
  const inPlace = meanAbsDiff(after, before, box.width, middle, exclude);
  const shifted = meanAbsDiff(after, before, box.width, middle, exclude, { dx: 0, dy: 8 });
  console.log(`${what}, in place:`, inPlace.toFixed(2), 'against 8 px off:', shifted.toFixed(2));
  expect(inPlace).toBeLessThan(6);
  expect(inPlace).toBeLessThan(0.5 * shifted);
}

/**
 * A film replaces the page's #target, paused at 1 s: from `url`, or from WebM bytes (base64)
 * played from a blob: address, as streaming sites do; with the browser's own controls when asked.
 * Returns the address the video plays (what Chrome reports as its srcUrl) and its box.
 */
export async function showFilm(page: Page, film: { url: string } | { webmBase64: string }, controls = false): Promise<{ src: string; box: PageBox }> {
  const src = await page.evaluate(
    async ({ film, controls }) => {
      const v = document.createElement('video');
      v.id = 'film';
      v.muted = true;
      v.controls = controls;
      v.src = 'url' in film ? film.url : URL.createObjectURL(new Blob([Uint8Array.from(atob(film.webmBase64), (ch) => ch.charCodeAt(0))], { type: 'video/webm' }));
      Object.assign(v.style, { width: '323px', height: '398px', display: 'block' });
      document.getElementById('target')!.replaceWith(v);
      await new Promise((r) => v.addEventListener('loadeddata', r, { once: true }));
      v.currentTime = 1;
      await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
      return v.src;
    },
    { film, controls },
  );
  const r = (await page.locator('#film').boundingBox())!;
  return { src, box: { x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width), height: Math.round(r.height) } };
}
