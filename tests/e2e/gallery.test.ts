// The Gallery keeps what people make: newest first, rename that survives a browser restart,
// delete with Undo, and a download that is exactly the stored, signed MP4.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetName } from '@/lib/motion/catalog';
import { clipFilename } from '@/lib/store/filenames';
import { launchWithExtension, openExtensionPage, type ExtensionBrowser } from './support/browser';
import { startSite, type TestSite } from './support/server';
import { animateTarget, openSingle } from './support/animate';
import { readStoredClips, type StoredClip } from './support/clips';
import { readC2paInNode } from './support/c2pa-node';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

let site: TestSite;
let b: ExtensionBrowser;
let panel: Page;
const profile = mkdtempSync(join(tmpdir(), 'sfumato-gallery-'));

const byNewest = (clips: StoredClip[]) => [...clips].sort((a, c) => c.createdAt - a.createdAt);

async function openGallery(): Promise<Page> {
  const p = await openExtensionPage(b, 'sidepanel.html#tab=gallery');
  await p.setViewportSize({ width: 400, height: 760 });
  await p.waitForSelector('.gallery-view');
  return p;
}

const items = (p: Page) => p.locator('.gallery-item');
const itemIds = (p: Page) => items(p).evaluateAll((els) => els.map((e) => e.getAttribute('data-clip-id')));
const item = (p: Page, id: string) => p.locator(`.gallery-item[data-clip-id="${id}"]`);

beforeAll(async () => {
  site = await startSite();
  b = await launchWithExtension({ userDataDir: profile });
});
afterAll(async () => {
  await b?.close();
  await site?.close();
  rmSync(profile, { recursive: true, force: true });
});

