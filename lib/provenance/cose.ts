/**
 * COSE_Sign1 (RFC 9052) for C2PA claim signatures, and a c2pa-web `Signer`
 * built on a WebCrypto ECDSA P-256 key.
 *
 * c2pa-web's wasm signer uses c2pa-rs "direct COSE handling": `sign()` gets
 * the claim bytes and must return a complete tagged COSE_Sign1 whose length
 * is exactly `reserveSize`. The layout c2pa-rs validates:
 *   18([ protected: bstr(.cbor {1: -7, 33: x5chain}),
 *        unprotected: {"pad": bstr(zeros)},
 *        payload: null (detached),
 *        signature: bstr(r||s, 64 bytes) ])
 * signed over Sig_structure ["Signature1", protected, h'', claim].
 */
import type { Signer } from '@contentauth/c2pa-web';
import { CborMap, CborTag, encodeCbor, type CborValue } from './cbor';

export const COSE_SIGN1_TAG = 18;
export const COSE_HEADER_ALG = 1;
export const COSE_HEADER_X5CHAIN = 33;
export const COSE_ALG_ES256 = -7;

/** What the signer needs: a P-256 signing key and the DER chain (leaf first). */
export interface CoseSigningKey {
  privateKey: CryptoKey;
  /** DER certificates: signing certificate first, then its issuers. */
  chainDer: readonly Uint8Array[];
}

/** Protected header bytes: {1: -7, 33: cert or [cert, ...issuers]}. */
export function encodeProtectedHeader(chainDer: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  if (chainDer.length === 0) throw new Error('A signing certificate is needed to sign.');
  const x5chain: CborValue = chainDer.length === 1 ? chainDer[0]! : [...chainDer];
  return encodeCbor(
    new CborMap([
      [COSE_HEADER_ALG, COSE_ALG_ES256],
      [COSE_HEADER_X5CHAIN, x5chain],
    ]),
  );
}

/** Sig_structure for COSE_Sign1 with a detached payload and no external AAD. */
export function encodeSigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  return encodeCbor(['Signature1', protectedBytes, new Uint8Array(0), payload]);
}

function encodeSign1(
  protectedBytes: Uint8Array,
  signature: Uint8Array,
  padLength: number,
  withPad2: boolean,
): Uint8Array<ArrayBuffer> {
  const unprotected: Array<[CborValue, CborValue]> = [['pad', new Uint8Array(padLength)]];
  if (withPad2) unprotected.push(['pad2', new Uint8Array(0)]);
  return encodeCbor(
    new CborTag(COSE_SIGN1_TAG, [protectedBytes, new CborMap(unprotected), null, signature]),
  );
}

/**
 * Assemble a tagged COSE_Sign1 padded to exactly `reserveSize` bytes.
 * Some totals cannot be reached with one pad (the bstr length header grows by
 * a byte at 24, 256, 65536); then a second empty "pad2" entry is added, as
 * c2pa-rs does.
 */
export function assembleCoseSign1(
  protectedBytes: Uint8Array,
  signature: Uint8Array,
  reserveSize: number,
): Uint8Array<ArrayBuffer> {
  for (const withPad2 of [false, true]) {
    const base = encodeSign1(protectedBytes, signature, 0, withPad2).length;
    const extra = reserveSize - base;
    if (extra < 0) break;
    // Adding n pad bytes grows the item by n plus 0..8 bytes of length header.
    for (const headerGrowth of [0, 1, 2, 4, 8]) {
      const n = extra - headerGrowth;
      if (n < 0) continue;
      const out = encodeSign1(protectedBytes, signature, n, withPad2);
      if (out.length === reserveSize) return out;
    }
  }
  const minimum = encodeSign1(protectedBytes, signature, 0, false).length;
  throw new Error(
    `The signature (${minimum} bytes) does not fit in the ${reserveSize} bytes reserved for it.`,
  );
}

/** Sign `claim` with ES256 and return the complete padded COSE_Sign1. */
export async function buildCoseSign1(
  claim: Uint8Array,
  key: CoseSigningKey,
  reserveSize: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const protectedBytes = encodeProtectedHeader(key.chainDer);
  const toBeSigned = encodeSigStructure(protectedBytes, claim);
  // WebCrypto ECDSA returns IEEE P1363 r||s (64 bytes for P-256), which is COSE's format.
  const signature = new Uint8Array(
    await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, toBeSigned),
  );
  return assembleCoseSign1(protectedBytes, signature, reserveSize);
}

/** Bytes to reserve for the signature box: the chain plus generous headroom. */
export function reserveSizeFor(chainDer: readonly Uint8Array[]): number {
  const chain = chainDer.reduce((n, c) => n + c.length, 0);
  return Math.ceil((chain + 1024) / 512) * 512;
}

/** A c2pa-web `Signer` that builds the COSE_Sign1 itself with a WebCrypto key. */
export function createCoseSigner(key: CoseSigningKey): Signer {
  const size = reserveSizeFor(key.chainDer);
  return {
    alg: 'es256',
    reserveSize: async () => size,
    sign: async (data, reserveSize) => buildCoseSign1(data, key, reserveSize),
  };
}
