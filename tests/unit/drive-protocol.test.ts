// Driving videos in the message protocol and in the manifest (pure parts).
import { describe, expect, it } from 'vitest';
import { parseMessage } from '@/lib/messages/protocol';
import { motionName } from '@/lib/motion/catalog';
import { buildClipManifest, DRIVER_INGREDIENT_LABEL, DRIVER_THUMBNAIL_ID, SOURCE_INGREDIENT_LABEL } from '@/lib/provenance/manifest';
import { driverTitleFromUrl } from '@/lib/pipeline/fetch-driver';

describe('driver messages', () => {
  const reanimate = {
    to: 'background',
    type: 'reanimate',
    clipId: 'clip-1',
    driverId: 'driver-abc',
    motion: { preset: 'talk', durationS: 4, seed: 3, driver: { id: 'driver-abc', title: 'me.webm', kind: 'webcam' } },
  } as const;

  it('accepts a reanimate naming a stored driver, and only known driver kinds', () => {
    expect(parseMessage(reanimate, 'background')).toEqual(reanimate);
    expect(() => parseMessage({ ...reanimate, motion: { ...reanimate.motion, driver: { ...reanimate.motion.driver, kind: 'bytes' } } }, 'background')).toThrow(/motion\.driver\.kind/);
    expect(() => parseMessage({ ...reanimate, driverId: 'x'.repeat(65) }, 'background')).toThrow(/driverId/);
  });

  it('fetch-driver carries a URL, never bytes, and goes only to the offscreen document', () => {
    const m = { to: 'offscreen', type: 'fetch-driver', source: { url: 'https://site.example/v.mp4', pageUrl: 'https://site.example/', title: 'A page' }, hostPermission: false } as const;
    expect(parseMessage(m, 'offscreen')).toEqual(m);
    expect(parseMessage(m, 'background')).toBeNull();
    expect(() => parseMessage({ ...m, source: { ...m.source, url: 'javascript:alert(1)' } }, 'offscreen')).toThrow();
  });

  it('names the motion and the page video in words', () => {
    expect(motionName({ preset: 'talk' })).toBe('Talk');
    expect(motionName({ preset: 'talk', driver: { id: 'd', title: 'me.webm', kind: 'webcam' } })).toBe('driven by me.webm');
    expect(driverTitleFromUrl('https://site.example/media/Speech%20clip.mp4?x=1', 'Page')).toBe('Speech clip.mp4');
    expect(driverTitleFromUrl('https://site.example/stream', 'The page title')).toBe('The page title');
  });
});

describe('driver in the manifest', () => {
  it('records the driving video as an inputTo ingredient with its thumbnail, used by the created action', () => {
    const plan = buildClipManifest(
      {
        title: 'Mona Lisa, driven by me.webm.mp4',
        generatorVersion: '0.1.0',
        motionName: 'driven by me.webm',
        source: { title: 'Mona Lisa', url: 'https://museum.example/m.jpg' },
        driver: { title: 'me.webm', mimeType: 'video/webm', kind: 'webcam', thumbnailJpeg: new Uint8Array([0xff, 0xd8, 0xff]) },
      },
      { instanceId: 'xmp:iid:test' },
    );
    const ing = plan.definition.ingredients!.find((i) => i.label === DRIVER_INGREDIENT_LABEL)!;
    expect(ing).toMatchObject({ title: 'me.webm', format: 'video/webm', relationship: 'inputTo' });
    expect(ing.description).toMatch(/webcam recording/);
    expect(ing.thumbnail?.identifier).toBe(DRIVER_THUMBNAIL_ID);
    expect(plan.resources.some((r) => r.id === DRIVER_THUMBNAIL_ID)).toBe(true);
    expect(plan.driverIngredient).toBe(ing);
    expect(plan.driverAsset).toBeUndefined();
    const actions = (plan.definition.assertions![0]!.data as { actions: Array<{ action: string; description?: string; parameters?: { ingredientIds?: string[] } }> }).actions;
    const created = actions.find((a) => a.action === 'c2pa.created')!;
    expect(created.description).toBe('Animated from a still portrait; motion: driven by me.webm');
    expect(created.parameters?.ingredientIds).toEqual([SOURCE_INGREDIENT_LABEL, DRIVER_INGREDIENT_LABEL]);
  });
});
