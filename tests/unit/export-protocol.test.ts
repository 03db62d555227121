// Exports are asked for by clip id and format only, and their manifests keep the chain to the
// signed MP4 (lib/messages/protocol.ts, lib/provenance/manifest.ts, lib/store/filenames.ts).
import { describe, expect, it } from 'vitest';
import { exportResult, parseMessage } from '@/lib/messages/protocol';
import { buildClipManifest, SIGNED_CLIP_INGREDIENT_LABEL, TRAINED_ALGORITHMIC_MEDIA } from '@/lib/provenance/manifest';
import { clipFilename } from '@/lib/store/filenames';

describe('export messages', () => {
  const ask = { to: 'background', type: 'export-clip', clipId: 'clip-abc', format: 'gif' } as const;

  it('name a stored clip and a format, nothing else', () => {
    expect(parseMessage(ask, 'background')).toEqual(ask);
    expect(parseMessage({ ...ask, to: 'offscreen', type: 'make-export' }, 'offscreen')).toEqual({ ...ask, to: 'offscreen', type: 'make-export' });
    // Bytes smuggled in are dropped by the validator: only the declared fields come through.
    expect(parseMessage({ ...ask, bytes: [1, 2, 3] }, 'background')).not.toHaveProperty('bytes');
    expect(() => parseMessage({ ...ask, format: 'mov' }, 'background')).toThrow(/format/);
    expect(() => parseMessage({ ...ask, clipId: 'x'.repeat(65) }, 'background')).toThrow(/clipId/);
    // A page cannot reach the offscreen document as another recipient.
    expect(parseMessage({ ...ask, type: 'make-export' }, 'offscreen')).toBeNull();
  });

  it('answer with the export or a sentence', () => {
    expect(exportResult({ ok: false, code: 'export-failed', message: 'No.' }, 'r')).toMatchObject({ ok: false, code: 'export-failed' });
    expect(() => exportResult({ ok: true, mime: 'text/html' }, 'r')).toThrow(/mime/);
    expect(() => exportResult({ ok: true, watermarkConfidence: 2 }, 'r')).toThrow(/watermarkConfidence/);
  });
});

describe('export manifest', () => {
  const plan = buildClipManifest({
    title: 'Mona Lisa - Gentle life - 2026-11-25.gif',
    generatorVersion: '0.1.0',
    motionName: 'Gentle life',
    mimeType: 'image/gif',
    watermark: { payloadHex: '0123456789abcdef', alg: 'org.sfumato.watermark.2' },
    source: { title: 'Mona Lisa', url: 'https://example.org/m.jpg' },
    derivedFrom: { title: 'Mona Lisa - Gentle life - 2026-11-25.mp4', format: 'video/mp4', description: 'Converted to an animated GIF' },
  });

  it('still declares the content AI-generated and watermarked', () => {
    const actions = (plan.definition.assertions![0]!.data as { actions: { action: string; digitalSourceType?: string }[] }).actions;
    expect(actions[0]).toMatchObject({ action: 'c2pa.created', digitalSourceType: TRAINED_ALGORITHMIC_MEDIA });
    expect(actions.map((a) => a.action)).toEqual(['c2pa.created', 'c2pa.watermarked', 'c2pa.transcoded']);
    expect(plan.definition.format).toBe('image/gif');
  });

  it('keeps the signed MP4 as the parent ingredient, referenced by the transcoding action', () => {
    expect(plan.parentIngredient).toMatchObject({ relationship: 'parentOf', format: 'video/mp4', label: SIGNED_CLIP_INGREDIENT_LABEL });
    expect(plan.definition.ingredients).toHaveLength(2);
    const actions = (plan.definition.assertions![0]!.data as { actions: { action: string; parameters?: { ingredientIds?: string[] } }[] }).actions;
    expect(actions[2]!.parameters?.ingredientIds).toEqual([SIGNED_CLIP_INGREDIENT_LABEL]);
  });

  it("uses the same meaningful name as the MP4, with the format's extension", () => {
    const at = new Date(2026, 10, 25);
    expect(['mp4', 'gif', 'webp', 'png'].map((e) => clipFilename('Mona Lisa', 'Gentle life', at, e))).toEqual([
      'Mona Lisa - Gentle life - 2026-11-25.mp4',
      'Mona Lisa - Gentle life - 2026-11-25.gif',
      'Mona Lisa - Gentle life - 2026-11-25.webp',
      'Mona Lisa - Gentle life - 2026-11-25.png',
    ]);
  });
});
