/**
 * Read a PKCS#12 (.p12/.pfx) file: the private key (PKCS#8) and the
 * certificates. Only PBES2 encryption (PBKDF2 + AES-CBC, the OpenSSL 3
 * default) is supported, because WebCrypto has no 3DES or RC2; older files
 * are refused with a sentence saying how to re-export them.
 * The integrity MAC is not checked: a wrong password shows up as a failed
 * decryption instead.
 */

interface Der {
  tag: number;
  /** Content bytes. */
  body: Uint8Array;
  /** Whole element (header + content). */
  raw: Uint8Array;
}

class Pkcs12Error extends Error {}

function readDer(buf: Uint8Array, offset = 0): Der {
  if (offset + 2 > buf.length) throw new Pkcs12Error('truncated');
  const tag = buf[offset]!;
  let p = offset + 1;
  let len = buf[p++]!;
  if (len === 0x80) throw new Pkcs12Error('indefinite length');
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 4) throw new Pkcs12Error('length too large');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  if (p + len > buf.length) throw new Pkcs12Error('truncated');
  return { tag, body: buf.subarray(p, p + len), raw: buf.subarray(offset, p + len) };
}

function children(el: Der): Der[] {
  const out: Der[] = [];
  let p = 0;
  while (p < el.body.length) {
    const c = readDer(el.body, p);
    out.push(c);
    p += c.raw.length;
  }
  return out;
}

function child(el: Der, i: number): Der {
  const c = children(el)[i];
  if (!c) throw new Pkcs12Error('missing element');
  return c;
}

function oid(el: Der): string {
  if (el.tag !== 0x06) throw new Pkcs12Error('expected OID');
  const b = el.body;
  const parts: number[] = [Math.floor(b[0]! / 40), b[0]! % 40];
  let v = 0;
  for (let i = 1; i < b.length; i++) {
    v = v * 128 + (b[i]! & 0x7f);
    if (!(b[i]! & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

function int(el: Der): number {
  let v = 0;
  for (const x of el.body) v = v * 256 + x;
  return v;
}

/** OCTET STRING content, joining the pieces of a constructed (BER) one. */
function octets(el: Der): Uint8Array {
  if ((el.tag & 0x20) === 0) return el.body;
  const parts = children(el).map(octets);
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of parts) {
    out.set(x, o);
    o += x.length;
  }
  return out;
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
} as const;

const PRF: Record<string, string> = {
  '1.2.840.113549.2.7': 'SHA-1',
  '1.2.840.113549.2.9': 'SHA-256',
  '1.2.840.113549.2.10': 'SHA-384',
  '1.2.840.113549.2.11': 'SHA-512',
};
const AES_CBC: Record<string, number> = {
  '2.16.840.1.101.3.4.1.2': 128,
  '2.16.840.1.101.3.4.1.22': 192,
  '2.16.840.1.101.3.4.1.42': 256,
};

export const PKCS12_REFUSAL = {
  unreadable: 'This file is not a readable PKCS#12 (.p12 or .pfx) file.',
  legacy:
    'This .p12 file uses old encryption (3DES or RC2) that browsers cannot decrypt; re-export it with AES, for example: openssl pkcs12 -export -keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256 ...',
  password: 'The password is wrong, or the .p12 file is damaged.',
  noKey: 'This .p12 file contains no private key.',
  noCert: 'This .p12 file contains no certificate.',
} as const;

async function pbes2Decrypt(algId: Der, data: Uint8Array, password: string): Promise<Uint8Array> {
  const algOid = oid(child(algId, 0));
  if (algOid !== OID.pbes2) throw new Pkcs12Error(PKCS12_REFUSAL.legacy);
  const params = child(algId, 1);
  const kdf = child(params, 0);
  const enc = child(params, 1);
  if (oid(child(kdf, 0)) !== OID.pbkdf2) throw new Pkcs12Error(PKCS12_REFUSAL.legacy);
  const kdfParams = children(child(kdf, 1));
  const salt = kdfParams[0]!.body;
  const iterations = int(kdfParams[1]!);
  let hash = 'SHA-1';
  for (const p of kdfParams.slice(2)) {
    if (p.tag === 0x30) {
      const h = PRF[oid(child(p, 0))];
      if (!h) throw new Pkcs12Error(PKCS12_REFUSAL.legacy);
      hash = h;
    }
  }
  const bits = AES_CBC[oid(child(enc, 0))];
  if (!bits) throw new Pkcs12Error(PKCS12_REFUSAL.legacy);
  const iv = child(enc, 1).body;

  const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveKey']);
  const key = await crypto.subtle.deriveKey(
    { name: 'PBKDF2', salt: salt as Uint8Array<ArrayBuffer>, iterations, hash },
    base,
    { name: 'AES-CBC', length: bits },
    false,
    ['decrypt'],
  );
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt({ name: 'AES-CBC', iv: iv as Uint8Array<ArrayBuffer> }, key, data as Uint8Array<ArrayBuffer>),
    );
  } catch {
    throw new Pkcs12Error(PKCS12_REFUSAL.password);
  }
}

export interface Pkcs12Contents {
  /** PKCS#8 PrivateKeyInfo DER. */
  privateKeyPkcs8: Uint8Array;
  /** DER certificates in file order. */
  certificates: Uint8Array[];
}

async function readSafeContents(der: Uint8Array, password: string, out: { keys: Uint8Array[]; certs: Uint8Array[] }) {
  for (const bag of children(readDer(der))) {
    const id = oid(child(bag, 0));
    const value = child(child(bag, 1), 0);
    if (id === OID.keyBag) out.keys.push(value.raw.slice());
    else if (id === OID.shroudedKeyBag) out.keys.push(await pbes2Decrypt(child(value, 0), child(value, 1).body, password));
    else if (id === OID.certBag && oid(child(value, 0)) === OID.x509Certificate) {
      out.certs.push(octets(child(child(value, 1), 0)).slice());
    }
  }
}

/** Extract the key and certificates; throws Error with a sentence. */
export async function readPkcs12(bytes: Uint8Array, password: string): Promise<Pkcs12Contents> {
  const out = { keys: [] as Uint8Array[], certs: [] as Uint8Array[] };
  try {
    const pfx = readDer(bytes);
    const authSafe = child(pfx, 1);
    if (oid(child(authSafe, 0)) !== OID.data) throw new Pkcs12Error(PKCS12_REFUSAL.unreadable);
    const safes = readDer(octets(child(child(authSafe, 1), 0)));
    for (const ci of children(safes)) {
      const type = oid(child(ci, 0));
      const content = child(ci, 1);
      if (type === OID.data) {
        await readSafeContents(octets(child(content, 0)), password, out);
      } else if (type === OID.encryptedData) {
        const eci = child(child(content, 0), 1);
        const encrypted = children(eci)[2];
        if (!encrypted) continue;
        // [0] IMPLICIT OCTET STRING: primitive 0x80 or constructed 0xa0
        const data = encrypted.tag === 0xa0 ? octets({ ...encrypted, tag: 0x24 }) : encrypted.body;
        await readSafeContents(await pbes2Decrypt(child(eci, 1), data, password), password, out);
      }
    }
  } catch (e) {
    if (e instanceof Pkcs12Error && Object.values(PKCS12_REFUSAL).includes(e.message as never)) throw new Error(e.message);
    throw new Error(PKCS12_REFUSAL.unreadable);
  }
  const key = out.keys[0];
  if (!key) throw new Error(PKCS12_REFUSAL.noKey);
  if (out.certs.length === 0) throw new Error(PKCS12_REFUSAL.noCert);
  return { privateKeyPkcs8: key, certificates: out.certs };
}
