// Invisible-watermark payload, format v2: a 64-bit clip identifier protected by a CRC-32 and a
// polar code, decoded by a successive-cancellation list decoder whose CRC picks the right candidate
// (polar.ts). Pure, no DOM.
//
//   64 payload bits + 32 CRC bits = 96 information bits -> polar code of length 256 (rate 3/8),
//   XOR-ed with a keyed whitening sequence so that structured inputs (flat images, all-zero
//   evidence) never look like a valid codeword. Each coded bit is carried by 3 of the tile's 768
//   payload chips (formats.ts).
//
// Why 256 coded bits on 3 chips each rather than a longer code (1024 punctured to 768, one chip
// each, about 0.6 dB better on Gaussian soft values): informed embedding (informed.ts) cancels the
// picture's interference bit by bit, and that works only when a bit's response outgrows the host's
// projection on it, which grows with the chips per bit. On the benchmark's hardest portraits (Klimt,
// van Gogh, Mona Lisa, Nietzsche: CRF 35, 50% + CRF 28, single frames, contrast +30%, 25% downscale,
// 20% crop) 256 x 3 found 32/32 clips, 768 x 1 found 26/32.
//
// False positives: for a frame without the watermark every candidate of the list is effectively a
// random payload, so each passes the CRC-32 with probability 2^-32. One decode checks at most
// LIST_SIZE candidates, so an unmarked input passes one decode with probability at most
// LIST_SIZE * 2^-32; the detector (detect.ts) adds this up over all its decodes.
import { polarCode, polarEncode, polarListDecode } from './polar';

export const PAYLOAD_BITS = 64;
export const CRC_BITS = 32;
export const INFO_BITS = PAYLOAD_BITS + CRC_BITS; // 96
export const CODE_BITS = 256;
/** Candidates the list decoder keeps (16: about 0.3 dB better than 8, at twice the checks). */
export const LIST_SIZE = 16;

/** Small keyed PRNG (splitmix32) so that the key material is reproducible everywhere. */
export function keyedRandom(key: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let s = h >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

export const WATERMARK_KEY = 'sfumato/invisible-watermark/v2';
/** The name recorded in the manifest's soft-binding assertion (format v1 was org.sfumato.watermark.1). */
export const WATERMARK_ALG = 'org.sfumato.watermark.2';

// The design point (Bhattacharyya parameter of every coded bit) hardly matters here: 0.3, 0.5 and 0.7
// simulated within noise of each other.
const POLAR = polarCode(CODE_BITS, INFO_BITS, new Float64Array(CODE_BITS).fill(0.5));

const WHITEN: Uint8Array = (() => {
  const rnd = keyedRandom(`${WATERMARK_KEY}/whiten`);
  const w = new Uint8Array(CODE_BITS);
  for (let i = 0; i < CODE_BITS; i++) w[i] = rnd() < 0.5 ? 1 : 0;
  return w;
})();

const CRC_TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3) of bytes. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const MASK64 = (1n << 64n) - 1n;

function payloadBytes(payload: bigint): Uint8Array {
  const b = new Uint8Array(8);
  let v = payload & MASK64;
  for (let i = 7; i >= 0; i--) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return b;
}

/** The 96 information bits: payload (MSB first) then CRC-32 of its 8 big-endian bytes. */
export function infoBits(payload: bigint): Uint8Array {
  const bytes = payloadBytes(payload);
  const crc = crc32(bytes);
  const bits = new Uint8Array(INFO_BITS);
  for (let i = 0; i < 64; i++) bits[i] = (bytes[i >> 3]! >> (7 - (i & 7))) & 1;
  for (let i = 0; i < 32; i++) bits[64 + i] = (crc >>> (31 - i)) & 1;
  return bits;
}

/** The payload of 96 information bits and whether their CRC matches. */
export function payloadFromInfo(info: ArrayLike<number>): { payload: bigint; crcOk: boolean } {
  let payload = 0n;
  for (let i = 0; i < 64; i++) payload = (payload << 1n) | BigInt(info[i]!);
  const expect = infoBits(payload);
  let crcOk = true;
  for (let i = 64; i < INFO_BITS; i++) if (expect[i] !== info[i]) crcOk = false;
  return { payload, crcOk };
}

/** Channel bits (length CODE_BITS, values 0/1) for a 64-bit payload. */
export function encodePayload(payload: bigint): Uint8Array {
  const x = polarEncode(POLAR, infoBits(payload));
  for (let i = 0; i < CODE_BITS; i++) x[i] = x[i]! ^ WHITEN[i]!;
  return x;
}

export interface DecodedPayload {
  /** A CRC check passed. */
  ok: boolean;
  /** The decoded 64 payload bits (best effort even when ok is false). */
  payload: bigint;
  /** Fraction of hard channel decisions that agree with the re-encoded decoded codeword. */
  agreement: number;
  /** CRC checks made (each passes on unmarked input with probability 2^-32). */
  checks: number;
}

/**
 * List decoding. soft[i] > 0 means channel bit i is more likely 1; magnitudes are confidences (any
 * scale). The first candidate, in order of likelihood, whose CRC matches is the answer.
 */
export function decodePayload(soft: ArrayLike<number>): DecodedPayload {
  if (soft.length !== CODE_BITS) throw new Error(`decodePayload: expected ${CODE_BITS} soft bits`);
  const y = new Float64Array(CODE_BITS);
  let energy = 0;
  for (let i = 0; i < CODE_BITS; i++) {
    y[i] = WHITEN[i] ? -soft[i]! : soft[i]!;
    energy += Math.abs(soft[i]!);
  }
  const list = energy > 0 ? polarListDecode(POLAR, y, LIST_SIZE) : [new Uint8Array(INFO_BITS)];
  let best: { payload: bigint; crcOk: boolean } | null = null;
  let checks = 0;
  for (const info of list) {
    const r = payloadFromInfo(info);
    if (energy > 0) checks++;
    best ??= r;
    if (r.crcOk && energy > 0) {
      best = r;
      break;
    }
  }
  const re = encodePayload(best!.payload);
  let agree = 0;
  for (let i = 0; i < CODE_BITS; i++) if ((soft[i]! > 0 ? 1 : 0) === re[i]) agree++;
  return { ok: best!.crcOk && energy > 0, payload: best!.payload, agreement: agree / CODE_BITS, checks };
}

/**
 * Map a clip identifier (any string, e.g. a UUID) to the 64-bit watermark payload: FNV-1a 64 over
 * its UTF-8 bytes followed by the splitmix64 finaliser. The gallery maps a detected payload back
 * to a clip by comparing with clipIdToPayload(clip.id).
 */
export function clipIdToPayload(clipId: string): bigint {
  const bytes = new TextEncoder().encode(clipId);
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & MASK64;
  }
  h = ((h ^ (h >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  h = ((h ^ (h >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return (h ^ (h >> 31n)) & MASK64;
}

/** 16 lowercase hex digits, for display and storage. */
export function payloadToHex(payload: bigint): string {
  return (payload & MASK64).toString(16).padStart(16, '0');
}
