// "Use as motion for Sfumato" on a page video: the offscreen document downloads the video with the
// extension's own permissions (asked for at the moment of use, like images), checks that it is a
// video it can decode, and stores it as a driver; only the URL travels in messages. A video the page
// streams (blob:, MediaSource) cannot be downloaded: the content script records what it plays
// (lib/page/record.ts), and those bytes come here to be checked and stored alike.
import { probeDriver } from '../face/track';
import { bytesOf } from '../messages/base64';
import { SfumatoError, toSfumatoError } from '../messages/errors';
import type { FetchDriverResult, Message } from '../messages/protocol';
import { MAX_DRIVER_BYTES, newDriverId, putDriver } from '../store/drivers';

/** A readable title for a page video: its file name, else the page's title. */
export function driverTitleFromUrl(url: string, fallback: string): string {
  try {
    const name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    if (name && /\.\w{2,4}$/.test(name)) return name.slice(0, 200);
  } catch {
    /* not a URL */
  }
  return (fallback || 'Video from a page').slice(0, 200);
}

/** Store a recording of a page video (store-driver) as a driver, once it is known to decode. */
export async function storeRecordedDriver(m: Message<'store-driver'>): Promise<FetchDriverResult> {
  try {
    const type = /^video\/[\w.+-]+$/.test(m.mime) ? m.mime : 'video/webm';
    const blob = new Blob([bytesOf(m.base64)], { type });
    await probeDriver(blob);
    const id = newDriverId();
    await putDriver({ id, createdAt: Date.now(), title: m.title.slice(0, 200), kind: 'page', type, video: blob, pageUrl: m.pageUrl });
    return { ok: true, driverId: id };
  } catch (e) {
    const err = toSfumatoError(e);
    console.error('Sfumato: recorded page video not usable as motion', e);
    return { ok: false, code: err.code, message: err.message.slice(0, 2000) };
  }
}

export async function fetchPageDriver(m: Message<'fetch-driver'>): Promise<FetchDriverResult> {
  const { url, pageUrl, title } = m.source;
  try {
    // Streams assembled by the page (MediaSource) or page-made blobs are not reachable from here.
    if (!/^(https?|data):/i.test(url)) throw new SfumatoError('driver-not-fetchable');
    let res: Response;
    try {
      res = await fetch(url, { credentials: 'omit', cache: 'force-cache' });
    } catch (e) {
      throw new SfumatoError(m.hostPermission ? 'blocked' : 'driver-permission-denied', e instanceof Error ? e.message : undefined);
    }
    if (!res.ok) throw new SfumatoError('blocked', `HTTP ${res.status}`);
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > MAX_DRIVER_BYTES) throw new SfumatoError('too-large');
    const blob = await res.blob();
    if (blob.size > MAX_DRIVER_BYTES) throw new SfumatoError('too-large');
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim() || blob.type || 'video/mp4';
    // Refuse what is not a decodable video now, not when someone animates with it.
    await probeDriver(blob);
    const id = newDriverId();
    await putDriver({ id, createdAt: Date.now(), title: driverTitleFromUrl(url, title), kind: 'page', type, video: blob, sourceUrl: url, pageUrl });
    return { ok: true, driverId: id };
  } catch (e) {
    const err = toSfumatoError(e);
    console.error('Sfumato: page video not usable as motion', e);
    return { ok: false, code: err.code, message: err.message.slice(0, 2000) };
  }
}
