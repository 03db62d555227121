// "Export and share" in the clip view: download the signed MP4, an animated GIF or WebP, or the
// poster PNG; share with the system share sheet (only where the browser offers Web Share with
// files); drag the clip into another application; copy the poster. Every path hands out bytes
// that were signed in the offscreen document (the MP4 as stored, the others made there on request
// and read back as signed and watermarked): there is no unlabelled or unsigned path.
import { useEffect, useRef, useState } from 'preact/hooks';
import { bytesOf } from '@/lib/messages/base64';
import { exportResult, msg, type ExportResult } from '@/lib/messages/protocol';
import type { ClipRecord } from '@/lib/store/clips';
import { EXPORT_MIME, type ExportFormat } from '@/lib/store/exports';
import { fileNameFor } from '@/lib/store/filenames';
import { fmtBytes } from './Gallery';

export type AnyFormat = ExportFormat | 'mp4';

const MAKING: Record<ExportFormat, string> = {
  gif: 'Making the animated GIF…',
  webp: 'Making the animated WebP…',
  png: 'Making the poster PNG…',
};

export interface MadeExport {
  blob: Blob;
  info: ExportResult;
}

/** Ask the offscreen document (through the background) for a signed export of a stored clip. */
export async function requestExport(clipId: string, format: ExportFormat): Promise<MadeExport> {
  let raw: unknown;
  try {
    raw = await chrome.runtime.sendMessage(msg({ to: 'background', type: 'export-clip', clipId, format }));
  } catch (e) {
    throw new Error(`The export could not be made: Sfumato's background did not answer (${e instanceof Error ? e.message : String(e)}).`);
  }
  const r = exportResult(raw, 'export');
  if (!r.ok || !r.base64) throw new Error(r.message ?? 'The export could not be made. The clip itself is safe in the gallery; please try again.');
  if (r.format !== format || r.mime !== EXPORT_MIME[format]) throw new Error('The export came back in the wrong format, so it was not used.');
  return { blob: new Blob([bytesOf(r.base64)], { type: r.mime }), info: r };
}

/** Hand a blob to chrome.downloads under `filename`; the blob URL lives until the download ends. */
export async function downloadBlob(blob: Blob, filename: string): Promise<number> {
  const url = URL.createObjectURL(blob);
  try {
    const id = await chrome.downloads.download({ url, filename, saveAs: false, conflictAction: 'uniquify' });
    const done = (d: chrome.downloads.DownloadDelta) => {
      if (d.id === id && d.state && d.state.current !== 'in_progress') {
        chrome.downloads.onChanged.removeListener(done);
        URL.revokeObjectURL(url);
      }
    };
    chrome.downloads.onChanged.addListener(done);
    setTimeout(() => {
      chrome.downloads.onChanged.removeListener(done);
      URL.revokeObjectURL(url);
    }, 5 * 60_000);
    return id;
  } catch (e) {
    URL.revokeObjectURL(url);
    throw e;
  }
}

/** Web Share with files exists here (never on desktop Linux Chromium). */
export function canShareFiles(): boolean {
  const n = navigator as Navigator & { canShare?: (d: ShareData) => boolean };
  if (typeof n.share !== 'function' || typeof n.canShare !== 'function') return false;
  try {
    return n.canShare({ files: [new File([new Uint8Array(1)], 'clip.mp4', { type: 'video/mp4' })] });
  } catch {
    return false;
  }
}

/** Put the signed MP4 on a drag: as a file, as Chrome's DownloadURL, and as a URL. */
export function fillClipDrag(dt: DataTransfer, clip: ClipRecord, blobUrl: string): void {
  const name = fileNameFor(clip, 'mp4');
  dt.effectAllowed = 'copy';
  try {
    dt.items.add(new File([clip.mp4], name, { type: 'video/mp4' }));
  } catch {
    /* some drags do not take files; DownloadURL still carries the clip */
  }
  dt.setData('DownloadURL', `video/mp4:${name}:${blobUrl}`);
  dt.setData('text/uri-list', blobUrl);
  dt.setData('text/plain', name);
}

type Busy = { what: string } | null;

