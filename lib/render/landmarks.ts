/** MediaPipe Face Mesh landmark indices used by the rig. "Left"/"right" are the subject's. */

/** Face oval, clockwise in the image starting at the top of the forehead (10). */
export const FACE_OVAL = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149,
  150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
] as const;

export interface EyeIndices {
  /** Corner on the image-left side, then image-right side (for an upright face). */
  cornerA: number;
  cornerB: number;
  upper: readonly number[];
  lower: readonly number[];
}

/**
 * The iris centre landmark (468 or 473, each followed by its four ring landmarks) that belongs to
 * eye `e`: of the two, the one nearer the middle between the eye's corners (as the face model puts
 * them, not by name). Landmarks are x, y, z triples.
 */
export function irisCentreOf(L: ArrayLike<number>, e: EyeIndices): number {
  const cx = (L[e.cornerA * 3]! + L[e.cornerB * 3]!) / 2, cy = (L[e.cornerA * 3 + 1]! + L[e.cornerB * 3 + 1]!) / 2;
  const d = (i: number) => Math.hypot(L[i * 3]! - cx, L[i * 3 + 1]! - cy);
  return d(468) <= d(473) ? 468 : 473;
}

/** Subject's right eye (image left for a face looking at the camera). */
export const RIGHT_EYE: EyeIndices = {
  cornerA: 33,
  cornerB: 133,
  upper: [246, 161, 160, 159, 158, 157, 173],
  lower: [7, 163, 144, 145, 153, 154, 155],
};

/** Subject's left eye (image right). */
export const LEFT_EYE: EyeIndices = {
  cornerA: 362,
  cornerB: 263,
  upper: [398, 384, 385, 386, 387, 388, 466],
  lower: [382, 381, 380, 374, 373, 390, 249],
};

/** Mouth corners: subject's right (image left) and left (image right). */
export const MOUTH_CORNER_RIGHT = 61;
export const MOUTH_CORNER_LEFT = 291;
/** Upper and lower lip centre (outer contour). */
export const UPPER_LIP_TOP = 0;
export const LOWER_LIP_BOTTOM = 17;
/** Cheek points (above the mouth corners, below the cheekbones). */
export const CHEEK_RIGHT = 205;
export const CHEEK_LEFT = 425;
export const NOSE_TIP = 1;
export const FOREHEAD_TOP = 10;
export const CHIN = 152;
export const CHEEK_EXTREME_RIGHT = 234;
export const CHEEK_EXTREME_LEFT = 454;

/** Inner lip contours, subject's right -> left (paired by position; corners 78 and 308 excluded). */
export const INNER_LIP_UPPER = [191, 80, 81, 82, 13, 312, 311, 310, 415] as const;
export const INNER_LIP_LOWER = [95, 88, 178, 87, 14, 317, 402, 318, 324] as const;
/** Inner mouth corners (where the inner lip contours meet), subject's right and left. */
export const INNER_CORNER_RIGHT = 78;
export const INNER_CORNER_LEFT = 308;

export interface BrowIndices {
  /** Upper and lower brow contours, inner end (near the nose) -> outer end, paired by position. */
  upper: readonly number[];
  lower: readonly number[];
}

/** Subject's right brow (above the right eye, image left). */
export const BROW_RIGHT: BrowIndices = { upper: [107, 66, 105, 63, 70], lower: [55, 65, 52, 53, 46] };
/** Subject's left brow. */
export const BROW_LEFT: BrowIndices = { upper: [336, 296, 334, 293, 300], lower: [285, 295, 282, 283, 276] };
