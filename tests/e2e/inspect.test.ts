// The Inspect tab: every C2PA fixture gives the outcome its README documents, in plain words,
// through the file chooser and through the real "Check content credentials" context-menu listener.
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickMenu, launchWithExtension, openExtensionPage, type ExtensionBrowser } from './support/browser';
import { FIXTURES, startSite, type TestSite } from './support/server';
import { inspectFiles, readCards, type CardResult } from './support/inspect';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
mkdirSync(ARTIFACTS, { recursive: true });
const C2PA = join(FIXTURES, 'c2pa');

const V = {
  untrusted: /^Signed by someone your browser does not know\.$/,
  tampered: /^Has content credentials, but the content was changed after it was signed\.$/,
  badSig: /^Signed, but the signature or certificate is not valid\.$/,
  damaged: /^Has content credentials, but they were altered or are incomplete\.$/,
  none: /^No content credentials found\. That does not mean it is real or fake\.$/,
  unsupported: /^Has content credentials in an unsupported format\.$/,
  remote: /^Its content credentials are stored online and were not fetched\.$/,
  trustedTest: /^Signed by C2PA Test Signing Cert, unchanged since signing\.$/,
};

interface Expect {
  kind: string;
  state: string;
  verdict: RegExp;
  /** With the c2pa test root bundle imported as a trust anchor. */
  trusted?: { kind: string; state: string; verdict: RegExp };
  ingredientWarnings?: number;
  reason?: RegExp;
}
const TRUSTED = { kind: 'trusted', state: 'Trusted', verdict: V.trustedTest };

// One row per fixture, as fixtures/README.md documents it.
export const EXPECTED: Record<string, Expect> = {
  'ingredient-invalid-CIE-sig-CA.jpg': { kind: 'untrusted', state: 'Valid', verdict: V.untrusted, trusted: TRUSTED, ingredientWarnings: 1 },
  'invalid-E-clm-CAICAI-missing-ingredient-manifest.jpg': { kind: 'damaged', state: 'Invalid', verdict: V.damaged, reason: /credentials of an ingredient are missing/ },
  'invalid-E-sig-CA-claim-signature-mismatch.jpg': { kind: 'bad-signature', state: 'Invalid', verdict: V.badSig, reason: /signature does not match/ },
  'invalid-no-alg-unsupported-algorithm.jpg': { kind: 'bad-signature', state: 'error', verdict: V.badSig, reason: /unsupported algorithm/ },
  'no-manifest-c.mov': { kind: 'none', state: 'none', verdict: V.none },
  'no-manifest-video1.mp4': { kind: 'none', state: 'none', verdict: V.none },
  'no-manifest.jpg': { kind: 'none', state: 'none', verdict: V.none },
  'remote-manifest-cloud.jpg': { kind: 'remote', state: 'error', verdict: V.remote },
  'tampered-XCA-data-hash-mismatch.jpg': { kind: 'tampered', state: 'Invalid', verdict: V.tampered, reason: /image data no longer matches/ },
  'tampered-signed-portrait-girl-with-a-pearl-earring.jpg': { kind: 'tampered', state: 'Invalid', verdict: V.tampered },
  'tampered-video1-bmff-hash-mismatch.mp4': { kind: 'tampered', state: 'Invalid', verdict: V.tampered, reason: /video or audio data no longer matches/ },
  'unsupported-prerelease-manifest.jpg': { kind: 'unsupported', state: 'error', verdict: V.unsupported },
  // The CAWG identity credential stays untrusted even with the test root (README), so the store stays Valid.
  'valid-C-with-CAWG-identity.jpg': { kind: 'untrusted', state: 'Valid', verdict: V.untrusted },
  'valid-C.jpg': { kind: 'untrusted', state: 'Valid', verdict: V.untrusted, trusted: TRUSTED },
  'valid-CA-parent-ingredient.jpg': { kind: 'untrusted', state: 'Valid', verdict: V.untrusted, trusted: TRUSTED },
  'valid-CACA-two-manifests.jpg': { kind: 'untrusted', state: 'Valid', verdict: V.untrusted, trusted: TRUSTED },
  'valid-adobe-photoshop-signed.jpg': {
    kind: 'untrusted',
    state: 'Valid',
    verdict: /^Contains AI-generated parts\. Signed by Adobe Inc\., unchanged since signing\.$/,
  },
  'valid-signed-c.mov': { kind: 'untrusted', state: 'Valid', verdict: V.untrusted, trusted: TRUSTED },
  'valid-signed-portrait-girl-with-a-pearl-earring.jpg': { kind: 'untrusted', state: 'Valid', verdict: V.untrusted, trusted: TRUSTED },
  'valid-signed-portrait-lincoln-1863.png': { kind: 'untrusted', state: 'Valid', verdict: V.untrusted, trusted: TRUSTED },
  // The active manifest is trusted, the ingredient's manifest is not, so the store stays Valid.
  'valid-video1.mp4': { kind: 'untrusted', state: 'Valid', verdict: V.untrusted, trusted: { kind: 'trusted', state: 'Valid', verdict: V.trustedTest } },
};

