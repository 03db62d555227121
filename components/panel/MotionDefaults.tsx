// Settings: what a right-click on a portrait plays (preset, length, intensity). Each click still
// draws a fresh seed, and the Studio can regenerate any clip with other settings.
import { useEffect, useState } from 'preact/hooks';
import { PRESETS, type PresetId } from '@/lib/motion/catalog';
import { FACTORY_MOTION_DEFAULTS, getMotionDefaults, setMotionDefaults, type MotionDefaults as Defaults } from '@/lib/store/motion-defaults';

export function MotionDefaults() {
  const [d, setD] = useState<Defaults | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  useEffect(() => {
    getMotionDefaults().then(setD, () => setD({ ...FACTORY_MOTION_DEFAULTS }));
  }, []);
  if (!d) return null;
  const change = (patch: Partial<Defaults>) => {
    const next = { ...d, ...patch };
    setD(next);
    setMotionDefaults(next).then(
      (saved) => {
        setD(saved);
        setMessage({ kind: 'ok', text: 'Saved. The next right-click uses these settings.' });
      },
      (e: unknown) => setMessage({ kind: 'error', text: `The setting could not be saved (${e instanceof Error ? e.message : String(e)}).` }),
    );
  };
  return (
    <section class="motion-defaults" data-testid="motion-defaults">
      <h2>When you right-click a portrait</h2>
      <label>
        Motion{' '}
        <select name="default-preset" value={d.preset} onChange={(e) => change({ preset: (e.currentTarget as HTMLSelectElement).value as PresetId })}>
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Length{' '}
        <input
          type="number"
          name="default-duration"
          min={2}
          max={20}
          step={1}
          value={d.durationS}
          onChange={(e) => change({ durationS: Number((e.currentTarget as HTMLInputElement).value) })}
        />{' '}
        s <span class="help">(2–20; shorter clips are ready sooner)</span>
      </label>
      {message && (
        <p class={message.kind === 'ok' ? 'status' : 'error'} role={message.kind === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
