// Keep, export and share (issue 7): every way a clip leaves Sfumato (MP4, animated GIF and WebP,
// poster PNG downloads; the share sheet; a drag; the clipboard) hands out bytes that read back as
// signed, AI-generated content credentials, carry the clip's invisible watermark and show the
// visible label. One clip, made once, driven through the real side panel.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_SENTENCES } from '@/lib/messages/errors';
import { presetName } from '@/lib/motion/catalog';
import { clipFilename } from '@/lib/store/filenames';
import { detectWatermark } from '@/lib/watermark/detect';
import { CORNERS, type Corner } from '@/lib/watermark/label';
import { clipIdToPayload } from '@/lib/watermark/payload';
import { launchWithExtension, openExtensionPage, type ExtensionBrowser } from './support/browser';
import { readC2paInNode, readRootPem } from './support/c2pa-node';
import { animateTarget, openSingle } from './support/animate';
import { readStoredClips, type StoredClip } from './support/clips';
import { looksLikeLabel, probeLabel } from './support/label';
import { startSite, type TestSite } from './support/server';
import { mountSmallDisk, type SmallDisk } from './support/small-disk';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
mkdirSync(ARTIFACTS, { recursive: true });
const AI = 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia';
const MIME = { mp4: 'video/mp4', gif: 'image/gif', webp: 'image/webp', png: 'image/png' } as const;
type Fmt = keyof typeof MIME;

let site: TestSite;
let disk: SmallDisk;
let b: ExtensionBrowser;
let panel: Page;
let clip: StoredClip;
let rootPem: string;
let mp4Corner: Corner;
/** What each path handed out, for the summary printed at the end. */
const measured: Record<string, unknown>[] = [];

interface Frames {
  width: number;
  height: number;
  frames: Uint8Array[];
}

/** Decode with ffmpeg (independent of the browser) to RGB frames at their own size. */
function ffmpegFrames(bytes: Uint8Array, ext: string, every = 1): Frames {
  const dir = mkdtempSync(join(tmpdir(), 'sfumato-export-'));
  const file = join(dir, `in.${ext}`);
  writeFileSync(file, bytes);
  const probe = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file]).toString().trim();
  const [width, height] = probe.split(',').map(Number) as [number, number];
  // Every `every`-th frame.
  const select = every > 1 ? ['-vf', `select=not(mod(n\\,${every}))`, '-vsync', '0'] : [];
  const out = execFileSync('ffmpeg', ['-v', 'error', '-i', file, ...select, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 30 });
  rmSync(dir, { recursive: true, force: true });
  const size = width * height * 3;
  const frames: Uint8Array[] = [];
  for (let o = 0; o + size <= out.length; o += size) frames.push(new Uint8Array(out.buffer, out.byteOffset + o, size));
  return { width, height, frames };
}

/** ffmpeg 5.1 cannot decode animated WebP: decode it with the browser's ImageDecoder instead. */
async function browserFrames(page: Page, bytes: Uint8Array, type: string, max = 6): Promise<Frames> {
  const r = await page.evaluate(
    async ({ b64, type, max }) => {
      const bin = atob(b64);
      const u8 = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
      const dec = new ImageDecoder({ data: u8, type });
      await dec.tracks.ready;
      await dec.completed;
      const n = dec.tracks.selectedTrack!.frameCount;
      const picks = Array.from({ length: Math.min(n, max) }, (_, i) => Math.round((i * (n - 1)) / Math.max(1, Math.min(n, max) - 1)));
      const out: string[] = [];
      let w = 0;
      let h = 0;
      for (const frameIndex of picks) {
        const { image } = await dec.decode({ frameIndex });
        w = image.displayWidth;
        h = image.displayHeight;
        const c = new OffscreenCanvas(w, h);
        const ctx = c.getContext('2d')!;
        ctx.drawImage(image, 0, 0);
        image.close();
        const rgba = ctx.getImageData(0, 0, w, h).data;
        const rgb = new Uint8Array(w * h * 3);
        for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
          rgb[j] = rgba[i]!;
          rgb[j + 1] = rgba[i + 1]!;
          rgb[j + 2] = rgba[i + 2]!;
        }
        let s = '';
        for (let i = 0; i < rgb.length; i += 0x8000) s += String.fromCharCode(...rgb.subarray(i, i + 0x8000));
        out.push(btoa(s));
      }
      dec.close();
      return { w, h, n, out };
    },
    { b64: Buffer.from(bytes).toString('base64'), type, max },
  );
  return { width: r.w, height: r.h, frames: r.out.map((s) => new Uint8Array(Buffer.from(s, 'base64'))) };
}

