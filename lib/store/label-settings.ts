// The person's choice of where and how the visible label is drawn, kept in the extension's
// IndexedDB 'settings' store: the side panel writes it, the offscreen document reads it per clip.
import { DEFAULT_LABEL_OPTIONS, sanitizeLabelOptions, type LabelOptions } from '../watermark/label';
import { tx } from './db';

const KEY = 'label';

/** Whatever is stored is re-checked on the way out: an unknown value falls back to the default. */
export async function getLabelOptions(): Promise<LabelOptions> {
  try {
    return sanitizeLabelOptions(await tx<unknown>('settings', 'readonly', (s) => s.get(KEY)));
  } catch {
    return { ...DEFAULT_LABEL_OPTIONS };
  }
}

export async function setLabelOptions(options: LabelOptions): Promise<LabelOptions> {
  const clean = sanitizeLabelOptions(options);
  await tx('settings', 'readwrite', (s) => s.put(clean, KEY));
  return clean;
}
