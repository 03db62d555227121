import type { Face } from '../face/types';

/**
 * A deformable triangle mesh over the whole image: face landmarks, rings around the head and
 * the image border. `rest` are the source positions (pixels); a pose moves them, `uv` never changes.
 */
export interface Rig {
  width: number;
  height: number;
  /** Rest positions, x,y pairs in source pixels. */
  rest: Float32Array;
  /** Depth of each vertex (source pixel scale, negative towards the viewer); 0 for background. */
  depth: Float32Array;
  /** How strongly each vertex follows the head (1 = moves with the head, 0 = background). */
  headWeight: Float32Array;
  /** Triangle vertex indices. */
  indices: Uint32Array;
  /** The face this rig was built for. */
  face: Face;
  /**
   * Where hair hides the lips (mouth-cover.ts): how far below the lip seam (source px, down the
   * face) the hair ends. The mouth then opens there, below the hair. 0 or absent: the lips can be seen.
   */
  mouthCover?: number;
  /**
   * With `mouthCover`: the vertices of the cut at the hair's edge where the mouth opens, in the
   * mouth cavity's layout (mouth.ts CAVITY_LANDMARKS; pose.ts coverSeamPoints).
   */
  mouthSeam?: Uint32Array;
}

/** Parameters of one instant of a performance. Angles in radians; expression values 0-1. */
export interface PoseParams {
  yaw: number;
  pitch: number;
  roll: number;
  /** Head translation as a fraction of the face box width/height. */
  tx: number;
  ty: number;
  expressions: Partial<Record<ExpressionName, number>>;
}

export const EXPRESSION_NAMES = [
  'eyeBlinkLeft',
  'eyeBlinkRight',
  'eyeLookUpLeft',
  'eyeLookUpRight',
  'eyeLookDownLeft',
  'eyeLookDownRight',
  'eyeLookInLeft',
  'eyeLookInRight',
  'eyeLookOutLeft',
  'eyeLookOutRight',
  'jawOpen',
  'mouthSmileLeft',
  'mouthSmileRight',
  'mouthFunnel',
  'mouthPucker',
  'browInnerUp',
  'browOuterUpLeft',
  'browOuterUpRight',
  'browDownLeft',
  'browDownRight',
] as const;
export type ExpressionName = (typeof EXPRESSION_NAMES)[number];

/** A renderer draws the source image warped by a posed rig into its canvas, label on top. */
export interface FrameRenderer {
  readonly kind: 'webgpu' | 'cpu';
  /** The canvas showing the latest frame (painted on access where frames live in CPU memory). */
  readonly canvas: OffscreenCanvas;
  /**
   * Draw one frame. `positions` are posed vertex positions (source pixels), same layout as rig.rest.
   * `pose`, when given, is the PoseParams they were posed from: the closed-lid overlay then follows
   * the intended blink (else it is judged from how far the lids came together).
   */
  render(positions: Float32Array, pose?: PoseParams): Promise<void>;
  /** The latest frame as a VideoFrame for the encoder (timestamps in microseconds); the caller closes it. */
  videoFrame(timestamp: number, duration: number): VideoFrame;
  /**
   * Draw one frame and hand it over as a VideoFrame (timestamps in microseconds; the caller closes
   * it). Unlike render(), calls may overlap: `positions` and `pose` are taken at the call, frames are
   * drawn in call order and their promises resolve in that order, so the next frames are being drawn
   * while the caller encodes this one. Does not update `canvas`.
   */
  draw(positions: Float32Array, pose: PoseParams | undefined, timestamp: number, duration: number): Promise<VideoFrame>;
  destroy(): void;
}
