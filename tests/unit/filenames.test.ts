import { describe, expect, it } from 'vitest';
import { clipFilename, fileNameFor, isoDay, sanitizeFilePart } from '@/lib/store/filenames';

const day = new Date(2026, 10, 5, 14, 30); // 5 Nov 2026, local time

describe('clipFilename', () => {
  it('names a clip by artwork, motion and day', () => {
    expect(clipFilename('Mona Lisa', 'Gentle life', day)).toBe('Mona Lisa - Gentle life - 2026-11-05.mp4');
    expect(clipFilename('Mona Lisa', 'Smile', day.getTime())).toBe('Mona Lisa - Smile - 2026-11-05.mp4');
  });

  it('pads month and day and uses local time', () => {
    expect(isoDay(new Date(2027, 0, 9, 23, 59))).toBe('2027-01-09');
    expect(isoDay(new Date(2027, 11, 31, 0, 0))).toBe('2027-12-31');
  });

  it('removes characters file systems reject, and path separators', () => {
    const n = clipFilename('Portrait: "A/B" <C>\\D | E? F*', 'Nod', day);
    expect(n).toBe('Portrait A B C D E F - Nod - 2026-11-05.mp4');
    expect(n).not.toMatch(/[<>:"/\\|?*]/);
  });

  it('never makes a relative path, a hidden file or a trailing dot', () => {
    expect(clipFilename('../../etc/passwd', 'Nod', day)).toBe('etc passwd - Nod - 2026-11-05.mp4');
    expect(clipFilename('...hidden', 'Nod', day)).toBe('hidden - Nod - 2026-11-05.mp4');
    expect(sanitizeFilePart('Self-portrait. ', 'x')).toBe('Self-portrait');
    expect(sanitizeFilePart('..', 'x')).toBe('x');
  });

  it('drops control and bidi-override characters (no spoofed extensions)', () => {
    expect(clipFilename('evil\u202Egpj.exe', 'Talk', day)).toBe('evil gpj.exe - Talk - 2026-11-05.mp4');
    expect(clipFilename('tab\there\nnewline\u0000', 'Talk', day)).toBe('tab here newline - Talk - 2026-11-05.mp4');
  });

  it('falls back when the title is empty or only junk', () => {
    expect(clipFilename('', 'Smile', day)).toBe('Portrait - Smile - 2026-11-05.mp4');
    expect(clipFilename('  ///  ', 'Smile', day)).toBe('Portrait - Smile - 2026-11-05.mp4');
    expect(clipFilename('Mona', '', day)).toBe('Mona - Motion - 2026-11-05.mp4');
  });

  it('avoids Windows reserved device names', () => {
    expect(sanitizeFilePart('CON', 'x')).toBe('CON_');
    expect(sanitizeFilePart('lpt1', 'x')).toBe('lpt1_');
    expect(sanitizeFilePart('Console', 'x')).toBe('Console');
  });

  it('keeps non-Latin titles and shortens long ones without splitting characters', () => {
    expect(clipFilename('Autoportrait à la Renaissance — 北斎', 'Smile', day)).toBe('Autoportrait à la Renaissance — 北斎 - Smile - 2026-11-05.mp4');
    const long = '😀'.repeat(200);
    const part = sanitizeFilePart(long, 'x');
    expect(Array.from(part)).toHaveLength(80);
    expect(part).toBe('😀'.repeat(80));
    const n = clipFilename('a'.repeat(500), 'Gentle life', day);
    expect(n.length).toBeLessThan(130);
    expect(n.endsWith(' - Gentle life - 2026-11-05.mp4')).toBe(true);
  });
});

describe('fileNameFor', () => {
  it('gives a clip and each of its exports the same stem, named by preset or driver', () => {
    const clip = { title: 'Mona Lisa', motion: { preset: 'smile' as const }, createdAt: day.getTime() };
    expect(fileNameFor(clip)).toBe('Mona Lisa - Smile - 2026-11-05.mp4');
    expect(fileNameFor(clip, 'gif')).toBe('Mona Lisa - Smile - 2026-11-05.gif');
    const driven = { ...clip, motion: { preset: 'gentle-life' as const, driver: { id: 'd1', title: 'me/webcam: take 2', kind: 'webcam' as const } } };
    expect(fileNameFor(driven, 'webp')).toBe('Mona Lisa - driven by me webcam take 2 - 2026-11-05.webp');
  });
});
