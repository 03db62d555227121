/**
 * Face finding in a browser document (the extension's offscreen document) with MediaPipe
 * FaceLandmarker: a full-image pass, then overlapping tiles at several scales, landmarks mapped
 * back to source pixels and duplicates merged.
 *
 * MediaPipe injects its wasm loader as a <script> into the document, so this must run in a
 * document (not a worker). Everything is loaded from the two given URLs (no CDN, no eval), which
 * suits the extension CSP `script-src 'self' 'wasm-unsafe-eval'`.
 */
import { FaceLandmarker, FilesetResolver, type FaceLandmarkerResult } from '@mediapipe/tasks-vision';
import type { Box, Face } from './types';
import { boxFromLandmarks, mapLandmarks, planTiles, refineTile, tileScale, type Tile, type TilingOptions } from './tiling';
import { finalizeFaces, iou, mergeCandidates, photometricSanity, toFace, type Candidate, type MergedFace, type MergeOptions } from './merge';

export type FaceImage = ImageBitmap | OffscreenCanvas | HTMLCanvasElement;

export interface FindOptions {
  /** Called with 0..1 as tiles are analysed (1 when done). */
  onProgress?: (fraction: number) => void;
}

export interface FaceFinder {
  find(image: FaceImage, opts?: FindOptions): Promise<Face[]>;
  close(): void;
}

export interface FaceFinderOptions {
  /** Folder holding the files of @mediapipe/tasks-vision/wasm. */
  wasmBaseUrl: string;
  /** URL of face_landmarker.task. */
  modelAssetUrl: string;
  /** Tuning (defaults are what the fixtures were checked with). */
  tiling?: TilingOptions;
  merge?: MergeOptions;
  /** Detector confidence threshold per tile. Default 0.3. */
  minFaceDetectionConfidence?: number;
  /** Landmark model's face-presence threshold. Default 0.5. */
  minFacePresenceConfidence?: number;
  /** Max faces per analysed tile. Default 20. */
  numFaces?: number;
  /**
   * Stop before the finer tile levels once a face at least this wide (fraction of the image's
   * short side) has been confirmed. Default 0.15; 0 or less disables early stopping.
   */
  earlyStopFaceFraction?: number;
  /**
   * Paint faces confirmed at coarser levels (seen by 2+ tiles, score >= 0.75) out of finer tiles,
   * so the landmark model is not run on them again. Default true (saves most of the time on
   * group portraits).
   */
  maskConfirmed?: boolean;
  /** Final pass per face on a crop centred on it at full resolution. Default true. */
  refine?: boolean;
  /**
   * Analyse tiles without blendshapes and matrices (about half the per-face cost) and get them in
   * a final pass per found face (switching options costs ~30 ms each way). Default false: under
   * the noisy load of the test machine it did not measure faster on the fixtures.
   */
  fastTiles?: boolean;
}

/** Extra details for diagnostics (test harnesses, benchmarks). */
export interface FaceFinderDebug extends FaceFinder {
  findDetailed(
    image: FaceImage,
    opts?: FindOptions,
  ): Promise<{ faces: MergedFace[]; candidates: Candidate[]; tiles: Tile[]; analysed: number; ms: number }>;
}

type AnyCanvas = OffscreenCanvas | HTMLCanvasElement;
type Ctx2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

function makeCanvas(w: number, h: number): AnyCanvas {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(w, h);
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  return c;
}

/** Yield to the event loop without timers (timers are throttled in hidden/offscreen documents). */
export function yieldTask(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return Promise.resolve();
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(0);
  });
}

function blendshapesOf(result: FaceLandmarkerResult, i: number): Record<string, number> {
  const out: Record<string, number> = {};
  const cls = result.faceBlendshapes?.[i];
  if (cls) for (const c of cls.categories) out[c.categoryName] = c.score;
  return out;
}

function matrixOf(result: FaceLandmarkerResult, i: number): number[] | null {
  const m = result.facialTransformationMatrixes?.[i];
  return m && m.data.length === 16 ? Array.from(m.data) : null;
}

function imageSize(image: FaceImage): { width: number; height: number } {
  return { width: image.width, height: image.height };
}

