import { describe, expect, it } from 'vitest';
import { CborMap, CborTag, encodeCbor, type CborValue } from '../../lib/provenance/cbor';
import {
  assembleCoseSign1,
  buildCoseSign1,
  createCoseSigner,
  encodeProtectedHeader,
  encodeSigStructure,
  reserveSizeFor,
} from '../../lib/provenance/cose';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));

/** Tiny CBOR decoder for checking structure (definite lengths only). */
function decode(b: Uint8Array): { value: unknown; end: number } {
  let p = 0;
  const arg = (ai: number): number => {
    if (ai < 24) return ai;
    const n = ai === 24 ? 1 : ai === 25 ? 2 : ai === 26 ? 4 : 8;
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + b[p++]!;
    return v;
  };
  const item = (): unknown => {
    const ib = b[p++]!;
    const major = ib >> 5;
    const ai = ib & 31;
    if (major === 7) return ai === 22 ? null : ai === 21 ? true : ai === 20 ? false : undefined;
    const n = arg(ai);
    switch (major) {
      case 0: return n;
      case 1: return -1 - n;
      case 2: { const v = b.slice(p, p + n); p += n; return v; }
      case 3: { const v = new TextDecoder().decode(b.subarray(p, p + n)); p += n; return v; }
      case 4: return Array.from({ length: n }, item);
      case 5: { const m = new Map(); for (let i = 0; i < n; i++) { const k = item(); m.set(k, item()); } return m; }
      case 6: return { tag: n, value: item() };
    }
    throw new Error('bad cbor');
  };
  const value = item();
  return { value, end: p };
}

describe('CBOR encoder (RFC 8949 Appendix A vectors)', () => {
  const vectors: Array<[CborValue, string]> = [
    [0, '00'], [1, '01'], [10, '0a'], [23, '17'], [24, '1818'], [25, '1819'], [100, '1864'],
    [1000, '1903e8'], [1000000, '1a000f4240'], [1000000000000, '1b000000e8d4a51000'],
    [Number.MAX_SAFE_INTEGER, '1b001fffffffffffff'],
    [-1, '20'], [-10, '29'], [-100, '3863'], [-1000, '3903e7'],
    [false, 'f4'], [true, 'f5'], [null, 'f6'],
    [new Uint8Array(0), '40'], [unhex('01020304'), '4401020304'],
    ['', '60'], ['a', '6161'], ['IETF', '6449455446'], ['"\\', '62225c'], ['\u00fc', '62c3bc'],
    ['\u6c34', '63e6b0b4'], ['\ud800\udd51', '64f0908591'],
    [[], '80'], [[1, 2, 3], '83010203'], [[1, [2, 3], [4, 5]], '8301820203820405'],
    [Array.from({ length: 25 }, (_, i) => i + 1), '98190102030405060708090a0b0c0d0e0f101112131415161718181819'],
    [new CborMap([]), 'a0'],
    [new CborMap([[1, 2], [3, 4]]), 'a201020304'],
    [new CborMap([['a', 1], ['b', [2, 3]]]), 'a26161016162820203'],
    [['a', new CborMap([['b', 'c']])], '826161a161626163'],
    [new CborTag(1, 1363896240), 'c11a514b67b0'],
    [new CborTag(18, []), 'd280'],
  ];
  for (const [value, expected] of vectors) {
    it(`encodes ${expected}`, () => expect(hex(encodeCbor(value))).toBe(expected));
  }
  it('uses the 2-byte head for 256-byte strings', () => {
    expect(hex(encodeCbor(new Uint8Array(256)).subarray(0, 3))).toBe('590100');
    expect(hex(encodeCbor(new Uint8Array(65536)).subarray(0, 5))).toBe('5a00010000');
  });
  it('refuses non-integers', () => expect(() => encodeCbor(1.5)).toThrow());
});

