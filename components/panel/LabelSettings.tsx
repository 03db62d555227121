// Settings for the visible "AI-generated" label: corner, style and size, with a live preview.
// There is deliberately no "off": every clip and every export carries the label.
import { useEffect, useRef, useState } from 'preact/hooks';
import { getLabelOptions, setLabelOptions } from '@/lib/store/label-settings';
import { DEFAULT_LABEL_OPTIONS, renderLabelLayer, type LabelOptions, type LabelPlacement } from '@/lib/watermark/label';

const PLACEMENT_NAMES: Record<LabelPlacement, string> = {
  auto: 'Corner farthest from the face (recommended)',
  'top-left': 'Top left',
  'top-right': 'Top right',
  'bottom-left': 'Bottom left',
  'bottom-right': 'Bottom right',
};

const PREVIEW_W = 320;
const PREVIEW_H = 200;
/** A stand-in face in the preview, so "farthest from the face" can be seen. */
const PREVIEW_FACE = { x: 120, y: 30, w: 80, h: 100 };

/** A sample "painting": dark on one side, light on the other, to judge legibility on both. */
function drawPreviewBackground(ctx: CanvasRenderingContext2D) {
  const g = ctx.createLinearGradient(0, 0, PREVIEW_W, PREVIEW_H);
  g.addColorStop(0, '#2b2118');
  g.addColorStop(0.5, '#7d6a4c');
  g.addColorStop(1, '#efe6d2');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, PREVIEW_W, PREVIEW_H);
  ctx.fillStyle = 'rgba(214, 170, 128, 0.9)';
  ctx.beginPath();
  ctx.ellipse(PREVIEW_FACE.x + PREVIEW_FACE.w / 2, PREVIEW_FACE.y + PREVIEW_FACE.h / 2, PREVIEW_FACE.w / 2, PREVIEW_FACE.h / 2, 0, 0, Math.PI * 2);
  ctx.fill();
}

export function LabelSettings() {
  const [options, setOptions] = useState<LabelOptions | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    getLabelOptions().then(setOptions, () => setOptions({ ...DEFAULT_LABEL_OPTIONS }));
  }, []);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !options) return;
    let live = true;
    void renderLabelLayer(PREVIEW_W, PREVIEW_H, PREVIEW_FACE, options).then(({ layer }) => {
      const ctx = c.getContext('2d');
      if (live && ctx) {
        drawPreviewBackground(ctx);
        ctx.drawImage(layer, 0, 0);
      }
      layer.close();
    });
    return () => {
      live = false;
    };
  }, [options]);

  const change = (patch: Partial<LabelOptions>) => {
    if (!options) return;
    const next = { ...options, ...patch };
    setOptions(next);
    setLabelOptions(next).then(
      () => setMessage({ kind: 'ok', text: 'Saved. New clips and exports use this label.' }),
      (e: unknown) => setMessage({ kind: 'error', text: `The label setting could not be saved (${e instanceof Error ? e.message : String(e)}).` }),
    );
  };

  if (!options) return null;
  return (
    <section class="label-settings" data-testid="label-settings">
      <h2>Visible label</h2>
      <p class="help">
        Every frame of every clip says “AI-generated”, at least 5% of the picture’s shorter side. You can move it and change its look; it cannot be turned
        off.
      </p>
      <canvas ref={canvas} width={PREVIEW_W} height={PREVIEW_H} class="label-preview" aria-label="Preview of the label on a light and dark painting" />
      <label>
        Position{' '}
        <select name="label-placement" value={options.placement} onChange={(e) => change({ placement: (e.currentTarget as HTMLSelectElement).value as LabelPlacement })}>
          {Object.entries(PLACEMENT_NAMES).map(([v, n]) => (
            <option key={v} value={v}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <fieldset class="choice">
        <legend>Style</legend>
        <label>
          <input type="radio" name="label-style" value="dark" checked={options.style === 'dark'} onChange={() => change({ style: 'dark' })} /> Dark
        </label>
        <label>
          <input type="radio" name="label-style" value="light" checked={options.style === 'light'} onChange={() => change({ style: 'light' })} /> Light
        </label>
      </fieldset>
      <fieldset class="choice">
        <legend>Size</legend>
        <label>
          <input type="radio" name="label-size" value="standard" checked={options.size === 'standard'} onChange={() => change({ size: 'standard' })} /> Standard
          (6%)
        </label>
        <label>
          <input type="radio" name="label-size" value="large" checked={options.size === 'large'} onChange={() => change({ size: 'large' })} /> Large (9%)
        </label>
      </fieldset>
      {message && (
        <p class={message.kind === 'ok' ? 'status' : 'error'} role={message.kind === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