/** Where the visible label is (the corner whose probe looks like the dark label), or null. */
function labelCorner(f: Frames, index = 0): Corner | null {
  const hits = CORNERS.filter((c) => looksLikeLabel(probeLabel(f.frames[index]!, f.width, f.height, c, 'standard', 'dark'), 'dark'));
  return hits.length === 1 ? hits[0]! : null;
}

const activeManifest = (store: any) => store.manifests[store.active_manifest];
const actionsOf = (m: any) => m.assertions.find((a: any) => a.label.startsWith('c2pa.actions')).data.actions as any[];

/**
 * The invariant, for one exported file: Trusted content credentials (with Sfumato's root) that
 * declare it AI-generated and watermarked with this clip's payload, the watermark detectable in its
 * pixels, and the visible label in place in its first and last frames.
 */
async function expectLabelledSignedWatermarked(path: string, bytes: Uint8Array, fmt: Fmt, opts: { derived: boolean; frames?: Frames }) {
  const c2pa = await readC2paInNode(bytes, MIME[fmt], rootPem);
  expect(c2pa.error, `${path}: ${c2pa.error}`).toBeNull();
  expect(c2pa.state, `${path}: ${c2pa.failures.join(', ')}`).toBe('Trusted');
  const m = activeManifest(c2pa.store);
  const actions = actionsOf(m);
  expect(actions.find((a) => a.action === 'c2pa.created')?.digitalSourceType, path).toBe(AI);
  expect(actions.map((a) => a.action), path).toContain('c2pa.watermarked');
  const soft = m.assertions.find((a: any) => a.label.startsWith('c2pa.soft-binding'));
  expect(Buffer.from(soft.data.blocks[0].value, 'base64').toString('hex'), path).toBe(clip.watermarkPayload);
  if (opts.derived) {
    // The signed MP4 travels as the parent ingredient, with its own manifest (the chain is kept).
    const parent = m.ingredients.find((i: any) => i.relationship === 'parentOf');
    expect(parent, `${path}: parent ingredient`).toBeTruthy();
    expect(parent.format).toBe('video/mp4');
    expect(parent.active_manifest, `${path}: parent keeps its manifest`).toBeTruthy();
    expect(actions.map((a) => a.action)).toContain('c2pa.transcoded');
  }

  // Pixels: decoded independently (ffmpeg; the browser for animated WebP): every 10th MP4 frame, every 5th GIF frame.
  const f = opts.frames ?? (fmt === 'webp' ? await browserFrames(panel, bytes, MIME[fmt]) : ffmpegFrames(bytes, fmt, fmt === 'mp4' ? 10 : fmt === 'gif' ? 5 : 1));
  expect(f.frames.length, path).toBeGreaterThan(0);
  const d = detectWatermark(f.frames.map((data) => ({ data, width: f.width, height: f.height, channels: 3 as const })));
  expect(d.found, `${path}: watermark`).toBe(true);
  expect(d.payload).toBe(clipIdToPayload(clip.id));
  expect(d.falsePositiveProbability).toBeLessThan(1e-8);
  expect(labelCorner(f, 0), `${path}: label in the first frame`).toBe(mp4Corner);
  expect(labelCorner(f, f.frames.length - 1), `${path}: label in the last frame`).toBe(mp4Corner);
  const row = { path, bytes: bytes.length, size: `${f.width}x${f.height}`, frames: f.frames.length, watermarkConfidence: Number(d.confidence.toFixed(3)), c2pa: c2pa.state };
  measured.push(row);
  return row;
}

