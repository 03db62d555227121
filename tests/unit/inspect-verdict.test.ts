import { describe, expect, it } from 'vitest';
import { classifyReadError, summarizeManifestStore, type CredentialsReport } from '../../lib/provenance/read';
import { verdictFor, watermarkLine } from '../../lib/inspect/verdict';
import { sniffMedia } from '../../lib/inspect/sniff';
import { mutate, MUTATIONS, rng, segments } from '../../lib/inspect/fuzz';
import { parsePemCertificates } from '../../lib/inspect/trust';

const store = (over: { state?: string; failure?: string[]; actions?: unknown[]; ingredients?: unknown[] } = {}) =>
  ({
    active_manifest: 'm1',
    validation_state: over.state ?? 'Valid',
    validation_status: (over.failure ?? ['signingCredential.untrusted']).map((code) => ({ code })),
    validation_results: { activeManifest: { success: [], informational: [], failure: (over.failure ?? ['signingCredential.untrusted']).map((code) => ({ code })) } },
    manifests: {
      m1: {
        claim_generator_info: [{ name: 'Sfumato', version: '0.1.0' }],
        signature_info: { issuer: 'Rijksmuseum', common_name: 'Sfumato user', alg: 'Es256' },
        assertions: [{ label: 'c2pa.actions.v2', data: { actions: over.actions ?? [{ action: 'c2pa.created', digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia' }] } }],
        ingredients: over.ingredients ?? [],
      },
    },
  }) as never;

const v = (r: CredentialsReport) => verdictFor(r).headline;

describe('inspector verdicts', () => {
  it('AI-generated and signed', () => {
    expect(v(summarizeManifestStore(store({ state: 'Trusted', failure: [] })))).toBe('AI-generated. Signed by Rijksmuseum, unchanged since signing.');
    expect(v(summarizeManifestStore(store()))).toBe('AI-generated. Signed by Rijksmuseum, unchanged since signing.');
  });
  it('signed, not AI: trusted, or someone the browser does not know', () => {
    const created = [{ action: 'c2pa.created', digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture' }];
    expect(v(summarizeManifestStore(store({ state: 'Trusted', failure: [], actions: created })))).toBe('Signed by Rijksmuseum, unchanged since signing.');
    const u = verdictFor(summarizeManifestStore(store({ actions: created })));
    expect(u.headline).toBe('Signed by someone your browser does not know.');
    expect(u.tone).toBe('neutral');
  });
  it('tampered, bad signature, damaged', () => {
    expect(v(summarizeManifestStore(store({ state: 'Invalid', failure: ['assertion.bmffHash.mismatch'] })))).toBe(
      'Has content credentials, but the content was changed after it was signed.',
    );
    for (const code of ['claimSignature.mismatch', 'signingCredential.invalid', 'signingCredential.expired'])
      expect(v(summarizeManifestStore(store({ state: 'Invalid', failure: [code] })))).toBe('Signed, but the signature or certificate is not valid.');
    expect(verdictFor(summarizeManifestStore(store({ state: 'Invalid', failure: ['ingredient.manifest.missing'] }))).kind).toBe('damaged');
  });
  it('reader errors: none, unsupported (not tampered), remote, unknown algorithm', () => {
    const err = (raw: string) => {
      const d = classifyReadError(raw);
      return verdictFor({ ...summarizeManifestStore({} as never), state: d.state, error: d.message, errorKind: d.kind });
    };
    expect(err('C2pa(JumbfNotFound)').headline).toBe('No content credentials found. That does not mean it is real or fake.');
    expect(err('C2pa(PrereleaseError)').kind).toBe('unsupported');
    expect(err('C2pa(RemoteManifestUrl("https://x.example/m"))').kind).toBe('remote');
    expect(classifyReadError('C2pa(RemoteManifestUrl("https://x.example/m"))').remoteUrl).toBe('https://x.example/m');
    expect(err('C2pa(UnknownAlgorithm)').headline).toBe('Signed, but the signature or certificate is not valid.');
  });
  it('warns about an ingredient whose credentials failed', () => {
    const r = summarizeManifestStore(
      store({ ingredients: [{ title: 'E-sig-CA.jpg', relationship: 'componentOf', active_manifest: 'm2', validation_status: [{ code: 'claimSignature.mismatch' }] }] }),
    );
    expect(r.ingredients[0]!.status).toBe('warning');
    expect(verdictFor(r).ingredientNote).toMatch(/did not pass validation/);
  });
  it('watermark line', () => {
    expect(watermarkLine({ found: true, payloadHex: '00112233aabbccdd', clip: { id: 'c', title: 'Mona Lisa' } })!.headline).toBe('Made with Sfumato.');
    expect(watermarkLine({ found: false, payloadHex: null, clip: null })).toBeNull();
  });
});

describe('inspector helpers', () => {
  it('sniffs media types from bytes', () => {
    const b = (s: string, at = 0) => { const u = new Uint8Array(64); for (let i = 0; i < s.length; i++) u[at + i] = s.charCodeAt(i); return u; };
    expect(sniffMedia(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0)).mime).toBe('image/jpeg');
    expect(sniffMedia(b('\x00\x00\x00\x18ftypqt  ')).mime).toBe('video/quicktime');
    expect(sniffMedia(b('\x00\x00\x00\x18ftypisom')).mime).toBe('video/mp4');
    expect(sniffMedia(b('\x00\x00\x00\x18ftypM4A ')).mime).toBe('audio/mp4');
    expect(sniffMedia(b('RIFF\x00\x00\x00\x00WAVE')).mime).toBe('audio/wav');
    expect(sniffMedia(b('<!DOCTYPE html>')).mime).toBeNull();
  });
  it('mutations are deterministic and change the bytes', () => {
    const src = new Uint8Array(5000).map((_, i) => (i * 7) & 255);
    src.set([0xff, 0xd8, 0xff, 0xe0, 0, 16], 0);
    for (const m of MUTATIONS) {
      const a = mutate(src, m, rng(1));
      const b = mutate(src, m, rng(1));
      expect(a).toEqual(b);
    }
    expect(segments(src).length).toBeGreaterThan(0);
  });
  it('rejects a PEM without certificates', () => {
    expect(() => parsePemCertificates('hello')).toThrow(/No certificate found/);
  });
});
