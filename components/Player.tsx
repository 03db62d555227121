// Plays a stored clip in place over the original image (inside the in-page iframe), looping.
// It asks the background for the bytes: an extension frame inside a web page is a third-party
// context, where IndexedDB is blocked.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ERROR_SENTENCES } from '@/lib/messages/errors';
import { clipPayload, msg } from '@/lib/messages/protocol';
import type { Corner } from '@/lib/watermark/label';

async function fetchClip(clipId: string) {
  const raw: unknown = await chrome.runtime.sendMessage(msg({ to: 'background', type: 'get-clip', clipId }));
  const p = clipPayload(raw, 'clip');
  if (!p.ok || !p.mp4Base64) return null;
  const bin = atob(p.mp4Base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return { mp4: new Blob([bytes], { type: 'video/mp4' }), renderer: p.renderer, labelCorner: p.labelCorner };
}

export function Player(props: { clipId: string; tabId: number; nonce: string }) {
  const video = useRef<HTMLVideoElement>(null);
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [paused, setPaused] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [labelCorner, setLabelCorner] = useState<Corner | undefined>(undefined);

  useEffect(() => {
    let url: string | null = null;
    fetchClip(props.clipId).then(
      (clip) => {
        if (!clip) return setError('This clip is no longer in your Sfumato gallery.');
        url = URL.createObjectURL(clip.mp4);
        setSrc(url);
        setLabelCorner(clip.labelCorner);
        if (clip.renderer === 'cpu') setNotice(ERROR_SENTENCES['gpu-unavailable']);
      },
      (e: unknown) => {
        console.error('Sfumato player: reading the clip failed', e);
        setError('The clip could not be read from storage.');
      },
    );
    return () => url && URL.revokeObjectURL(url);
  }, [props.clipId]);

  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(null), 6000);
    return () => clearTimeout(t);
  }, [notice]);

  const toggle = () => {
    const v = video.current;
    if (!v) return;
    if (v.paused) void v.play();
    else v.pause();
  };
  const close = () => window.parent.postMessage({ sfumato: 'close', nonce: props.nonce }, '*');
  const openPanel = async () => {
    await chrome.storage.session.set({ lastClipId: props.clipId });
    if (Number.isInteger(props.tabId)) await chrome.sidePanel.open({ tabId: props.tabId }).catch(() => undefined);
  };

  if (error) return <div class="error" role="alert">{error}</div>;
  // The controls and notices sit on the edge the burnt-in "AI-generated" label is not on, so that
  // nothing of ours ever hides it (a group portrait's label goes to the top, away from the faces).
  const edge = labelCorner?.startsWith('top') ? 'at-bottom' : 'at-top';
  return (
    <>
      {src && (
        <video
          ref={video}
          src={src}
          autoplay
          loop
          muted
          playsInline
          onPlay={() => setPaused(false)}
          onPause={() => setPaused(true)}
          aria-label="Animated portrait, AI-generated"
        />
      )}
      {notice && <div class={`notice ${edge}`} role="status">{notice}</div>}
      <div class={`controls ${edge}`} data-edge={edge}>
        <button type="button" class="play" onClick={toggle} aria-label={paused ? 'Play' : 'Pause'} title={paused ? 'Play' : 'Pause'}>
          {paused ? '▶' : '❚❚'}
        </button>
        <button type="button" class="open" onClick={() => void openPanel()} title="Open in Sfumato">
          Open in Sfumato
        </button>
        <button type="button" class="close" onClick={close} aria-label="Close" title="Close and restore the image">
          ✕
        </button>
      </div>
    </>
  );
}
