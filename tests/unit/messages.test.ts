import { describe, expect, it } from 'vitest';
import { clipPayload, locateResult, msg, parseMessage, recordResult } from '@/lib/messages/protocol';
import { ERROR_SENTENCES, toSfumatoError, SfumatoError } from '@/lib/messages/errors';
import { InvalidMessage } from '@/lib/messages/validate';

describe('message protocol', () => {
  const animate = {
    to: 'offscreen',
    type: 'animate',
    jobId: 'job-1',
    source: { url: 'https://museum.example/a.jpg', pageUrl: 'https://museum.example/', title: 'Mona Lisa' },
    motion: { preset: 'gentle-life', durationS: 5, seed: 42 },
    hostPermission: true,
  } as const;

  it('accepts a well-formed message for its recipient only', () => {
    expect(parseMessage(animate, 'offscreen')).toEqual(animate);
    expect(parseMessage(animate, 'background')).toBeNull();
    expect(parseMessage({ to: 'offscreen', type: 'nonsense' }, 'offscreen')).toBeNull();
    expect(parseMessage('hello', 'offscreen')).toBeNull();
  });
  it('rejects wrong shapes with a path to the bad field', () => {
    expect(() => parseMessage({ ...animate, motion: { ...animate.motion, durationS: 500 } }, 'offscreen')).toThrow(/motion\.durationS/);
    expect(() => parseMessage({ ...animate, source: { ...animate.source, url: 'javascript:alert(1)' } }, 'offscreen')).toThrow(InvalidMessage);
    expect(() => parseMessage({ to: 'content', type: 'overlay-progress', jobId: 'j', stage: 'hacking', fraction: 0.5 }, 'content')).toThrow(/stage/);
  });
  it('keeps optional fields optional', () => {
    const m = msg({ to: 'panel', type: 'job-status', jobId: 'j', done: true });
    expect(parseMessage(m, 'panel')).toMatchObject({ done: true });
  });
  it('carries the label corner of a clip to the player, and nothing else there', () => {
    expect(clipPayload({ ok: true, labelCorner: 'top-right' }, 'clip')).toMatchObject({ labelCorner: 'top-right' });
    expect(clipPayload({ ok: true }, 'clip').labelCorner).toBeUndefined();
    expect(() => clipPayload({ ok: true, labelCorner: 'middle' }, 'clip')).toThrow(/labelCorner/);
  });
  it('validates the content script answer', () => {
    expect(locateResult({ ok: false }, 'r')).toMatchObject({ ok: false });
    expect(() => locateResult({ ok: true, bestUrl: 'file:///etc/passwd' }, 'r')).toThrow(InvalidMessage);
  });
  it('carries a picture taken from the screen as a JPEG data URL only, and where to take it from', () => {
    const shot = { to: 'content', type: 'overlay-captured', jobId: 'j', url: 'data:image/jpeg;base64,/9j/4AAQSkZJRg==' } as const;
    expect(parseMessage(shot, 'content')).toEqual(shot);
    expect(() => parseMessage({ ...shot, url: 'https://museum.example/a.jpg' }, 'content')).toThrow(/url/);
    expect(() => parseMessage({ ...shot, url: 'data:image/svg+xml;base64,PHN2Zz4=' }, 'content')).toThrow(/url/);
    expect(() => parseMessage({ ...shot, url: 'data:image/jpeg;base64,<script>' }, 'content')).toThrow(/url/);
    const capture = { x: 10, y: 0, w: 300, h: 200, viewW: 1280, viewH: 900, clientW: 1265, dpr: 2 };
    expect(locateResult({ ok: true, capture }, 'r').capture).toEqual(capture);
    expect(() => locateResult({ ok: true, capture: { ...capture, w: 0 } }, 'r')).toThrow(/capture\.w/);
    expect(() => locateResult({ ok: true, capture: { ...capture, x: -5 } }, 'r')).toThrow(/capture\.x/);
  });
  it('carries a page video recorded in the page to the offscreen document, and only that', () => {
    expect(recordResult({ ok: true, base64: 'GkXfow==', mime: 'video/webm' }, 'r')).toMatchObject({ ok: true, mime: 'video/webm' });
    expect(recordResult({ ok: false }, 'r')).toEqual({ ok: false });
    expect(() => recordResult({ ok: true, base64: 42 }, 'r')).toThrow(/base64/);
    const store = { to: 'offscreen', type: 'store-driver', base64: 'GkXfow==', mime: 'video/webm', title: 'Interview (recorded)', pageUrl: 'https://news.example/' } as const;
    expect(parseMessage(store, 'offscreen')).toEqual(store);
    expect(() => parseMessage({ ...store, base64: undefined }, 'offscreen')).toThrow(/base64/);
    expect(parseMessage({ to: 'content', type: 'driver-record', srcUrl: 'blob:https://news.example/1f2e' }, 'content')).toMatchObject({ type: 'driver-record' });
    expect(() => parseMessage({ to: 'content', type: 'driver-record', srcUrl: 'javascript:alert(1)' }, 'content')).toThrow(/srcUrl/);
  });
  it('builds errors with their sentence', () => {
    expect(new SfumatoError('no-face').message).toBe(ERROR_SENTENCES['no-face']);
    expect(toSfumatoError(new DOMException('full', 'QuotaExceededError')).code).toBe('storage-full');
    expect(toSfumatoError(new Error('boom')).code).toBe('internal');
  });
});

describe('a picture taken from the screen', () => {
  it('is cropped at the scale the shot was taken at, with or without the scrollbar', async () => {
    const { shotScale } = await import('@/lib/background/capture');
    const view = { viewW: 1280, clientW: 1265, dpr: 2 };
    // A shot of the whole viewport, scrollbar included, at 2 device px a CSS px.
    expect(shotScale(2560, view)).toBeCloseTo(2, 6);
    // A shot of the page without its scrollbar.
    expect(shotScale(2530, view)).toBeCloseTo(2, 6);
    // A screen emulated at 2 but shot at 1 (headless Chromium, which draws no scrollbar).
    expect(shotScale(1280, { viewW: 1280, clientW: 1280, dpr: 2 })).toBe(1);
    // At 1, no scrollbar: both widths agree.
    expect(shotScale(1280, { viewW: 1280, clientW: 1280, dpr: 1 })).toBe(1);
  });
});
