// The Inspect tab: does this picture, video or sound carry content credentials (C2PA), or
// Sfumato's invisible watermark? Files come from a drop, the file chooser, or a right-click on a
// page ("Check content credentials": the background writes chrome.storage.session.inspectRequest).
import '@/lib/provenance/wasm-asset';
import { useEffect, useRef, useState } from 'preact/hooks';
import { emptyReport, readCredentials, type CredentialsReport } from '@/lib/provenance/read';
import { fetchMedium, FetchFailure } from '@/lib/inspect/fetch';
import { formatBytes, sniffMedia, type MediaKind } from '@/lib/inspect/sniff';
import { trustAnchorsPem } from '@/lib/inspect/trust';
import { verdictFor, watermarkLine, type Verdict } from '@/lib/inspect/verdict';
import { checkWatermark, type WatermarkCheck } from '@/lib/inspect/watermark';
import { InspectDetails } from './InspectDetails';
import { InspectTrust } from './InspectTrust';

const INSPECT_REQUEST_KEY = 'inspectRequest';

interface InspectRequest {
  srcUrl: string;
  pageUrl: string;
  mediaType: string;
  at: number;
}

type Phase = 'fetching' | 'reading' | 'watermark' | 'done';

interface Item {
  key: number;
  name: string;
  origin: 'file' | 'page';
  srcUrl?: string;
  blob: Blob | null;
  mime: string | null;
  kind: MediaKind;
  phase: Phase;
  received: number;
  total: number | null;
  startedAt: number;
  ms: number | null;
  /** How long the credentials read alone took. */
  readMs: number | null;
  report: CredentialsReport | null;
  verdict: Verdict | null;
  watermark: WatermarkCheck | null;
  fetchError: string | null;
  allowRemote: boolean;
}

/**
 * Files larger than this are checked for credentials only: the watermark check decodes frames,
 * and Sfumato's own clips (5-30 s at up to 1024 px) are far smaller.
 */
const WATERMARK_MAX_BYTES = 64 * 1024 * 1024;
let lastHandledRequest = 0;
let itemKeys = 1;

function nameFromUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.protocol === 'data:') return 'embedded image';
    return decodeURIComponent(u.pathname.split('/').filter(Boolean).pop() ?? u.host) || u.host;
  } catch {
    return url.slice(0, 60);
  }
}

