// File names for exported clips: "<artwork title> - <motion name> - <YYYY-MM-DD>.mp4", safe on
// Windows, macOS and Linux and accepted by chrome.downloads (no path separators, no "..", no
// leading dot, no reserved device names, no control or bidi-override characters).
import { motionName, type MotionSettings } from '../motion/catalog';

/** Characters no common file system accepts in a name, plus controls and invisible direction marks. */
const FORBIDDEN = /[<>:"/\\|?*\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
const MAX_TITLE = 80;

/** One path segment safe for file systems; `fallback` when nothing usable is left. */
export function sanitizeFilePart(s: string, fallback: string, max = MAX_TITLE): string {
  let out = s
    .normalize('NFC')
    .replace(FORBIDDEN, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    // No leading dots (hidden files, "..") nor trailing dots or spaces (Windows strips them).
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (out.length > max) {
    // Cut on code points, never in the middle of a surrogate pair, then tidy the end again.
    out = Array.from(out).slice(0, max).join('').replace(/[.\s-]+$/, '');
  }
  if (!out || RESERVED.test(out)) return out ? `${out}_` : fallback;
  return out;
}

/** YYYY-MM-DD in local time. */
export function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function clipFilename(title: string, motionName: string, createdAt: Date | number, ext = 'mp4'): string {
  const d = typeof createdAt === 'number' ? new Date(createdAt) : createdAt;
  const t = sanitizeFilePart(title, 'Portrait');
  const m = sanitizeFilePart(motionName, 'Motion', 40);
  return `${t} - ${m} - ${isoDay(d)}.${ext}`;
}

/** The file name of a stored clip or of one of its exports: the same stem, the format's extension. */
export function fileNameFor(clip: { title: string; motion: Pick<MotionSettings, 'preset' | 'driver'>; createdAt: number }, ext = 'mp4'): string {
  return clipFilename(clip.title, motionName(clip.motion), clip.createdAt, ext);
}
