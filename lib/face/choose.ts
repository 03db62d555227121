/** Choosing which found face to animate (pure, no DOM). */
import type { Face } from './types';

/**
 * Faces narrower than this (landmark box width, source pixels) are refused with
 * TOO_SMALL_MESSAGE: the mesh would be a few pixels per triangle and the animation mush.
 */
export const MIN_FACE_PX = 48;

export const TOO_SMALL_MESSAGE = 'The face is too small to animate';

/** True when the face is too small to animate (box width under MIN_FACE_PX). */
export function isFaceTooSmall(face: Pick<Face, 'box'>, minPx: number = MIN_FACE_PX): boolean {
  return face.box.w < minPx;
}

function area(f: Face): number {
  return f.box.w * f.box.h;
}

/** Distance from a point to a box (0 inside it). */
function distanceToBox(f: Face, p: { x: number; y: number }): number {
  const dx = Math.max(f.box.x - p.x, 0, p.x - (f.box.x + f.box.w));
  const dy = Math.max(f.box.y - p.y, 0, p.y - (f.box.y + f.box.h));
  return Math.hypot(dx, dy);
}

/**
 * The face to animate: with a point (source pixels, e.g. where the user right-clicked), the face
 * whose box contains it or is nearest to it (ties, e.g. nested boxes, go to the face whose centre
 * is nearer); without one, the largest face. Undefined when there are no faces.
 */
export function chooseFace(faces: readonly Face[], point?: { x: number; y: number }): Face | undefined {
  if (faces.length === 0) return undefined;
  if (!point) return faces.reduce((best, f) => (area(f) > area(best) ? f : best));
  let best: Face | undefined;
  let bestD = Infinity;
  let bestC = Infinity;
  for (const f of faces) {
    const d = distanceToBox(f, point);
    const c = Math.hypot(f.box.x + f.box.w / 2 - point.x, f.box.y + f.box.h / 2 - point.y);
    if (d < bestD - 1e-9 || (Math.abs(d - bestD) <= 1e-9 && c < bestC)) {
      best = f;
      bestD = d;
      bestC = c;
    }
  }
  return best;
}