describe('Gallery', () => {
  let clips: StoredClip[] = [];

  it('lists every clip newest first, with poster, title, date, motion, duration and storage used', async () => {
    for (const src of ['/fixtures/portraits/lincoln-1863.jpg', '/fixtures/portraits/rembrandt-self-portrait.jpg']) {
      const page = await openSingle(b, site.origin, src, 320);
      const out = await animateTarget(b, page);
      expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
      await page.close();
    }
    panel = await openGallery();
    clips = byNewest(await readStoredClips(panel));
    expect(clips).toHaveLength(2);
    expect(clips[0]!.sourceUrl).toContain('rembrandt');

    await expect.poll(() => items(panel).count()).toBe(2);
    expect(await itemIds(panel)).toEqual(clips.map((c) => c.id));
    for (const c of clips) {
      const it = item(panel, c.id);
      expect(await it.locator('.gallery-title').innerText()).toBe(c.title);
      const meta = await it.locator('.gallery-meta').innerText();
      expect(meta).toContain(presetName(c.motion.preset));
      expect(meta).toContain(`${c.durationS.toFixed(1)} s`);
      expect(await it.locator('time').getAttribute('datetime')).toBe(new Date(c.createdAt).toISOString());
      // The poster has loaded.
      await expect.poll(() => it.locator('img').evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    }
    const usage = await panel.getByTestId('gallery-usage').innerText();
    expect(usage).toMatch(/^\d+(\.\d)? (kB|MB) used by 2 clips/);
    await panel.screenshot({ path: join(ARTIFACTS, 'gallery.png') });
  });

  it('opens a clip in Studio on click', async () => {
    await item(panel, clips[1]!.id).locator('.gallery-title').click();
    await panel.waitForSelector(`section.clip[data-clip-id="${clips[1]!.id}"]`);
    await panel.click('[data-tab="gallery"]');
    await expect.poll(() => items(panel).count()).toBe(2);
  });

  it('renames a clip inline, and the name survives a full browser restart', async () => {
    const id = clips[0]!.id;
    await item(panel, id).getByRole('button', { name: 'Rename' }).click();
    const input = item(panel, id).getByLabel('Clip title');
    await input.fill('Rembrandt: self-portrait / test');
    await input.press('Enter');
    await expect.poll(() => item(panel, id).locator('.gallery-title').innerText()).toBe('Rembrandt: self-portrait / test');
    await expect.poll(async () => (await readStoredClips(panel)).find((c) => c.id === id)?.title).toBe('Rembrandt: self-portrait / test');
    // Escape cancels.
    await item(panel, id).getByRole('button', { name: 'Rename' }).click();
    await item(panel, id).getByLabel('Clip title').fill('Not this');
    await item(panel, id).getByLabel('Clip title').press('Escape');
    expect(await item(panel, id).locator('.gallery-title').innerText()).toBe('Rembrandt: self-portrait / test');

    const oldWorker = b.worker.url();
    await b.close();
    b = await launchWithExtension({ userDataDir: profile });
    expect(b.worker.url()).toBe(oldWorker);
    const offscreen = await b.worker.evaluate(async () => (await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT' as chrome.runtime.ContextType] })).length);
    expect(offscreen).toBe(0);

    panel = await openGallery();
    await expect.poll(() => items(panel).count()).toBe(2);
    expect(await itemIds(panel)).toEqual(clips.map((c) => c.id));
    expect(await item(panel, id).locator('.gallery-title').innerText()).toBe('Rembrandt: self-portrait / test');
    const stored = byNewest(await readStoredClips(panel));
    expect(stored.map((c) => c.title)).toEqual(['Rembrandt: self-portrait / test', clips[1]!.title]);
    // The signed bytes are untouched by a rename.
    expect(Buffer.compare(stored[0]!.mp4, clips[0]!.mp4)).toBe(0);
    clips = stored;
  });

  it('downloads exactly the stored signed MP4 under a meaningful name', async () => {
    const c = clips[0]!;
    const expectedName = clipFilename(c.title, presetName(c.motion.preset), c.createdAt);
    expect(expectedName).toMatch(/^Rembrandt self-portrait test - .+ - \d{4}-\d\d-\d\d\.mp4$/);
    // Record what the panel asks chrome.downloads for (test instrumentation, the call goes through).
    await panel.evaluate(() => {
      const d = chrome.downloads as unknown as { download: (o: unknown) => Promise<number> };
      const real = d.download.bind(d);
      const seen: unknown[] = ((window as any).__downloadRequests = []);
      d.download = (o: unknown) => {
        seen.push(o);
        return real(o);
      };
    });
    const event = panel.waitForEvent('download', { timeout: 10_000 }).catch(() => null);
    await item(panel, c.id).getByRole('button', { name: 'Download' }).click();

    // chrome.downloads is the source of truth: wait for the item to complete.
    const done = await (async () => {
      for (let i = 0; i < 100; i++) {
        const found = await b.worker.evaluate(async () =>
          (await chrome.downloads.search({ orderBy: ['-startTime'] })).map((d) => ({ state: d.state, filename: d.filename, error: d.error ?? null, url: d.url, mime: d.mime })),
        );
        if (found[0] && found[0].state !== 'in_progress') return found[0];
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('download did not finish');
    })();
    expect(done.state, done.error ?? '').toBe('complete');
    expect(done.url).toMatch(/^blob:chrome-extension:/);

    // The panel asked Chrome for the meaningful name (Playwright catches downloads and saves them
    // under a GUID, so the name on disk cannot show it here).
    expect(await panel.evaluate(() => (window as any).__downloadRequests)).toEqual([
      expect.objectContaining({ filename: expectedName, saveAs: false, url: done.url }),
    ]);
    const dl: Download | null = await event;
    const bytes = dl ? readFileSync((await dl.path())!) : readFileSync(done.filename);
    if (!dl && !/^[0-9a-f-]{36}$/.test(basename(done.filename))) expect(basename(done.filename)).toBe(expectedName);
    expect(Buffer.compare(bytes, c.mp4)).toBe(0);
    const c2pa = await readC2paInNode(new Uint8Array(bytes), 'video/mp4');
    expect(c2pa.state, c2pa.failures.join(', ')).toBe('Valid');
  });

  it('downloads from Studio too', async () => {
    await item(panel, clips[1]!.id).locator('.gallery-title').click();
    await panel.getByTestId('export-mp4').click();
    const c = clips[1]!;
    const expectedName = clipFilename(c.title, presetName(c.motion.preset), c.createdAt);
    await expect
      .poll(
        async () =>
          b.worker.evaluate(async () => (await chrome.downloads.search({ orderBy: ['-startTime'] })).map((d) => ({ state: d.state, filename: d.filename }))),
        { timeout: 20_000 },
      )
      .toSatisfy((list: { state: string; filename: string }[]) => list.length === 2 && list[0]!.state === 'complete');
    await panel.click('[data-tab="gallery"]');
    await expect.poll(() => items(panel).count()).toBe(2);
    const list = await b.worker.evaluate(async () => (await chrome.downloads.search({ orderBy: ['-startTime'] })).map((d) => d.filename));
    // Playwright may rename files it catches to a GUID; when it does not, the name is the meaningful one.
    if (!/^[0-9a-f-]{36}$/.test(basename(list[0]!))) expect(basename(list[0]!)).toBe(expectedName);
    expect(Buffer.compare(readFileSync(list[0]!), c.mp4)).toBe(0);
  });

  it('deletes a clip with Undo, which restores it even after the panel re-renders', async () => {
    const c = clips[1]!;
    await item(panel, c.id).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => items(panel).count()).toBe(1);
    const bar = panel.locator('.gallery-undo');
    expect(await bar.innerText()).toContain(`Deleted “${c.title}”.`);
    await panel.screenshot({ path: join(ARTIFACTS, 'gallery-undo.png') });
    expect(await readStoredClips(panel)).toHaveLength(1);

    // Leave the tab and come back: Undo is still there.
    await panel.click('[data-tab="studio"]');
    await panel.click('[data-tab="gallery"]');
    await bar.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => items(panel).count()).toBe(2);
    expect(await bar.count()).toBe(0);
    expect(await itemIds(panel)).toEqual(clips.map((x) => x.id));
    const restored = (await readStoredClips(panel)).find((x) => x.id === c.id)!;
    expect(restored.title).toBe(c.title);
    expect(Buffer.compare(restored.mp4, c.mp4)).toBe(0);
  });

  it('deletes a clip for good when Undo is not used', async () => {
    const c = clips[1]!;
    await item(panel, c.id).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => items(panel).count()).toBe(1);
    await panel.locator('.gallery-undo').waitFor({ state: 'visible' });
    await panel.locator('.gallery-undo').waitFor({ state: 'detached', timeout: 12_000 });
    await panel.reload();
    await panel.waitForSelector('.gallery-view');
    await expect.poll(() => items(panel).count()).toBe(1);
    const left = await readStoredClips(panel);
    expect(left.map((x) => x.id)).toEqual([clips[0]!.id]);
    expect(await panel.getByTestId('gallery-usage').innerText()).toMatch(/used by 1 clip\b/);
  });

  it('animates a clip again with the same motion settings', async () => {
    const c = clips[0]!;
    await item(panel, c.id).getByRole('button', { name: 'Animate again' }).click();
    // The new clip arrives as 'clip-saved' and opens in Studio.
    await panel.waitForSelector('section.clip', { timeout: 180_000 });
    await expect.poll(async () => (await readStoredClips(panel)).length, { timeout: 180_000, interval: 1000 }).toBe(2);
    const again = byNewest(await readStoredClips(panel))[0]!;
    expect(again.id).not.toBe(c.id);
    expect(again.sourceUrl).toBe(c.sourceUrl);
    expect(again.motion).toEqual(c.motion);
    expect(again.title).toBe(c.title);
    await panel.waitForSelector(`section.clip[data-clip-id="${again.id}"]`, { timeout: 30_000 });
  });
});
