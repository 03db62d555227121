// Studio controls: choose a motion preset, its strength, loop length and seed, then regenerate the
// clip from the same source (the background animates it again and the new clip replaces this one).
import { useEffect, useState } from 'preact/hooks';
import { PRESETS, type MotionSettings, type PresetId } from '@/lib/motion/catalog';
import { MAX_DURATION_S, MIN_DURATION_S } from '@/lib/motion/curves';

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
  // A different clip shown: start again from its settings.
  useEffect(() => {
    setPreset(initial.preset);
    setIntensity(initial.intensity ?? 1);
    setDurationS(initial.durationS);
    setSeed(initial.seed);
  }, [initial.preset, initial.intensity, initial.durationS, initial.seed]);

  const hint = PRESETS.find((p) => p.id === preset)?.hint ?? '';
  const clampDur = (v: number) => Math.min(MAX_DURATION_S, Math.max(MIN_DURATION_S, Number.isFinite(v) ? v : initial.durationS));
  const clampSeed = (v: number) => Math.min(SEED_MAX, Math.max(0, Number.isFinite(v) ? Math.floor(v) : 0));
  const regenerate = () =>
    props.onRegenerate({
      preset,
      intensity: Math.min(1, Math.max(0, intensity)),
      durationS: Math.round(clampDur(durationS) * 10) / 10,
      seed: clampSeed(seed),
    });

  return (
    <fieldset class="motion-controls" data-testid="motion-controls" style={{ border: '1px solid #e3d9c8', borderRadius: '8px', padding: '6px 10px 10px', margin: '10px 0' }}>
      <legend style={{ fontWeight: 600, padding: '0 4px' }}>Motion</legend>
      <label style={row}>
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
      <p style={{ margin: '0 0 4px 94px', fontSize: '12px', color: '#6b6256' }}>{hint}</p>
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
      <label style={row}>
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
      <label style={row}>
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
          🎲
        </button>
      </label>
      <p style={{ margin: '6px 0', fontSize: '12px', color: '#6b6256' }}>
        Head turns are kept small on purpose: a still image cannot show what it never saw (the far cheek, the side of the nose).
      </p>
      <button type="button" class="button" onClick={regenerate} disabled={props.busy} data-testid="motion-regenerate">
        Regenerate
      </button>
    </fieldset>
  );
}
