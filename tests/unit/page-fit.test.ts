import { describe, expect, it } from 'vitest';
import { backgroundRect, drawRect, formatView, FULL_BOX, parseDrawRect, parseView, showsWhole, svgImageFit } from '@/lib/page/fit';
import { splitLayers } from '@/lib/page/locate';

describe('where an image draws its picture in its box (object-fit, object-position)', () => {
  // A 678 x 1024 portrait (the Mona Lisa) in a 300 x 300 box.
  it('fill stretches it over the box', () => {
    expect(drawRect('fill', '50% 50%', 300, 300, 678, 1024)).toEqual(FULL_BOX);
  });
  it('cover crops it, centred by default', () => {
    const [x, y, w, h] = drawRect('cover', '50% 50%', 300, 300, 678, 1024);
    expect(x).toBeCloseTo(0, 6);
    expect(w).toBeCloseTo(1, 6);
    expect(h).toBeCloseTo(1024 / 678, 6);
    expect(y).toBeCloseTo((1 - 1024 / 678) / 2, 6);
  });
  it('cover follows object-position in percentages, px and keywords', () => {
    expect(drawRect('cover', '50% 0%', 300, 300, 678, 1024)[1]).toBeCloseTo(0, 6);
    expect(drawRect('cover', '50% 100%', 300, 300, 678, 1024)[1]).toBeCloseTo(1 - 1024 / 678, 6);
    expect(drawRect('cover', '0px -30px', 300, 300, 678, 1024)[1]).toBeCloseTo(-0.1, 6);
    expect(drawRect('cover', 'left top', 300, 300, 678, 1024)[1]).toBeCloseTo(0, 6);
  });
  it('contain letterboxes it', () => {
    const [x, y, w, h] = drawRect('contain', '50% 50%', 300, 300, 678, 1024);
    expect(y).toBeCloseTo(0, 6);
    expect(h).toBeCloseTo(1, 6);
    expect(w).toBeCloseTo(678 / 1024, 6);
    expect(x).toBeCloseTo((1 - 678 / 1024) / 2, 6);
  });
  it('none and scale-down keep the natural size where it fits', () => {
    expect(drawRect('none', '0% 0%', 300, 300, 150, 100)).toEqual([0, 0, 0.5, 1 / 3]);
    expect(drawRect('scale-down', '0% 0%', 300, 300, 150, 100)).toEqual([0, 0, 0.5, 1 / 3]);
    expect(drawRect('scale-down', '0% 0%', 300, 300, 600, 300)[2]).toBeCloseTo(1, 6);
  });
  it('falls back to the whole box for what it cannot read', () => {
    expect(drawRect('cover', '50% 50%', 0, 300, 678, 1024)).toEqual(FULL_BOX);
    expect(drawRect('cover', '50% 50%', 300, 300, 0, 0)).toEqual(FULL_BOX);
    expect(drawRect('something', '50% 50%', 300, 300, 678, 1024)).toEqual(FULL_BOX);
    expect(drawRect('cover', 'calc(50% + 3px) 50%', 300, 300, 1024, 678)[0]).toBeCloseTo((1 - 1024 / 678) / 2, 6);
  });
});

describe('whether a cropped view still shows the burnt-in label', () => {
  const bottomRight = [0.6, 0.9, 0.97, 0.97] as const;
  it('whole picture: yes', () => expect(showsWhole(FULL_BOX, bottomRight)).toBe(true));
  it('a portrait cropped square about its centre loses its bottom corners', () => {
    expect(showsWhole(drawRect('cover', '50% 50%', 300, 300, 678, 1024), bottomRight)).toBe(false);
    expect(showsWhole(drawRect('cover', '50% 50%', 300, 300, 678, 1024), [0.6, 0.4, 0.97, 0.47])).toBe(true);
  });
  it('letterboxed: yes', () => expect(showsWhole(drawRect('contain', '50% 50%', 300, 300, 678, 1024), bottomRight)).toBe(true));
});

