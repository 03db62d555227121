// The motion presets a person can choose, by id, and how a performance is made from the settings
// stored with a clip. Everything that names a preset (messages, store, manifest) goes through here.
import type { Performance } from './curves';
import { gentleLife } from './presets';

export interface MotionSettings {
  preset: PresetId;
  durationS: number;
  seed: number;
  /** 0-1; how strong the motion is. */
  intensity?: number;
}

export const PRESETS = [{ id: 'gentle-life', name: 'Gentle life' }] as const;

export type PresetId = (typeof PRESETS)[number]['id'];
export const PRESET_IDS = PRESETS.map((p) => p.id) as PresetId[];

export function presetName(id: PresetId): string {
  return PRESETS.find((p) => p.id === id)?.name ?? id;
}

export function createPerformance(m: MotionSettings): Performance {
  switch (m.preset) {
    case 'gentle-life':
      return gentleLife({ seed: m.seed, durationS: m.durationS, intensity: m.intensity });
  }
}
