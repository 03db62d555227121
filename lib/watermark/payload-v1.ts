// Format v1 of the watermark's channel code (clips made before format v2), kept so that the detector
// still reads them: the 96 information bits (payload + CRC-32, payload.ts) with 6 zero tail bits
// through a rate-1/2, constraint-length-7 convolutional code (171/133 octal, free distance 10) ->
// 204 coded bits, XOR-ed with a keyed whitening sequence, decoded with soft-decision Viterbi. One
// CRC check per decode. Pure, no DOM.
import { INFO_BITS, infoBits, keyedRandom, payloadFromInfo, type DecodedPayload } from './payload';

const K = 7; // constraint length
const TAIL = K - 1;
export const V1_CODE_BITS = 2 * (INFO_BITS + TAIL); // 204
const G0 = 0o171;
const G1 = 0o133;
export const V1_KEY = 'sfumato/invisible-watermark/v1';

const WHITEN: Uint8Array = (() => {
  const rnd = keyedRandom(`${V1_KEY}/whiten`);
  const w = new Uint8Array(V1_CODE_BITS);
  for (let i = 0; i < V1_CODE_BITS; i++) w[i] = rnd() < 0.5 ? 1 : 0;
  return w;
})();

function parity(x: number): number {
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/** Format v1 channel bits (length 204, values 0/1) for a 64-bit payload. */
export function encodePayloadV1(payload: bigint): Uint8Array {
  const info = infoBits(payload);
  const out = new Uint8Array(V1_CODE_BITS);
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
 * Soft-decision Viterbi decoding of format v1. soft[i] > 0 means channel bit i is more likely 1;
 * magnitudes are confidences (any scale).
 */
export function decodePayloadV1(soft: ArrayLike<number>): DecodedPayload {
  if (soft.length !== V1_CODE_BITS) throw new Error(`decodePayloadV1: expected ${V1_CODE_BITS} soft bits`);
  const y = new Float64Array(V1_CODE_BITS);
  for (let i = 0; i < V1_CODE_BITS; i++) y[i] = WHITEN[i] ? -soft[i]! : soft[i]!;
  const steps = INFO_BITS + TAIL;
  let metric = new Float64Array(NSTATES).fill(-Infinity);
  metric[0] = 0;
  let next = new Float64Array(NSTATES);
  const prev = new Uint8Array(steps * NSTATES); // the bit shifted out; with the new state it identifies the old one
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
        const bm = (o >> 1 ? y0 : -y0) + (o & 1 ? y1 : -y1);
        const ns = ((u << (K - 1)) | s) >> 1;
        const v = m + bm;
        if (v > next[ns]!) {
          next[ns] = v;
          prev[i * NSTATES + ns] = s & 1;
        }
      }
    }
    const t = metric;
    metric = next;
    next = t;
  }
  const info = new Uint8Array(INFO_BITS);
  let s = 0;
  for (let i = steps - 1; i >= 0; i--) {
    const u = (s >> (K - 2)) & 1;
    if (i < INFO_BITS) info[i] = u;
    const lsb = prev[i * NSTATES + s]!;
    s = ((s << 1) & (NSTATES - 1)) | lsb;
  }
  const { payload, crcOk } = payloadFromInfo(info);
  let energy = 0;
  for (let i = 0; i < V1_CODE_BITS; i++) energy += Math.abs(soft[i]!);
  const re = encodePayloadV1(payload);
  let agree = 0;
  for (let i = 0; i < V1_CODE_BITS; i++) if ((soft[i]! > 0 ? 1 : 0) === re[i]) agree++;
  return { ok: crcOk && energy > 0, payload, agreement: agree / V1_CODE_BITS, checks: 1 };
}
