// Drive a portrait with a real face: a video file, the webcam (Chromium's fake camera fed with a
// clip), and a video without a face. The round trip renders a clip of one portrait with a known
// preset, uses it as the driver of another portrait, and compares the motion re-detected on both by
// an independent FaceLandmarker (the quality harness's re-detector).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_SENTENCES } from '@/lib/messages/errors';
import { TRAINED_ALGORITHMIC_MEDIA } from '@/lib/provenance/manifest';
import { DRIVER_REQUEST_KEY } from '@/lib/store/drivers';
import { detectWatermark } from '@/lib/watermark/detect';
import { clipIdToPayload } from '@/lib/watermark/payload';
import { CHANNELS, compareChannels, type Channel } from '../quality/channels';
import { animateTarget, openSingle } from './support/animate';
import { clickMenu, launchWithExtension, openExtensionPage, type ExtensionBrowser } from './support/browser';
import { readC2paInNode } from './support/c2pa-node';
import { decodeFrames, meanAbsDiff, probeMp4, readStoredClips, type StoredClip } from './support/clips';
import { startRedetector, type Redetector } from './support/redetect';
import { FIXTURES, startSite, type TestSite } from './support/server';
import { ALL_FORMATS, BufferSource, Input } from 'mediabunny';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
mkdirSync(ARTIFACTS, { recursive: true });
const TMP = mkdtempSync(join(tmpdir(), 'sfumato-drive-'));
/** Chromium's fake camera plays this file; it is written once the driving clip exists. */
const FAKE_CAMERA = join(TMP, 'camera.y4m');

/**
 * The driving clip: "Talk" (syllables, a light smile every other phrase, a turn and tilt of the head
 * with each phrase, blinks in the pauses), 4 s. DRIVE_SEED runs the round trip with another seed
 * (to measure how stable the result is).
 */
const DRIVER_MOTION = { preset: 'talk', durationS: 4, seed: Number(process.env.DRIVE_SEED ?? 341) } as const;
/**
 * The round trip's pair: faces the re-detector reads well (bench-results/quality.md, and the sweeps
 * of `QUALITY_SWEEP`). The driver is Klimt's Adele Bloch-Bauer, whose jaw, smile, blinks and head
 * pose all re-detect (r 0.94, 0.95, 0.99, 0.95 and 0.86 over the presets): her light smiles in
 * "Talk" read 0.3-0.5, where Vigée Le Brun's read under 0.1. The driven portrait is Vigée Le Brun,
 * whose jaw and head pose re-detect the most faithfully of the fixtures (jaw 0.95-0.99, yaw 0.98).
 */
const DRIVER_FIXTURE = process.env.DRIVE_DRIVER ?? 'klimt-adele-bloch-bauer.jpg';
const TARGET_FIXTURE = process.env.DRIVE_TARGET ?? 'vigee-le-brun-self-portrait-three-quarter.jpg';
/**
 * What the fake camera shows of the driving clip: a webcam frames a head and shoulders, while
 * Adele Bloch-Bauer's face is 8 % of her painting's width (38 px in a 480 px frame, where the face
 * was found in only 60 % of the recorded frames on a loaded machine). An ffmpeg crop around her face.
 */
const CAMERA_CROP = process.env.DRIVE_DRIVER ? null : 'crop=iw*0.45:iw*0.45:iw*0.385:0,';

let site: TestSite;
let b: ExtensionBrowser;
let ext: Page;
let redetector: Redetector;

