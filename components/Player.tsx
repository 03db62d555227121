// Plays a stored clip in place over the original image (inside the in-page iframe), looping.
// It asks the background for the bytes: an extension frame inside a web page is a third-party
// context, where IndexedDB is blocked.
import { useEffect, useRef, useState } from 'preact/hooks';
import { bytesOf } from '@/lib/messages/base64';
import { ERROR_SENTENCES } from '@/lib/messages/errors';
import { clipPayload, msg } from '@/lib/messages/protocol';
import { FULL_BOX, parseView, showsWhole, type DrawRect, type PlayerView } from '@/lib/page/fit';
import { labelText, type Corner } from '@/lib/watermark/label';

async function fetchClip(clipId: string) {
  const raw: unknown = await chrome.runtime.sendMessage(msg({ to: 'background', type: 'get-clip', clipId }));
  const p = clipPayload(raw, 'clip');
  if (!p.ok || !p.mp4Base64) return null;
  const bytes = bytesOf(p.mp4Base64);
  const box = p.labelBox?.length === 4 ? (p.labelBox as [number, number, number, number]) : undefined;
  return { mp4: new Blob([bytes], { type: 'video/mp4' }), renderer: p.renderer, labelCorner: p.labelCorner, labelBox: box };
}

export function Player(props: { clipId: string; tabId: number; nonce: string; view: PlayerView | null }) {
  const video = useRef<HTMLVideoElement>(null);
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [paused, setPaused] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  // Where the clip's burnt-in label is (older clips do not say).
  const [{ labelCorner, labelBox }, setLabel] = useState<{ labelCorner?: Corner; labelBox?: [number, number, number, number] }>({});
  // The page's layout (where the picture lies in the image's box, a round box, the part its
  // ancestors leave visible), kept up to date by the content script when the box changes shape.
  const [view, setView] = useState<PlayerView>(props.view ?? { draw: FULL_BOX, round: false, visible: FULL_BOX });
  const { draw, round, visible } = view;
  useEffect(() => {
    const onMessage = (e: MessageEvent) => {
      const d = e.data as { sfumato?: unknown; nonce?: unknown; view?: unknown } | null;
      if (e.source !== window.parent || !d || d.sfumato !== 'view' || d.nonce !== props.nonce || typeof d.view !== 'string') return;
      const v = parseView(d.view);
      if (v) setView(v);
    };
    window.addEventListener('message', onMessage);
    window.parent.postMessage({ sfumato: 'listening', nonce: props.nonce }, '*');
    return () => window.removeEventListener('message', onMessage);
  }, [props.nonce]);

  useEffect(() => {
    let url: string | null = null;
    fetchClip(props.clipId).then(
      (clip) => {
        if (!clip) return setError('This clip is no longer in your Sfumato gallery.');
        url = URL.createObjectURL(clip.mp4);
        setSrc(url);
        setLabel({ labelCorner: clip.labelCorner, labelBox: clip.labelBox });
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
  // Nothing of ours hides the burnt-in "AI-generated" label: the controls and notices sit on the
  // edge it is not on (a group portrait's label goes to the top, away from the faces), inside what
  // the page leaves visible. Where the page shows only part of the picture (a crop, a clipping
  // frame) and the label falls outside it, it is shown again in the same corner of what is visible,
  // so the clip is never seen unlabelled. A round box (a portrait cut to a circle) cuts every corner
  // away: the label then goes to the bottom's middle, the buttons to the top's.
  const inVisible: DrawRect = [(draw[0] - visible[0]) / visible[2], (draw[1] - visible[1]) / visible[3], draw[2] / visible[2], draw[3] / visible[3]];
  const labelHidden = !!src && (round || (!!labelBox && !showsWhole(inVisible, labelBox)));
  const edge = round ? 'at-top centred' : labelCorner?.startsWith('top') ? 'at-bottom' : 'at-top';
  const againAt = round ? 'bottom-centred' : (labelCorner ?? 'bottom-right');
  const pct = (v: number) => `${(v * 100).toFixed(3)}%`;
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
          style={{ left: pct(draw[0]), top: pct(draw[1]), width: pct(draw[2]), height: pct(draw[3]) }}
        />
      )}
      {/* What the page leaves visible of the box: the buttons, notices and a repeated label go in there. */}
      <div class="visible" style={{ left: pct(visible[0]), top: pct(visible[1]), width: pct(visible[2]), height: pct(visible[3]) }}>
        {labelHidden && (
          <div class={`label-again ${againAt}`} data-testid="label-again">
            <span class="mark" aria-hidden="true" />
            {labelText()}
          </div>
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
      </div>
    </>
  );
}