export function Inspect() {
  const [items, setItems] = useState<Item[]>([]);
  const [dragging, setDragging] = useState(false);
  const generation = useRef(0);
  const itemsRef = useRef<Item[]>([]);
  itemsRef.current = items;

  const update = (key: number, patch: Partial<Item>) => setItems((list) => list.map((it) => (it.key === key ? { ...it, ...patch } : it)));

  /** Check one item whose blob is known; returns when its verdict is shown. */
  const check = async (item: Item, gen: number, anchors: string | undefined) => {
    if (gen !== generation.current || !item.blob) return;
    const blob = item.blob;
    const t0 = performance.now();
    let head: Uint8Array;
    try {
      head = new Uint8Array(await blob.slice(0, 64).arrayBuffer());
    } catch {
      head = new Uint8Array();
    }
    const sniffed = sniffMedia(head, blob.type || item.name);
    update(item.key, { phase: 'reading', mime: sniffed.mime, kind: sniffed.kind, startedAt: Date.now() });
    let report: CredentialsReport;
    if (!sniffed.mime) {
      report = unsupportedReport(blob.size === 0 ? 'This file is empty.' : 'This kind of file cannot carry content credentials that Sfumato can read.');
    } else {
      report = await readCredentials(blob, sniffed.mime, { trustAnchorsPem: anchors, thumbnails: true, allowRemoteManifest: item.allowRemote });
    }
    if (gen !== generation.current) return;
    update(item.key, { report, verdict: verdictFor(report), phase: 'watermark', readMs: Math.round(performance.now() - t0) });
    const wm =
      blob.size <= WATERMARK_MAX_BYTES
        ? await checkWatermark(blob, sniffed.kind)
        : { found: false, payloadHex: null, clip: null, skipped: 'This file is too large to look for Sfumato’s watermark.' };
    if (gen !== generation.current) return;
    update(item.key, { watermark: wm, phase: 'done', ms: Math.round(performance.now() - t0) });
  };

  const runAll = async (list: Item[], gen: number) => {
    const anchors = await trustAnchorsPem().catch(() => undefined);
    for (const it of list) {
      if (gen !== generation.current) return;
      try {
        await check(it, gen, anchors);
      } catch (e) {
        // Nothing above should throw; if something does, the item still ends with a sentence.
        const report = unsupportedReport(`The file could not be checked (${e instanceof Error ? e.message : String(e)}).`);
        update(it.key, { report, verdict: verdictFor(report), phase: 'done', ms: 0 });
      }
    }
  };

  const startFiles = (files: File[]) => {
    if (files.length === 0) return;
    const gen = ++generation.current;
    const list: Item[] = files.map((f) => newItem({ name: f.name || 'file', origin: 'file', blob: f }));
    setItems(list);
    void runAll(list, gen);
  };

  const startRequest = async (req: InspectRequest) => {
    const gen = ++generation.current;
    const item = newItem({ name: nameFromUrl(req.srcUrl), origin: 'page', srcUrl: req.srcUrl, blob: null, phase: 'fetching' });
    setItems([item]);
    try {
      const blob = await fetchMedium(req.srcUrl, (received, total) => {
        if (gen === generation.current) update(item.key, { received, total });
      });
      if (gen !== generation.current) return;
      const ready = { ...item, blob };
      update(item.key, { blob });
      await runAll([ready], gen);
    } catch (e) {
      if (gen !== generation.current) return;
      const message = e instanceof FetchFailure ? e.message : `The file could not be downloaded (${e instanceof Error ? e.message : String(e)}).`;
      update(item.key, { phase: 'done', fetchError: message, ms: 0 });
    }
  };

  /** Re-check everything shown (after the trusted signers changed, or remote fetching was allowed). */
  const recheck = (patch?: (it: Item) => Partial<Item>) => {
    const gen = ++generation.current;
    const list = itemsRef.current
      .filter((it) => it.blob)
      .map((it) => ({ ...it, ...(patch?.(it) ?? {}), phase: 'reading' as Phase, report: null, verdict: null, watermark: null, ms: null }));
    setItems(list);
    void runAll(list, gen);
  };

  useEffect(() => {
    const handle = (req: InspectRequest | undefined) => {
      if (!req?.srcUrl || !req.at || req.at <= lastHandledRequest) return;
      if (Date.now() - req.at > 5 * 60_000) return;
      lastHandledRequest = req.at;
      void startRequest(req);
    };
    void chrome.storage.session.get(INSPECT_REQUEST_KEY).then((v) => handle(v[INSPECT_REQUEST_KEY] as InspectRequest | undefined));
    const onChanged = (changes: Record<string, chrome.storage.StorageChange>) => {
      const c = changes[INSPECT_REQUEST_KEY];
      if (c?.newValue) handle(c.newValue as InspectRequest);
    };
    chrome.storage.session.onChanged.addListener(onChanged);
    return () => chrome.storage.session.onChanged.removeListener(onChanged);
  }, []);

  const onDrop = (ev: DragEvent) => {
    ev.preventDefault();
    setDragging(false);
    startFiles([...(ev.dataTransfer?.files ?? [])]);
  };

  const allowRemote = async (it: Item) => {
    const url = it.report?.remoteManifestUrl;
    if (url) {
      try {
        const origin = `${new URL(url).origin}/*`;
        const ok = await chrome.permissions.request({ origins: [origin] });
        if (!ok) return;
      } catch {
        /* not grantable: try anyway, the server may allow it */
      }
    }
    recheck((x) => (x.key === it.key ? { allowRemote: true } : {}));
  };

  const single = items.length === 1;
  return (
    <section class="inspect" data-testid="inspect">
      <div
        class={`inspect-drop ${dragging ? 'inspect-dragging' : ''}`}
        data-testid="inspect-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>
          Drop a picture, video or sound here to see whether it carries <strong>content credentials</strong> or Sfumato’s watermark. Or
          right-click one on a page and choose “Check content credentials”.
        </p>
        <label class="button">
          Choose files…
          <input
            type="file"
            multiple
            accept="image/*,video/*,audio/*"
            class="inspect-hidden"
            data-testid="inspect-file"
            onChange={(e) => {
              const input = e.currentTarget as HTMLInputElement;
              const files = [...(input.files ?? [])];
              input.value = '';
              startFiles(files);
            }}
          />
        </label>
      </div>
      {items.length > 1 && (
        <p class="help" data-testid="inspect-count">
          {items.filter((i) => i.phase === 'done').length} of {items.length} files checked
        </p>
      )}
      {items.map((it) => (
        <ItemCard key={it.key} item={it} open={single} onAllowRemote={() => void allowRemote(it)} />
      ))}
      <InspectTrust onChange={() => recheck()} />
    </section>
  );
}

