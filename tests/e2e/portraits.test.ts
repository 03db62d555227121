// Every fixture portrait is found and animated; several faces of the group portrait are found and
// the side panel switches to another one; without WebGPU the CPU renderer makes the clip.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_SENTENCES } from '@/lib/messages/errors';
import { launchWithExtension, openExtensionPage, type ExtensionBrowser } from './support/browser';
import { listFixtures, startSite, type TestSite } from './support/server';
import { animateTarget, expectPlaying, openSingle } from './support/animate';
import { decodeFrames, landmarkBox, LEFT_EYE, meanAbsDiff, readStoredClips, RIGHT_EYE } from './support/clips';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

let site: TestSite;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site?.close();
});

describe('with WebGPU', () => {
  let b: ExtensionBrowser;
  let ext: Page;
  beforeAll(async () => {
    b = await launchWithExtension();
    ext = await openExtensionPage(b, 'sidepanel.html');
    // Through Settings, as a person would: right-clicks play "Blink and glance" for 2 s, which moves
    // the eyes in every clip and keeps this sweep over all portraits short.
    const settings = await openExtensionPage(b, 'sidepanel.html#tab=settings');
    const d = settings.getByTestId('motion-defaults');
    await d.locator('select[name="default-preset"]').selectOption('blink-glance');
    await d.locator('input[name="default-duration"]').fill('2');
    await d.locator('input[name="default-duration"]').dispatchEvent('change');
    await d.locator('[role="status"]', { hasText: 'Saved' }).waitFor({ timeout: 10_000 });
    await settings.waitForTimeout(300); // the second write (length) lands after the first message
    await settings.close();
  });
  afterAll(async () => b?.close());

  for (const f of listFixtures('portraits')) {
    it(`animates ${f}`, async () => {
      const page = await openSingle(b, site.origin, `/fixtures/portraits/${f}`, 360);
      const out = await animateTarget(b, page);
      expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
      const clip = (await readStoredClips(ext)).sort((a, c) => c.createdAt - a.createdAt)[0]!;
      expect(clip.faces.length).toBe(1);
      expect(clip.renderer).toBe('webgpu');
      expect([clip.motion.preset, clip.durationS]).toEqual(['blink-glance', 2]);
      // The face moves: the eye region changes at some point of the loop.
      const { frames, width } = decodeFrames(clip.mp4, clip.width, clip.height);
      const eyes = [landmarkBox(clip.faceLandmarks, LEFT_EYE), landmarkBox(clip.faceLandmarks, RIGHT_EYE)];
      const change = Math.max(...frames.map((fr) => Math.max(...eyes.map((e) => meanAbsDiff(fr, frames[0]!, width, e)))));
      expect(change).toBeGreaterThan(3);
      if (/mona|vermeer|girl|rembrandt|lincoln/.test(f)) {
        await page.waitForTimeout(1500);
        await page.screenshot({ path: join(ARTIFACTS, `portrait-${f.replace(/\.\w+$/, '')}.png`) });
      }
      await page.close();
    });
  }

  it('finds several faces of the group portrait, and the side panel animates another one', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/edge/group-portrait-frans-hals-st-adrian-militia.jpg', 800);
    const out = await animateTarget(b, page);
    expect(out.kind).toBe('clip');
    const first = (await readStoredClips(ext)).sort((a, c) => c.createdAt - a.createdAt)[0]!;
    expect(first.faces.length).toBeGreaterThanOrEqual(3);
    const panel = await openExtensionPage(b, `sidepanel.html#clip=${first.id}`);
    await panel.setViewportSize({ width: 420, height: 900 });
    await panel.waitForSelector('.faces button');
    expect(await panel.locator('.faces button').count()).toBe(first.faces.length);
    const other = first.faces.find((x) => x.index !== first.faceIndex)!;
    await panel.locator('.faces button').nth(other.index).click();
    await expect
      .poll(async () => (await readStoredClips(ext)).some((c) => c.createdAt > first.createdAt && c.faceIndex === other.index), {
        timeout: 120_000,
        interval: 1000,
      })
      .toBe(true);
    await panel.waitForSelector(`.faces button[aria-pressed="true"]:nth-child(${other.index + 1})`, { timeout: 10_000 });
    await panel.screenshot({ path: join(ARTIFACTS, 'sidepanel-group.png') });
    await panel.close();
    await page.close();
  });
});

describe('without WebGPU', () => {
  let b: ExtensionBrowser;
  let ext: Page;
  beforeAll(async () => {
    // No WebGPU flags: navigator.gpu gives no adapter here, so the CPU renderer must take over.
    b = await launchWithExtension({ webgpu: false });
    ext = await openExtensionPage(b, 'sidepanel.html');
  });
  afterAll(async () => b?.close());

  it('falls back to the CPU renderer and says so', async () => {
    expect(await ext.evaluate(async () => !!(await navigator.gpu?.requestAdapter()))).toBe(false);
    const page = await openSingle(b, site.origin, '/fixtures/portraits/lincoln-1863.jpg', 360);
    const out = await animateTarget(b, page);
    expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
    if (out.kind !== 'clip') return;
    await expectPlaying(out.player);
    await expect.poll(() => out.player.locator('.notice').innerText()).toBe(ERROR_SENTENCES['gpu-unavailable']);
    await page.screenshot({ path: join(ARTIFACTS, 'cpu-fallback.png') });
    const clip = (await readStoredClips(ext))[0]!;
    expect(clip.renderer).toBe('cpu');
    const { frames, width } = decodeFrames(clip.mp4, clip.width, clip.height);
    const eyes = [landmarkBox(clip.faceLandmarks, LEFT_EYE), landmarkBox(clip.faceLandmarks, RIGHT_EYE)];
    expect(Math.max(...frames.map((fr) => Math.max(...eyes.map((e) => meanAbsDiff(fr, frames[0]!, width, e)))))).toBeGreaterThan(3);
    await page.close();
  });
});
