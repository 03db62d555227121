// Node side of the harness page (harness-entry.ts) in headless Chromium with SwiftShader WebGPU:
// used by the quality harness (run.ts) and by the bench's render-against-encoder table.
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import type { MotionSettings } from '../../lib/motion/catalog';
import { openBundlePage } from '../support/bundle-page';
import { bundleForBrowser } from '../support/browser-bundle';
import type { ClipData, DriverInfo, SpeedResult } from './harness-entry';

type Harness = {
  init(): Promise<string>;
  loadFixture(u: string, l: number): Promise<{ ok: boolean; faces: number; faceMs: number; error?: string }>;
  makeDriver(m: MotionSettings, fps: number): Promise<DriverInfo>;
  runClip(m: MotionSettings, o: object): Promise<ClipData>;
  peek(p: object, z: number, at: number, cpu: boolean): Promise<string>;
  sweep(p: object[]): Promise<Array<Record<string, number | null>>>;
  speed(l: number, n: number): Promise<SpeedResult>;
};

export interface HarnessPage {
  page: Page;
  /** The WebGPU adapter's description. */
  adapter: string;
  /** Find the face in a portrait (a file name under fixtures/portraits) and build its rig. */
  loadFixture(file: string, outLong: number): Promise<{ ok: boolean; faces: number; faceMs: number; error?: string }>;
  /** Animate the loaded portrait with `motion`, encode it and track it as a driving video (kept in the page for `driven` clips). */
  makeDriver(motion: MotionSettings, fps: number): Promise<DriverInfo>;
  /**
   * Render a clip and re-detect it; `rigid`: the face moved as one, unwarped, instead (the
   * re-detector's floor); `driven`: the motion of the driver made last (issue 8), not `motion`.
   */
  runClip(motion: MotionSettings, opts: { clipS: number; fps: number; ssimEvery: number; sheetFrames: number; rigid?: boolean; driven?: boolean }): Promise<ClipData>;
  peek(pose: object, zoom: number, at: number, cpu: boolean): Promise<string>;
  /** Render each pose on the loaded portrait and re-detect it (debug; harness-entry.ts). */
  sweep(poses: object[]): Promise<Array<Record<string, number | null>>>;
  /** Render and encode times per frame for the loaded portrait at `outLong` px (see harness-entry.ts). */
  speed(outLong: number, frames?: number): Promise<SpeedResult>;
  close(): Promise<void>;
}

export async function openHarness(): Promise<HarnessPage> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader'],
  });
  // The driver's tracker encodes its thumbnail in lib/video's picture worker, which the entry loads
  // from beside itself.
  const worker = await bundleForBrowser(join(import.meta.dirname, '../../lib/video/image-encoder-worker.ts'));
  const bundle = await openBundlePage(browser, join(import.meta.dirname, 'harness-entry.ts'), {
    ready: 'harness',
    route: (p) => (p === '/image-encoder-worker.ts' ? { body: worker, type: 'text/javascript' } : null),
  });
  const page = bundle.page;
  page.setDefaultTimeout(0);
  const call = <K extends keyof Harness>(name: K, ...args: Parameters<Harness[K]>) =>
    page.evaluate(([n, a]) => ((globalThis as unknown as { harness: Record<string, (...x: unknown[]) => unknown> }).harness[n]!(...a)), [name, args] as const) as ReturnType<Harness[K]>;
  const adapter = await call('init');
  return {
    page,
    adapter,
    loadFixture: (file, outLong) => call('loadFixture', `/fixtures/portraits/${file}`, outLong),
    makeDriver: (motion, fps) => call('makeDriver', motion, fps),
    runClip: (motion, opts) => call('runClip', motion, opts),
    peek: (pose, zoom, at, cpu) => call('peek', pose, zoom, at, cpu),
    sweep: (poses) => call('sweep', poses),
    speed: (outLong, frames = 60) => call('speed', outLong, frames),
    async close() {
      await bundle.close();
      await browser.close();
    },
  };
}
