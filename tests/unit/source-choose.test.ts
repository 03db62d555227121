import { describe, expect, it } from 'vitest';
import { parseSrcset, rankSources, type ImageElementInfo } from '@/lib/source/choose';

const base = 'https://museum.example/art/page.html';

describe('parseSrcset', () => {
  it('reads width descriptors and resolves relative URLs', () => {
    expect(parseSrcset('small.jpg 320w, /big.jpg 1600w', base)).toEqual([
      { url: 'https://museum.example/art/small.jpg', width: 320, density: 1 },
      { url: 'https://museum.example/big.jpg', width: 1600, density: 1 },
    ]);
  });
  it('reads density descriptors and bare URLs', () => {
    expect(parseSrcset('a.jpg, b.jpg 2x, c.jpg 1.5x', base).map((c) => [c.url.split('/').pop(), c.density])).toEqual([
      ['a.jpg', 1],
      ['b.jpg', 2],
      ['c.jpg', 1.5],
    ]);
  });
  it('keeps commas inside URLs (Wikimedia thumbnails) and skips malformed candidates', () => {
    const got = parseSrcset('https://upload.example/thumb/a,b.jpg 2x, bad.jpg 12q, ok.jpg 800w');
    expect(got.map((c) => c.url)).toEqual(['https://upload.example/thumb/a,b.jpg', 'ok.jpg']);
  });
});

describe('rankSources', () => {
  const info = (over: Partial<ImageElementInfo>): ImageElementInfo => ({
    currentSrc: 'https://museum.example/320.jpg',
    src: 'https://museum.example/320.jpg',
    srcset: '',
    pictureSources: [],
    displayWidth: 320,
    naturalWidth: 320,
    baseUrl: base,
    ...over,
  });
  it('prefers the largest srcset candidate over currentSrc', () => {
    const r = rankSources(info({ srcset: '/320.jpg 320w, /1280.jpg 1280w, /640.jpg 640w' }));
    expect(r[0]).toBe('https://museum.example/1280.jpg');
    expect(r).toContain('https://museum.example/320.jpg');
  });
  it('turns density descriptors into widths', () => {
    const r = rankSources(info({ srcset: '/1x.jpg 1x, /3x.jpg 3x, /2x.jpg 2x' }));
    expect(r[0]).toBe('https://museum.example/3x.jpg');
  });
  it('looks into <picture> sources and skips formats we cannot decode', () => {
    const r = rankSources(
      info({
        pictureSources: [
          { srcset: '/huge.jxl 4000w', type: 'image/jxl' },
          { srcset: '/big.webp 2000w', type: 'image/webp' },
        ],
      }),
    );
    expect(r[0]).toBe('https://museum.example/big.webp');
    expect(r).not.toContain('https://museum.example/huge.jxl');
  });
  it('takes candidates from the <picture> source the browser shows, not another crop', () => {
    // Art direction: a square detail for narrow screens, the whole portrait otherwise.
    const sources = (narrow: boolean) => [
      { srcset: '/detail-800.jpg 800w, /detail-1600.jpg 1600w', type: '', matches: narrow },
      { srcset: '/whole-1200.jpg 1200w', type: 'image/jpeg' },
    ];
    expect(rankSources(info({ srcset: '/img-3000.jpg 3000w', pictureSources: sources(false) }))).toEqual([
      'https://museum.example/whole-1200.jpg',
      'https://museum.example/320.jpg',
    ]);
    expect(rankSources(info({ srcset: '/img-3000.jpg 3000w', pictureSources: sources(true) }))[0]).toBe('https://museum.example/detail-1600.jpg');
    // No source matches: the image's own srcset.
    expect(rankSources(info({ srcset: '/img-3000.jpg 3000w', pictureSources: [{ srcset: '/d.jpg 900w', type: '', matches: false }] }))[0]).toBe(
      'https://museum.example/img-3000.jpg',
    );
  });
  it('falls back to currentSrc alone, without duplicates', () => {
    expect(rankSources(info({}))).toEqual(['https://museum.example/320.jpg']);
  });
});
