// Content credentials on every clip: signed in the offscreen document before the clip is stored,
// readable as Valid (Trusted with Sfumato's root) by c2pa-rs and by an independent implementation,
// tamper-evident, and impossible to obtain for bytes Sfumato did not generate.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWithC2paTs } from '../unit/provenance-c2pa-ts';
import { launchWithExtension, openExtensionPage, type ExtensionBrowser } from './support/browser';
import { startSite, type TestSite } from './support/server';
import { animateTarget, openSingle } from './support/animate';
import { readStoredClips, type StoredClip } from './support/clips';
import { readC2paInNode, readRootPem } from './support/c2pa-node';
import { decodeFrames } from './support/clips';
import { inspectFiles } from './support/inspect';
import { detectWatermark } from '@/lib/watermark/detect';
import { clipIdToPayload, payloadToHex } from '@/lib/watermark/payload';
import { makeLeaf, type BadOptions } from '../support/certs';
import { REFUSAL } from '@/lib/provenance/certificates';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
mkdirSync(ARTIFACTS, { recursive: true });
const AI = 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia';

let site: TestSite;
let b: ExtensionBrowser;
let ext: Page;
let clip: StoredClip;
let rootPem: string;

const find = (hay: Uint8Array, needle: number[] | string, from = 0) => {
  const n = typeof needle === 'string' ? [...needle].map((c) => c.charCodeAt(0)) : needle;
  outer: for (let i = from; i <= hay.length - n.length; i++) {
    for (let j = 0; j < n.length; j++) if (hay[i + j] !== n[j]) continue outer;
    return i;
  }
  return -1;
};

beforeAll(async () => {
  site = await startSite();
  b = await launchWithExtension();
  ext = await openExtensionPage(b, 'sidepanel.html');
  const page = await openSingle(b, site.origin, '/fixtures/portraits/lincoln-1863.jpg', 320);
  const out = await animateTarget(b, page);
  if (out.kind !== 'clip') throw new Error(`animation failed: ${out.message}`);
  clip = (await readStoredClips(ext))[0]!;
  rootPem = await readRootPem(ext);
  await page.close();
});
afterAll(async () => {
  await b?.close();
  await site?.close();
});

