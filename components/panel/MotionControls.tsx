// Studio controls: choose where the motion comes from (a preset, or a driving video: a file, a
// webcam recording or a page video), its strength, loop length and seed, then regenerate the clip
// from the same source (the background animates it again and the new clip replaces this one).
import { useEffect, useState } from 'preact/hooks';
import { PRESETS, type MotionSettings, type PresetId } from '@/lib/motion/catalog';
import { MAX_DURATION_S, MIN_DURATION_S } from '@/lib/motion/curves';
import { DRIVER_REQUEST_KEY, driverRef, getDriver, type DriverRecord, type DriverRequest } from '@/lib/store/drivers';
import { DriverPicker } from './DriverPicker';

export interface MotionControlsProps {
  /** Settings of the clip shown: the starting values. */
  initial: MotionSettings;
  /** Called with the chosen settings when the person asks for a new clip. */
  onRegenerate: (motion: MotionSettings) => void;
  /** True while a job is running (the button is disabled). */
  busy?: boolean;
}

const SEED_MAX = 2 ** 31 - 1;
const row = { display: 'grid', gridTemplateColumns: '88px 1fr auto', alignItems: 'center', gap: '6px', margin: '4px 0' } as const;
const field = { font: 'inherit', padding: '2px 6px', border: '1px solid #d9cfbf', borderRadius: '6px', background: '#fff' } as const;