export async function createFaceFinder(opts: FaceFinderOptions): Promise<FaceFinderDebug> {
  const base = opts.wasmBaseUrl.replace(/\/+$/, '');
  const fastTiles = opts.fastTiles ?? false;
  const fileset = await FilesetResolver.forVisionTasks(base);
  let landmarker: FaceLandmarker | null = await FaceLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: opts.modelAssetUrl, delegate: 'CPU' },
    runningMode: 'IMAGE',
    numFaces: opts.numFaces ?? 20,
    minFaceDetectionConfidence: opts.minFaceDetectionConfidence ?? 0.3,
    minFacePresenceConfidence: opts.minFacePresenceConfidence ?? 0.5,
    outputFaceBlendshapes: !fastTiles,
    outputFacialTransformationMatrixes: !fastTiles,
  });

  const canvases = new Map<string, { canvas: AnyCanvas; ctx: Ctx2D }>();
  function canvasFor(w: number, h: number): { canvas: AnyCanvas; ctx: Ctx2D } {
    const key = `${w}x${h}`;
    let entry = canvases.get(key);
    if (!entry) {
      const canvas = makeCanvas(w, h);
      const ctx = canvas.getContext('2d', { willReadFrequently: false }) as Ctx2D | null;
      if (!ctx) throw new Error('Canvas 2D is not available');
      entry = { canvas, ctx };
      canvases.set(key, entry);
    }
    return entry;
  }

  function analyse(image: FaceImage, tile: Tile, tileIndex: number, mask: readonly Box[]): Candidate[] {
    if (!landmarker) throw new Error('Face finder is closed');
    const { canvas, ctx } = canvasFor(tile.outW, tile.outH);
    // Transparent pixels become neutral grey, not black (alpha cut-outs).
    ctx.globalCompositeOperation = 'copy';
    ctx.fillStyle = '#808080';
    ctx.fillRect(0, 0, tile.outW, tile.outH);
    ctx.globalCompositeOperation = 'source-over';
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(image as CanvasImageSource, tile.x, tile.y, tile.w, tile.h, 0, 0, tile.outW, tile.outH);
    // Paint out faces already confirmed, so the landmark model is not run on them again.
    const s = tile.outW / tile.w;
    for (const b of mask) {
      const padX = b.w * 0.15;
      const padY = b.h * 0.15;
      ctx.fillRect((b.x - padX - tile.x) * s, (b.y - padY - tile.y) * s, (b.w + 2 * padX) * s, (b.h + 2 * padY) * s);
    }
    const result = landmarker.detect(canvas);
    const out: Candidate[] = [];
    result.faceLandmarks.forEach((lms, i) => {
      out.push({
        tile,
        tileIndex,
        landmarks: mapLandmarks(tile, lms),
        blendshapes: blendshapesOf(result, i),
        matrix: matrixOf(result, i),
      });
    });
    return out;
  }

  /** Photometric sanity factor of the central 60 % of a face box, sampled at 24x24. */
  function photometric(image: FaceImage, box: Box): number {
    const { ctx } = canvasFor(24, 24);
    ctx.globalCompositeOperation = 'copy';
    ctx.fillStyle = '#808080';
    ctx.fillRect(0, 0, 24, 24);
    ctx.globalCompositeOperation = 'source-over';
    const sw = Math.max(1, box.w * 0.6);
    const sh = Math.max(1, box.h * 0.6);
    ctx.drawImage(image as CanvasImageSource, box.x + box.w * 0.2, box.y + box.h * 0.2, sw, sh, 0, 0, 24, 24);
    return photometricSanity(ctx.getImageData(0, 0, 24, 24).data).factor;
  }

  /** Switch blendshape and matrix outputs (cheap tiles without them, final pass with them). */
  let fullOutputs = false;
  async function setFullOutputs(on: boolean): Promise<void> {
    if (!landmarker) throw new Error('Face finder is closed');
    if (fullOutputs === on || !fastTiles) return;
    await landmarker.setOptions({ outputFaceBlendshapes: on, outputFacialTransformationMatrixes: on });
    fullOutputs = on;
  }

  function bestMatch(found: Candidate[], box: Box): Candidate | null {
    let best: Candidate | null = null;
    let bestIou = 0.4;
    for (const c of found) {
      const o = iou(boxFromLandmarks(c.landmarks), box);
      if (o > bestIou) {
        best = c;
        bestIou = o;
      }
    }
    return best;
  }

  /**
   * Final pass on one face. When the face was only seen downsampled (e.g. a portrait found by the
   * full-image pass), re-run the landmark model on a crop centred on it (face about 45 % of it, at
   * full resolution): finer landmarks, and a fresh framing that confirms the face. With
   * `fastTiles`, faces not refined that way get their blendshapes and matrix by re-running the
   * tile they were found in.
   */
  function finalPass(image: FaceImage, f: MergedFace, width: number, height: number, masked: Map<number, Box[]>): void {
    let best: Candidate | null = null;
    const seenPx = f.box.w * tileScale(f.tile);
    const crop = refineTile(f.box, width, height);
    const sharper = seenPx < Math.min(f.box.w, 200) * 0.85 && tileScale(crop) * f.box.w > seenPx * 1.1;
    if ((opts.refine ?? true) && sharper) {
      best = bestMatch(analyse(image, crop, -1, []), f.box);
      if (best) {
        f.hits += 1;
        f.score = Math.min(1, f.score + 0.1);
      }
    }
    if (!best && fastTiles && fullOutputs) {
      const ti = f.tileIndex;
      best = bestMatch(analyse(image, f.tile, ti, (ti >= 0 ? masked.get(ti) : undefined) ?? []), f.box);
    }
    if (!best) return;
    f.landmarks = best.landmarks;
    f.box = boxFromLandmarks(best.landmarks);
    f.blendshapes = best.blendshapes;
    f.matrix = best.matrix;
    f.tile = best.tile;
  }

  async function findDetailed(image: FaceImage, findOpts: FindOptions = {}) {
    const t0 = performance.now();
    const { width, height } = imageSize(image);
    if (!(width > 0 && height > 0)) throw new Error('Empty image');
    await setFullOutputs(false);
    const tiles = planTiles(width, height, opts.tiling);
    const short = Math.min(width, height);
    const stopFrac = opts.earlyStopFaceFraction ?? 0.15;
    const maskConfirmed = opts.maskConfirmed ?? true;
    const candidates: Candidate[] = [];
    const masked = new Map<number, Box[]>();
    const mergeOpts: MergeOptions = { ...opts.merge, masked };
    let confirmed: Box[] = [];
    let analysed = 0;
    let analysedTiles: Tile[] = [];
    for (let i = 0; i < tiles.length; i++) {
      const tile = tiles[i]!;
      if (i > 0 && tile.level !== tiles[i - 1]!.level && candidates.length > 0) {
        // Level boundary: stop early when a large, confirmed face is already known; otherwise
        // remember the faces seen often enough to be sure of, to paint them out of finer tiles.
        analysedTiles = tiles.slice(0, i);
        const sofar = mergeCandidates(candidates, analysedTiles, width, height, { ...mergeOpts, minScore: 0 });
        if (stopFrac > 0 && sofar.some((f) => f.box.w >= stopFrac * short && f.score * photometric(image, f.box) >= 0.5)) {
          break;
        }
        if (maskConfirmed) confirmed = sofar.filter((f) => f.hits >= 2 && f.score >= 0.75).map((f) => f.box);
      }
      const mask = confirmed.filter(
        (b) => b.x < tile.x + tile.w && b.x + b.w > tile.x && b.y < tile.y + tile.h && b.y + b.h > tile.y,
      );
      if (mask.length) masked.set(i, mask);
      const found = analyse(image, tile, i, mask);
      candidates.push(...found);
      analysed = i + 1;
      if (maskConfirmed && found.length > 0 && tile.level > 0) {
        // Within a level, paint out faces once three tiles agree on them (stricter than between
        // levels, so a false positive cannot confirm itself from two neighbouring tiles).
        const sofar = mergeCandidates(candidates, tiles.slice(0, analysed), width, height, { ...mergeOpts, minScore: 0 });
        const strong = sofar.filter((f) => f.hits >= 3 && f.score >= 0.75).map((f) => f.box);
        for (const b of strong) if (!confirmed.some((c) => iou(c, b) > 0.3)) confirmed.push(b);
      }
      findOpts.onProgress?.(analysed / tiles.length);
      await yieldTask();
    }
    analysedTiles = tiles.slice(0, analysed);
    const merged = mergeCandidates(candidates, analysedTiles, width, height, { ...mergeOpts, minScore: 0 });
    if (merged.length > 0) await setFullOutputs(true);
    for (const f of merged) {
      finalPass(image, f, width, height, masked);
      f.score *= photometric(image, f.box);
    }
    const faces = finalizeFaces(merged, opts.merge?.minScore ?? 0.45);
    findOpts.onProgress?.(1);
    return { faces, candidates, tiles: analysedTiles, analysed, ms: performance.now() - t0 };
  }

  // One find at a time: the outputs switch and shared canvases must not interleave.
  let queue: Promise<unknown> = Promise.resolve();
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  }

  return {
    findDetailed: (image, findOpts) => serial(() => findDetailed(image, findOpts)),
    find: (image, findOpts) => serial(async () => (await findDetailed(image, findOpts)).faces.map(toFace)),
    close() {
      landmarker?.close();
      landmarker = null;
      canvases.clear();
    },
  };
}