describe('content credentials of a generated clip', () => {
  it('was read back as Trusted in the extension before it was stored', () => {
    expect(clip.signed).toBe(true);
    expect(clip.credentials).toMatchObject({ state: 'Trusted', aiGenerated: true, signer: 'Sfumato user' });
    expect(new Date(clip.credentials!.certificateExpires).getTime()).toBeGreaterThan(Date.now() + 4 * 365 * 864e5);
  });

  it('reads as Valid with c2pa-rs, and Trusted with the local root as anchor', async () => {
    const plain = await readC2paInNode(clip.mp4, 'video/mp4');
    expect(plain.error).toBeNull();
    expect(plain.state).toBe('Valid');
    expect(plain.failures).toEqual(['signingCredential.untrusted']);
    const trusted = await readC2paInNode(clip.mp4, 'video/mp4', rootPem);
    expect(trusted.state).toBe('Trusted');
    expect(trusted.failures).toEqual([]);
    expect(trusted.successes).toContain('assertion.bmffHash.match');
  });

  it('declares what it is: created by Sfumato with a trained model, from the source artwork, not for training', async () => {
    const { store } = await readC2paInNode(clip.mp4, 'video/mp4');
    const m = store.manifests[store.active_manifest];
    expect(m.claim_generator_info[0]).toMatchObject({ name: 'Sfumato', version: expect.any(String) });
    expect(m.title).toMatch(/Gentle life/);
    const actions = m.assertions.find((a: any) => a.label.startsWith('c2pa.actions')).data.actions;
    const created = actions.find((a: any) => a.action === 'c2pa.created');
    expect(created.digitalSourceType).toBe(AI);
    expect(created.softwareAgent.name).toBe('Sfumato');
    expect(created.description).toBe('Animated from a still portrait; motion: Gentle life');
    expect(m.assertions.some((a: any) => /training-mining/.test(a.label))).toBe(true);
    expect(m.ingredients[0].title).toBe('Test portrait');
    expect(m.ingredients[0].thumbnail).toBeTruthy();
    expect(m.thumbnail).toBeTruthy();
  });

  it('validates with an independent implementation (c2pa-ts), BMFF hash included', async () => {
    const v = await verifyWithC2paTs(clip.mp4);
    expect(v.error).toBeNull();
    expect(v.isValid).toBe(true);
    expect(v.codes).toContain('assertion.bmffHash.match');
    expect(v.codes).toContain('claimSignature.validated');
  });

  it('shows tampering: a byte in mdat, or in the signature, makes it Invalid', async () => {
    const mdat = find(clip.mp4, 'mdat');
    const t1 = new Uint8Array(clip.mp4);
    t1[mdat + 200] = t1[mdat + 200]! ^ 0x01;
    const r1 = await readC2paInNode(t1, 'video/mp4', rootPem);
    expect(r1.state).toBe('Invalid');
    expect(r1.failures).toContain('assertion.bmffHash.mismatch');

    const sigBox = find(clip.mp4, 'c2pa.signature');
    const sig = find(clip.mp4, [0xf6, 0x58, 0x40], sigBox); // null payload, then the 64-byte signature
    expect(sig).toBeGreaterThan(sigBox);
    const t2 = new Uint8Array(clip.mp4);
    t2[sig + 13] = t2[sig + 13]! ^ 0xff;
    const r2 = await readC2paInNode(t2, 'video/mp4', rootPem);
    expect(r2.state).toBe('Invalid');
    expect(r2.failures).toContain('claimSignature.mismatch');
  });

  it('carries the invisible watermark in its frames, recorded in the manifest as a soft binding', async () => {
    const payload = clipIdToPayload(clip.id);
    expect(clip.watermarkPayload).toBe(payloadToHex(payload));
    const { frames, width, height } = decodeFrames(clip.mp4, clip.width, clip.height);
    const d = detectWatermark(frames.map((data) => ({ data, width, height, channels: 3 as const })));
    expect(d.found).toBe(true);
    expect(d.payload).toBe(payload);
    expect(d.falsePositiveProbability).toBeLessThan(1e-8);
    expect(d.format).toBe(2);
    // A single frame, as a screenshot would be, also carries it.
    const one = detectWatermark([{ data: frames[45]!, width, height, channels: 3 }]);
    expect(one.found ? one.payload : payload).toBe(payload);

    const { store, state } = await readC2paInNode(clip.mp4, 'video/mp4', rootPem);
    expect(state).toBe('Trusted');
    const m = store.manifests[store.active_manifest];
    const actions = m.assertions.find((a: any) => a.label.startsWith('c2pa.actions')).data.actions;
    expect(actions.map((a: any) => a.action)).toEqual(['c2pa.created', 'c2pa.watermarked']);
    const soft = m.assertions.find((a: any) => a.label.startsWith('c2pa.soft-binding'));
    expect(soft.data.alg).toBe('org.sfumato.watermark.2');
    expect(Buffer.from(soft.data.blocks[0].value, 'base64').toString('hex')).toBe(clip.watermarkPayload);
  });

  it('is recognised by the inspector: AI-generated, signed, made with Sfumato, matched to the gallery', async () => {
    const panel = await openExtensionPage(b, 'sidepanel.html#tab=inspect');
    await panel.setViewportSize({ width: 420, height: 1100 });
    const [card] = await inspectFiles(panel, [{ name: 'lincoln-gentle-life.mp4', mimeType: 'video/mp4', buffer: Buffer.from(clip.mp4) }], 120_000);
    expect(card!.verdict).toMatch(/AI-generated\. Signed by Sfumato user, unchanged since signing\./);
    expect(card!.watermark ?? '').toMatch(/Made with Sfumato/);
    expect(card!.watermark ?? '').toContain(clip.watermarkPayload);
    expect(card!.watermark ?? '').toMatch(/your clip/);
    await panel.screenshot({ path: join(ARTIFACTS, 'inspect-own-clip.png'), fullPage: true });
    await panel.close();
  });

  it("keeps the source artwork's own content credentials in its ingredient", async () => {
    const page = await openSingle(b, site.origin, '/fixtures/c2pa/valid-signed-portrait-girl-with-a-pearl-earring.jpg', 320);
    const out = await animateTarget(b, page);
    expect(out.kind, out.kind === 'error' ? out.message : '').toBe('clip');
    const newest = (await readStoredClips(ext)).sort((x, y) => y.createdAt - x.createdAt)[0]!;
    const { store, state } = await readC2paInNode(newest.mp4, 'video/mp4', rootPem);
    expect(state).toBe('Trusted');
    const active = store.manifests[store.active_manifest];
    const ingredient = active.ingredients[0];
    // The source's manifest travels with the clip: the ingredient points at it and the store holds it.
    expect(ingredient.active_manifest).toBeTruthy();
    expect(Object.keys(store.manifests).length).toBeGreaterThanOrEqual(2);
    const sourceManifest = store.manifests[ingredient.active_manifest];
    expect(JSON.stringify(sourceManifest.assertions)).toMatch(/Johannes Vermeer/);
    await page.close();
  });

  it('shows a credentials summary in the side panel, and the identity with its expiry in settings', async () => {
    const panel = await openExtensionPage(b, `sidepanel.html#clip=${clip.id}`);
    await panel.setViewportSize({ width: 400, height: 1000 });
    const summary = panel.locator('[data-testid="credentials"]');
    await expect.poll(() => summary.innerText()).toMatch(/Signed by\s+Sfumato user/);
    expect(await summary.innerText()).toMatch(/AI-generated/);
    expect(await summary.innerText()).toMatch(/Test portrait/);
    await panel.screenshot({ path: join(ARTIFACTS, 'sidepanel-credentials.png'), fullPage: true });
    await panel.click('button[data-tab="settings"]');
    await expect.poll(() => panel.locator('[data-testid="signer"]').innerText()).toBe('Sfumato user');
    expect(await panel.locator('[data-testid="expires"]').innerText()).toMatch(/20\d\d/);
    // Renaming: the next clip is signed by the new name.
    await panel.fill('input[name="name"]', 'Rijksmuseum Education');
    await panel.click('form.row button[type="submit"]');
    await expect.poll(() => panel.locator('[data-testid="signer"]').innerText()).toBe('Rijksmuseum Education');
    await panel.screenshot({ path: join(ARTIFACTS, 'sidepanel-settings.png'), fullPage: true });
    const page = await openSingle(b, site.origin, '/fixtures/portraits/rembrandt-self-portrait.jpg', 320);
    const out = await animateTarget(b, page);
    expect(out.kind).toBe('clip');
    const newest = (await readStoredClips(ext)).sort((x, y) => y.createdAt - x.createdAt)[0]!;
    expect(newest.credentials?.signer).toBe('Rijksmuseum Education');
    const read = await readC2paInNode(newest.mp4, 'video/mp4', await readRootPem(ext));
    expect(read.state).toBe('Trusted');
    await page.close();
    await panel.close();
  });
});

