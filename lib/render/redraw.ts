/**
 * Incremental redraw: which moving triangles a frame must draw again when the target still holds
 * the frame drawn before it.
 *
 * On a CPU WebGPU (SwiftShader) the moving mesh costs about 13 ns a pixel, and on busts the rings
 * that carry hair and shoulders make it most of the frame, though their outer parts move by a small
 * fraction of a pixel. A triangle's pixels depend only on its three vertex positions (the portrait's
 * texture coordinates are fixed), so a triangle whose vertices are all within `tolerance` of where
 * it was last drawn is left as it is: every pixel of the frame is then drawn with vertex positions
 * within `tolerance` of the exact ones. Triangles under something drawn over the mesh that changes
 * (mouth cavity, closed lids, the gaze composite, the label) are drawn again whatever their motion,
 * so that the overlay blends over fresh pixels and leaves none of itself behind when it shrinks.
 */

/** x0, y0, x1, y1 in the rig's source pixels. */
export type Extent = readonly [number, number, number, number];

export interface RedrawTracker {
  /**
   * Write into `out` the index triples of the triangles to draw for a frame at `positions`, and
   * record them as drawn there; returns how many indices it wrote. Triangles whose bounding box (at
   * `positions` or at rest) touches one of `forced` are drawn whatever their motion.
   */
  select(positions: ArrayLike<number>, forced: readonly Extent[], out: Uint32Array): number;
  /** The target no longer holds what was drawn (a full frame comes next). */
  invalidate(): void;
}

export function createRedrawTracker(tris: Uint32Array, rest: ArrayLike<number>, tolerance: number): RedrawTracker {
  const n = tris.length / 3;
  // Per triangle: the six coordinates it was last drawn with.
  const drawnAt = new Float64Array(n * 6);
  const restBox = new Float64Array(n * 4);
  for (let t = 0; t < n; t++) {
    const a = tris[t * 3]!, b = tris[t * 3 + 1]!, c = tris[t * 3 + 2]!;
    restBox[t * 4] = Math.min(rest[a * 2]!, rest[b * 2]!, rest[c * 2]!);
    restBox[t * 4 + 1] = Math.min(rest[a * 2 + 1]!, rest[b * 2 + 1]!, rest[c * 2 + 1]!);
    restBox[t * 4 + 2] = Math.max(rest[a * 2]!, rest[b * 2]!, rest[c * 2]!);
    restBox[t * 4 + 3] = Math.max(rest[a * 2 + 1]!, rest[b * 2 + 1]!, rest[c * 2 + 1]!);
  }
  const tol2 = tolerance * tolerance;
  let valid = false;
  const touches = (x0: number, y0: number, x1: number, y1: number, boxes: readonly Extent[]) => {
    for (const b of boxes) if (x1 >= b[0] && x0 <= b[2] && y1 >= b[1] && y0 <= b[3]) return true;
    return false;
  };
  return {
    invalidate() {
      valid = false;
    },
    select(positions, forced, out) {
      let k = 0;
      for (let t = 0; t < n; t++) {
        const o = t * 6;
        let draw = !valid;
        let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
        for (let j = 0; j < 3; j++) {
          const v = tris[t * 3 + j]!;
          const x = positions[v * 2]!, y = positions[v * 2 + 1]!;
          const dx = x - drawnAt[o + j * 2]!, dy = y - drawnAt[o + j * 2 + 1]!;
          if (dx * dx + dy * dy > tol2) draw = true;
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
        if (!draw && forced.length > 0) {
          const r = t * 4;
          draw = touches(x0, y0, x1, y1, forced) || touches(restBox[r]!, restBox[r + 1]!, restBox[r + 2]!, restBox[r + 3]!, forced);
        }
        if (!draw) continue;
        for (let j = 0; j < 3; j++) {
          const v = tris[t * 3 + j]!;
          drawnAt[o + j * 2] = positions[v * 2]!;
          drawnAt[o + j * 2 + 1] = positions[v * 2 + 1]!;
          out[k++] = v;
        }
      }
      valid = true;
      return k;
    },
  };
}

/** Bounding extent of the first `count` (x, y) pairs of a vertex array with `stride` floats a vertex. */
export function extentOf(verts: ArrayLike<number>, stride: number, count = verts.length / stride): Extent | null {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < count; i++) {
    const x = verts[i * stride]!, y = verts[i * stride + 1]!;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return x0 <= x1 ? [x0, y0, x1, y1] : null;
}
