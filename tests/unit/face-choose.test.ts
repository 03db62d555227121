import { describe, expect, it } from 'vitest';
import { chooseFace, isFaceTooSmall, MIN_FACE_PX, TOO_SMALL_MESSAGE } from '../../lib/face/choose';
import type { Face } from '../../lib/face/types';

function face(index: number, x: number, y: number, w: number, h = w * 1.1): Face {
  return { index, box: { x, y, w, h }, landmarks: new Float32Array(0), blendshapes: {}, matrix: null, score: 1 };
}

describe('chooseFace', () => {
  const faces = [face(0, 100, 100, 200), face(1, 500, 120, 80), face(2, 700, 400, 60)];

  it('returns undefined for no faces', () => {
    expect(chooseFace([])).toBeUndefined();
    expect(chooseFace([], { x: 1, y: 1 })).toBeUndefined();
  });

  it('picks the largest without a point, whatever the order', () => {
    expect(chooseFace(faces)!.index).toBe(0);
    expect(chooseFace([...faces].reverse())!.index).toBe(0);
  });

  it('picks the face containing the point', () => {
    expect(chooseFace(faces, { x: 540, y: 160 })!.index).toBe(1);
    expect(chooseFace(faces, { x: 730, y: 430 })!.index).toBe(2);
    expect(chooseFace(faces, { x: 150, y: 150 })!.index).toBe(0);
  });

  it('picks the nearest face when the point is outside every box', () => {
    expect(chooseFace(faces, { x: 740, y: 300 })!.index).toBe(2);
    expect(chooseFace(faces, { x: 0, y: 0 })!.index).toBe(0);
    expect(chooseFace(faces, { x: 560, y: 20 })!.index).toBe(1);
  });

  it('breaks ties between nested boxes by centre distance', () => {
    const nested = [face(0, 0, 0, 400), face(1, 300, 300, 50)];
    expect(chooseFace(nested, { x: 320, y: 320 })!.index).toBe(1);
    expect(chooseFace(nested, { x: 100, y: 100 })!.index).toBe(0);
  });
});

describe('too small', () => {
  it('refuses faces narrower than MIN_FACE_PX', () => {
    expect(MIN_FACE_PX).toBeGreaterThan(29); // the 96x96 fixture's ~29 px face is refused
    expect(isFaceTooSmall(face(0, 0, 0, MIN_FACE_PX - 1))).toBe(true);
    expect(isFaceTooSmall(face(0, 0, 0, MIN_FACE_PX))).toBe(false);
    expect(isFaceTooSmall(face(0, 0, 0, 29))).toBe(true);
    expect(isFaceTooSmall(face(0, 0, 0, 57))).toBe(false); // smallest group-portrait faces stay usable
    expect(TOO_SMALL_MESSAGE).toBe('The face is too small to animate');
  });
});
