// The watermark's formats: tile geometry, keyed chip layout and channel code. Clips are made in the
// current format (v2); the detector also reads v1 so that clips made before v2 are still found.
// Pure, no DOM.
//
// A tile is a CHIPS x CHIPS grid of +-1 chips. SYNC_CHIPS of them carry a fixed keyed pattern (to find
// the grid after a crop), the others carry the coded bits with keyed signs:
//   v1: 4 tiles per long side, 204 coded bits (convolutional code) on 768 chips, 3-4 chips each;
//   v2: 5 tiles per long side (4.8 px chips at 768 px: smaller chips meet less of a painting's
//       texture, about +1 dB after CRF 35, JPEG and 50% downscale on the textured portraits, and
//       more tiles to combine), 256 coded bits (polar code) on 768 chips, 3 each.
import { CODE_BITS, WATERMARK_KEY, decodePayload, encodePayload, keyedRandom, LIST_SIZE, type DecodedPayload } from './payload';
import { V1_CODE_BITS, V1_KEY, decodePayloadV1, encodePayloadV1 } from './payload-v1';

export const CHIPS = 32;
export const CHIP_COUNT = CHIPS * CHIPS;
export const SYNC_CHIPS = 256;

export interface ChipLayout {
  /** Keyed sign of every chip (+1/-1). */
  sign: Int8Array;
  /** For every chip: -1 for a sync chip, otherwise the channel-bit index it carries. */
  role: Int16Array;
  /** Sync chip indices. */
  sync: Uint16Array;
}

export interface WatermarkFormat {
  version: number;
  tilesPerLongSide: number;
  layout: ChipLayout;
  codeBits: number;
  encode(payload: bigint): Uint8Array;
  decode(soft: ArrayLike<number>): DecodedPayload;
  /** The most CRC checks one decode makes (for the false-positive bound). */
  checksPerDecode: number;
}

/** Keyed signs, then a keyed permutation: its first SYNC_CHIPS chips are sync, the rest carry bits in turn. */
function makeLayout(key: string, codeBits: number): ChipLayout {
  const rnd = keyedRandom(`${key}/layout`);
  const sign = new Int8Array(CHIP_COUNT);
  for (let i = 0; i < CHIP_COUNT; i++) sign[i] = rnd() < 0.5 ? -1 : 1;
  const perm = Array.from({ length: CHIP_COUNT }, (_, i) => i);
  for (let i = CHIP_COUNT - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  const role = new Int16Array(CHIP_COUNT);
  const sync = new Uint16Array(SYNC_CHIPS);
  for (let k = 0; k < CHIP_COUNT; k++) {
    const c = perm[k]!;
    if (k < SYNC_CHIPS) {
      role[c] = -1;
      sync[k] = c;
    } else role[c] = (k - SYNC_CHIPS) % codeBits;
  }
  return { sign, role, sync };
}

export const FORMAT_V2: WatermarkFormat = {
  version: 2,
  tilesPerLongSide: 5,
  layout: makeLayout(WATERMARK_KEY, CODE_BITS),
  codeBits: CODE_BITS,
  encode: encodePayload,
  decode: decodePayload,
  checksPerDecode: LIST_SIZE,
};

export const FORMAT_V1: WatermarkFormat = {
  version: 1,
  tilesPerLongSide: 4,
  layout: makeLayout(V1_KEY, V1_CODE_BITS),
  codeBits: V1_CODE_BITS,
  encode: encodePayloadV1,
  decode: decodePayloadV1,
  checksPerDecode: 1,
};

/** The formats the detector tries, in order. */
export const FORMATS: readonly WatermarkFormat[] = [FORMAT_V2, FORMAT_V1];