export function ExportPanel(props: { clip: ClipRecord }) {
  const { clip } = props;
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [dragUrl, setDragUrl] = useState('');
  const [posterUrl, setPosterUrl] = useState('');
  const made = useRef(new Map<ExportFormat, Promise<MadeExport>>());
  const share = canShareFiles();

  useEffect(() => {
    made.current = new Map();
    setError(null);
    setDone(null);
    const u = URL.createObjectURL(clip.mp4);
    const p = URL.createObjectURL(clip.poster);
    setDragUrl(u);
    setPosterUrl(p);
    return () => {
      URL.revokeObjectURL(u);
      URL.revokeObjectURL(p);
    };
  }, [clip.id]);

  /** One request per format and clip while the panel is open; a failure may be tried again. */
  const get = (format: ExportFormat) => {
    let p = made.current.get(format);
    if (!p) {
      p = requestExport(clip.id, format);
      made.current.set(format, p);
      p.catch(() => made.current.delete(format));
    }
    return p;
  };

  const run = async (what: string, fn: () => Promise<string | void>) => {
    setError(null);
    setDone(null);
    setBusy({ what });
    try {
      const note = await fn();
      if (note) setDone(note);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };

  const download = (format: AnyFormat) =>
    run(format === 'mp4' ? 'Downloading the MP4…' : MAKING[format], async () => {
      if (!clip.signed) throw new Error('This clip is not signed, so it cannot be exported.');
      const name = fileNameFor(clip, format);
      if (format === 'mp4') {
        await downloadBlob(clip.mp4, name);
        return `Downloading “${name}” (signed MP4, ${fmtBytes(clip.mp4.size)}).`;
      }
      const { blob, info } = await get(format);
      await downloadBlob(blob, name);
      return `Downloading “${name}” (${fmtBytes(blob.size)}, signed).${info.notice ? ` ${info.notice}` : ''}`;
    });

  const copyPoster = () =>
    run('Copying the poster…', async () => {
      // The ClipboardItem takes promises, so the click's user activation is kept while the signed
      // PNG is made. Chrome re-encodes 'image/png' on the system clipboard (dropping the content
      // credentials, keeping the pixels with label and watermark); the unsanitised web custom
      // format 'web image/png' carries the signed bytes as they are.
      const png = get('png').then((m) => m.blob);
      const item = new ClipboardItem({ 'image/png': png, 'web image/png': png });
      try {
        await navigator.clipboard.write([item]);
      } catch (e) {
        // Surface the export's own sentence when that was what failed.
        await png;
        throw new Error(`The poster could not be copied to the clipboard (${e instanceof Error ? e.message : String(e)}).`);
      }
      return 'Poster copied (signed PNG with the label and the invisible watermark).';
    });

  const shareClip = () =>
    run('Opening the share sheet…', async () => {
      const file = new File([clip.mp4], fileNameFor(clip, 'mp4'), { type: 'video/mp4' });
      try {
        await navigator.share({ files: [file], title: `${clip.title} (AI-generated)`, text: `${clip.title}: animated with Sfumato (AI-generated, signed with content credentials).` });
      } catch (e) {
        if (e instanceof DOMException && e.name === 'AbortError') return;
        throw new Error(`Sharing did not work (${e instanceof Error ? e.message : String(e)}).`);
      }
    });

  return (
    <section class="export" aria-label="Export and share" data-testid="export">
      <h3>Export and share</h3>
      <div class="export-row">
        <div
          class="export-drag"
          draggable
          data-testid="drag-clip"
          title={`Drag ${fileNameFor(clip, 'mp4')} into another application or an upload field`}
          onDragStart={(e) => e.dataTransfer && fillClipDrag(e.dataTransfer, clip, dragUrl)}
        >
          {posterUrl && <img src={posterUrl} alt="" draggable={false} />}
          <span>Drag the clip</span>
        </div>
        <div class="export-buttons">
          <button type="button" data-testid="export-mp4" disabled={!!busy} onClick={() => void download('mp4')} title="The signed original, as made">
            MP4 <small>video</small>
          </button>
          <button type="button" data-testid="export-gif" disabled={!!busy} onClick={() => void download('gif')} title="For chats that do not play video (signed, label and watermark kept)">
            GIF <small>animated</small>
          </button>
          <button type="button" data-testid="export-webp" disabled={!!busy} onClick={() => void download('webp')} title="Smaller than GIF, for chats that do not play video (signed, label and watermark kept)">
            WebP <small>animated</small>
          </button>
          <button type="button" data-testid="export-png" disabled={!!busy} onClick={() => void download('png')} title="The first frame as a signed PNG">
            PNG <small>poster</small>
          </button>
          <button type="button" data-testid="copy-poster" disabled={!!busy} onClick={() => void copyPoster()} title="Copy the poster (signed PNG) to the clipboard">
            Copy poster
          </button>
          {share && (
            <button type="button" data-testid="share-clip" disabled={!!busy} onClick={() => void shareClip()} title="Share the signed MP4 with the system share sheet">
              Share…
            </button>
          )}
        </div>
      </div>
      <p class="help">Every export is signed with content credentials and keeps the “AI-generated” label and the invisible watermark.</p>
      {busy && (
        <div class="status" role="status" data-testid="export-status">
          {busy.what}
        </div>
      )}
      {done && !busy && (
        <div class="export-done" role="status" data-testid="export-done">
          {done}
        </div>
      )}
      {error && (
        <div class="error" role="alert" data-testid="export-error">
          {error}
        </div>
      )}
    </section>
  );
}
