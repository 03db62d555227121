import { describe, expect, it } from 'vitest';
import { FALSE_POSITIVE_BOUND } from '@/lib/watermark/detect';
import {
  CODE_BITS,
  LIST_SIZE,
  clipIdToPayload,
  crc32,
  decodePayload,
  encodePayload,
  keyedRandom,
  payloadToHex,
} from '@/lib/watermark/payload';

const toSoft = (bits: Uint8Array): number[] => Array.from(bits, (b) => (b ? 1 : -1));

describe('watermark payload coding', () => {
  it('CRC-32 matches the IEEE check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('round trips 64-bit payloads', () => {
    for (const p of [0n, 1n, 0xffffffffffffffffn, 0x0123456789abcdefn, clipIdToPayload('clip-42')]) {
      const bits = encodePayload(p);
      expect(bits.length).toBe(CODE_BITS);
      const d = decodePayload(toSoft(bits));
      expect(d.ok).toBe(true);
      expect(d.payload).toBe(p);
      expect(d.agreement).toBe(1);
    }
  });

  it('corrects injected raw bit errors (hard decisions)', () => {
    const rnd = keyedRandom('test/errors');
    let ok = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const p = BigInt.asUintN(64, BigInt(Math.floor(rnd() * 2 ** 32)) * 2n ** 32n + BigInt(Math.floor(rnd() * 2 ** 32)));
      const soft = toSoft(encodePayload(p));
      // 15 errors (5.9% of the 256 raw bits), at random positions.
      const flipped = new Set<number>();
      while (flipped.size < 15) flipped.add(Math.floor(rnd() * CODE_BITS));
      for (const i of flipped) soft[i] = -soft[i]!;
      const d = decodePayload(soft);
      if (d.ok && d.payload === p) ok++;
      // A CRC-verified payload is never a wrong one here.
      if (d.ok) expect(d.payload).toBe(p);
    }
    expect(ok / trials).toBeGreaterThan(0.95);
  });

  it('corrects soft noise at 10% raw bit error rate', () => {
    const rnd = keyedRandom('test/gauss');
    const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
    let ok = 0;
    let rawErr = 0;
    for (let t = 0; t < 100; t++) {
      const p = clipIdToPayload(`clip-${t}`);
      const soft = toSoft(encodePayload(p)).map((v) => v + 0.78 * gauss()); // P(sign flip) ~ 10%
      rawErr += soft.filter((v, i) => (v > 0 ? 1 : 0) !== encodePayload(p)[i]).length / CODE_BITS;
      const d = decodePayload(soft);
      if (d.ok && d.payload === p) ok++;
    }
    expect(rawErr / 100).toBeGreaterThan(0.07);
    expect(ok).toBeGreaterThanOrEqual(95);
  });

  it('rejects random evidence (CRC-32 over every list candidate) and all-zero evidence', () => {
    const rnd = keyedRandom('test/random');
    let passes = 0;
    for (let t = 0; t < 3000; t++) {
      const soft = Array.from({ length: CODE_BITS }, () => rnd() - 0.5);
      const d = decodePayload(soft);
      expect(d.checks).toBeLessThanOrEqual(LIST_SIZE);
      if (d.ok) passes++;
    }
    expect(passes).toBe(0);
    expect(decodePayload(new Array(CODE_BITS).fill(0)).ok).toBe(false);
    // 2 decodes x 16 checks (v2) + 2 decodes x 1 check (v1), each 2^-32.
    expect(FALSE_POSITIVE_BOUND).toBeCloseTo(34 * 2 ** -32, 20);
    expect(FALSE_POSITIVE_BOUND).toBeLessThan(1e-8);
  }, 60_000);

  it('maps clip ids to stable, distinct 64-bit payloads', () => {
    const a = clipIdToPayload('0b6f1c1e-8e2a-4c53-9b1e-1f3b8d0a9c11');
    expect(a).toBe(clipIdToPayload('0b6f1c1e-8e2a-4c53-9b1e-1f3b8d0a9c11'));
    expect(a >> 64n).toBe(0n);
    const seen = new Set<bigint>();
    for (let i = 0; i < 2000; i++) seen.add(clipIdToPayload(`clip-${i}`));
    expect(seen.size).toBe(2000);
    expect(payloadToHex(0xabn)).toBe('00000000000000ab');
  });
});