const FILES = Object.keys(EXPECTED);

let site: TestSite;
let b: ExtensionBrowser;
let panel: Page;
const errors: string[] = [];

beforeAll(async () => {
  site = await startSite();
  b = await launchWithExtension({ webgpu: false });
  panel = await openExtensionPage(b, 'sidepanel.html#tab=inspect');
  panel.on('pageerror', (e) => errors.push(String(e)));
  await panel.setViewportSize({ width: 420, height: 1000 });
});
afterAll(async () => {
  await b?.close();
  await site?.close();
});

function checkRow(card: CardResult, exp: { kind: string; state: string; verdict: RegExp }) {
  expect.soft({ name: card.name, kind: card.kind, state: card.state }).toEqual({ name: card.name, kind: exp.kind, state: exp.state });
  expect.soft(card.verdict, card.name).toMatch(exp.verdict);
}

const shot = (name: string) => panel.screenshot({ path: join(ARTIFACTS, `inspect-${name}.png`), fullPage: true });

describe('Inspect: chosen files', () => {
  it('lists every fixture in c2pa/ (the table covers them all)', () => {
    const onDisk = readdirC2pa();
    expect(onDisk.sort()).toEqual(FILES.slice().sort());
  });

  it('gives each fixture its documented outcome and verdict (default trust)', async () => {
    const cards = await inspectFiles(panel, FILES.map((f) => join(C2PA, f)), 120_000);
    const table = cards.map((c) => `${c.name}\t${c.state}\t${c.kind}\t${c.verdict}\t${c.ms}ms`).join('\n');
    console.log(`default trust:\n${table}`);
    for (const c of cards) {
      const exp = EXPECTED[c.name]!;
      checkRow(c, exp);
      if (exp.reason) expect.soft(c.text, c.name).toMatch(exp.reason);
      expect.soft(c.ingredientWarnings, c.name).toBe(exp.ingredientWarnings ?? 0);
      expect.soft(c.watermark, c.name).toBeNull();
    }
    expect(errors).toEqual([]);
  });

  it('shows each verdict state on its own, with details (screenshots)', async () => {
    const samples: Record<string, string> = {
      untrusted: 'valid-CA-parent-ingredient.jpg',
      'ingredient-warning': 'ingredient-invalid-CIE-sig-CA.jpg',
      tampered: 'tampered-signed-portrait-girl-with-a-pearl-earring.jpg',
      'bad-signature': 'invalid-E-sig-CA-claim-signature-mismatch.jpg',
      damaged: 'invalid-E-clm-CAICAI-missing-ingredient-manifest.jpg',
      none: 'no-manifest.jpg',
      unsupported: 'unsupported-prerelease-manifest.jpg',
      remote: 'remote-manifest-cloud.jpg',
      'ai-composite': 'valid-adobe-photoshop-signed.jpg',
      video: 'valid-video1.mp4',
    };
    for (const [state, file] of Object.entries(samples)) {
      const [card] = await inspectFiles(panel, [join(C2PA, file)]);
      checkRow(card!, EXPECTED[file]!);
      await panel.evaluate(() => document.querySelectorAll('details.inspect-codes').forEach((d) => ((d as HTMLDetailsElement).open = true)));
      await shot(state);
    }
    // The ingredient with a broken signature carries a visible warning in the tree.
    await inspectFiles(panel, [join(C2PA, 'ingredient-invalid-CIE-sig-CA.jpg')]);
    const ing = panel.locator('[data-testid="inspect-ingredient"][data-status="warning"]');
    await expect.poll(() => ing.count()).toBe(1);
    expect(await ing.innerText()).toMatch(/E-sig-CA\.jpg[\s\S]*did not pass validation: the signature does not match/);
    expect(await ing.locator(':scope > .inspect-ing-row img.inspect-thumb').count()).toBe(1);
    // Details: signer, time, generator, actions in words, source type explained, raw codes.
    const text = await panel.locator('[data-testid="inspect-details"]').innerText();
    expect(text).toMatch(/C2PA Signer/);
    expect(text).toMatch(/C2PA Test Signing Cert/);
    expect(text).toMatch(/make_test_images 0\.55\.0/);
    expect(text).toMatch(/Created/);
    expect(text).toMatch(/computed by an algorithm/);
    expect(await panel.locator('[data-testid="inspect-codes"] summary').innerText()).toMatch(/Validation codes/);
  });

  it('imports the test root bundle as a trusted signer: test-cert fixtures become Trusted', async () => {
    await panel.locator('[data-testid="inspect-trust"] summary').click();
    await panel.locator('[data-testid="inspect-trust-file"]').setInputFiles(join(C2PA, 'trust/c2pa-test-root-bundle.pem'));
    await expect.poll(() => panel.locator('[data-testid="inspect-anchor"]').count()).toBe(1);
    expect(await panel.locator('[data-testid="inspect-anchor"]').innerText()).toMatch(/Root CA|C2PA/);
    const cards = await inspectFiles(panel, FILES.map((f) => join(C2PA, f)), 120_000);
    console.log(`test root trusted:\n${cards.map((c) => `${c.name}\t${c.state}\t${c.kind}\t${c.verdict}`).join('\n')}`);
    for (const c of cards) {
      const exp = EXPECTED[c.name]!;
      checkRow(c, exp.trusted ?? exp);
    }
    await inspectFiles(panel, [join(C2PA, 'valid-signed-portrait-girl-with-a-pearl-earring.jpg')]);
    await shot('trusted');
    // Remove it again for the following tests.
    await panel.locator('[data-testid="inspect-anchor"] button').click();
    await expect.poll(() => panel.locator('[data-testid="inspect-anchor"]').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});

function readdirC2pa(): string[] {
  return readdirSync(C2PA).filter((f) => /\.(jpg|png|mp4|mov)$/.test(f));
}

describe('Inspect: right-click "Check content credentials"', () => {
  it('fetches the medium from the page and gives the same verdicts', async () => {
    const page = await b.context.newPage();
    const seen: CardResult[] = [];
    for (const file of FILES) {
      const src = `${site.origin}/fixtures/c2pa/${file}`;
      const isImage = /\.(jpg|png)$/.test(file);
      await page.goto(`${site.origin}/single?src=${encodeURIComponent(isImage ? `/fixtures/c2pa/${file}` : '/fixtures/c2pa/no-manifest.jpg')}&w=200`);
      await clickMenu(b, page, 'sfumato-inspect', src, isImage ? 'image' : 'video');
      await panel.waitForFunction(
        (name) => {
          const c = document.querySelector('[data-testid="inspect-result"]');
          return c?.getAttribute('data-name') === name && c.getAttribute('data-phase') === 'done';
        },
        file,
        { timeout: 30_000, polling: 100 },
      );
      const [card] = await readCards(panel);
      seen.push(card!);
      checkRow(card!, EXPECTED[file]!);
    }
    console.log(`context menu:\n${seen.map((c) => `${c.name}\t${c.state}\t${c.kind}\t${c.verdict}`).join('\n')}`);
    expect(await panel.locator('button[data-tab="inspect"]').getAttribute('aria-selected')).toBe('true');
    await page.close();
  });

  it('explains a medium that cannot be downloaded in a sentence', async () => {
    const page = await b.context.newPage();
    await page.goto(`${site.origin}/single?src=/fixtures/c2pa/valid-C.jpg&w=200`);
    await clickMenu(b, page, 'sfumato-inspect', `${site.origin}/fixtures/c2pa/does-not-exist.jpg`, 'image');
    const card = panel.locator('[data-testid="inspect-result"][data-kind="fetch-error"]');
    await expect.poll(() => card.count(), { timeout: 20_000 }).toBe(1);
    expect(await card.locator('[data-testid="inspect-verdict"]').innerText()).toMatch(/The site answered “404 Not Found”/);
    await clickMenu(b, page, 'sfumato-inspect', 'http://127.0.0.1:9/nothing-listens-here.jpg', 'image');
    await expect.poll(() => card.locator('[data-testid="inspect-verdict"]').innerText(), { timeout: 20_000 }).toMatch(/could not be downloaded from 127\.0\.0\.1:9/);
    await shot('fetch-error');
    await page.close();
    expect(errors).toEqual([]);
  });
});

// Keep the fixture bytes referenced so a missing folder fails loudly.
readFileSync(join(C2PA, 'valid-C.jpg'));
