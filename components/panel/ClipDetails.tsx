import { useEffect, useState } from 'preact/hooks';
import { motionName } from '@/lib/motion/catalog';
import type { ClipRecord, MotionSettings } from '@/lib/store/clips';
import { ExportPanel, fillClipDrag } from './Export';
import { ClipVideo } from './ClipVideo';
import { MotionControls } from './MotionControls';

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

export function ClipDetails(props: {
  clip: ClipRecord;
  onChooseFace: (index: number) => void;
  /** Animate the same source and face again with other motion settings. */
  onRegenerate?: (motion: MotionSettings) => void;
  busy?: boolean;
}) {
  const { clip } = props;
  const [url, setUrl] = useState('');
  const [posterUrl, setPosterUrl] = useState('');
  useEffect(() => {
    const u = URL.createObjectURL(clip.mp4);
    const p = URL.createObjectURL(clip.poster);
    setUrl(u);
    setPosterUrl(p);
    return () => {
      URL.revokeObjectURL(u);
      URL.revokeObjectURL(p);
    };
  }, [clip.id]);
  // Face boxes are in the source's pixels; the poster is at clip size.
  const k = clip.width / clip.sourceSize.width;
  const faceThumb = (box: { x: number; y: number; w: number; h: number }) => {
    const size = 44;
    const side = Math.max(box.w, box.h) * 1.2 * k;
    const s = size / side;
    const cx = (box.x + box.w / 2) * k;
    const cy = (box.y + box.h / 2) * k;
    return {
      width: `${size}px`,
      height: `${size}px`,
      backgroundImage: `url(${posterUrl})`,
      backgroundSize: `${clip.width * s}px ${clip.height * s}px`,
      backgroundPosition: `${-(cx - side / 2) * s}px ${-(cy - side / 2) * s}px`,
    };
  };
  return (
    <section class="clip" data-clip-id={clip.id}>
      {url && (
        <ClipVideo
          src={url}
          hasSound={!!clip.audio}
          draggable={clip.signed}
          onDragStart={(e) => clip.signed && e.dataTransfer && fillClipDrag(e.dataTransfer, clip, url)}
          label={`${clip.title}, animated (AI-generated)`}
        />
      )}
      <h2 style={{ fontSize: '15px', margin: '8px 0 4px' }}>{clip.title}</h2>
      <p style={{ margin: '0 0 6px' }}>
        <span class="badge">AI-generated</span> {clip.signed ? 'Signed with content credentials' : 'Not signed'}
      </p>
      {clip.signed ? <ExportPanel clip={clip} /> : <p class="error" role="alert">This clip is not signed, so it cannot be exported.</p>}
      {clip.credentials && (
        <div class="credentials" data-testid="credentials">
          <h3>Content credentials</h3>
          <dl>
            <dt>Signed by</dt>
            <dd>{clip.credentials.signer}</dd>
            <dt>Signed on</dt>
            <dd>{new Date(clip.credentials.signedAt).toLocaleString()}</dd>
            <dt>Declares</dt>
            <dd>{clip.credentials.aiGenerated ? 'AI-generated (trained algorithmic media)' : 'not declared AI-generated'}</dd>
            <dt>Source artwork</dt>
            <dd>{clip.credentials.sourceArtwork ?? 'not recorded'}</dd>
            <dt>Checked</dt>
            <dd>{clip.credentials.state === 'Trusted' ? 'Valid, and trusted by this Sfumato' : clip.credentials.state}</dd>
            <dt>Certificate until</dt>
            <dd>{new Date(clip.credentials.certificateExpires).toLocaleDateString()}</dd>
          </dl>
        </div>
      )}
      {props.onRegenerate && <MotionControls initial={clip.motion} onRegenerate={props.onRegenerate} busy={props.busy} />}
      <dl>
        <dt>Motion</dt>
        <dd>
          {clip.motion.driver ? `Driven by ${clip.motion.driver.title}` : motionName(clip.motion)} · {clip.durationS.toFixed(1)} s
          {clip.motion.driver ? (clip.audio ? ' · with its sound' : '') : ` · seed ${clip.motion.seed}`}
        </dd>
        <dt>Video</dt>
        <dd>
          {clip.width}×{clip.height} · {clip.fps} fps · H.264 MP4 · {(clip.mp4.size / 1e6).toFixed(2)} MB
        </dd>
        <dt>Source</dt>
        <dd>
          <a href={clip.sourceUrl.startsWith('http') ? clip.sourceUrl : undefined} target="_blank" rel="noreferrer">
            {clip.sourceUrl.startsWith('data:') ? 'embedded image' : clip.sourceUrl}
          </a>{' '}
          ({clip.sourceSize.width}×{clip.sourceSize.height})
        </dd>
        <dt>Made</dt>
        <dd>{new Date(clip.createdAt).toLocaleString()}</dd>
        <dt>Renderer</dt>
        <dd>{clip.renderer === 'webgpu' ? 'WebGPU' : 'CPU (WebGPU unavailable)'}</dd>
        <dt>Time</dt>
        <dd>
          {fmtMs(clip.timings.totalMs)} total · faces {fmtMs(clip.timings.detectMs)} · {clip.timings.renderMsPerFrame.toFixed(1)} ms/frame render ·{' '}
          {clip.timings.encodeMsPerFrame.toFixed(1)} ms/frame encode
        </dd>
      </dl>
      {clip.faces.length > 1 && (
        <div>
          <p style={{ margin: '10px 0 4px' }}>{clip.faces.length} faces found. Animate another:</p>
          <div class="faces">
            {clip.faces.map((f) => (
              <button key={f.index} aria-pressed={f.index === clip.faceIndex} onClick={() => props.onChooseFace(f.index)} title={`Animate face ${f.index + 1}`}>
                {posterUrl && <span class="face-thumb" style={faceThumb(f.box)} aria-hidden="true" />}
                Face {f.index + 1}
              </button>
            ))}
          </div>
        </div>
      )}
    </section>
  );
}