describe('a draw rectangle from the page is checked before use', () => {
  it('takes four sane numbers only', () => {
    expect(parseDrawRect('0,-0.25,1,1.5')).toEqual([0, -0.25, 1, 1.5]);
    for (const bad of [null, '', '0,0,1', '0,0,1,1,1', '0,0,0,1', 'a,b,c,d', '0,0,1e9,1', '0,0,NaN,1']) expect(parseDrawRect(bad)).toBeNull();
  });
  it('so is the player view of the layout, which reads back as it was written', () => {
    const v = { draw: [0, -0.25, 1, 1.5] as const, round: true, visible: [0, 0, 0.8, 1] as const };
    expect(parseView(formatView(v))).toEqual(v);
    expect(parseView('0,0,1,1|box|nonsense')).toEqual({ draw: FULL_BOX, round: false, visible: FULL_BOX });
    for (const bad of [null, '', 'x|round|0,0,1,1']) expect(parseView(bad)).toBeNull();
  });
});

describe('where a CSS background picture lies in its box', () => {
  it('cover and contain as object-fit', () => {
    expect(backgroundRect('cover', '50% 50%', 300, 300, 678, 1024)).toEqual(drawRect('cover', '50% 50%', 300, 300, 678, 1024));
    expect(backgroundRect('contain', '0% 0%', 300, 300, 678, 1024)).toEqual(drawRect('contain', '0% 0%', 300, 300, 678, 1024));
  });
  it('auto is the natural size; one length keeps the proportions; two lengths are taken as given', () => {
    expect(backgroundRect('auto', '0% 0%', 300, 300, 150, 100)).toEqual([0, 0, 0.5, 1 / 3]);
    expect(backgroundRect('auto auto', '100% 100%', 300, 300, 150, 100)).toEqual([0.5, 2 / 3, 0.5, 1 / 3]);
    const [, , w, h] = backgroundRect('100% auto', '50% 50%', 300, 300, 678, 1024);
    expect(w).toBeCloseTo(1, 6);
    expect(h).toBeCloseTo(1024 / 678, 6);
    expect(backgroundRect('100% 100%', '50% 50%', 300, 200, 678, 1024)).toEqual([0, 0, 1, 1]);
    expect(backgroundRect('150px 300px', '0px 0px', 300, 300, 678, 1024)).toEqual([0, 0, 0.5, 1]);
  });
});

describe('a computed multi-layer CSS value, split into its layers', () => {
  it('splits at top-level commas only', () => {
    expect(splitLayers('linear-gradient(rgba(0, 0, 0, 0.2), transparent), url("https://museum.example/a,b.jpg")')).toEqual([
      'linear-gradient(rgba(0, 0, 0, 0.2), transparent)',
      'url("https://museum.example/a,b.jpg")',
    ]);
    expect(splitLayers('auto, cover')).toEqual(['auto', 'cover']);
    expect(splitLayers('url("x\\",y.jpg")')).toEqual(['url("x\\",y.jpg")']);
    expect(splitLayers('none')).toEqual(['none']);
  });
});

describe('an SVG <image> in its box (preserveAspectRatio)', () => {
  it('reads as object-fit and object-position', () => {
    expect(svgImageFit(null)).toEqual({ fit: 'contain', position: '50% 50%' });
    expect(svgImageFit('xMidYMid meet')).toEqual({ fit: 'contain', position: '50% 50%' });
    expect(svgImageFit('xMinYMax slice')).toEqual({ fit: 'cover', position: '0% 100%' });
    expect(svgImageFit('defer xMaxYMin')).toEqual({ fit: 'contain', position: '100% 0%' });
    expect(svgImageFit('none')).toEqual({ fit: 'fill', position: '50% 50%' });
    // What it cannot read is the default.
    expect(svgImageFit('sideways')).toEqual({ fit: 'contain', position: '50% 50%' });
  });
  it('places a tall portrait sliced into a square at its top when asked', () => {
    const { fit, position } = svgImageFit('xMidYMin slice');
    expect(drawRect(fit, position, 300, 300, 600, 900).map((v) => v + 0)).toEqual([0, 0, 1, 1.5]);
  });
});
