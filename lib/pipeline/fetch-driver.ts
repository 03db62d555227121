// "Use as motion for Sfumato" on a page video: the offscreen document downloads the video with the
// extension's own permissions (asked for at the moment of use, like images), checks that it is a
// video it can decode, and stores it as a driver. Only the URL travels in messages, never bytes.
import { probeDriver } from '../face/track';
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

export async function fetchPageDriver(m: Message<'fetch-driver'>): Promise<FetchDriverResult> {
  const { url, pageUrl, title } = m.source;
  try {
    // Streams assembled by the page (MediaSource) or page-made blobs are not reachable from here.
    if (!/^(https?|data):/i.test(url)) throw new SfumatoError('driver-not-fetchable');
    let res: Response;
    try {
      res = await fetch(url, { credentials: 'omit', cache: 'force-cache' });
    } catch (e) {
      throw new SfumatoError(m.hostPermission ? 'blocked' : 'permission-denied', e instanceof Error ? e.message : undefined);
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