function newItem(p: Pick<Item, 'name' | 'origin' | 'blob'> & Partial<Item>): Item {
  return {
    key: itemKeys++,
    mime: null,
    kind: 'other',
    phase: 'reading',
    received: 0,
    total: null,
    startedAt: Date.now(),
    ms: null,
    readMs: null,
    report: null,
    verdict: null,
    watermark: null,
    fetchError: null,
    allowRemote: false,
    ...p,
  };
}

function unsupportedReport(message: string): CredentialsReport {
  return emptyReport('error', message, 'unsupported-format');
}

function Elapsed(props: { since: number }) {
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(t);
  }, []);
  return <>{Math.floor((Date.now() - props.since) / 1000)} s</>;
}

function ItemCard(props: { item: Item; open: boolean; onAllowRemote: () => void }) {
  const it = props.item;
  const v = it.verdict;
  const wm = watermarkLine(it.watermark);
  const tone = it.fetchError ? 'unknown' : v?.tone ?? 'pending';
  return (
    <article
      class={`inspect-card inspect-tone-${tone}`}
      data-testid="inspect-result"
      data-phase={it.phase}
      data-kind={it.fetchError ? 'fetch-error' : v?.kind ?? ''}
      data-state={it.report?.state ?? ''}
      data-ms={it.ms ?? ''}
      data-read-ms={it.readMs ?? ''}
      data-name={it.name}
      aria-busy={it.phase !== 'done'}
    >
      <div class="inspect-file">
        <span class="inspect-name">{it.name}</span>
        {it.blob && <span class="help"> · {formatBytes(it.blob.size)}</span>}
      </div>
      {it.phase === 'fetching' && (
        <div class="status" role="status" data-testid="inspect-progress">
          Downloading from the page… {formatBytes(it.received)}
          {it.total ? ` of ${formatBytes(it.total)}` : ''}
          <progress max={it.total ?? undefined} value={it.total ? it.received : undefined} />
        </div>
      )}
      {it.phase === 'reading' && (
        <div class="status" role="status" data-testid="inspect-progress">
          Checking content credentials{it.blob && it.blob.size > 20e6 ? ` in ${formatBytes(it.blob.size)}` : ''}… <Elapsed since={it.startedAt} />
          <progress />
        </div>
      )}
      {it.fetchError && (
        <p class="error" role="alert" data-testid="inspect-verdict">
          {it.fetchError}
        </p>
      )}
      {wm && (
        <div class="inspect-sfumato" data-testid="inspect-watermark">
          <strong>{wm.headline}</strong> {wm.explanation}
        </div>
      )}
      {v && (
        <>
          <p class="inspect-verdict" data-testid="inspect-verdict">
            {v.headline}
          </p>
          <p class="inspect-explain">{v.explanation}</p>
          {v.ingredientNote && (
            <p class="inspect-warn" data-testid="inspect-ingredient-note">
              ⚠ {v.ingredientNote}
            </p>
          )}
          {v.kind === 'remote' && it.report?.errorKind === 'remote-not-fetched' && (
            <p>
              <button class="button" data-testid="inspect-allow-remote" onClick={props.onAllowRemote}>
                Fetch the online credentials
              </button>
              {it.report.remoteManifestUrl && <span class="help"> from {new URL(it.report.remoteManifestUrl).host}</span>}
            </p>
          )}
        </>
      )}
      {it.phase === 'watermark' && <p class="help">Looking for Sfumato’s watermark…</p>}
      {it.report &&
        (props.open ? (
          <InspectDetails report={it.report} />
        ) : (
          <details class="inspect-more">
            <summary>Details</summary>
            <InspectDetails report={it.report} />
          </details>
        ))}
    </article>
  );
}
