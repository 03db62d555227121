// Record a driving performance with the webcam: up to 20 s of video (sound optional), stored as a
// WebM driver. Chrome cannot show a permission prompt inside the side panel, so when the camera is
// refused there, a tab of the same page (same extension origin) is offered for recording: the
// permission given there then holds for the side panel too.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ERROR_SENTENCES } from '@/lib/messages/errors';
import { MAX_DURATION_S } from '@/lib/motion/curves';
import { DRIVER_REQUEST_KEY, newDriverId, putDriver, type DriverRecord, type DriverRequest } from '@/lib/store/drivers';

export const MAX_RECORD_S = MAX_DURATION_S;

export interface WebcamRecorderProps {
  onRecorded: (d: DriverRecord) => void;
  onCancel?: () => void;
}

type Phase = 'idle' | 'starting' | 'ready' | 'recording' | 'saving';

function recorderType(withAudio: boolean): string {
  const prefs = withAudio ? ['video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus', 'video/webm'] : ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'];
  return prefs.find((t) => typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported(t)) ?? 'video/webm';
}

const fmt = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

/** Whether this page is the side panel (not a tab showing the same page). */
async function inTab(): Promise<boolean> {
  try {
    return !!(await chrome.tabs.getCurrent());
  } catch {
    return false;
  }
}

export function WebcamRecorder(props: WebcamRecorderProps) {
  const [phase, setPhase] = useState<Phase>('idle');
  const [withAudio, setWithAudio] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [offerTab, setOfferTab] = useState(false);
  const [elapsed, setElapsed] = useState(0);
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const recorder = useRef<MediaRecorder | null>(null);
  const timer = useRef<number | null>(null);

  const stopStream = () => {
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = null;
    if (timer.current !== null) clearInterval(timer.current);
    timer.current = null;
  };
  useEffect(() => () => {
    if (recorder.current && recorder.current.state !== 'inactive') recorder.current.stop();
    stopStream();
  }, []);

  const start = async () => {
    setError(null);
    setOfferTab(false);
    setPhase('starting');
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } }, audio: withAudio });
      stream.current = s;
      if (video.current) {
        video.current.srcObject = s;
        await video.current.play().catch(() => undefined);
      }
      setPhase('ready');
    } catch (e) {
      const name = e instanceof DOMException ? e.name : '';
      setError(`${ERROR_SENTENCES['camera-denied']}${name ? ` (${name})` : ''}`);
      setOfferTab(name === 'NotAllowedError' && !(await inTab()));
      setPhase('idle');
    }
  };

  const record = () => {
    const s = stream.current;
    if (!s) return;
    const type = recorderType(s.getAudioTracks().length > 0);
    const r = new MediaRecorder(s, { mimeType: type, videoBitsPerSecond: 2_500_000 });
    const chunks: Blob[] = [];
    r.ondataavailable = (e) => e.data.size && chunks.push(e.data);
    const t0 = performance.now();
    r.onstop = async () => {
      setPhase('saving');
      const seconds = (performance.now() - t0) / 1000;
      stopStream();
      try {
        const blob = new Blob(chunks, { type: type.split(';')[0] });
        const when = new Date();
        const rec: DriverRecord = {
          id: newDriverId(),
          createdAt: when.getTime(),
          title: `Webcam recording, ${when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })} (${seconds.toFixed(1)} s)`,
          kind: 'webcam',
          type: blob.type || 'video/webm',
          video: blob,
        };
        await putDriver(rec);
        // A recording made in a tab reaches the side panel through session storage.
        await chrome.storage.session.set({ [DRIVER_REQUEST_KEY]: { at: Date.now(), driverId: rec.id } satisfies DriverRequest }).catch(() => undefined);
        props.onRecorded(rec);
        setPhase('idle');
      } catch (e) {
        setError(`The recording could not be saved (${e instanceof Error ? e.message : String(e)}).`);
        setPhase('idle');
      }
    };
    recorder.current = r;
    r.start(500);
    setElapsed(0);
    setPhase('recording');
    timer.current = window.setInterval(() => {
      const s = (performance.now() - t0) / 1000;
      setElapsed(s);
      if (s >= MAX_RECORD_S && r.state === 'recording') r.stop();
    }, 200);
  };

  const stop = () => {
    if (recorder.current?.state === 'recording') recorder.current.stop();
  };
  const cancel = () => {
    if (recorder.current && recorder.current.state !== 'inactive') {
      recorder.current.onstop = null;
      recorder.current.stop();
    }
    stopStream();
    setPhase('idle');
    props.onCancel?.();
  };

  const live = phase === 'ready' || phase === 'recording';
  return (
    <div class="webcam" data-testid="webcam" data-phase={phase}>
      <video ref={video} muted playsInline class="webcam-preview" style={{ display: live ? 'block' : 'none' }} aria-label="Camera preview" />
      {phase === 'idle' && (
        <div class="webcam-row">
          <label class="help" style={{ display: 'flex', gap: '4px', alignItems: 'center' }}>
            <input type="checkbox" checked={withAudio} onChange={(e) => setWithAudio((e.currentTarget as HTMLInputElement).checked)} data-testid="webcam-audio" />
            Record sound too (it goes into the clip)
          </label>
          <button type="button" class="button" onClick={start} data-testid="webcam-start">
            Turn on the camera
          </button>
        </div>
      )}
      {phase === 'starting' && <p class="help">Asking for the camera…</p>}
      {phase === 'ready' && (
        <div class="webcam-row">
          <button type="button" class="button webcam-record" onClick={record} data-testid="webcam-record">
            ● Record (up to {MAX_RECORD_S} s)
          </button>
          <button type="button" class="button" onClick={cancel}>
            Cancel
          </button>
        </div>
      )}
      {phase === 'recording' && (
        <div class="webcam-row">
          <span class="webcam-rec" role="timer" data-testid="webcam-elapsed">
            ● REC {fmt(elapsed)} / {fmt(MAX_RECORD_S)}
          </span>
          <progress max={MAX_RECORD_S} value={Math.min(elapsed, MAX_RECORD_S)} />
          <button type="button" class="button" onClick={stop} data-testid="webcam-stop">
            ■ Stop
          </button>
        </div>
      )}
      {phase === 'saving' && <p class="help">Saving the recording…</p>}
      {phase === 'idle' && <p class="help">Face the camera, rest a moment, then move: the first calm second is the neutral face.</p>}
      {error && (
        <div class="error" role="alert" data-testid="webcam-error">
          {error}
          {offerTab && (
            <p style={{ margin: '6px 0 0', fontWeight: 400 }}>
              Chrome cannot ask for the camera inside the side panel.{' '}
              <button type="button" class="button" onClick={() => void chrome.tabs.create({ url: chrome.runtime.getURL('/sidepanel.html#tab=studio&webcam=1') })}>
                Record in a tab
              </button>
            </p>
          )}
        </div>
      )}
    </div>
  );
}
