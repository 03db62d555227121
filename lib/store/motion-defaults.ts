// What "Animate this portrait" uses when a person right-clicks: a preset, a length and an
// intensity chosen in Settings (a fresh seed is drawn per click). Kept in IndexedDB 'settings',
// read by the background worker, written by the side panel; re-checked on the way out.
import { clampDuration } from '../motion/curves';
import { PRESET_IDS, type MotionSettings } from '../motion/catalog';
import { tx } from './db';

const KEY = 'defaultMotion';

export type MotionDefaults = Pick<MotionSettings, 'preset' | 'durationS' | 'intensity'>;
export const FACTORY_MOTION_DEFAULTS: MotionDefaults = { preset: 'gentle-life', durationS: 5, intensity: 1 };

export function sanitizeMotionDefaults(raw: unknown): MotionDefaults {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const preset = PRESET_IDS.includes(o.preset as MotionSettings['preset']) ? (o.preset as MotionSettings['preset']) : FACTORY_MOTION_DEFAULTS.preset;
  const d = typeof o.durationS === 'number' && Number.isFinite(o.durationS) ? clampDuration(o.durationS) : FACTORY_MOTION_DEFAULTS.durationS;
  const i = typeof o.intensity === 'number' && Number.isFinite(o.intensity) ? Math.min(1, Math.max(0, o.intensity)) : FACTORY_MOTION_DEFAULTS.intensity;
  return { preset, durationS: d, intensity: i };
}

export async function getMotionDefaults(): Promise<MotionDefaults> {
  try {
    return sanitizeMotionDefaults(await tx<unknown>('settings', 'readonly', (s) => s.get(KEY)));
  } catch {
    return { ...FACTORY_MOTION_DEFAULTS };
  }
}

export async function setMotionDefaults(d: MotionDefaults): Promise<MotionDefaults> {
  const clean = sanitizeMotionDefaults(d);
  await tx('settings', 'readwrite', (s) => s.put(clean, KEY));
  return clean;
}
