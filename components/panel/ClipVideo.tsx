// The side panel's clip, with its controls under the picture rather than over it: the browser's own
// video controls lie across the bottom of the frame, where the burnt-in "AI-generated" label often
// is, and would hide it whenever they show.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';

const clock = (s: number) => {
  const t = Number.isFinite(s) ? Math.max(0, s) : 0;
  return `${Math.floor(t / 60)}:${String(Math.floor(t % 60)).padStart(2, '0')}`;
};

export function ClipVideo(props: {
  src: string;
  label: string;
  /** The clip carries sound (a driven clip with its driver's): offer to unmute it. */
  hasSound: boolean;
  draggable: boolean;
  onDragStart?: JSX.DragEventHandler<HTMLVideoElement>;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const [paused, setPaused] = useState(false);
  const [muted, setMuted] = useState(true);
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(0);
  // A new clip: what the element knows of it now. Not a plain reset to 0: its metadata may already
  // have loaded (a clip from storage loads at once), and a reset after that would leave the slider
  // without a duration.
  useEffect(() => {
    const v = video.current;
    setTime(v?.currentTime ?? 0);
    setDuration(lengthOf(v));
  }, [props.src]);

  const toggle = () => {
    const v = video.current;
    if (!v) return;
    if (v.paused) void v.play();
    else v.pause();
  };
  const seek = (e: Event) => {
    const v = video.current;
    if (v) v.currentTime = Number((e.currentTarget as HTMLInputElement).value);
  };
  const toggleSound = () => {
    const v = video.current;
    if (!v) return;
    v.muted = !v.muted;
    setMuted(v.muted);
  };
  const fullscreen = () => void video.current?.requestFullscreen().catch(() => undefined);

  return (
    <div class="clip-video">
      <video
        ref={video}
        src={props.src}
        autoplay
        loop
        muted
        playsInline
        draggable={props.draggable}
        onDragStart={props.onDragStart}
        onClick={toggle}
        onPlay={() => setPaused(false)}
        onPause={() => setPaused(true)}
        onTimeUpdate={(e) => setTime(e.currentTarget.currentTime)}
        onDurationChange={(e) => setDuration(lengthOf(e.currentTarget))}
        aria-label={props.label}
      />
      <div class="clip-controls" data-testid="clip-controls">
        <button type="button" onClick={toggle} aria-label={paused ? 'Play' : 'Pause'} title={paused ? 'Play' : 'Pause'}>
          {paused ? '▶' : '❚❚'}
        </button>
        <input
          type="range"
          min={0}
          max={duration || 0}
          step={0.01}
          value={time}
          onInput={seek}
          aria-label="Position in the clip"
          disabled={!duration}
        />
        <span class="clip-time">
          {clock(time)} / {clock(duration)}
        </span>
        {props.hasSound && (
          <button type="button" onClick={toggleSound} aria-label={muted ? 'Sound on' : 'Sound off'} title={muted ? 'Sound on' : 'Sound off'} aria-pressed={!muted}>
            {muted ? 'Sound' : 'Mute'}
          </button>
        )}
        <button type="button" onClick={fullscreen} aria-label="Full screen" title="Full screen">
          ⤢
        </button>
      </div>
    </div>
  );
}

/** A video's length in seconds, 0 until it is known. */
const lengthOf = (v: HTMLVideoElement | null) => (v && Number.isFinite(v.duration) ? v.duration : 0);
