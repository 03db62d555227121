// One ES module for a test page, bundled with esbuild from a TypeScript entry (the quality
// harness's page and the e2e re-detector's page both run the project's own code in Chromium).
import { build } from 'esbuild';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export async function bundleForBrowser(entry: string): Promise<Uint8Array> {
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'warning',
    alias: { '@': ROOT },
  });
  return bundle.outputFiles[0]!.contents;
}