beforeAll(async () => {
  site = await startSite();
  b = await launchWithExtension({
    args: ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${FAKE_CAMERA}`],
  });
  ext = await openExtensionPage(b, 'sidepanel.html');
  // Camera and microphone allowed for Sfumato, as after the person said yes once (headless Chromium
  // refuses a prompt); the refused-camera test takes the camera back.
  await setMediaPermission('granted');
  redetector = await startRedetector(b.context);
});
afterAll(async () => {
  await redetector?.close();
  await b?.close();
  await site?.close();
});

/** Permission overrides last as long as the DevTools session that set them: one for the whole file. */
let permissions: CDPSession | undefined;
async function setMediaPermission(setting: 'granted' | 'denied', names = ['camera', 'microphone']) {
  permissions ??= await b.context.newCDPSession(ext);
  for (const name of names) await permissions.send('Browser.setPermission', { permission: { name }, setting, origin: `chrome-extension://${b.extensionId}` });
}

/** Stored clips without their bytes (cheap to poll). */
async function clipList(): Promise<Array<{ id: string; createdAt: number; preset: string; driver: string | null }>> {
  return ext.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('sfumato');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const all = await new Promise<any[]>((res, rej) => {
      const r = db.transaction('clips').objectStore('clips').getAll();
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    db.close();
    return all.map((c) => ({ id: c.id, createdAt: c.createdAt, preset: c.motion.preset, driver: c.motion.driver?.title ?? null }));
  });
}

async function clipById(id: string): Promise<StoredClip> {
  return (await readStoredClips(ext)).find((c) => c.id === id)!;
}

/** Wait for a clip newer than `since`, or for the panel's error sentence. */
async function nextClip(panel: Page, since: number, timeoutMs = 150_000): Promise<{ id: string } | { error: string }> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const c = (await clipList()).filter((x) => x.createdAt > since).sort((x, y) => y.createdAt - x.createdAt)[0];
    if (c) return { id: c.id };
    const err = await panel.locator('main > .error[role="alert"]').first().textContent({ timeout: 50 }).catch(() => null);
    if (err) return { error: err };
    await panel.waitForTimeout(400);
  }
  throw new Error('no clip and no error');
}

async function animateFixture(fixture: string): Promise<string> {
  const page = await openSingle(b, site.origin, `/fixtures/portraits/${fixture}`, 360);
  const out = await animateTarget(b, page);
  expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
  await page.close();
  const c = (await clipList()).sort((x, y) => y.createdAt - x.createdAt)[0]!;
  return c.id;
}

async function openStudio(clipId: string): Promise<Page> {
  const panel = await openExtensionPage(b, `sidepanel.html#clip=${clipId}`);
  await panel.setViewportSize({ width: 420, height: 1100 });
  await panel.waitForSelector(`section.clip[data-clip-id="${clipId}"]`);
  return panel;
}

/** The Studio's motion controls (and the status line above the clip), as the person sees them. */
async function shot(panel: Page, name: string) {
  const controls = panel.locator('[data-testid="motion-controls"]');
  await controls.scrollIntoViewIfNeeded();
  await controls.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

function hasAudioTrack(bytes: Uint8Array): Promise<string | null> {
  const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS });
  return input.getPrimaryAudioTrack().then((t) => (t ? t.codec : null));
}

const results: Record<string, unknown> = {};
const median = (xs: number[]) => {
  const s = [...xs].sort((p, q) => p - q);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};
let driverClip: StoredClip;
let portraitClipId: string;
let drivenClip: StoredClip;

