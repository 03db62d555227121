import { describe, expect, it } from 'vitest';
import {
  CLIP_THUMBNAIL_ID,
  SOURCE_THUMBNAIL_ID,
  TRAINED_ALGORITHMIC_MEDIA,
  buildClipManifest,
  type ClipProvenanceMeta,
} from '../../lib/provenance/manifest';
import { describeReadError, summarizeManifestStore } from '../../lib/provenance/read';

const meta: ClipProvenanceMeta = {
  title: 'Mona Lisa, Gentle life.mp4',
  generatorVersion: '0.1.0',
  motionName: 'Gentle life',
  clipThumbnailJpeg: new Uint8Array([0xff, 0xd8, 1]),
  source: {
    title: 'Mona Lisa',
    url: 'https://example.org/mona-lisa.jpg',
    pageUrl: 'https://example.org/gallery',
    mimeType: 'image/jpeg',
    bytes: new Uint8Array([0xff, 0xd8, 2]),
    thumbnailJpeg: new Uint8Array([0xff, 0xd8, 3]),
  },
};

describe('clip manifest definition', () => {
  const plan = buildClipManifest(meta, { instanceId: 'xmp:iid:test' });
  const def = plan.definition;

  it('names the clip and the generator', () => {
    expect(def.title).toBe('Mona Lisa, Gentle life.mp4');
    expect(def.format).toBe('video/mp4');
    expect(def.instance_id).toBe('xmp:iid:test');
    expect(def.claim_generator_info).toEqual([{ name: 'Sfumato', version: '0.1.0' }]);
  });

  it('declares the clip AI-generated with a c2pa.created action', () => {
    const actions = def.assertions!.find((a) => a.label === 'c2pa.actions')!.data as { actions: Record<string, unknown>[] };
    expect(actions.actions).toHaveLength(1);
    expect(actions.actions[0]).toMatchObject({
      action: 'c2pa.created',
      digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia',
      softwareAgent: { name: 'Sfumato', version: '0.1.0' },
      description: 'Animated from a still portrait; motion: Gentle life',
      parameters: { ingredientIds: ['source-artwork'] },
    });
    expect(TRAINED_ALGORITHMIC_MEDIA).toBe('http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia');
  });

  it('says no to AI training and data mining', () => {
    const tm = def.assertions!.find((a) => a.label === 'cawg.training-mining')!.data as { entries: Record<string, { use: string }> };
    for (const k of ['cawg.ai_generative_training', 'cawg.ai_training', 'cawg.ai_inference', 'cawg.data_mining']) {
      expect(tm.entries[k]).toEqual({ use: 'notAllowed' });
    }
  });

  it('records the source artwork as an inputTo ingredient with URL and thumbnail', () => {
    expect(def.ingredients).toEqual([plan.sourceIngredient]);
    expect(plan.sourceIngredient).toEqual({
      title: 'Mona Lisa',
      relationship: 'inputTo',
      label: 'source-artwork',
      format: 'image/jpeg',
      informational_URI: 'https://example.org/mona-lisa.jpg',
      description: 'Found on https://example.org/gallery',
      thumbnail: { format: 'image/jpeg', identifier: SOURCE_THUMBNAIL_ID },
    });
    expect(plan.sourceAsset).toEqual({ format: 'image/jpeg', bytes: meta.source.bytes });
  });

  it('has a clip thumbnail and lists every referenced resource', () => {
    expect(def.thumbnail).toEqual({ format: 'image/jpeg', identifier: CLIP_THUMBNAIL_ID });
    expect(plan.resources.map((r) => r.id).sort()).toEqual([CLIP_THUMBNAIL_ID, SOURCE_THUMBNAIL_ID].sort());
  });

  it('leaves out what is not given', () => {
    const bare = buildClipManifest({ title: 't', generatorVersion: '1', motionName: 'm', source: { title: 's' } });
    expect(bare.definition.thumbnail).toBeUndefined();
    expect(bare.sourceIngredient).toEqual({ title: 's', relationship: 'inputTo', label: 'source-artwork' });
    expect(bare.resources).toEqual([]);
    expect(bare.sourceAsset).toBeUndefined();
    expect(bare.definition.instance_id).toMatch(/^xmp:iid:[0-9a-f-]{36}$/);
  });

  it('is JSON-serialisable (goes to the wasm worker)', () => {
    expect(JSON.parse(JSON.stringify(def))).toEqual(def);
  });
});

describe('credentials report', () => {
  const store = {
    active_manifest: 'urn:c2pa:1',
    validation_state: 'Valid',
    validation_status: [{ code: 'signingCredential.untrusted' }],
    validation_results: {
      activeManifest: {
        success: [{ code: 'claimSignature.validated' }, { code: 'assertion.bmffHash.match' }],
        informational: [],
        failure: [{ code: 'signingCredential.untrusted' }],
      },
    },
    manifests: {
      'urn:c2pa:1': {
        title: 'Mona Lisa, Gentle life.mp4',
        claim_generator_info: [{ name: 'Sfumato', version: '0.1.0' }],
        signature_info: { alg: 'Es256', issuer: 'Ada Example', common_name: 'Ada Example', cert_serial_number: '42' },
        assertions: [
          {
            label: 'c2pa.actions.v2',
            data: { actions: [{ action: 'c2pa.created', digitalSourceType: TRAINED_ALGORITHMIC_MEDIA, description: 'Animated' }] },
          },
          { label: 'cawg.training-mining', data: { entries: { 'cawg.ai_training': { use: 'notAllowed' }, 'cawg.ai_generative_training': { use: 'notAllowed' } } } },
        ],
        ingredients: [{ title: 'Mona Lisa', relationship: 'inputTo', informational_URI: 'https://example.org/m.jpg' }],
      },
    },
  };

  it('summarises a valid store', () => {
    const r = summarizeManifestStore(store as never);
    expect(r).toMatchObject({
      state: 'Valid',
      signer: { organization: 'Ada Example', commonName: 'Ada Example', serialNumber: '42' },
      signedAt: null,
      claimGenerator: 'Sfumato 0.1.0',
      title: 'Mona Lisa, Gentle life.mp4',
      aiGenerated: true,
      actionDescriptions: ['Animated'],
      doNotTrain: true,
      sourceArtwork: { title: 'Mona Lisa', url: 'https://example.org/m.jpg', relationship: 'inputTo', hasOwnCredentials: false },
      validation: { failure: ['signingCredential.untrusted'] },
      error: null,
    });
  });

  it('is not AI-generated for a capture', () => {
    const s = structuredClone(store);
    (s.manifests['urn:c2pa:1'].assertions[0]!.data as { actions: { digitalSourceType: string }[] }).actions[0]!.digitalSourceType =
      'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture';
    expect(summarizeManifestStore(s as never).aiGenerated).toBe(false);
  });

  it('is none without an active manifest', () => {
    expect(summarizeManifestStore({} as never).state).toBe('none');
  });

  it('maps reader errors to sentences', () => {
    expect(describeReadError('JumbfNotFound')).toEqual({ state: 'none', message: null });
    expect(describeReadError('C2pa(PrereleaseError)').state).toBe('error');
    expect(describeReadError('ClaimDecoding').message).toBe('The content credentials in this file could not be read (ClaimDecoding).');
  });
});
