// The in-page overlay: progress while working, a sentence when something fails, and the player
// (an extension page in an iframe, so the page cannot reach the clip) once the clip is ready.
import { STAGE_LABELS, STAGES, type Stage } from '@/lib/messages/protocol';

export type OverlayState =
  | { phase: 'working'; stage: Stage; fraction: number }
  | { phase: 'error'; message: string }
  | { phase: 'ready'; playerUrl: string; notice?: string };

/** Overall progress across stages, so the bar never runs backwards. */
export function overallProgress(stage: Stage, fraction: number): number {
  const weights: Record<Stage, number> = { source: 0.05, faces: 0.2, animating: 0.6, encoding: 0.05, signing: 0.05, saving: 0.05 };
  let done = 0;
  for (const s of STAGES) {
    if (s === stage) return done + weights[s] * Math.min(1, Math.max(0, fraction));
    done += weights[s];
  }
  return done;
}

export function Overlay(props: { state: OverlayState; compact: boolean; onClose: () => void }) {
  const { state, compact, onClose } = props;
  if (state.phase === 'ready') {
    return <iframe class="player" src={state.playerUrl} allow="autoplay" title="Animated portrait (AI-generated)" />;
  }
  return (
    <div class={`veil ${compact ? 'compact' : ''}`} role="status" aria-live="polite">
      <div class="card">
        <div class="brand">Sfumato</div>
        {state.phase === 'working' ? (
          <>
            <div class="stage" data-stage={state.stage}>
              {STAGE_LABELS[state.stage]}
            </div>
            <div class="bar">
              <div class="fill" style={{ width: `${Math.round(overallProgress(state.stage, state.fraction) * 100)}%` }} />
            </div>
          </>
        ) : (
          <div class="error" role="alert">
            {state.message}
          </div>
        )}
        <button class="close" type="button" onClick={onClose} aria-label="Close Sfumato overlay">
          {state.phase === 'error' ? 'Close' : 'Cancel'}
        </button>
      </div>
    </div>
  );
}

// Nothing here animates or blurs the page behind while a clip is made: every repaint of the veil is
// composited by the GPU process that is drawing the clip, and with a backdrop blur and a transition
// on the progress bar (repainting continuously) frames took 1.5-2x as long on a software GPU.
export const OVERLAY_CSS = `
:host { all: initial; }
.veil { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center;
  background: rgba(20, 18, 16, 0.45); font: 14px/1.4 system-ui, "DejaVu Sans", sans-serif; }
.card { background: rgba(252, 249, 243, 0.96); color: #241f1a; border-radius: 12px; padding: 14px 16px;
  box-shadow: 0 6px 30px rgba(0,0,0,.35); width: min(280px, 86%); display: flex; flex-direction: column; gap: 8px; }
.compact .card { padding: 8px 10px; font-size: 12px; gap: 4px; }
.brand { font-weight: 700; letter-spacing: .04em; color: #8a5a1f; font-size: 12px; text-transform: uppercase; }
.stage { font-weight: 600; }
.bar { height: 6px; border-radius: 3px; background: #e5dccd; overflow: hidden; }
.fill { height: 100%; background: linear-gradient(90deg, #b07a2e, #e0b66a); }
.error { font-weight: 600; color: #7a1d12; }
.close { align-self: flex-end; border: 1px solid #bfae94; background: #fff; color: #241f1a; border-radius: 6px;
  padding: 3px 10px; font: inherit; cursor: pointer; }
.close:focus-visible { outline: 2px solid #8a5a1f; }
.toast { width: auto; font: 14px/1.4 system-ui, "DejaVu Sans", sans-serif; }
.player { position: absolute; inset: 0; width: 100%; height: 100%; border: 0; display: block; background: transparent; }
`;
