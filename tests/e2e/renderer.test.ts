// The WebGPU renderer on SwiftShader, outside the extension: frames drawn ahead (pipelined, as the
// clip pipeline draws them) equal frames drawn one at a time; the watermark the GPU adds only where
// something moves equals the watermark added over the whole frame; and the CPU fallback draws the
// same picture. Each case moves the part of the renderer it names (gaze, mouth, lids).
import { chromium, type Browser } from 'playwright-core';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBundlePage, type BundlePage } from '../support/bundle-page';
import { CHROMIUM } from './support/browser';
import type { RendererComparison } from './support/renderer-entry';

let browser: Browser;
let bundle: BundlePage;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader'],
  });
  bundle = await openBundlePage(browser, join(import.meta.dirname, 'support/renderer-entry.ts'), { ready: 'compareRenderers' });
});
afterAll(async () => {
  await bundle?.close();
  await browser?.close();
});

const compare = (fixture: string, preset: string) =>
  bundle.page.evaluate(
    ([f, p]) => (globalThis as unknown as { compareRenderers(f: string, p: string, l: number, n: number): Promise<RendererComparison> }).compareRenderers(f, p, 768, 20),
    [`/fixtures/portraits/${fixture}`, preset] as const,
  );

describe('WebGPU renderer', () => {
  for (const [fixture, preset, what] of [
    ['mona-lisa.jpg', 'look-around', 'gaze (the eye composite)'],
    ['descartes-frans-hals.jpg', 'talk', 'the mouth interior'],
    ['girl-with-a-pearl-earring.jpg', 'blink-glance', 'blinks and glances'],
  ] as const) {
    it(`${fixture.replace(/\.\w+$/, '')}, ${preset}: ${what}`, async () => {
      const r = await compare(fixture, preset);
      expect(r.movingFrames).toBeGreaterThanOrEqual(r.frames - 2);
      // Pipelined frames are the frames drawn one at a time, byte for byte.
      expect(r.drawDiffFrames).toBe(0);
      expect(r.drawMaxDiff).toBe(0);
      // The watermark pass (see embed-gpu.ts: the same sum, rounded alike) matches the CPU embedder.
      expect(r.wmMaxDiff).toBeLessThanOrEqual(1);
      // The CPU fallback samples the moving mesh with exact bilinear weights where the GPU rounds
      // them, so fine texture differs by a level or two in places, nowhere visibly.
      expect(r.cpuMaxDiff).toBeLessThanOrEqual(8);
      expect(r.cpuDiffShare).toBeLessThan(0.1);
      expect(r.cpuMeanDiff).toBeLessThan(0.2);
    });
  }
});
