import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTruncatedJpeg, sniff } from '@/lib/source/sniff';
import { checkImageBytes, fitLongSide } from '@/lib/source/load';
import { SfumatoError } from '@/lib/messages/errors';
import { FIXTURES } from '../e2e/support/server';

const fixture = (p: string) => new Uint8Array(readFileSync(join(FIXTURES, p)));

describe('sniff', () => {
  it('recognises the fixture images by content', () => {
    expect(sniff(fixture('portraits/mona-lisa.jpg'))).toEqual({ kind: 'image', type: 'image/jpeg' });
    expect(sniff(fixture('edge/alpha-oval-vigee-le-brun.png'))).toEqual({ kind: 'image', type: 'image/png' });
    expect(sniff(fixture('edge/grayscale-mona-lisa.jpg'))).toEqual({ kind: 'image', type: 'image/jpeg' });
  });
  it('rejects an HTML page named .jpg', () => {
    expect(sniff(fixture('edge/html-disguised-as.jpg')).kind).toBe('html');
    expect(() => checkImageBytes(fixture('edge/html-disguised-as.jpg'))).toThrowError(SfumatoError);
    try {
      checkImageBytes(fixture('edge/html-disguised-as.jpg'));
    } catch (e) {
      expect((e as SfumatoError).code).toBe('not-an-image');
    }
  });
  it('recognises other formats by magic bytes', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(sniff(enc('GIF89a....'))).toEqual({ kind: 'image', type: 'image/gif' });
    expect(sniff(new Uint8Array([...enc('RIFF'), 0, 0, 0, 0, ...enc('WEBPVP8 ')]))).toEqual({ kind: 'image', type: 'image/webp' });
    expect(sniff(new Uint8Array([0, 0, 0, 0x1c, ...enc('ftypavif')]))).toEqual({ kind: 'image', type: 'image/avif' });
    expect(sniff(enc('<svg xmlns="http://www.w3.org/2000/svg"></svg>')).kind).toBe('svg');
    expect(sniff(enc('\uFEFF  <html><body>hi')).kind).toBe('html');
    expect(sniff(new Uint8Array([1, 2, 3])).kind).toBe('unknown');
  });
  it('detects a JPEG cut off before its end marker', () => {
    expect(isTruncatedJpeg(fixture('edge/truncated-half-einstein-1921.jpg'))).toBe(true);
    expect(isTruncatedJpeg(fixture('portraits/einstein-1921.jpg'))).toBe(false);
    try {
      checkImageBytes(fixture('edge/truncated-half-einstein-1921.jpg'));
      expect.unreachable();
    } catch (e) {
      expect((e as SfumatoError).code).toBe('unreadable');
    }
  });
});

describe('fitLongSide', () => {
  it('downscales the 5000x6000 fixture to the working size and never upscales', () => {
    expect(fitLongSide(5000, 6000, 2048)).toEqual({ width: 1707, height: 2048 });
    expect(fitLongSide(96, 96, 2048)).toEqual({ width: 96, height: 96 });
  });
});