async function p256() {
  return (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair;
}

describe('COSE_Sign1', () => {
  const leaf = new Uint8Array(400).fill(0x11);
  const root = new Uint8Array(380).fill(0x22);

  it('protected header is {1: -7, 33: [leaf, root]} (single cert as a bare bstr)', () => {
    const h = decode(encodeProtectedHeader([leaf, root])).value as Map<number, unknown>;
    expect(h.get(1)).toBe(-7);
    expect(h.get(33)).toEqual([leaf, root]);
    const single = decode(encodeProtectedHeader([leaf])).value as Map<number, unknown>;
    expect(single.get(33)).toEqual(leaf);
  });

  it('Sig_structure is ["Signature1", protected, h\'\', payload]', () => {
    const s = decode(encodeSigStructure(unhex('a10126'), unhex('abcd'))).value;
    expect(s).toEqual(['Signature1', unhex('a10126'), new Uint8Array(0), unhex('abcd')]);
  });

  it('pads to exactly reserveSize for every size, across CBOR length-header boundaries', () => {
    const prot = encodeProtectedHeader([leaf, root]);
    const sig = new Uint8Array(64).fill(7);
    const min = assembleCoseSign1(prot, sig, 0 + 2000).length; // sanity
    expect(min).toBe(2000);
    for (let size = 870; size < 1200; size++) {
      let out: Uint8Array;
      try {
        out = assembleCoseSign1(prot, sig, size);
      } catch {
        continue; // below the minimum size
      }
      expect(out.length).toBe(size);
    }
    for (const size of [4096, 65536 + 1000, 70000]) expect(assembleCoseSign1(prot, sig, size).length).toBe(size);
  });

  it('reaches totals that one pad cannot (adds an empty pad2)', () => {
    const prot = encodeProtectedHeader([leaf]);
    const sig = new Uint8Array(64);
    const base = assembleCoseSign1(prot, sig, 10000).length - 0;
    expect(base).toBe(10000);
    // with pad length 23 -> 24 the bstr head grows by one byte: that total needs pad2
    const zero = encodeCbor(new CborTag(18, [prot, new CborMap([['pad', new Uint8Array(0)]]), null, sig])).length;
    const gap = zero + 24;
    const out = assembleCoseSign1(prot, sig, gap);
    expect(out.length).toBe(gap);
    const u = (decode(out).value as { value: unknown[] }).value[1] as Map<string, Uint8Array>;
    expect(u.has('pad2')).toBe(true);
  });

  it('refuses when the reserve is too small', () => {
    expect(() => assembleCoseSign1(encodeProtectedHeader([leaf]), new Uint8Array(64), 100)).toThrow(/does not fit/);
  });

  it('builds a tagged, detached, verifiable COSE_Sign1 of exactly reserveSize bytes', async () => {
    const keys = await p256();
    const claim = crypto.getRandomValues(new Uint8Array(1500));
    const chainDer = [leaf, root];
    const size = reserveSizeFor(chainDer);
    const signer = createCoseSigner({ privateKey: keys.privateKey, chainDer });
    expect(signer.alg).toBe('es256');
    expect(await signer.reserveSize()).toBe(size);
    const cose = await signer.sign(claim as Uint8Array<ArrayBuffer>, size);
    expect(cose.length).toBe(size);
    expect(cose[0]).toBe(0xd2); // tag 18
    const { value, end } = decode(cose);
    expect(end).toBe(size);
    const [prot, unprot, payload, signature] = (value as { tag: number; value: unknown[] }).value as [
      Uint8Array, Map<string, Uint8Array>, null, Uint8Array,
    ];
    expect((value as { tag: number }).tag).toBe(18);
    expect(payload).toBeNull();
    expect(signature.length).toBe(64);
    expect([...unprot.keys()][0]).toBe('pad');
    expect(unprot.get('pad')!.every((x) => x === 0)).toBe(true);
    expect((decode(prot).value as Map<number, unknown>).get(1)).toBe(-7);
    const ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, keys.publicKey, signature as Uint8Array<ArrayBuffer>, encodeSigStructure(prot, claim));
    expect(ok).toBe(true);
  });

  it('buildCoseSign1 honours a different reserveSize passed by the caller', async () => {
    const keys = await p256();
    const out = await buildCoseSign1(new Uint8Array(10), { privateKey: keys.privateKey, chainDer: [leaf] }, 5000);
    expect(out.length).toBe(5000);
  });
});
