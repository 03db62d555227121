// The Gallery: every clip kept, newest first, with rename, download, "Animate again" and delete
// with Undo. Downloads hand out exactly the stored, signed MP4 (ARCHITECTURE invariant 1).
import { useEffect, useRef, useState } from 'preact/hooks';
import { motionName } from '@/lib/motion/catalog';
import { clipsBytes, putClip, deleteClip, renameClip, type ClipRecord } from '@/lib/store/clips';
import { fileNameFor } from '@/lib/store/filenames';
import { exportsBytes } from '@/lib/store/exports';
import { downloadBlob, fillClipDrag } from './Export';

const UNDO_MS = 8000;

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const fmtBytes = (n: number) =>
  n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} kB` : `${n} B`;


/**
 * Download a clip's stored MP4, the signed original, under a meaningful name. Refuses a record
 * that is not marked signed (stored clips always are): there is no unsigned export path.
 */
export async function downloadClip(clip: ClipRecord): Promise<number> {
  if (!clip.signed) throw new Error('This clip is not signed, so it cannot be exported.');
  return downloadBlob(clip.mp4, fileNameFor(clip));
}

/**
 * The clip waiting for Undo. Kept outside the component so that it survives re-renders and
 * switching tabs while the panel stays open.
 */
let pendingUndo: { clip: ClipRecord; until: number } | null = null;

export function Gallery(props: {
  clips: ClipRecord[];
  /** Reload the list from the store. */
  onChanged: () => Promise<void> | void;
  onOpen: (clip: ClipRecord) => void;
  onAnimateAgain: (clip: ClipRecord) => void;
  busy?: boolean;
}) {
  const { clips } = props;
  const [undo, setUndo] = useState(pendingUndo);
  const [error, setError] = useState<string | null>(null);
  const [quota, setQuota] = useState<{ usage?: number; quota?: number } | null>(null);
  const [exportsUsed, setExportsUsed] = useState(0);
  const used = clipsBytes(clips);

  useEffect(() => {
    void navigator.storage?.estimate?.().then(setQuota, () => setQuota(null));
    void exportsBytes().then(setExportsUsed, () => setExportsUsed(0));
  }, [clips.length, used]);

  // Forget the deleted clip once its Undo has run out.
  useEffect(() => {
    if (!undo) return;
    const t = setTimeout(() => {
      if (pendingUndo === undo) pendingUndo = null;
      setUndo(null);
    }, Math.max(0, undo.until - Date.now()));
    return () => clearTimeout(t);
  }, [undo]);

  const remove = async (clip: ClipRecord) => {
    setError(null);
    try {
      await deleteClip(clip.id);
      pendingUndo = { clip, until: Date.now() + UNDO_MS };
      setUndo(pendingUndo);
      await props.onChanged();
    } catch (e) {
      setError(`Could not delete “${clip.title}”: ${(e as Error).message}`);
    }
  };
  const restore = async () => {
    const p = pendingUndo ?? undo;
    if (!p) return;
    try {
      await putClip(p.clip);
      pendingUndo = null;
      setUndo(null);
      await props.onChanged();
    } catch (e) {
      setError(`Could not restore “${p.clip.title}”: ${(e as Error).message}`);
    }
  };
  const rename = async (clip: ClipRecord, title: string) => {
    setError(null);
    try {
      await renameClip(clip.id, title);
      await props.onChanged();
    } catch (e) {
      setError(`Could not rename: ${(e as Error).message}`);
    }
  };
  const download = async (clip: ClipRecord) => {
    setError(null);
    try {
      await downloadClip(clip);
    } catch (e) {
      setError(`Could not download “${clip.title}”: ${(e as Error).message}`);
    }
  };

  const free = quota?.quota != null && quota.usage != null ? quota.quota - quota.usage : null;
  return (
    <section class="gallery gallery-view" aria-label="Gallery">
      <p class="gallery-usage" data-testid="gallery-usage">
        {fmtBytes(used + exportsUsed)} used by {clips.length} {clips.length === 1 ? 'clip' : 'clips'}
        {exportsUsed > 0 && <> (exports {fmtBytes(exportsUsed)})</>}
        {free != null && free >= 0 && <> · {fmtBytes(free)} available</>}
      </p>
      {undo && (
        <div class="gallery-undo" role="status">
          Deleted “{undo.clip.title}”.{' '}
          <button type="button" onClick={() => void restore()}>
            Undo
          </button>
        </div>
      )}
      {error && (
        <div class="error" role="alert">
          {error}
        </div>
      )}
      {clips.length === 0 ? (
        <p class="empty">No clips yet. Right-click a portrait on any page and choose “Animate this portrait”.</p>
      ) : (
        <ul class="gallery-list">
          {clips.map((c) => (
            <GalleryItem
              key={c.id}
              clip={c}
              busy={props.busy}
              onOpen={() => props.onOpen(c)}
              onRename={(t) => rename(c, t)}
              onDownload={() => download(c)}
              onAnimateAgain={() => props.onAnimateAgain(c)}
              onDelete={() => remove(c)}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function GalleryItem(props: {
  clip: ClipRecord;
  busy?: boolean;
  onOpen: () => void;
  onRename: (title: string) => Promise<void>;
  onDownload: () => void;
  onAnimateAgain: () => void;
  onDelete: () => void;
}) {
  const { clip } = props;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(clip.title);
  const input = useRef<HTMLInputElement>(null);
  // Enter commits and the input's blur follows: save once.
  const open = useRef(false);
  useEffect(() => {
    if (editing) {
      input.current?.focus();
      input.current?.select();
    }
  }, [editing]);
  const start = () => {
    setDraft(clip.title);
    open.current = true;
    setEditing(true);
  };
  const cancel = () => {
    open.current = false;
    setEditing(false);
  };
  const commit = async () => {
    if (!open.current) return;
    open.current = false;
    setEditing(false);
    const t = draft.trim();
    if (t && t !== clip.title) await props.onRename(t);
  };
  const made = new Date(clip.createdAt);
  return (
    <li class="gallery-item" data-clip-id={clip.id}>
      <button
        type="button"
        class="gallery-open"
        onClick={props.onOpen}
        title={`Open “${clip.title}” in Studio, or drag the signed clip into another application`}
        draggable={clip.signed}
        onDragStart={(e) => {
          if (!clip.signed || !e.dataTransfer) return;
          // The blob URL must outlive the drop (Chrome reads DownloadURL after the drag ends).
          const url = URL.createObjectURL(clip.mp4);
          setTimeout(() => URL.revokeObjectURL(url), 5 * 60_000);
          fillClipDrag(e.dataTransfer, clip, url);
        }}
      >
        <Poster blob={clip.poster} alt={`${clip.title} (AI-generated clip)`} />
      </button>
      <div class="gallery-body">
        {editing ? (
          <input
            ref={input}
            class="gallery-title-input"
            aria-label="Clip title"
            value={draft}
            maxLength={200}
            onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void commit();
              if (e.key === 'Escape') cancel();
            }}
            onBlur={() => void commit()}
          />
        ) : (
          <button type="button" class="gallery-title" onClick={props.onOpen} title={clip.title}>
            {clip.title}
          </button>
        )}
        <p class="gallery-meta">
          {capitalize(motionName(clip.motion))} · {clip.durationS.toFixed(1)} s ·{' '}
          <time dateTime={made.toISOString()}>{made.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })}</time>
        </p>
        <div class="gallery-actions">
          <button type="button" onClick={start} disabled={editing}>
            Rename
          </button>
          <button type="button" onClick={props.onDownload} title={`Download ${fileNameFor(clip)} (signed with content credentials)`}>
            Download
          </button>
          <button type="button" onClick={props.onAnimateAgain} disabled={props.busy} title="Animate the same portrait again with the same motion">
            Animate again
          </button>
          <button type="button" class="gallery-delete" onClick={props.onDelete}>
            Delete
          </button>
        </div>
      </div>
    </li>
  );
}

export function Poster(props: { blob: Blob; alt: string }) {
  const [url, setUrl] = useState<string>('');
  useEffect(() => {
    const u = URL.createObjectURL(props.blob);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [props.blob]);
  return url ? <img src={url} alt={props.alt} /> : null;
}
