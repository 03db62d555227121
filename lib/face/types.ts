/** A box in source-image pixels. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One face found in the source image. Coordinates are source-image pixels. */
export interface Face {
  /** Stable index in the list returned by the finder (sorted by area, largest first). */
  index: number;
  box: Box;
  /**
   * 478 MediaPipe landmarks, packed x,y,z. x and y in source-image pixels; z in the same pixel
   * scale as x (MediaPipe's normalised z multiplied by the width of the image that was analysed,
   * then scaled to source pixels), negative towards the camera.
   */
  landmarks: Float32Array;
  /** MediaPipe blendshape scores by category name (e.g. eyeBlinkLeft), when available. */
  blendshapes: Record<string, number>;
  /** Column-major 4x4 facial transformation matrix from MediaPipe, when available. */
  matrix: number[] | null;
  /** How confident the merge is that this is a face (0-1): agreement between tiles and scales. */
  score: number;
}

export const LANDMARK_COUNT = 478;