describe('Drive a portrait with a real face', () => {
  it('round trip: a clip made with a preset drives another portrait, and the motion comes through', async () => {
    // The driver: a portrait animated with "Talk" through the Studio's controls.
    const driverSource = await animateFixture(DRIVER_FIXTURE);
    let panel = await openStudio(driverSource);
    await panel.selectOption('[data-testid="motion-preset"]', DRIVER_MOTION.preset);
    await panel.fill('[data-testid="motion-duration"]', String(DRIVER_MOTION.durationS));
    await panel.press('[data-testid="motion-duration"]', 'Tab');
    await panel.fill('[data-testid="motion-seed"]', String(DRIVER_MOTION.seed));
    await panel.press('[data-testid="motion-seed"]', 'Tab');
    let since = Date.now();
    await panel.click('[data-testid="motion-regenerate"]');
    const d = await nextClip(panel, since);
    expect('id' in d, 'error' in d ? d.error : '').toBe(true);
    driverClip = await clipById((d as { id: string }).id);
    expect(driverClip.motion).toMatchObject(DRIVER_MOTION);
    await panel.close();

    // The portrait to drive, then "A real face" with the driving clip as a file.
    portraitClipId = await animateFixture(TARGET_FIXTURE);
    panel = await openStudio(portraitClipId);
    await shot(panel, 'drive-studio-source-choice');
    await panel.click('[data-testid="motion-source-video"]');
    await panel.locator('[data-testid="driver-file"]').setInputFiles({ name: 'driver-talk.mp4', mimeType: 'video/mp4', buffer: driverClip.mp4 });
    await panel.waitForSelector('[data-testid="driver-chosen"]');
    await expect.poll(() => panel.locator('[data-testid="driver-chosen"]').innerText()).toMatch(/driver-talk\.mp4[\s\S]*4\.0 s/);
    await shot(panel, 'drive-studio-driver-chosen');
    since = Date.now();
    const t0 = Date.now();
    await panel.click('[data-testid="motion-regenerate"]');
    const r = await nextClip(panel, since);
    expect('id' in r, 'error' in r ? r.error : '').toBe(true);
    results.drivenClipS = (Date.now() - t0) / 1000;
    drivenClip = await clipById((r as { id: string }).id);
    await panel.waitForSelector(`section.clip[data-clip-id="${drivenClip.id}"]`);
    await expect.poll(() => panel.locator('section.clip').innerText()).toMatch(/Driven by driver-talk\.mp4/);
    await panel.screenshot({ path: join(ARTIFACTS, 'drive-studio-driven-clip.png') });
    await panel.close();

    // The driven clip takes the driver's length and its source is the target portrait.
    expect(drivenClip.sourceUrl).toContain(TARGET_FIXTURE.replace(/\.jpg$/, ''));
    expect(drivenClip.motion.driver).toMatchObject({ title: 'driver-talk.mp4', kind: 'file' });
    expect(drivenClip.durationS).toBeCloseTo(driverClip.durationS, 1);
    expect(drivenClip.driverCoverage).toBe(1);
    results.trackMsPerFrame = drivenClip.timings.trackMsPerFrame;
    results.renderMsPerFrame = drivenClip.timings.renderMsPerFrame;
    results.totalMs = drivenClip.timings.totalMs;

    // Independent re-detection on both clips, every 2nd frame.
    const a = await redetector.analyse('driver.mp4', driverClip.mp4);
    const z = await redetector.analyse('driven.mp4', drivenClip.mp4);
    expect(z.frames.length).toBe(a.frames.length);
    const continuity = z.frames.filter((f) => f.found).length / z.frames.length;
    // Frames paired by index: both clips are re-detected at the same times from their first frame.
    const agreement = compareChannels(a.frames.map((f, i) => [f.values, z.frames[i]!.values] as const));
    const corr: Partial<Record<Channel, number | null>> = {};
    const range: Partial<Record<Channel, [number, number]>> = {};
    for (const c of CHANNELS) [corr[c], range[c]] = [agreement[c].r, agreement[c].range];
    // The driven mouth's width where the driver smiles (its smile score over 0.1), over its width at rest.
    const restWidth = median(z.frames.slice(0, 6).map((f) => f.mouthWidth!));
    const smilingWidth = median(a.frames.flatMap((f, i) => ((f.values.smile ?? 0) > 0.1 && z.frames[i]!.mouthWidth !== null ? [z.frames[i]!.mouthWidth!] : [])));
    const smileWidening = smilingWidth / restWidth - 1;
    Object.assign(results, { correlations: corr, ranges: range, smileWidening, continuity, redetectMsPerFrame: (a.msPerFrame + z.msPerFrame) / 2 });
    console.log('drive round trip', JSON.stringify(results));
    if (process.env.DRIVE_DEBUG_DIR) {
      mkdirSync(process.env.DRIVE_DEBUG_DIR, { recursive: true });
      writeFileSync(join(process.env.DRIVE_DEBUG_DIR, 'driver.mp4'), driverClip.mp4);
      writeFileSync(join(process.env.DRIVE_DEBUG_DIR, 'driven.mp4'), drivenClip.mp4);
      writeFileSync(join(process.env.DRIVE_DEBUG_DIR, 'series.json'), JSON.stringify({ a: a.frames, z: z.frames }));
    }
    writeFileSync(join(ARTIFACTS, 'drive-roundtrip.json'), JSON.stringify(results, null, 1));

    // The face is found in every analysed frame of the driven clip (quality harness: continuity 100 %).
    expect(continuity).toBe(1);
    // The target is 0.85 on every channel. Measured with Klimt -> Vigée Le Brun ("Talk", seed
    // 341; README "Drive a portrait with a real face"): 13 runs before the painted lids showed skin,
    // blink 0.91-0.98, jaw 0.91-0.97, smile 0.66-0.92, yaw 0.65-0.95 (0.83 or more in 12 of 13),
    // pitch 0.71-0.88; 10 runs after, blink 0.93-0.99, jaw 0.94-0.98, smile 0.81-0.94, yaw
    // 0.86-0.91, pitch 0.72-0.83 (her pitch follows her own opening jaw in the re-detector); 11 runs
    // (two in CI) since the rig turns heads as far as asked (DEPTH_RELIEF in mesh.ts: before, a turn re-detected
    // at about 0.6 of its angle, so the driven head moved half as much as the driver's while her jaw
    // still read as pitch), blink 0.93-0.98, jaw 0.93-0.97, smile 0.70-0.88, yaw 0.96-0.99, pitch
    // 0.96-0.97; 8 runs (two in CI) since the presets' jaw opens concavely (the driver's lighter
    // syllables wider), blink 0.93-0.98, jaw 0.97-0.98, smile 0.63-0.89, yaw 0.97-0.98, pitch
    // 0.96-0.97; 9 runs (two in CI) since the shut lids' colours and the still nose, blink
    // 0.91-0.99, jaw 0.97-0.98, smile 0.62-0.86, yaw 0.97-0.98, pitch 0.95-0.97; 19 runs (nine in CI)
    // since the driver's smile is taken on the portrait's own smile scale (lib/pipeline/calibrate.ts),
    // blink 0.90-0.98, jaw 0.95-0.99, smile 0.72-0.93, yaw 0.94-0.99, pitch 0.94-0.97; 10 runs (two in
    // CI) since a smile holds the mouth corners up while the jaw opens (SMILE_HOLDS_CORNERS in
    // pose.ts: before, the talking smile read as none), blink 0.91-0.97, jaw 0.95-0.97, smile
    // 0.94-0.97, yaw 0.97-0.98, pitch 0.95-0.97. Runs differ because every clip carries its own watermark payload,
    // and the re-detector moves with such faint noise where the driven motion is small. Asserted: the
    // issue's 0.85 on every channel.
    for (const c of CHANNELS) expect(corr[c]!, c).toBeGreaterThanOrEqual(0.85);
    // The portrait moves its own face: its re-detected mouth and eyes change visibly.
    expect(range.jaw![1]).toBeGreaterThan(0.05);
    expect(range.blink![1]).toBeGreaterThan(0.05);
    // And it smiles: where the driver smiles, the portrait's re-detected mouth is wider than at rest.
    // Read from the landmarks, not the smile score: MediaPipe's smile score has a dead zone that
    // differs from face to face, and Vigée Le Brun's mouth, 14-36 % wider there in 16 runs, read a
    // smile score range of 0.045 to 0.20 (0.044 once in CI), against Klimt's 0.21-0.47. The bound is
    // half the least widening seen; at rest the width varies by about 2 %.
    expect(smileWidening).toBeGreaterThan(0.07);
    // Four clips rendered and two analysed: more than the default 240 s on a loaded 2-core machine.
  }, 420_000);

  it('the driven clip is labelled, watermarked and signed, with the driver as an ingredient', async () => {
    expect(drivenClip).toBeDefined();
    const facts = await probeMp4(drivenClip.mp4);
    expect(facts.codec).toMatch(/^avc1\./);
    expect(facts.frameCount).toBe(drivenClip.frameCount);
    const { state, failures, store } = await readC2paInNode(drivenClip.mp4, 'video/mp4');
    expect(state).toBe('Valid');
    expect(failures.filter((f) => f !== 'signingCredential.untrusted')).toEqual([]);
    const m = store.manifests[store.active_manifest];
    const actions = m.assertions.find((x: any) => x.label === 'c2pa.actions' || x.label === 'c2pa.actions.v2').data.actions;
    const created = actions.find((x: any) => x.action === 'c2pa.created');
    expect(created.digitalSourceType).toBe(TRAINED_ALGORITHMIC_MEDIA);
    expect(created.description).toMatch(/driven by driver-talk\.mp4/);
    const driver = m.ingredients.find((i: any) => i.title === 'driver-talk.mp4');
    expect(driver).toBeDefined();
    expect(driver.relationship).toBe('inputTo');
    expect(driver.thumbnail).toBeDefined();
    // The driving clip was itself a signed Sfumato clip: its own credentials travel with it.
    expect(driver.active_manifest ?? driver.manifest_data ?? driver.validation_results).toBeDefined();
    expect(m.ingredients.some((i: any) => /Test portrait/i.test(i.title))).toBe(true);
    // Watermark over all frames.
    const { frames, width, height } = decodeFrames(drivenClip.mp4, drivenClip.width, drivenClip.height);
    const w = detectWatermark(frames.map((data) => ({ data, width, height, channels: 3 as const })));
    expect(w.found).toBe(true);
    expect(w.payload).toBe(clipIdToPayload(drivenClip.id));
    // The background stays put while the face moves: in a patch far from the face (Vigée Le Brun's
    // palette, whose sharp edges show any displacement), every frame matches the first better as it
    // is than moved by one pixel in any direction, so nothing there swims by half a pixel or more.
    // (The codec alone makes the frames differ from the first by about as much as a one-pixel shift
    // would, in steps at its key frames, so a plain threshold on the difference cannot tell.)
    const first = frames[0]!;
    const patch = { x: Math.round(width * 0.7), y: Math.round(height * 0.64), w: Math.round(width * 0.25), h: Math.round(height * 0.1) };
    const shifts = [-1, 0, 1].flatMap((dx) => [-1, 0, 1].map((dy) => ({ dx, dy }))).filter((d) => d.dx || d.dy);
    for (const f of frames) {
      const still = meanAbsDiff(f, first, width, patch);
      expect(still).toBeLessThan(Math.min(...shifts.map((d) => meanAbsDiff(f, first, width, patch, undefined, d))));
    }
    // The driver (a silent clip) brings no sound.
    expect(await hasAudioTrack(drivenClip.mp4)).toBeNull();
  });

  it('webcam: records the (fake) camera with sound and drives the portrait with it; the sound goes into the clip', async () => {
    expect(driverClip).toBeDefined();
    // Chromium's fake camera plays the driving clip.
    const mp4 = join(TMP, 'driver.mp4');
    writeFileSync(mp4, driverClip.mp4);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', mp4, '-vf', `${CAMERA_CROP ?? ''}scale=480:-2`, '-pix_fmt', 'yuv420p', '-r', '30', FAKE_CAMERA]);
    const panel = await openStudio(portraitClipId);
    await panel.click('[data-testid="motion-source-video"]');
    await panel.click('[data-testid="driver-webcam"]');
    await panel.check('[data-testid="webcam-audio"]');
    await panel.click('[data-testid="webcam-start"]');
    await panel.waitForSelector('[data-testid="webcam"][data-phase="ready"]', { timeout: 20_000 });
    await panel.click('[data-testid="webcam-record"]');
    await panel.waitForTimeout(1500);
    await shot(panel, 'drive-webcam-recording');
    await expect.poll(() => panel.locator('[data-testid="webcam-elapsed"]').innerText()).toMatch(/REC 0:0[1-9] \/ 0:20/);
    await panel.waitForTimeout(1800);
    await panel.click('[data-testid="webcam-stop"]');
    await panel.waitForSelector('[data-testid="driver-chosen"]', { timeout: 20_000 });
    expect(await panel.locator('[data-testid="driver-chosen"]').innerText()).toMatch(/Webcam recording/);
    const since = Date.now();
    await panel.click('[data-testid="motion-regenerate"]');
    const r = await nextClip(panel, since);
    expect('id' in r, 'error' in r ? r.error : '').toBe(true);
    const clip = await clipById((r as { id: string }).id);
    // The clip carries the recorded sound: the panel's player offers it, muted at first.
    const section = panel.locator(`section.clip[data-clip-id="${clip.id}"]`);
    await section.waitFor();
    expect(await section.locator('.clip-video video').evaluate((v: HTMLVideoElement) => v.muted)).toBe(true);
    await section.getByRole('button', { name: 'Sound on' }).click();
    expect(await section.locator('.clip-video video').evaluate((v: HTMLVideoElement) => v.muted)).toBe(false);
    await expect.poll(() => section.getByRole('button', { name: 'Sound off' }).count()).toBe(1);
    await panel.close();
    expect(clip.motion.driver?.kind).toBe('webcam');
    expect(clip.durationS).toBeGreaterThanOrEqual(2);
    expect(clip.durationS).toBeLessThan(5);
    expect(clip.driverCoverage).toBeGreaterThan(0.9);
    // Sound from the (fake) microphone, re-encoded, and covered by the signature.
    const codec = await hasAudioTrack(clip.mp4);
    expect(codec).toMatch(/aac|opus/);
    expect(clip.audio).toBe(codec);
    const { state, failures, store } = await readC2paInNode(clip.mp4, 'video/mp4');
    expect(state).toBe('Valid');
    expect(failures.filter((f) => f !== 'signingCredential.untrusted')).toEqual([]);
    const m = store.manifests[store.active_manifest];
    expect(m.ingredients.some((i: any) => /Webcam recording/.test(i.title) && i.relationship === 'inputTo')).toBe(true);
    results.webcam = { durationS: clip.durationS, audio: codec, coverage: clip.driverCoverage };
    writeFileSync(join(ARTIFACTS, 'drive-roundtrip.json'), JSON.stringify(results, null, 1));
  });

  it('camera refused in the side panel: a sentence, and "Record in a tab" records there and hands the recording back', async () => {
    expect(portraitClipId).toBeDefined();
    const origin = `chrome-extension://${b.extensionId}`;
    // Refused as Chrome refuses it in the side panel (which cannot show a permission prompt).
    await setMediaPermission('denied', ['camera']);
    const panel = await openStudio(portraitClipId);
    // Headless Chromium cannot open the real side panel, so the test shows the panel page in a tab;
    // here it answers "not a tab" as the side panel does. Everything else is the real path.
    await panel.evaluate(() => {
      (chrome.tabs as unknown as { getCurrent: () => Promise<undefined> }).getCurrent = async () => undefined;
    });
    await panel.click('[data-testid="motion-source-video"]');
    await panel.click('[data-testid="driver-webcam"]');
    await panel.click('[data-testid="webcam-start"]');
    const err = panel.getByTestId('webcam-error');
    await expect.poll(() => err.innerText().catch(() => ''), { timeout: 15_000 }).toContain(ERROR_SENTENCES['camera-denied']);
    await shot(panel, 'drive-camera-refused');

    // The person allows the camera in the tab (where Chrome can ask), records there, and the
    // recording arrives in the side panel as its driver.
    await setMediaPermission('granted', ['camera']);
    const opened = b.context.waitForEvent('page');
    await err.getByRole('button', { name: 'Record in a tab' }).click();
    const tab = await opened;
    await tab.waitForLoadState();
    expect(tab.url()).toBe(`${origin}/sidepanel.html#tab=studio&webcam=1`);
    await tab.click('[data-testid="webcam-start"]', { timeout: 20_000 });
    await tab.waitForSelector('[data-testid="webcam"][data-phase="ready"]', { timeout: 20_000 });
    await tab.click('[data-testid="webcam-record"]');
    await expect.poll(() => tab.locator('[data-testid="webcam-elapsed"]').innerText(), { timeout: 15_000 }).toMatch(/REC 0:0[2-9]/);
    await tab.click('[data-testid="webcam-stop"]');
    await tab.waitForSelector('[data-testid="driver-chosen"]', { timeout: 20_000 });
    const recordedId = await tab.locator('[data-testid="driver-chosen"]').getAttribute('data-driver-id');
    await expect.poll(() => panel.locator('[data-testid="driver-chosen"]').getAttribute('data-driver-id').catch(() => null), { timeout: 15_000 }).toBe(recordedId);
    expect(await panel.locator('[data-testid="driver-chosen"]').innerText()).toMatch(/Webcam recording/);
    await shot(panel, 'drive-camera-recorded-in-tab');
    await tab.close();
    await panel.close();
  });

  it('a video file with AAC sound drives the portrait, and the sound goes into the clip', async () => {
    expect(driverClip).toBeDefined();
    const mp4 = join(TMP, 'driver.mp4');
    writeFileSync(mp4, driverClip.mp4);
    const withAac = join(TMP, 'driver-aac.mp4');
    // A 330 Hz tone as the driver's sound, AAC-LC as most phone and camera videos carry.
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', mp4, '-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=48000:duration=10', '-map', '0:v', '-map', '1:a', '-c:v', 'copy', '-c:a', 'aac', '-b:a', '96k', '-shortest', withAac]);
    expect(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', withAac]).toString().trim()).toBe('aac');
    const panel = await openStudio(portraitClipId);
    await panel.click('[data-testid="motion-source-video"]');
    await panel.locator('[data-testid="driver-file"]').setInputFiles({ name: 'driver-talk-aac.mp4', mimeType: 'video/mp4', buffer: readFileSync(withAac) });
    await expect.poll(() => panel.locator('[data-testid="driver-chosen"]').innerText().catch(() => '')).toMatch(/driver-talk-aac\.mp4/);
    const since = Date.now();
    await panel.click('[data-testid="motion-regenerate"]');
    const r = await nextClip(panel, since);
    expect('id' in r, 'error' in r ? r.error : '').toBe(true);
    await panel.close();
    const clip = await clipById((r as { id: string }).id);
    expect(clip.motion.driver).toMatchObject({ title: 'driver-talk-aac.mp4', kind: 'file' });
    // The tone, re-encoded (this Chromium has no AAC encoder, so Opus), as long as the clip and audible.
    const codec = await hasAudioTrack(clip.mp4);
    expect(codec).toMatch(/aac|opus/);
    expect(clip.audio).toBe(codec);
    const out = join(TMP, 'driven-aac.mp4');
    writeFileSync(out, clip.mp4);
    const audioS = Number(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=duration', '-of', 'csv=p=0', out]).toString().trim());
    expect(Math.abs(audioS - clip.durationS)).toBeLessThan(0.15);
    // volumedetect reports on stderr.
    const stats = spawnSync('ffmpeg', ['-hide_banner', '-i', out, '-map', '0:a', '-af', 'volumedetect', '-f', 'null', '-']).stderr.toString();
    const meanDb = Number(/mean_volume: (-?[\d.]+) dB/.exec(stats)?.[1]);
    expect(meanDb).toBeGreaterThan(-30);
    const { state, failures } = await readC2paInNode(clip.mp4, 'video/mp4');
    expect(state).toBe('Valid');
    expect(failures.filter((f) => f !== 'signingCredential.untrusted')).toEqual([]);
    results.aacDriver = { audio: codec, audioS, meanDb };
    writeFileSync(join(ARTIFACTS, 'drive-roundtrip.json'), JSON.stringify(results, null, 1));
  });

  it('"Use as motion for Sfumato" on a page video: a downloadable one becomes the driver; a blob: address no video plays gets a sentence', async () => {
    const page = await b.context.newPage();
    await page.goto(`${site.origin}/single?src=${encodeURIComponent('/fixtures/portraits/lincoln-1863.jpg')}`);
    const src = `${site.origin}/fixtures/c2pa/valid-video1.mp4`;
    await clickMenu(b, page, 'sfumato-driver', src, 'video');
    const panel = await openStudio(portraitClipId);
    await panel.waitForSelector('[data-testid="driver-chosen"]', { timeout: 30_000 });
    expect(await panel.locator('[data-testid="driver-chosen"]').innerText()).toMatch(/valid-video1\.mp4[\s\S]*Video from a page/);
    await panel.close();
    // A video from a site Sfumato may not read (the permission asked for is refused; headless
    // Chromium cannot grant it): the sentence asks for it, about videos.
    const other = site.origin.replace('127.0.0.1', 'localhost');
    await clickMenu(b, page, 'sfumato-driver', `${other}/nocors/fixtures/c2pa/valid-video1.mp4`, 'video');
    const refused = await openStudio(portraitClipId);
    await expect.poll(() => refused.locator('[data-testid="driver-error"]').textContent().catch(() => ''), { timeout: 15_000 }).toMatch(new RegExp(`^${ERROR_SENTENCES['driver-permission-denied'].replace(/[.]/g, '\\.')}`));
    await refused.close();
    // A blob: address that no video on the page plays (gone, or never there): a sentence.
    await page.mouse.move(5, 5);
    await clickMenu(b, page, 'sfumato-driver', `blob:${site.origin}/0b8a1c52-1111-4222-8333-944455556666`, 'video');
    const panel2 = await openStudio(portraitClipId);
    await expect.poll(() => panel2.locator('[data-testid="driver-error"]').textContent().catch(() => ''), { timeout: 15_000 }).toBe(ERROR_SENTENCES['driver-not-fetchable']);
    await panel2.close();
    await page.close();
  });

  it('"Use as motion for Sfumato" on a video the page streams (blob:): what it plays is recorded in the page and becomes the driver', async () => {
    // A 3 s film of Einstein's portrait slowly zooming (VP9), played from a blob: address as
    // streaming sites do: there is no file to download.
    const film = join(TMP, 'streamed.webm');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-i', join(FIXTURES, 'portraits/einstein-1921.jpg'), '-t', '3', '-r', '30',
      '-vf', "scale=480:-2,zoompan=z='1+0.003*on':d=1:s=480x628", '-c:v', 'libvpx-vp9', '-b:v', '1M', '-pix_fmt', 'yuv420p', film]);
    const page = await b.context.newPage();
    await page.goto(`${site.origin}/single?src=${encodeURIComponent('/fixtures/portraits/lincoln-1863.jpg')}`);
    const src = await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
      const v = document.createElement('video');
      v.id = 'streamed';
      v.muted = true;
      v.src = URL.createObjectURL(new Blob([bytes], { type: 'video/webm' }));
      Object.assign(v.style, { width: '320px', display: 'block' });
      document.getElementById('target')!.replaceWith(v);
      await new Promise((r) => v.addEventListener('loadeddata', r, { once: true }));
      return v.src;
    }, readFileSync(film).toString('base64'));
    const r = (await page.locator('#streamed').boundingBox())!;
    await page.mouse.move(r.x + r.width / 2, r.y + r.height / 2);
    const t0 = Date.now();
    await clickMenu(b, page, 'sfumato-driver', src, 'video');
    // The page says it is recording, with the seconds left and a way to stop.
    await page.waitForSelector('sfumato-toast[data-recording]', { state: 'attached', timeout: 10_000 });
    // The seconds left are the film's (3 s), not the 20 s a recording may last.
    expect(await page.locator('sfumato-toast .stage').innerText()).toMatch(/^Recording this video's movement for the Studio: [1-3] s left\.$/);
    await page.screenshot({ path: join(ARTIFACTS, 'drive-recording-page-video.png') });
    // It plays to its end (3 s), then the note goes and the driver is there.
    await page.waitForSelector('sfumato-toast[data-recording]', { state: 'detached', timeout: 30_000 });
    const panel = await openStudio(portraitClipId);
    await panel.waitForSelector('[data-testid="driver-chosen"]', { timeout: 30_000 });
    expect(await panel.locator('[data-testid="driver-chosen"]').innerText()).toMatch(/\(recorded\)[\s\S]*Video from a page/);
    console.log('recorded a streamed page video in', ((Date.now() - t0) / 1000).toFixed(1), 's');
    // The video is left as it was (paused).
    expect(await page.$eval('#streamed', (v) => (v as HTMLVideoElement).paused)).toBe(true);
    // The recording drives the portrait: a clip about as long as what was recorded.
    const since = Date.now();
    await panel.click('[data-testid="motion-regenerate"]');
    const made = await nextClip(panel, since);
    expect('id' in made, 'error' in made ? made.error : '').toBe(true);
    const clip = await clipById((made as { id: string }).id);
    expect(clip.motion.driver).toMatchObject({ kind: 'page' });
    expect(clip.motion.driver?.title).toMatch(/\(recorded\)$/);
    expect(clip.durationS).toBeGreaterThan(2.2);
    expect(clip.durationS).toBeLessThan(4);
    await panel.close();
    // Stopped at once: too little to drive with, and a sentence says so.
    await page.$eval('#streamed', (v) => ((v as HTMLVideoElement).currentTime = 0));
    await page.mouse.move(r.x + r.width / 2, r.y + r.height / 2);
    await clickMenu(b, page, 'sfumato-driver', src, 'video');
    await page.waitForSelector('sfumato-toast[data-recording]', { state: 'attached', timeout: 10_000 });
    await page.locator('sfumato-toast').getByRole('button', { name: 'Stop' }).click();
    await page.waitForSelector('sfumato-toast[data-recording]', { state: 'detached', timeout: 10_000 });
    const panel4 = await openStudio(portraitClipId);
    await expect.poll(() => panel4.locator('[data-testid="driver-error"]').textContent().catch(() => ''), { timeout: 15_000 }).toBe(ERROR_SENTENCES['driver-too-short']);
    await panel4.close();
    // A site that serves its video only to its own player (hotlink protection) refuses the
    // download: what the player plays is recorded instead.
    const request = () => b.worker.evaluate(async (key) => (await chrome.storage.session.get(key))[key] as { driverId?: string; error?: string; at: number }, DRIVER_REQUEST_KEY);
    const first = await request();
    const guarded = `${site.origin}/media-only${site.serve('guarded.webm', readFileSync(film), 'video/webm')}`;
    expect((await fetch(guarded)).status).toBe(403);
    await page.evaluate(async (u) => {
      const v = document.getElementById('streamed') as HTMLVideoElement;
      v.src = u;
      await new Promise((r) => v.addEventListener('loadeddata', r, { once: true }));
    }, guarded);
    await page.mouse.move(r.x + r.width / 2, r.y + r.height / 2);
    await clickMenu(b, page, 'sfumato-driver', guarded, 'video');
    await page.waitForSelector('sfumato-toast[data-recording]', { state: 'attached', timeout: 15_000 });
    await page.waitForSelector('sfumato-toast[data-recording]', { state: 'detached', timeout: 30_000 });
    // A new driver, not the first recording.
    await expect.poll(async () => (await request()).at, { timeout: 30_000 }).toBeGreaterThan(first.at);
    const second = await request();
    expect(second.error).toBeUndefined();
    expect(second.driverId).toBeTruthy();
    expect(second.driverId).not.toBe(first.driverId);
    const panel3 = await openStudio(portraitClipId);
    await panel3.waitForSelector('[data-testid="driver-chosen"]', { timeout: 30_000 });
    expect(await panel3.locator('[data-testid="driver-chosen"]').innerText()).toMatch(/\(recorded\)/);
    await panel3.close();
    await page.close();
  });

  it('a driving video without a face gives a clear sentence, and nothing made before is lost', async () => {
    const before = (await clipList()).length;
    const noFace = join(TMP, 'no-face.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-i', join(FIXTURES, 'edge/no-face-starry-night.jpg'), '-t', '2', '-r', '30', '-vf', 'scale=480:-2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', noFace]);
    const panel = await openStudio(portraitClipId);
    await panel.click('[data-testid="motion-source-video"]');
    await panel.locator('[data-testid="driver-file"]').setInputFiles(noFace);
    await panel.waitForSelector('[data-testid="driver-chosen"]');
    const since = Date.now();
    await panel.click('[data-testid="motion-regenerate"]');
    const r = await nextClip(panel, since, 90_000);
    expect('error' in r).toBe(true);
    if ('error' in r) expect(r.error).toBe(ERROR_SENTENCES['driver-no-face']);
    await panel.evaluate(() => window.scrollTo(0, 0));
    await panel.screenshot({ path: join(ARTIFACTS, 'drive-no-face.png') });
    // The useless video can be removed from storage.
    const id = await panel.locator('[data-testid="driver-chosen"]').getAttribute('data-driver-id');
    await panel.click('[data-testid="driver-remove"]');
    await panel.waitForSelector('[data-testid="driver-chosen"]', { state: 'detached' });
    const stored = await panel.evaluate(async (driverId) => {
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open('sfumato');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      const got = await new Promise((res) => {
        const r = db.transaction('drivers').objectStore('drivers').get(driverId!);
        r.onsuccess = () => res(r.result ?? null);
      });
      db.close();
      return got;
    }, id);
    expect(stored).toBeNull();
    await panel.close();
    expect((await clipList()).length).toBe(before);
  });
});
