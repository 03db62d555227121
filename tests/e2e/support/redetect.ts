// Node side of the independent re-detection used by the driving-video test: serves the bundled
// redetect-entry.ts, MediaPipe's wasm, the model and the clips to analyse on 127.0.0.1, and runs
// the analysis in a plain page of the test browser (not inside the extension).
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { openBundlePage, type BundlePage } from '../../support/bundle-page';
import type { FrameChannels } from './redetect-entry';

export interface Redetector {
  analyse(name: string, bytes: Uint8Array, fps?: number): Promise<{ frames: FrameChannels[]; msPerFrame: number }>;
  close(): Promise<void>;
}

export async function startRedetector(context: BrowserContext): Promise<Redetector> {
  const clips = new Map<string, Uint8Array>();
  let opened: BundlePage | null = null;
  const open = () =>
    openBundlePage(context, join(import.meta.dirname, 'redetect-entry.ts'), {
      ready: 'redetectClip',
      route: (p) => (p.startsWith('/clip/') && clips.has(p.slice(6)) ? { body: clips.get(p.slice(6))!, type: 'video/mp4' } : null),
    });
  return {
    async analyse(name, bytes, fps = 15) {
      clips.set(name, bytes);
      opened ??= await open();
      return opened.page.evaluate(
        ([u, f]) => (globalThis as unknown as { redetectClip(u: string, f: number): Promise<{ frames: FrameChannels[]; msPerFrame: number }> }).redetectClip(u, f),
        [`/clip/${name}`, fps] as const,
      );
    },
    async close() {
      await opened?.close();
    },
  };
}
