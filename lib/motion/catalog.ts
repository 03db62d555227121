// The motion presets a person can choose, by id, and how a performance is made from the settings
// stored with a clip. Everything that names a preset (messages, store, manifest) goes through here.
import { clampDuration, type Performance } from './curves';
import { blinkAndGlance, gentleLife, lookAround, nod, shakeHead, smilePreset, surprise, talk, type PresetOptions, type PresetPerformance } from './presets';

export interface MotionSettings {
  preset: PresetId;
  durationS: number;
  seed: number;
  /** 0-1; how strong the motion is. */
  intensity?: number;
  /**
   * Motion borrowed from a driving video (lib/motion/retarget) instead of the preset; the clip then
   * lasts as long as the driver (2-20 s). Absent in clips made with a preset.
   */
  driver?: DriverRef;
}

/** A driving video stored in the 'drivers' store (lib/store/drivers). */
export interface DriverRef {
  id: string;
  /** What the person sees: the file name, "Webcam recording, <time>" or the page video's title. */
  title: string;
  kind: DriverKind;
}
export const DRIVER_KINDS = ['file', 'webcam', 'page'] as const;
export type DriverKind = (typeof DRIVER_KINDS)[number];

export const PRESETS = [
  { id: 'gentle-life', name: 'Gentle life', hint: 'A slight sway, a blink or two, a faint smile.' },
  { id: 'smile', name: 'Smile', hint: 'A smile grows, holds and fades.' },
  { id: 'blink-glance', name: 'Blink and glance', hint: 'The eyes glance aside and back, with blinks.' },
  { id: 'nod', name: 'Nod', hint: 'A few gentle nods.' },
  { id: 'shake-head', name: 'Shake head', hint: 'A small side-to-side “no”.' },
  { id: 'look-around', name: 'Look around', hint: 'Eyes lead, the head follows, to a few points and back.' },
  { id: 'surprise', name: 'Surprise', hint: 'Brows up, mouth opens a little, then relaxes.' },
  { id: 'talk', name: 'Talk', hint: 'Speech-like mouth movement with a syllable rhythm.' },
] as const;

export type PresetId = (typeof PRESETS)[number]['id'];
export const PRESET_IDS = PRESETS.map((p) => p.id) as PresetId[];

const BUILDERS: Record<PresetId, (o: PresetOptions) => PresetPerformance> = {
  'gentle-life': gentleLife,
  smile: smilePreset,
  'blink-glance': blinkAndGlance,
  nod,
  'shake-head': shakeHead,
  'look-around': lookAround,
  surprise,
  talk,
};

export function presetName(id: PresetId): string {
  return PRESETS.find((p) => p.id === id)?.name ?? id;
}

/** The motion in words: the preset's name, or "driven by <title>" for a driving video. */
export function motionName(m: Pick<MotionSettings, 'preset' | 'driver'>): string {
  return m.driver ? `driven by ${m.driver.title}` : presetName(m.preset);
}

/** Frame rate clips are rendered at (lib/video/encode CLIP_FPS; not imported to keep this module light). */
const FRAME_RATE = 30;

/**
 * Loop length actually used for a requested duration: clamped to 2-20 s and snapped to whole frames,
 * so that a clip of round(durationS * 30) frames ends exactly where the loop does.
 */
export function loopDuration(durationS: number): number {
  return Math.round(clampDuration(durationS) * FRAME_RATE) / FRAME_RATE;
}

export function createPerformance(m: MotionSettings): PresetPerformance {
  const build = BUILDERS[m.preset] ?? gentleLife;
  return build({ seed: m.seed, durationS: loopDuration(m.durationS), intensity: m.intensity });
}

export type { Performance };
