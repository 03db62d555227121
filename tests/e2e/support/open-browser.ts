// `npm start`: serves the page of fixture portraits on 127.0.0.1 and opens Chromium with the built
// Sfumato loaded (the production build, unmodified). Stops when the browser window is closed.
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_EXTENSION_DIR, CHROMIUM } from './browser';
import { startSite } from './server';

const site = await startSite(Number(process.env.PORT ?? 8765));
const headless = !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
if (headless) console.log('No display found: Chromium runs headless. Run under a desktop session (or xvfb-run) to see the window.');
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'sfumato-')), {
  executablePath: CHROMIUM,
  headless,
  viewport: null,
  args: [
    `--disable-extensions-except=${BUILT_EXTENSION_DIR}`,
    `--load-extension=${BUILT_EXTENSION_DIR}`,
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--enable-unsafe-webgpu',
    ...(headless ? ['--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader'] : []),
  ],
});
const page = context.pages()[0] ?? (await context.newPage());
await page.goto(`${site.origin}/`);
console.log(`Sfumato is loaded. Portraits: ${site.origin}/ — right-click one and choose "Animate this portrait".`);
await new Promise<void>((resolve) => context.on('close', () => resolve()));
await site.close();
