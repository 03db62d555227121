// Fetch a right-clicked medium from the side panel (never with the person's cookies), streaming it
// into a Blob with progress, and explain failures in a sentence.

export const MAX_INSPECT_BYTES = 1024 * 1024 * 1024; // c2pa-web reads at most 1e9 bytes

export class FetchFailure extends Error {}

export async function fetchMedium(
  url: string,
  onProgress: (received: number, total: number | null) => void,
  signal?: AbortSignal,
): Promise<Blob> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FetchFailure('The address of this medium is not valid.');
  }
  if (parsed.protocol === 'blob:') throw new FetchFailure('This medium only exists inside its page (a blob: address), so it cannot be fetched. Save it and choose the file here instead.');
  if (!/^(https?|data):$/.test(parsed.protocol)) throw new FetchFailure(`Media at ${parsed.protocol} addresses cannot be fetched.`);
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'omit', cache: 'no-store', signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new FetchFailure(
      `The file could not be downloaded from ${parsed.host || 'that page'}: the site refused it or could not be reached. Save it and choose the file here instead.`,
    );
  }
  if (!res.ok) throw new FetchFailure(`The site answered “${res.status} ${res.statusText}”, so the file could not be checked.`);
  const lenHeader = Number(res.headers.get('content-length'));
  const total = Number.isFinite(lenHeader) && lenHeader > 0 ? lenHeader : null;
  if (total && total > MAX_INSPECT_BYTES) throw new FetchFailure('This file is larger than 1 GB, too large to check.');
  const type = res.headers.get('content-type') ?? '';
  if (!res.body) return res.blob();
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let received = 0;
  let lastReport = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    received += value.length;
    if (received > MAX_INSPECT_BYTES) {
      await reader.cancel();
      throw new FetchFailure('This file is larger than 1 GB, too large to check.');
    }
    const now = performance.now();
    if (now - lastReport > 100) {
      lastReport = now;
      onProgress(received, total);
    }
  }
  onProgress(received, total);
  return new Blob(parts as Uint8Array<ArrayBuffer>[], { type });
}
