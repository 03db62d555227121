// The side panel: Studio (the current clip, its details, face choice) and Gallery.
import { useEffect, useState } from 'preact/hooks';
import { msg, parseMessage, STAGE_LABELS, type Message } from '@/lib/messages/protocol';
import { getClip, listClips, type ClipRecord } from '@/lib/store/clips';
import { ClipDetails } from './ClipDetails';
import { Gallery } from './Gallery';
import { Inspect } from './Inspect';
import { Settings } from './Settings';

type Tab = 'studio' | 'gallery' | 'inspect' | 'settings';
const TAB_NAMES: Record<Tab, string> = { studio: 'Studio', gallery: 'Gallery', inspect: 'Inspect', settings: 'Settings' };
/** Set by the background when the person chooses "Check content credentials" on a page. */
const INSPECT_REQUEST_KEY = 'inspectRequest';

export function App() {
  const [tab, setTab] = useState<Tab>('studio');
  const [clip, setClip] = useState<ClipRecord | null>(null);
  const [clips, setClips] = useState<ClipRecord[]>([]);
  const [status, setStatus] = useState<Message<'job-status'> | null>(null);

  const showClip = async (id: string) => setClip((await getClip(id)) ?? null);
  const refresh = async () => setClips(await listClips());

  useEffect(() => {
    const hash = new URLSearchParams(location.hash.slice(1));
    const hashId = hash.get('clip');
    const hashTab = hash.get('tab');
    if (hashTab && hashTab in TAB_NAMES) setTab(hashTab as Tab);
    void chrome.storage.session.get('lastClipId').then(async (v) => {
      const id = hashId ?? (v.lastClipId as string | undefined);
      if (id) await showClip(id);
      else {
        const all = await listClips();
        if (all[0]) setClip(all[0]);
      }
    });
    void refresh();
    const onMessage = (raw: unknown) => {
      let m;
      try {
        m = parseMessage(raw, 'panel');
      } catch {
        return;
      }
      if (!m) return;
      if (m.type === 'job-status') setStatus(m.done && !m.error ? null : m);
      if (m.type === 'clip-saved') {
        void showClip(m.clipId);
        void refresh();
        setTab('studio');
      }
    };
    chrome.runtime.onMessage.addListener(onMessage);
    const onStorage = (changes: Record<string, chrome.storage.StorageChange>) => {
      const id = changes.lastClipId?.newValue as string | undefined;
      if (id) void showClip(id);
      if (changes[INSPECT_REQUEST_KEY]?.newValue) setTab('inspect');
      // A page video chosen with "Use as motion for Sfumato" is shown in the Studio.
      if (changes.driverRequest?.newValue) setTab('studio');
    };
    void chrome.storage.session.get(INSPECT_REQUEST_KEY).then((v) => {
      const req = v[INSPECT_REQUEST_KEY] as { at?: number } | undefined;
      if (req?.at && Date.now() - req.at < 60_000) setTab('inspect');
    });
    chrome.storage.session.onChanged.addListener(onStorage);
    return () => {
      chrome.runtime.onMessage.removeListener(onMessage);
      chrome.storage.session.onChanged.removeListener(onStorage);
    };
  }, []);

  const reanimate = (faceIndex?: number, motion?: ClipRecord['motion']) => {
    if (!clip) return;
    setStatus(msg({ to: 'panel', type: 'job-status', jobId: 'pending', stage: 'source', fraction: 0 }));
    void chrome.runtime.sendMessage(msg({ to: 'background', type: 'reanimate', clipId: clip.id, faceIndex: faceIndex ?? clip.faceIndex, motion, driverId: motion?.driver?.id }));
  };

  /** Gallery's "Animate again": the same source, face and motion settings; arrives as 'clip-saved'. */
  const animateAgain = (c: ClipRecord) => {
    setStatus(msg({ to: 'panel', type: 'job-status', jobId: 'pending', stage: 'source', fraction: 0 }));
    void chrome.runtime.sendMessage(msg({ to: 'background', type: 'reanimate', clipId: c.id, motion: c.motion }));
  };

  return (
    <>
      <header>
        <h1>Sfumato</h1>
        <nav role="tablist">
          {(Object.keys(TAB_NAMES) as Tab[]).map((t) => (
            <button role="tab" aria-selected={tab === t} onClick={() => setTab(t)} key={t} data-tab={t}>
              {TAB_NAMES[t]}
            </button>
          ))}
        </nav>
      </header>
      <main>
        {status && (status.error ? <div class="error" role="alert">{status.error}</div> : <div class="status" role="status">{status.stage ? STAGE_LABELS[status.stage] : 'Working…'}</div>)}
        {tab === 'studio' &&
          (clip ? (
            <ClipDetails clip={clip} onChooseFace={reanimate} onRegenerate={(m) => reanimate(undefined, m)} busy={!!status && !status.error} />
          ) : (
            <p class="empty">Right-click a portrait on any page and choose “Animate this portrait”.</p>
          ))}
        {tab === 'inspect' && <Inspect />}
        {tab === 'settings' && <Settings />}
        {tab === 'gallery' && (
          <Gallery
            clips={clips}
            onChanged={async () => {
              await refresh();
              // Keep Studio in step with a renamed, deleted or restored clip.
              if (clip) setClip((await getClip(clip.id)) ?? null);
            }}
            onOpen={(c) => {
              setClip(c);
              setTab('studio');
            }}
            onAnimateAgain={animateAgain}
            busy={!!status && !status.error}
          />
        )}
      </main>
    </>
  );
}