export function MotionControls(props: MotionControlsProps) {
  const { initial } = props;
  const [preset, setPreset] = useState<PresetId>(initial.preset);
  const [intensity, setIntensity] = useState(initial.intensity ?? 1);
  const [durationS, setDurationS] = useState(initial.durationS);
  const [seed, setSeed] = useState(initial.seed);
  const startWithWebcam = typeof location !== 'undefined' && new URLSearchParams(location.hash.slice(1)).get('webcam') === '1';
  const [source, setSource] = useState<'preset' | 'video'>(initial.driver || startWithWebcam ? 'video' : 'preset');
  const [driver, setDriver] = useState<DriverRecord | null>(null);
  const [driverError, setDriverError] = useState<string | null>(null);
  /** When a driver last arrived from elsewhere (a page video, a recording made in the tab). */
  const [driverArrivedAt, setDriverArrivedAt] = useState(0);
  // A different clip shown: start again from its settings.
  useEffect(() => {
    setPreset(initial.preset);
    setIntensity(initial.intensity ?? 1);
    setDurationS(initial.durationS);
    setSeed(initial.seed);
    if (initial.driver) {
      setSource('video');
      void getDriver(initial.driver.id).then((d) => d && setDriver(d), () => undefined);
    }
  }, [initial.preset, initial.intensity, initial.durationS, initial.seed, initial.driver?.id]);

  // A page video chosen with "Use as motion for Sfumato" (or a recording made in a tab) arrives here.
  useEffect(() => {
    const take = async (r: DriverRequest | undefined) => {
      if (!r?.at || Date.now() - r.at > 60_000) return;
      setSource('video');
      if (r.error) {
        setDriverError(r.error);
        return;
      }
      const d = r.driverId ? await getDriver(r.driverId).catch(() => undefined) : undefined;
      if (d) {
        setDriverError(null);
        setDriver(d);
        setDriverArrivedAt(r.at);
      }
    };
    const onChanged = (changes: Record<string, chrome.storage.StorageChange>) => {
      if (changes[DRIVER_REQUEST_KEY]?.newValue) void take(changes[DRIVER_REQUEST_KEY].newValue as DriverRequest);
    };
    // The recording tab was opened to record: an earlier request must not replace its recorder.
    if (!startWithWebcam) void chrome.storage.session.get(DRIVER_REQUEST_KEY).then((v) => take(v[DRIVER_REQUEST_KEY] as DriverRequest | undefined), () => undefined);
    chrome.storage.session.onChanged.addListener(onChanged);
    return () => chrome.storage.session.onChanged.removeListener(onChanged);
  }, []);

  const hint = PRESETS.find((p) => p.id === preset)?.hint ?? '';
  const clampDur = (v: number) => Math.min(MAX_DURATION_S, Math.max(MIN_DURATION_S, Number.isFinite(v) ? v : initial.durationS));
  const clampSeed = (v: number) => Math.min(SEED_MAX, Math.max(0, Number.isFinite(v) ? Math.floor(v) : 0));
  const driven = source === 'video';
  const regenerate = () =>
    props.onRegenerate({
      preset,
      intensity: Math.min(1, Math.max(0, intensity)),
      durationS: Math.round(clampDur(durationS) * 10) / 10,
      seed: clampSeed(seed),
      // The clip then lasts as long as the driving video (2-20 s); the background checks the id.
      ...(driven && driver ? { driver: driverRef(driver) } : {}),
    });

  return (
    <fieldset class="motion-controls" data-testid="motion-controls" style={{ border: '1px solid #e3d9c8', borderRadius: '8px', padding: '6px 10px 10px', margin: '10px 0' }}>
      <legend style={{ fontWeight: 600, padding: '0 4px' }}>Motion</legend>
      <div class="motion-source" role="radiogroup" aria-label="Motion source" data-testid="motion-source">
        <button type="button" role="radio" aria-checked={!driven} onClick={() => setSource('preset')} data-testid="motion-source-preset">
          Preset
        </button>
        <button type="button" role="radio" aria-checked={driven} onClick={() => setSource('video')} data-testid="motion-source-video">
          A real face (video or webcam)
        </button>
      </div>
      {driven && (
        <>
          <p class="help" style={{ margin: '4px 0' }}>
            The portrait keeps its own face and borrows only the movement: head turns, expressions, gaze and blinks, relative to the video's first calm moment.
          </p>
          <DriverPicker driver={driver} onChange={(d) => { setDriverError(null); setDriver(d); }} startWithWebcam={startWithWebcam} arrivedAt={driverArrivedAt} error={driverError} />
        </>
      )}
      <label style={{ ...row, display: driven ? 'none' : row.display }}>
        <span>Preset</span>
        <select style={field} value={preset} onChange={(e) => setPreset((e.currentTarget as HTMLSelectElement).value as PresetId)} data-testid="motion-preset">
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <span />
      </label>
      {!driven && <p style={{ margin: '0 0 4px 94px', fontSize: '12px', color: '#6b6256' }}>{hint}</p>}
      <label style={row}>
        <span>Intensity</span>
        <input
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={intensity}
          onInput={(e) => setIntensity(Number((e.currentTarget as HTMLInputElement).value))}
          data-testid="motion-intensity"
        />
        <output style={{ minWidth: '3ch', textAlign: 'right' }}>{Math.round(intensity * 100)}%</output>
      </label>
      <label style={{ ...row, display: driven ? 'none' : row.display }}>
        <span>Duration</span>
        <input
          type="number"
          style={field}
          min={MIN_DURATION_S}
          max={MAX_DURATION_S}
          step={0.5}
          value={durationS}
          onChange={(e) => setDurationS(clampDur(Number((e.currentTarget as HTMLInputElement).value)))}
          data-testid="motion-duration"
        />
        <span>s</span>
      </label>
      <label style={{ ...row, display: driven ? 'none' : row.display }}>
        <span>Seed</span>
        <input
          type="number"
          style={field}
          min={0}
          max={SEED_MAX}
          step={1}
          value={seed}
          onChange={(e) => setSeed(clampSeed(Number((e.currentTarget as HTMLInputElement).value)))}
          data-testid="motion-seed"
        />
        <button
          type="button"
          class="button"
          title="Another random seed"
          aria-label="Another random seed"
          onClick={() => setSeed(Math.floor(Math.random() * 1_000_000))}
          data-testid="motion-dice"
        >
          ↻
        </button>
      </label>
      <p style={{ margin: '6px 0', fontSize: '12px', color: '#6b6256' }}>
        Head turns are kept small on purpose: a still image cannot show what it never saw (the far cheek, the side of the nose).
      </p>
      <button type="button" class="button" onClick={regenerate} disabled={props.busy || (driven && !driver)} data-testid="motion-regenerate">
        {driven ? 'Animate with this video' : 'Regenerate'}
      </button>
    </fieldset>
  );
}
