// The visible label follows the person's Settings (corner, style, size) and cannot be turned off.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension, openExtensionPage, type ExtensionBrowser } from './support/browser';
import { startSite, type TestSite } from './support/server';
import { animateTarget, openSingle } from './support/animate';
import { decodeFrames, readStoredClips, saveFramePng } from './support/clips';
import { looksLikeLabel, probeLabel } from './support/label';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

let site: TestSite;
let b: ExtensionBrowser;
let panel: Page;

beforeAll(async () => {
  site = await startSite();
  b = await launchWithExtension();
  panel = await openExtensionPage(b, 'sidepanel.html#tab=settings');
  await panel.setViewportSize({ width: 400, height: 900 });
});
afterAll(async () => {
  await b?.close();
  await site?.close();
});

describe('Label settings', () => {
  it('offers corner, style and size with a preview, and no way to turn the label off', async () => {
    const s = panel.getByTestId('label-settings');
    await s.waitFor();
    await expect.poll(() => s.locator('select[name="label-placement"] option').count()).toBe(5);
    const text = (await s.innerText()).toLowerCase();
    expect(text).toContain('cannot be turned off');
    expect(await s.locator('input[type="checkbox"]').count()).toBe(0);
    await s.locator('select[name="label-placement"]').selectOption('top-left');
    await s.locator('input[name="label-style"][value="light"]').check();
    await s.locator('input[name="label-size"][value="large"]').check();
    await expect.poll(() => s.locator('[role="status"]').innerText()).toContain('Saved');
    await s.screenshot({ path: join(ARTIFACTS, 'settings-label.png') });
  });

  it('draws the chosen label (top left, light, large) on every frame of the next clip', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/mona-lisa.jpg', 360);
    const out = await animateTarget(b, page);
    expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
    const clip = (await readStoredClips(panel)).sort((a, c) => c.createdAt - a.createdAt)[0]!;
    const { frames, width, height } = decodeFrames(clip.mp4, clip.width, clip.height);
    expect(frames.length).toBeGreaterThan(100);
    for (const i of [0, Math.floor(frames.length / 2), frames.length - 1]) {
      const at = probeLabel(frames[i]!, width, height, 'top-left', 'large', 'light');
      expect(looksLikeLabel(at, 'light'), `frame ${i}: ${JSON.stringify(at)}`).toBe(true);
      // Only there: no other corner carries a label of either style.
      for (const corner of ['top-right', 'bottom-left', 'bottom-right'] as const) {
        for (const style of ['dark', 'light'] as const) {
          expect(looksLikeLabel(probeLabel(frames[i]!, width, height, corner, 'large', style), style), `${corner} ${style}`).toBe(false);
        }
      }
    }
    saveFramePng(clip.mp4, 60, join(ARTIFACTS, 'label-top-left-light-large.png'));
    await page.close();
  });
});
