// Launches Debian's Chromium with the built extension loaded (SwiftShader WebGPU) and gives tests
// the handles they need: the service worker, the extension id, and a way to fire the real
// context-menu listener (Playwright cannot click native menus).
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BUILT_EXTENSION_DIR = resolve(import.meta.dirname, '../../..', process.env.SFUMATO_OUT_DIR ?? '.output', 'chrome-mv3');

/**
 * The built extension, byte for byte, with one manifest line added for tests: host access to
 * 127.0.0.1 (or `hosts`). A real right-click grants exactly that through activeTab, but a listener
 * fired with contextMenus.onClicked.dispatch() gets no activeTab grant, and headless Chromium
 * cannot accept a permission prompt. Taking a picture from the screen (captureVisibleTab) needs
 * activeTab or <all_urls>: tests of it launch a copy with <all_urls>.
 */
function testCopyOfExtension(hosts: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sfumato-ext-'));
  cpSync(BUILT_EXTENSION_DIR, dir, { recursive: true });
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  manifest.host_permissions = hosts;
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return dir;
}

const DEFAULT_HOSTS = ['http://127.0.0.1/*'];
const extensionDirs = new Map<string, string>();
const getExtensionDir = (hosts = DEFAULT_HOSTS) => {
  const key = hosts.join(' ');
  let dir = extensionDirs.get(key);
  if (!dir) extensionDirs.set(key, (dir = testCopyOfExtension(hosts)));
  return dir;
};
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface ExtensionBrowser {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  userDataDir: string;
  close(opts?: { keepProfile?: boolean }): Promise<void>;
}

export function chromiumArgs(extra: string[] = [], webgpu = true, hosts?: string[]): string[] {
  const dir = getExtensionDir(hosts);
  const gpu = webgpu ? ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader'] : ['--disable-gpu'];
  return [
    `--disable-extensions-except=${dir}`,
    `--load-extension=${dir}`,
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    ...gpu,
    '--autoplay-policy=no-user-gesture-required',
    ...extra,
  ];
}

export async function launchWithExtension(
  opts: { userDataDir?: string; headless?: boolean; args?: string[]; webgpu?: boolean; hosts?: string[] } = {},
): Promise<ExtensionBrowser> {
  if (!existsSync(join(BUILT_EXTENSION_DIR, 'manifest.json')))
    throw new Error(`Build the extension first (npm run build): ${BUILT_EXTENSION_DIR} is missing.`);
  const userDataDir = opts.userDataDir ?? mkdtempSync(join(tmpdir(), 'sfumato-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: opts.headless ?? true,
    args: chromiumArgs(opts.args, opts.webgpu ?? true, opts.hosts),
    viewport: { width: 1280, height: 900 },
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    worker,
    extensionId,
    userDataDir,
    async close(o = {}) {
      await context.close();
      if (!o.keepProfile && !opts.userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Fire the real "Animate this portrait" listener as Chrome would after a right-click on `page`'s image. */
export async function clickMenu(b: ExtensionBrowser, page: Page, menuItemId: string, srcUrl: string, mediaType = 'image') {
  const pageUrl = page.url();
  // Without the "tabs" permission tab URLs are hidden, so find the tab by making it the active one.
  await page.bringToFront();
  await b.worker.evaluate(
    async ({ menuItemId, srcUrl, pageUrl, mediaType }) => {
      const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
      if (!tab) throw new Error(`no active tab for ${pageUrl}`);
      const info = { menuItemId, srcUrl, pageUrl, frameId: 0, mediaType, editable: false } as chrome.contextMenus.OnClickData;
      (chrome.contextMenus.onClicked as unknown as { dispatch(i: unknown, t: unknown): void }).dispatch(info, tab);
    },
    { menuItemId, srcUrl, pageUrl, mediaType },
  );
}

export async function openExtensionPage(b: ExtensionBrowser, path: string): Promise<Page> {
  const page = await b.context.newPage();
  await page.goto(`chrome-extension://${b.extensionId}/${path}`);
  return page;
}
