// Invisible-watermark payload: a 64-bit clip identifier protected by a CRC-32 and a rate-1/2,
// constraint-length-7 convolutional code (the classic 171/133 octal pair, free distance 10),
// decoded with a soft-decision Viterbi decoder. Pure, no DOM.
//
//   64 payload bits + 32 CRC bits + 6 zero tail bits = 102 input bits -> 204 coded bits,
//   XOR-ed with a keyed whitening sequence so that structured inputs (flat images, all-zero
//   evidence) never look like a valid codeword.
//
// False positives: for a frame without the watermark the decoded 96 bits are effectively random,
// so the CRC-32 passes with probability 2^-32 per decoding attempt. The detector makes at most
// DECODE_ATTEMPTS attempts per call, which bounds the false-positive probability per call (one
// image, or one clip when frames are aggregated) by DECODE_ATTEMPTS * 2^-32 = 4.66e-10.

export const PAYLOAD_BITS = 64;
export const CRC_BITS = 32;
export const INFO_BITS = PAYLOAD_BITS + CRC_BITS; // 96
const K = 7; // constraint length
const TAIL = K - 1;
export const CODE_BITS = 2 * (INFO_BITS + TAIL); // 204
const G0 = 0o171;
const G1 = 0o133;
export const DECODE_ATTEMPTS = 2;
export const FALSE_POSITIVE_BOUND = DECODE_ATTEMPTS * 2 ** -32;

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

export const WATERMARK_KEY = 'sfumato/invisible-watermark/v1';
/** The name recorded in the manifest's soft-binding assertion. */
export const WATERMARK_ALG = 'org.sfumato.watermark.1';

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

function parity(x: number): number {
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
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

/** Channel bits (length CODE_BITS, values 0/1) for a 64-bit payload. */
export function encodePayload(payload: bigint): Uint8Array {
  const info = infoBits(payload);
  const out = new Uint8Array(CODE_BITS);
  let state = 0;
  for (let i = 0; i < INFO_BITS + TAIL; i++) {
    const u = i < INFO_BITS ? info[i]! : 0;
    const reg = (u << (K - 1)) | state;
    out[2 * i] = parity(reg & G0) ^ WHITEN[2 * i]!;
    out[2 * i + 1] = parity(reg & G1) ^ WHITEN[2 * i + 1]!;
    state = reg >> 1;
  }
  return out;
}

export interface DecodedPayload {
  /** CRC check passed. */
  ok: boolean;
  /** The decoded 64 payload bits (best effort even when ok is false). */
  payload: bigint;
  /** Fraction of hard channel decisions that agree with the re-encoded decoded codeword. */
  agreement: number;
}

const NSTATES = 1 << (K - 1);
// Precomputed branch outputs: for state s and input u, the two (unwhitened) coded bits.
const BR_OUT: Uint8Array = (() => {
  const t = new Uint8Array(NSTATES * 2);
  for (let s = 0; s < NSTATES; s++)
    for (let u = 0; u < 2; u++) {
      const reg = (u << (K - 1)) | s;
      t[s * 2 + u] = (parity(reg & G0) << 1) | parity(reg & G1);
    }
  return t;
})();

/**
 * Soft-decision Viterbi decoding. soft[i] > 0 means channel bit i is more likely 1; magnitudes are
 * confidences (any scale). Returns the CRC verdict, the payload and the channel agreement.
 */
export function decodePayload(soft: ArrayLike<number>): DecodedPayload {
  if (soft.length !== CODE_BITS) throw new Error(`decodePayload: expected ${CODE_BITS} soft bits`);
  // Un-whiten: flip the sign where the whitening bit is 1.
  const y = new Float64Array(CODE_BITS);
  for (let i = 0; i < CODE_BITS; i++) y[i] = WHITEN[i] ? -soft[i]! : soft[i]!;
  const steps = INFO_BITS + TAIL;
  let metric = new Float64Array(NSTATES).fill(-Infinity);
  metric[0] = 0;
  let next = new Float64Array(NSTATES);
  const prev = new Uint8Array(steps * NSTATES); // predecessor low bit info: stores u and old LSB
  for (let i = 0; i < steps; i++) {
    next.fill(-Infinity);
    const y0 = y[2 * i]!;
    const y1 = y[2 * i + 1]!;
    const maxU = i < INFO_BITS ? 1 : 0;
    for (let s = 0; s < NSTATES; s++) {
      const m = metric[s]!;
      if (m === -Infinity) continue;
      for (let u = 0; u <= maxU; u++) {
        const o = BR_OUT[s * 2 + u]!;
        const bm = ((o >> 1) ? y0 : -y0) + ((o & 1) ? y1 : -y1);
        const ns = ((u << (K - 1)) | s) >> 1;
        const v = m + bm;
        if (v > next[ns]!) {
          next[ns] = v;
          prev[i * NSTATES + ns] = s & 1; // the bit shifted out; with ns it identifies s
        }
      }
    }
    const t = metric;
    metric = next;
    next = t;
  }
  // Trace back from state 0.
  const info = new Uint8Array(INFO_BITS);
  let s = 0;
  for (let i = steps - 1; i >= 0; i--) {
    const u = (s >> (K - 2)) & 1;
    if (i < INFO_BITS) info[i] = u;
    const lsb = prev[i * NSTATES + s]!;
    s = ((s << 1) & (NSTATES - 1)) | lsb;
  }
  let payload = 0n;
  for (let i = 0; i < 64; i++) payload = (payload << 1n) | BigInt(info[i]!);
  const expect = infoBits(payload);
  let ok = true;
  for (let i = 64; i < INFO_BITS; i++) if (expect[i] !== info[i]) ok = false;
  // All-zero evidence never decodes.
  let energy = 0;
  for (let i = 0; i < CODE_BITS; i++) energy += Math.abs(soft[i]!);
  if (!(energy > 0)) ok = false;
  const re = encodePayload(payload);
  let agree = 0;
  for (let i = 0; i < CODE_BITS; i++) if ((soft[i]! > 0 ? 1 : 0) === re[i]) agree++;
  return { ok, payload, agreement: agree / CODE_BITS };
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