/** Click a panel button that downloads; returns the bytes written and the name the panel asked for. */
async function downloadFrom(testId: string, opts: { onStarted?: () => Promise<void> } = {}, timeoutMs = 120_000): Promise<{ bytes: Uint8Array; filename: string; ms: number }> {
  const before = await b.worker.evaluate(async () => (await chrome.downloads.search({})).length);
  const requests = () => panel.evaluate(() => (window as any).__downloadRequests as { filename: string; url: string }[]);
  const nReq = (await requests()).length;
  const t0 = Date.now();
  const event = panel.waitForEvent('download', { timeout: timeoutMs }).catch(() => null);
  await panel.getByTestId(testId).click();
  await opts.onStarted?.();
  let done: { state: string; filename: string; error: string | null } | null = null;
  for (let i = 0; i < timeoutMs / 200 && !done; i++) {
    const list = await b.worker.evaluate(async () =>
      (await chrome.downloads.search({ orderBy: ['-startTime'] })).map((d) => ({ state: d.state, filename: d.filename, error: d.error ?? null })),
    );
    if (list.length > before && list[0]!.state !== 'in_progress') done = list[0]!;
    else {
      const err = await panel.getByTestId('export-error').allInnerTexts();
      if (err.length) throw new Error(`${testId}: ${err.join(' ')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  if (!done) throw new Error(`${testId}: no download`);
  expect(done.state, done.error ?? '').toBe('complete');
  const ms = Date.now() - t0;
  const dl = await event;
  const bytes = new Uint8Array(readFileSync(dl ? (await dl.path())! : done.filename));
  const req = (await requests()).slice(nReq);
  expect(req).toHaveLength(1);
  return { bytes, filename: req[0]!.filename, ms };
}

/** Open the clip in the panel (a fresh page: nothing remembered from earlier exports). */
async function showClipInPanel() {
  await panel.goto(`chrome-extension://${b.extensionId}/sidepanel.html#clip=${clip.id}`);
  await panel.reload();
  await panel.setViewportSize({ width: 400, height: 900 });
  await panel.waitForSelector(`section.clip[data-clip-id="${clip.id}"] [data-testid="export"]`);
  // Record what the panel asks chrome.downloads for (the call goes through unchanged).
  await panel.evaluate(() => {
    const d = chrome.downloads as unknown as { download: (o: unknown) => Promise<number> };
    const real = d.download.bind(d);
    const seen: unknown[] = ((window as any).__downloadRequests = []);
    d.download = (o: unknown) => {
      seen.push(o);
      return real(o);
    };
  });
}

beforeAll(async () => {
  site = await startSite();
  // The profile lives on a small disk of its own, which the storage-full test fills for real.
  disk = mountSmallDisk(320);
  b = await launchWithExtension({ userDataDir: join(disk.dir, 'profile') });
  const page = await openSingle(b, site.origin, '/fixtures/portraits/lincoln-1863.jpg', 320);
  const out = await animateTarget(b, page);
  if (out.kind !== 'clip') throw new Error(`animation failed: ${out.message}`);
  await page.close();
  panel = await openExtensionPage(b, 'sidepanel.html');
  clip = (await readStoredClips(panel))[0]!;
  rootPem = await readRootPem(panel);
  await showClipInPanel();
  const mp4Frames = ffmpegFrames(clip.mp4, 'mp4', 10);
  mp4Corner = labelCorner(mp4Frames)!;
  expect(mp4Corner).toBeTruthy();
}, 240_000);

afterAll(async () => {
  if (measured.length) {
    writeFileSync(join(ARTIFACTS, 'export-measurements.json'), JSON.stringify(measured, null, 2));
    console.log(JSON.stringify(measured, null, 1));
  }
  await b?.close();
  disk?.unmount();
  await site?.close();
});

describe('the clip in the side panel', () => {
  it('plays with its controls under the picture, so that nothing covers the burnt-in label', async () => {
    await showClipInPanel();
    // The clip records the corner its label went to, and that is where the frames show it.
    expect(clip.labelCorner).toBe(mp4Corner);
    const section = panel.locator(`section.clip[data-clip-id="${clip.id}"]`);
    const video = section.locator('.clip-video video');
    expect(await video.getAttribute('controls')).toBeNull();
    const vBox = (await video.boundingBox())!;
    const cBox = (await section.getByTestId('clip-controls').boundingBox())!;
    expect(cBox.y).toBeGreaterThanOrEqual(vBox.y + vBox.height);
    await panel.waitForFunction(() => !document.querySelector<HTMLVideoElement>('section.clip .clip-video video')!.paused);
    await section.getByRole('button', { name: 'Pause' }).click();
    expect(await video.evaluate((v: HTMLVideoElement) => v.paused)).toBe(true);
    // Seeking with the slider moves the clip (paused, so the time stays where it was put).
    const slider = section.getByRole('slider', { name: 'Position in the clip' });
    await slider.evaluate((el: HTMLInputElement) => {
      el.value = String(Number(el.max) / 2);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime / v.duration)).toBeCloseTo(0.5, 1);
    await expect.poll(() => section.locator('.clip-time').innerText()).toMatch(/^0:0\d \/ 0:0\d$/);
    await section.getByRole('button', { name: 'Play' }).click();
    await panel.waitForFunction(() => !document.querySelector<HTMLVideoElement>('section.clip .clip-video video')!.paused);
    // A silent clip offers no sound button.
    expect(await section.getByRole('button', { name: /^Sound/ }).count()).toBe(0);
    await panel.screenshot({ path: join(ARTIFACTS, 'sidepanel-clip-controls.png'), clip: { x: 0, y: 0, width: 400, height: Math.ceil(cBox.y + cBox.height + 80) } });
  });
});

describe('every export path hands out signed, watermarked, labelled bytes', () => {
  it('MP4 download is the stored signed original, under a meaningful name', async () => {
    const { bytes, filename, ms } = await downloadFrom('export-mp4');
    expect(filename).toBe(clipFilename(clip.title, presetName(clip.motion.preset), clip.createdAt, 'mp4'));
    expect(Buffer.compare(Buffer.from(bytes), clip.mp4)).toBe(0);
    const row = await expectLabelledSignedWatermarked('download mp4', bytes, 'mp4', { derived: false });
    Object.assign(row, { ms });
  });

  for (const fmt of ['gif', 'webp', 'png'] as const) {
    it(`${fmt.toUpperCase()} download is made and signed in the offscreen document, with the MP4 as parent`, async () => {
      const { bytes, filename, ms } = await downloadFrom(`export-${fmt}`, {
        // While it is being made: the person sees what is happening, and the buttons wait.
        onStarted: async () => {
          const status = panel.getByTestId('export-status');
          await status.waitFor({ timeout: 5_000 });
          expect(await status.innerText()).toMatch(/^Making the (animated GIF|animated WebP|poster PNG)…$/);
          expect(await panel.getByTestId('export-mp4').isDisabled()).toBe(true);
          if (fmt === 'webp') await panel.screenshot({ path: join(ARTIFACTS, 'export-progress.png') });
        },
      });
      expect(filename).toBe(clipFilename(clip.title, presetName(clip.motion.preset), clip.createdAt, fmt));
      const row = await expectLabelledSignedWatermarked(`download ${fmt}`, bytes, fmt, { derived: true });
      Object.assign(row, { ms });
      if (fmt !== 'png') {
        // Chat-friendly: long side at most 480 px, 15 fps, the clip's whole length.
        expect(Math.max(...(row.size as string).split('x').map(Number))).toBeLessThanOrEqual(480);
      }
      const done = await panel.getByTestId('export-done').innerText();
      expect(done).toContain(filename);
      if (fmt === 'gif') await panel.screenshot({ path: join(ARTIFACTS, 'export-menu.png'), fullPage: true });
    });
  }

  it('keeps each export in the store next to the clip, with how it was made', async () => {
    const kept = await panel.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open('sfumato');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      const all = await new Promise<any[]>((res, rej) => {
        const r = db.transaction('exports').objectStore('exports').getAll();
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      db.close();
      return all.map(({ bytes, ...rest }) => ({ ...rest, size: (bytes as Blob).size }));
    });
    expect(kept.map((k) => k.format).sort()).toEqual(['gif', 'png', 'webp']);
    for (const k of kept) {
      expect(k.clipId).toBe(clip.id);
      expect(k.credentialsState).toBe('Trusted');
      expect(k.watermarkConfidence).toBeGreaterThan(0.6);
      expect(k.size).toBe(measured.find((r) => r.path === `download ${k.format}`)!.bytes);
      measured.push({ path: `made ${k.format}`, makeMs: Math.round(k.makeMs), frames: k.frames, timings: k.timings, inOffscreenWatermarkConfidence: Number(k.watermarkConfidence.toFixed(3)) });
    }
  });

  it('the export is kept: asking again gives the same signed bytes at once', async () => {
    const t0 = Date.now();
    const again = await downloadFrom('export-gif');
    expect(Date.now() - t0).toBeLessThan(15_000);
    const first = measured.find((r) => r.path === 'download gif')!;
    expect(again.bytes.length).toBe(first.bytes);
  });

  it('drags the signed MP4 from the gallery too', async () => {
    await panel.click('[data-tab="gallery"]');
    const item = panel.locator(`.gallery-item[data-clip-id="${clip.id}"]`);
    await item.locator('img').waitFor();
    // The storage used counts the kept exports too.
    await expect.poll(() => panel.getByTestId('gallery-usage').innerText()).toMatch(/used by 1 clip \(exports \d+(\.\d)? (kB|MB)\)/);
    await panel.screenshot({ path: join(ARTIFACTS, 'gallery-export.png') });
    const r = await item.locator('.gallery-open').evaluate(async (el) => {
      const dt = new DataTransfer();
      el.dispatchEvent(new DragEvent('dragstart', { dataTransfer: dt, bubbles: true, cancelable: true }));
      const f = dt.files[0]!;
      const u8 = new Uint8Array(await f.arrayBuffer());
      let s = '';
      for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
      return { name: f.name, b64: btoa(s), downloadUrl: dt.getData('DownloadURL') };
    });
    expect(r.name).toBe(clipFilename(clip.title, presetName(clip.motion.preset), clip.createdAt, 'mp4'));
    expect(r.downloadUrl).toMatch(/^video\/mp4:.+\.mp4:blob:chrome-extension:\/\//);
    expect(Buffer.compare(Buffer.from(r.b64, 'base64'), clip.mp4)).toBe(0);
    await panel.click('[data-tab="studio"]');
    await panel.waitForSelector(`section.clip[data-clip-id="${clip.id}"] [data-testid="export"]`);
  });

  it('the share button is not shown where the browser has no Web Share with files', async () => {
    expect(await panel.evaluate(() => typeof (navigator as any).share)).toBe('undefined');
    expect(await panel.getByTestId('share-clip').count()).toBe(0);
  });

  it('shares the signed MP4 where Web Share with files exists', async () => {
    const p = await b.context.newPage();
    // A stand-in share sheet, installed before the panel's scripts: it keeps the files it is given.
    await p.addInitScript(() => {
      const shared: { name: string; type: string; b64: string }[] = ((window as any).__shared = []);
      (navigator as any).canShare = (d: { files?: File[] }) => Array.isArray(d?.files) && d.files.every((f) => f instanceof File);
      (navigator as any).share = async (d: { files: File[] }) => {
        for (const f of d.files) {
          const u8 = new Uint8Array(await f.arrayBuffer());
          let s = '';
          for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
          shared.push({ name: f.name, type: f.type, b64: btoa(s) });
        }
      };
    });
    await p.goto(`chrome-extension://${b.extensionId}/sidepanel.html#clip=${clip.id}`);
    await p.setViewportSize({ width: 400, height: 900 });
    await p.getByTestId('share-clip').click();
    await expect.poll(() => p.evaluate(() => (window as any).__shared.length)).toBe(1);
    await p.screenshot({ path: join(ARTIFACTS, 'export-share.png'), fullPage: true });
    const [f] = await p.evaluate(() => (window as any).__shared as { name: string; type: string; b64: string }[]);
    expect(f!.type).toBe('video/mp4');
    expect(f!.name).toBe(clipFilename(clip.title, presetName(clip.motion.preset), clip.createdAt, 'mp4'));
    const bytes = new Uint8Array(Buffer.from(f!.b64, 'base64'));
    expect(Buffer.compare(Buffer.from(bytes), clip.mp4)).toBe(0);
    await expectLabelledSignedWatermarked('share mp4', bytes, 'mp4', { derived: false });
    await p.close();
  });

  it('drags the signed MP4 out of the panel as a file, a DownloadURL and a URL', async () => {
    for (const selector of ['[data-testid="drag-clip"]', 'section.clip video']) {
      const r = await panel.evaluate(async (sel) => {
        const el = document.querySelector(sel)!;
        const dt = new DataTransfer();
        el.dispatchEvent(new DragEvent('dragstart', { dataTransfer: dt, bubbles: true, cancelable: true }));
        const files = [...dt.files];
        const out = [];
        for (const f of files) {
          const u8 = new Uint8Array(await f.arrayBuffer());
          let s = '';
          for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
          out.push({ name: f.name, type: f.type, b64: btoa(s) });
        }
        const downloadUrl = dt.getData('DownloadURL');
        const uri = dt.getData('text/uri-list');
        // The URL in the drag gives the same bytes.
        const viaUrl = new Uint8Array(await (await fetch(uri)).arrayBuffer()).length;
        return { files: out, downloadUrl, uri, viaUrl, draggable: (el as HTMLElement).draggable };
      }, selector);
      expect(r.draggable, selector).toBe(true);
      expect(r.files, selector).toHaveLength(1);
      const name = clipFilename(clip.title, presetName(clip.motion.preset), clip.createdAt, 'mp4');
      expect(r.files[0]!.name).toBe(name);
      expect(r.downloadUrl).toBe(`video/mp4:${name}:${r.uri}`);
      expect(r.uri).toMatch(/^blob:chrome-extension:\/\//);
      expect(r.viaUrl).toBe(clip.mp4.length);
      const bytes = new Uint8Array(Buffer.from(r.files[0]!.b64, 'base64'));
      expect(Buffer.compare(Buffer.from(bytes), clip.mp4)).toBe(0);
      if (selector.includes('drag-clip')) await expectLabelledSignedWatermarked('drag mp4', bytes, 'mp4', { derived: false });
    }
  });

  it('copies the poster: the signed PNG in the web custom format, the pixels (label, watermark) in image/png', async () => {
    await panel.bringToFront();
    await panel.getByTestId('copy-poster').click();
    await expect
      .poll(async () => (await panel.getByTestId('export-done').innerText().catch(() => '')) || (await panel.getByTestId('export-error').innerText().catch(() => '')), { timeout: 60_000 })
      .toMatch(/Poster copied/);
    // Chrome does not let CDP grant clipboard-read to a chrome-extension:// origin; the clipboard is
    // the system's, so a page of the test site (granted clipboard-read) reads it back.
    const reader = await b.context.newPage();
    await reader.goto(`${site.origin}/single?src=/fixtures/portraits/lincoln-1863.jpg&w=50`);
    await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
    await reader.bringToFront();
    const items = await reader.evaluate(async () => {
      const out: Record<string, string> = {};
      for (const item of await navigator.clipboard.read()) {
        for (const type of item.types) {
          const u8 = new Uint8Array(await (await item.getType(type)).arrayBuffer());
          let s = '';
          for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
          out[type] = btoa(s);
        }
      }
      return out;
    });
    await reader.close();
    expect(Object.keys(items)).toEqual(expect.arrayContaining(['image/png', 'web image/png']));
    const custom = new Uint8Array(Buffer.from(items['web image/png']!, 'base64'));
    await expectLabelledSignedWatermarked('clipboard web image/png', custom, 'png', { derived: true });
    // The sanitised image/png: Chrome may re-encode it. Its pixels keep the label and the watermark;
    // what happens to the credentials is recorded.
    const plain = new Uint8Array(Buffer.from(items['image/png']!, 'base64'));
    const f = ffmpegFrames(plain, 'png');
    const d = detectWatermark([{ data: f.frames[0]!, width: f.width, height: f.height, channels: 3 }]);
    expect(d.found && d.payload === clipIdToPayload(clip.id)).toBe(true);
    expect(labelCorner(f)).toBe(mp4Corner);
    const c2pa = await readC2paInNode(plain, 'image/png', rootPem);
    measured.push({
      path: 'clipboard image/png (sanitised)',
      bytes: plain.length,
      identicalToSigned: Buffer.compare(Buffer.from(plain), Buffer.from(custom)) === 0,
      size: `${f.width}x${f.height}`,
      watermarkConfidence: Number(d.confidence.toFixed(3)),
      c2pa: c2pa.state ?? c2pa.error,
    });
  });
});

describe('when storage is full', () => {
  it('tells the person, loses nothing already saved, and still hands out exports it cannot keep', async () => {
    const before = await readStoredClips(panel);
    expect(before.length).toBeGreaterThan(0);
    // Forget the kept WebP so that the next WebP must be made (and cannot be kept).
    await panel.evaluate(async (key) => {
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open('sfumato');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      await new Promise<void>((res, rej) => {
        const t = db.transaction('exports', 'readwrite');
        t.objectStore('exports').delete(key);
        t.oncomplete = () => res();
        t.onerror = () => rej(t.error);
      });
      db.close();
    }, `${clip.id}:webp`);
    await showClipInPanel();

    // Nothing already saved was damaged once the disk has room again: the same clips, byte for
    // byte, still Trusted. (While the disk is full to the last block Chrome cannot even reopen
    // IndexedDB after a failed write, so nothing can be read then; a full quota reads fine.)
    const expectUnharmed = async () => {
      const after = await readStoredClips(panel);
      expect(after.map((c) => c.id).sort()).toEqual(before.map((c) => c.id).sort());
      for (const c of after) {
        const old = before.find((x) => x.id === c.id)!;
        expect(Buffer.compare(c.mp4, old.mp4)).toBe(0);
        expect(c.title).toBe(old.title);
        expect((await readC2paInNode(c.mp4, 'video/mp4', rootPem)).state).toBe('Trusted');
      }
    };

    // Fill the profile's disk to the last block, as a person's full disk would be. (Chrome deletes
    // files of its own now and then, the WebP's above among them, so a megabyte or two may come
    // free again; Sfumato keeps a margin and does not write into the last megabytes.)
    const filled = disk.fill();
    // Freed whatever happens, so that a failure here does not leave later tests on a full disk.
    try {
      expect(filled).toBeGreaterThan(0);
      const room = await panel.evaluate(async () => {
        const { usage = 0, quota = 0 } = await navigator.storage.estimate();
        return quota - usage;
      });
      expect(room).toBeLessThan(1024 * 1024);

      // An export is still handed out (signed, watermarked, labelled), with a word that it was not kept.
      const { bytes } = await downloadFrom('export-webp');
      await expectLabelledSignedWatermarked('download webp (storage full)', bytes, 'webp', { derived: true });
      expect(await panel.getByTestId('export-done').innerText()).toContain(ERROR_SENTENCES['export-storage-full']);

      // A new clip cannot be saved: the overlay and the side panel say so in a sentence.
      const page = await openSingle(b, site.origin, '/fixtures/portraits/rembrandt-self-portrait.jpg', 320);
      const out = await animateTarget(b, page);
      expect(out.kind).toBe('error');
      expect(out.kind === 'error' && out.message).toContain(ERROR_SENTENCES['storage-full']);
      await page.screenshot({ path: join(ARTIFACTS, 'storage-full-overlay.png') });
      await page.close();
      await expect.poll(() => panel.locator('main > .error[role="alert"]').allInnerTexts()).toEqual([expect.stringContaining(ERROR_SENTENCES['storage-full'])]);
      await panel.screenshot({ path: join(ARTIFACTS, 'storage-full-panel.png'), fullPage: true });
    } finally {
      disk.free();
    }
    await showClipInPanel();
    await expectUnharmed();
  });
});

describe('deleting a clip', () => {
  it('deletes its kept exports in the same step', async () => {
    const count = () =>
      panel.evaluate(async (id) => {
        const db = await new Promise<IDBDatabase>((res, rej) => {
          const r = indexedDB.open('sfumato');
          r.onsuccess = () => res(r.result);
          r.onerror = () => rej(r.error);
        });
        const n = await new Promise<number>((res, rej) => {
          const r = db.transaction('exports').objectStore('exports').index('clipId').count(id);
          r.onsuccess = () => res(r.result);
          r.onerror = () => rej(r.error);
        });
        db.close();
        return n;
      }, clip.id);
    // GIF and PNG are kept; the WebP was made while storage was full, so it was not.
    expect(await count()).toBe(2);
    await panel.click('[data-tab="gallery"]');
    await panel.locator(`.gallery-item[data-clip-id="${clip.id}"]`).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => panel.locator(`.gallery-item[data-clip-id="${clip.id}"]`).count()).toBe(0);
    expect(await count()).toBe(0);
    expect((await readStoredClips(panel)).map((c) => c.id)).not.toContain(clip.id);
  });
});