describe('importing a certificate that c2pa-rs would reject', () => {
  const pem = (label: string, der: ArrayBuffer) =>
    `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
  const cases: [string, BadOptions, string][] = [
    ['without AKI', { aki: false }, REFUSAL.noAki],
    ['without O=', { org: false }, REFUSAL.noOrganization],
    ['marked CA', { ca: true }, REFUSAL.isCa],
    ['expired', { notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') }, REFUSAL.expired(new Date('2021-01-01'))],
  ];
  for (const [name, opts, sentence] of cases) {
    it(`refuses a certificate ${name} with a clear sentence`, async () => {
      const { root, leaf, leafKeys } = await makeLeaf(opts);
      const dir = mkdtempSync(join(tmpdir(), 'sfumato-cert-'));
      writeFileSync(join(dir, 'key.pem'), pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', leafKeys.privateKey)));
      writeFileSync(join(dir, 'chain.pem'), leaf.toString('pem') + '\n' + root.toString('pem') + '\n');
      const panel = await openExtensionPage(b, 'sidepanel.html#tab=settings');
      await panel.setViewportSize({ width: 400, height: 1000 });
      const signerBefore = await panel.locator('[data-testid="signer"]').innerText();
      await panel.setInputFiles('form.import input[type="file"]', [join(dir, 'key.pem'), join(dir, 'chain.pem')]);
      await panel.click('form.import button[type="submit"]');
      await expect.poll(() => panel.locator('.settings .error').innerText().catch(() => '')).toContain(sentence);
      expect(await panel.locator('[data-testid="signer"]').innerText()).toBe(signerBefore);
      if (name === 'marked CA') await panel.screenshot({ path: join(ARTIFACTS, 'settings-import-refused.png'), fullPage: true });
      await panel.close();
    });
  }
});

describe('Sfumato signs only what it generated', () => {
  it('ignores requests from a web page or from an extension frame inside a page', async () => {
    const page = await openSingle(b, site.origin, '/fixtures/portraits/lincoln-1863.jpg', 320);
    // A web page cannot even address the extension (no externally_connectable).
    expect(await page.evaluate(() => typeof (globalThis as any).chrome?.runtime?.sendMessage)).toBe('undefined');
    // The in-page player frame shares the page's tab: the offscreen document and the background
    // refuse its requests to sign or animate.
    const out = await animateTarget(b, page);
    if (out.kind !== 'clip') throw new Error(out.message);
    const frame = out.player;
    const before = (await readStoredClips(ext)).length;
    const answers = await frame.evaluate(async (u) => {
      const send = (m: unknown) =>
        Promise.race([chrome.runtime.sendMessage(m).then((r) => r ?? null, (e) => String(e)), new Promise((r) => setTimeout(() => r('no answer'), 3000))]);
      const bytes = Array.from(new Uint8Array(64));
      return [
        await send({ to: 'offscreen', type: 'sign', bytes }),
        await send({ to: 'offscreen', type: 'animate', jobId: 'evil', hostPermission: true, source: { url: u, pageUrl: u, title: 'x' }, motion: { preset: 'gentle-life', durationS: 5, seed: 1 } }),
        await send({ to: 'background', type: 'sign', bytes }),
      ];
    }, `${site.origin}/fixtures/portraits/lincoln-1863.jpg`);
    for (const a of answers) expect(a === null || a === 'no answer' || /Could not establish|Receiving end/.test(String(a))).toBe(true);
    await page.waitForTimeout(8000);
    expect((await readStoredClips(ext)).length).toBe(before);
    await page.close();
  });
});
