import { describe, expect, it } from 'vitest';
import { polarCode, polarEncode, polarListDecode, polarTransform } from '@/lib/watermark/polar';
import { CODE_BITS, decodePayload, encodePayload, INFO_BITS, keyedRandom } from '@/lib/watermark/payload';
import { decodePayloadV1, encodePayloadV1, V1_CODE_BITS } from '@/lib/watermark/payload-v1';
import { FORMAT_V1 } from '@/lib/watermark/formats';

const rnd = keyedRandom('test/polar');
const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-300)) * Math.cos(2 * Math.PI * rnd());
const randomBits = (n: number) => Uint8Array.from({ length: n }, () => (rnd() < 0.5 ? 1 : 0));
const randomPayload = () => BigInt.asUintN(64, (BigInt(Math.floor(rnd() * 2 ** 32)) << 32n) | BigInt(Math.floor(rnd() * 2 ** 32)));

describe('polar code', () => {
  it('the transform is its own inverse', () => {
    const u = randomBits(64);
    expect(Array.from(polarTransform(polarTransform(u)))).toEqual(Array.from(u));
  });

  it('picks the k most reliable positions, skips punctured bits, and decodes noiseless input exactly', () => {
    const z = Float64Array.from({ length: 64 }, (_, i) => (i % 4 === 3 ? 1 : 0.6));
    const code = polarCode(64, 20, z);
    expect(code.info.length).toBe(20);
    expect(code.sent.length).toBe(48);
    expect(code.frozen.reduce((a, b) => a + b, 0)).toBe(44);
    // u_0 is the least reliable synthetic channel, u_63 the most.
    expect(code.frozen[0]).toBe(1);
    expect(code.frozen[63]).toBe(0);
    for (let t = 0; t < 20; t++) {
      const info = randomBits(20);
      const x = polarEncode(code, info);
      const list = polarListDecode(code, Array.from(x, (b) => (b ? 2 : -2)), 4);
      expect(Array.from(list[0]!)).toEqual(Array.from(info));
    }
  });

  it('the list holds the sent word at a raw bit error rate near 16% (soft values)', () => {
    const code = polarCode(256, 96, new Float64Array(256).fill(0.5));
    let inList = 0;
    let raw = 0;
    for (let t = 0; t < 60; t++) {
      const info = randomBits(96);
      const x = polarEncode(code, info);
      const soft = Array.from(x, (b) => (b ? 1 : -1) + gauss());
      raw += soft.filter((v, i) => (v > 0 ? 1 : 0) !== x[i]).length / 256;
      if (polarListDecode(code, soft, 16).some((u) => u.every((v, i) => v === info[i]))) inList++;
    }
    expect(raw / 60).toBeGreaterThan(0.14);
    expect(inList).toBeGreaterThanOrEqual(55);
  }, 30_000);
});

describe('format v2 payload code against format v1', () => {
  it('at the same signal per chip, v2 fails far less often than v1 (768 chips, Gaussian chip noise)', () => {
    // Per-chip SNR -5 dB: v1 puts 3-4 chips on each of its 204 coded bits, v2 3 on each of 256.
    const sigma = 1 / Math.sqrt(10 ** -0.5);
    const v1Chips = new Uint8Array(V1_CODE_BITS);
    for (const r of FORMAT_V1.layout.role) if (r >= 0) v1Chips[r] = v1Chips[r]! + 1;
    let v1Fail = 0;
    let v2Fail = 0;
    const trials = 150;
    for (let t = 0; t < trials; t++) {
      const p = randomPayload();
      const b1 = encodePayloadV1(p);
      const s1 = Array.from(b1, (b, i) => {
        let v = 0;
        for (let k = 0; k < v1Chips[i]!; k++) v += (b ? 1 : -1) + sigma * gauss();
        return v;
      });
      const d1 = decodePayloadV1(s1);
      if (!(d1.ok && d1.payload === p)) v1Fail++;
      const b2 = encodePayload(p);
      const s2 = Array.from(b2, (b) => 3 * (b ? 1 : -1) + Math.sqrt(3) * sigma * gauss());
      const d2 = decodePayload(s2);
      if (!(d2.ok && d2.payload === p)) v2Fail++;
      // A CRC-verified payload is never a wrong one here.
      if (d1.ok) expect(d1.payload).toBe(p);
      if (d2.ok) expect(d2.payload).toBe(p);
    }
    expect(CODE_BITS * 3).toBe(768);
    expect(INFO_BITS).toBe(96);
    expect(v1Fail / trials).toBeGreaterThan(0.25);
    expect(v2Fail / trials).toBeLessThan(0.1);
  }, 60_000);

  it('format v1 still round trips (clips made before v2)', () => {
    const p = 0x0123456789abcdefn;
    const d = decodePayloadV1(Array.from(encodePayloadV1(p), (b) => (b ? 1 : -1)));
    expect(d.ok).toBe(true);
    expect(d.payload).toBe(p);
    expect(d.checks).toBe(1);
  });
});
