export type { Box, Face } from './types';
export { LANDMARK_COUNT } from './types';
export {
  planTiles,
  tileToSource,
  sourceToTile,
  mapLandmarks,
  boxFromLandmarks,
  cutFraction,
  axisStarts,
  tileScale,
  refineTile,
  DEFAULT_LEVELS,
  type Tile,
  type TilingOptions,
  type NormLandmark,
} from './tiling';
export { mergeCandidates, sameFace, iou, plausibility, photometricSanity, finalizeFaces, toFace, type Candidate, type MergeOptions, type MergedFace } from './merge';
export { chooseFace, isFaceTooSmall, MIN_FACE_PX, TOO_SMALL_MESSAGE } from './choose';
export {
  createFaceFinder,
  type FaceFinder,
  type FaceFinderDebug,
  type FaceFinderOptions,
  type FaceImage,
  type FindOptions,
} from './detect';
