// Choose a driving video for the Studio: a video file, a webcam recording, or a page video
// right-clicked with "Use as motion for Sfumato" (which arrives through session storage). The
// chosen video is stored in IndexedDB ('drivers'); only its id is sent on.
import { useEffect, useState } from 'preact/hooks';
import { ERROR_SENTENCES } from '@/lib/messages/errors';
import { deleteDriver, MAX_DRIVER_BYTES, newDriverId, putDriver, type DriverRecord } from '@/lib/store/drivers';
import { WebcamRecorder } from './WebcamRecorder';

const KIND_WORDS: Record<DriverRecord['kind'], string> = { file: 'Video file', webcam: 'Webcam recording', page: 'Video from a page' };
const VIDEO_NAME = /\.(mp4|m4v|mov|webm|mkv)$/i;

/** Duration (s) of a video the browser can play; rejects when it cannot read it. NaN when unknown (live WebM). */
export function videoDuration(blob: Blob): Promise<number> {
  return new Promise((resolve, reject) => {
    const v = document.createElement('video');
    const url = URL.createObjectURL(blob);
    const done = (f: () => void) => {
      clearTimeout(timer);
      URL.revokeObjectURL(url);
      v.removeAttribute('src');
      f();
    };
    const timer = setTimeout(() => done(() => reject(new Error('timed out'))), 15_000);
    v.muted = true;
    v.preload = 'metadata';
    v.onloadedmetadata = () => done(() => resolve(Number.isFinite(v.duration) ? v.duration : NaN));
    v.onerror = () => done(() => reject(new Error(v.error?.message || 'cannot decode')));
    v.src = url;
  });
}

export interface DriverPickerProps {
  driver: DriverRecord | null;
  onChange: (d: DriverRecord | null) => void;
  /** Open the webcam recorder at once (the recording tab: #webcam=1). */
  startWithWebcam?: boolean;
  /** A sentence from outside (a page video that could not be used). */
  error?: string | null;
  /** Changes when a driver arrives from elsewhere (a page video, a recording made in the tab). */
  arrivedAt?: number;
}

export function DriverPicker(props: DriverPickerProps) {
  const { driver } = props;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [webcam, setWebcam] = useState(!!props.startWithWebcam);
  const [preview, setPreview] = useState('');
  const [duration, setDuration] = useState<number | null>(null);

  // A driver from elsewhere replaces a recorder left open here (the camera refused in the side
  // panel, then the recording made in a tab).
  useEffect(() => {
    if (props.arrivedAt) setWebcam(false);
  }, [props.arrivedAt]);

  useEffect(() => {
    if (!driver) return;
    const u = URL.createObjectURL(driver.video);
    setPreview(u);
    setDuration(null);
    void videoDuration(driver.video).then(setDuration, () => setDuration(NaN));
    return () => URL.revokeObjectURL(u);
  }, [driver?.id]);

  const chooseFile = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    if (!(file.type.startsWith('video/') || VIDEO_NAME.test(file.name))) {
      setError(ERROR_SENTENCES['driver-unreadable']);
      return;
    }
    if (file.size > MAX_DRIVER_BYTES) {
      setError(`This video is too large (over ${Math.round(MAX_DRIVER_BYTES / 2 ** 20)} MB). Only the first 20 s are used: trim it and try again.`);
      return;
    }
    setBusy(true);
    try {
      try {
        await videoDuration(file);
      } catch {
        setError(ERROR_SENTENCES['driver-unreadable']);
        return;
      }
      const type = file.type || (/\.webm$/i.test(file.name) ? 'video/webm' : /\.mov$/i.test(file.name) ? 'video/quicktime' : 'video/mp4');
      const rec: DriverRecord = { id: newDriverId(), createdAt: Date.now(), title: file.name.slice(0, 200), kind: 'file', type, video: file };
      await putDriver(rec);
      props.onChange(rec);
    } catch (e) {
      setError(`The video could not be kept (${e instanceof Error ? e.message : String(e)}).`);
    } finally {
      setBusy(false);
    }
  };

  const shown = error ?? props.error ?? null;
  return (
    <div class="driver" data-testid="driver-picker">
      {driver && !webcam && (
        <div class="driver-chosen" data-testid="driver-chosen" data-driver-id={driver.id}>
          {preview && <video src={preview} muted loop autoplay playsInline class="driver-thumb" aria-label={`Driving video: ${driver.title}`} />}
          <div>
            <strong class="driver-title">{driver.title}</strong>
            <div class="help">
              {KIND_WORDS[driver.kind]}
              {duration !== null && Number.isFinite(duration) ? ` · ${duration.toFixed(1)} s${duration > 20 ? ' (the first 20 s are used)' : ''}` : ''}
            </div>
            <div class="help">Its head movement, expressions, gaze and blinks drive the portrait; its sound, if any, goes into the clip.</div>
            <button
              type="button"
              class="link-button"
              title="Delete this video from Sfumato's storage (clips already made with it are kept)"
              onClick={() => void deleteDriver(driver.id).then(() => props.onChange(null), (e: Error) => setError(`The video could not be removed (${e.message}).`))}
              data-testid="driver-remove"
            >
              Remove this video
            </button>
          </div>
        </div>
      )}
      {webcam ? (
        <WebcamRecorder
          onRecorded={(d) => {
            setWebcam(false);
            props.onChange(d);
          }}
          onCancel={() => setWebcam(false)}
        />
      ) : (
        <div class="driver-actions">
          <label class="button" aria-disabled={busy}>
            {driver ? 'Another video file…' : 'Choose a video file…'}
            <input
              type="file"
              accept="video/mp4,video/webm,video/quicktime,.mp4,.m4v,.mov,.webm"
              class="inspect-hidden"
              data-testid="driver-file"
              disabled={busy}
              onChange={(e) => {
                const input = e.currentTarget as HTMLInputElement;
                void chooseFile(input.files?.[0]).finally(() => (input.value = ''));
              }}
            />
          </label>
          <button type="button" class="button" onClick={() => setWebcam(true)} data-testid="driver-webcam">
            Record with the webcam…
          </button>
        </div>
      )}
      {busy && <p class="help">Reading the video…</p>}
      {!driver && !webcam && <p class="help">Or right-click a video on any page and choose “Use as motion for Sfumato”.</p>}
      {shown && (
        <div class="error" role="alert" data-testid="driver-error">
          {shown}
        </div>
      )}
    </div>
  );
}
