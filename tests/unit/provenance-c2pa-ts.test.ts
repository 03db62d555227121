import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyWithC2paTs } from './provenance-c2pa-ts';

// Same convention as tests/e2e/support/server.ts: ../shared/fixtures, never copied into the project.
const FIXTURES = resolve(process.env.SFUMATO_FIXTURES_DIR ?? join(import.meta.dirname, '../../../shared/fixtures'));
const fixture = (p: string) => new Uint8Array(readFileSync(join(FIXTURES, p)));

describe.skipIf(!existsSync(join(FIXTURES, 'c2pa')))('verifyWithC2paTs (independent reader)', () => {
  it('accepts a valid signed image', async () => {
    const r = await verifyWithC2paTs(fixture('c2pa/valid-signed-portrait-girl-with-a-pearl-earring.jpg'));
    expect(r.error).toBeNull();
    expect(r.isValid).toBe(true);
    expect(r.codes).toContain('claimSignature.validated');
    expect(r.codes).toContain('assertion.dataHash.match');
    expect(r.title).toBe('girl-with-a-pearl-earring.jpg');
  });
  it('reports a data hash mismatch on a tampered image', async () => {
    const r = await verifyWithC2paTs(fixture('c2pa/tampered-signed-portrait-girl-with-a-pearl-earring.jpg'));
    expect(r.isValid).toBe(false);
    expect(r.failures).toContain('assertion.dataHash.mismatch');
  });
  it('reports a claim signature mismatch', async () => {
    const r = await verifyWithC2paTs(fixture('c2pa/invalid-E-sig-CA-claim-signature-mismatch.jpg'));
    expect(r.isValid).toBe(false);
  });
  it('says when there is no manifest (MP4 included)', async () => {
    expect((await verifyWithC2paTs(fixture('c2pa/no-manifest-video1.mp4'))).error).toBe('no manifest');
    expect((await verifyWithC2paTs(fixture('c2pa/no-manifest.jpg'))).error).toBe('no manifest');
  });
});
