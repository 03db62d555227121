// A picture the page will not let Sfumato read (a canvas or video filled from another site without
// CORS: the browser forbids reading its pixels) is taken from the screen instead: the visible tab is
// captured (the right-click's activeTab grant allows it), cropped at once to where the picture lies,
// and the rest of the shot is dropped. Nothing leaves the machine.
import { base64Of } from '../messages/base64';

/**
 * Where the picture lies in the viewport, in CSS px, the viewport's size, its width without the
 * scrollbar and the device pixel ratio (locateResult.capture).
 */
export interface CaptureRect {
  x: number;
  y: number;
  w: number;
  h: number;
  viewW: number;
  viewH: number;
  clientW: number;
  dpr: number;
}

/**
 * Device pixels a CSS px in a shot `shotWidth` wide. The shot is the viewport with or without its
 * scrollbar, at the device pixel ratio (a screen emulated at another ratio may be shot at 1): of the
 * two widths, the one whose ratio comes nearest the device's.
 */
export function shotScale(shotWidth: number, rect: Pick<CaptureRect, 'viewW' | 'clientW' | 'dpr'>): number {
  const [a, b] = [shotWidth / rect.viewW, shotWidth / rect.clientW];
  return Math.abs(Math.log(a / rect.dpr)) <= Math.abs(Math.log(b / rect.dpr)) ? a : b;
}

/** The largest data URL a message carries (protocol: jpegDataUrl), with room to spare. */
const MAX_DATA_URL = 3_900_000;

/**
 * The picture at `rect` as the tab in `windowId` shows it now, as a JPEG data URL at the screen's
 * own resolution (device pixels); null when the tab cannot be captured (no activeTab grant, a
 * browser page) or the crop is empty.
 */
export async function captureCrop(windowId: number, rect: CaptureRect): Promise<string | null> {
  const shot = await shoot(windowId);
  if (!shot) return null;
  const bitmap = await createImageBitmap(await (await fetch(shot)).blob());
  try {
    const k = shotScale(bitmap.width, rect);
    const x0 = Math.max(0, Math.round(rect.x * k));
    const y0 = Math.max(0, Math.round(rect.y * k));
    const x1 = Math.min(bitmap.width, Math.round((rect.x + rect.w) * k));
    const y1 = Math.min(bitmap.height, Math.round((rect.y + rect.h) * k));
    if (x1 - x0 < 2 || y1 - y0 < 2) return null;
    const canvas = new OffscreenCanvas(x1 - x0, y1 - y0);
    canvas.getContext('2d')!.drawImage(bitmap, x0, y0, x1 - x0, y1 - y0, 0, 0, x1 - x0, y1 - y0);
    for (const quality of [0.95, 0.85, 0.7, 0.5]) {
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
      const url = `data:image/jpeg;base64,${await base64Of(blob)}`;
      if (url.length < MAX_DATA_URL) return url;
    }
    return null;
  } finally {
    bitmap.close();
  }
}

/**
 * The visible tab as a PNG data URL (PNG: the crop is compressed once, not twice); null when it
 * cannot be captured. Chrome allows two shots a second: a second picture right-clicked at once
 * waits for its turn rather than fail.
 */
async function shoot(windowId: number): Promise<string | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await chrome.tabs.captureVisibleTab(windowId, { format: 'png' });
    } catch (e) {
      if (!/MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND/.test(String(e))) return null;
      await new Promise((r) => setTimeout(r, 600));
    }
  }
  return null;
}
