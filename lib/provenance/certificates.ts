/**
 * X.509 certificates for C2PA signing: make a local root CA and an
 * end-entity signing certificate that pass c2pa-rs's profile, and validate
 * certificates a person imports (refusing with a clear sentence).
 *
 * Works in browsers and in Node 20+ (globalThis.crypto).
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

/** documentSigning (RFC 9336). */
export const EKU_DOCUMENT_SIGNING = '1.3.6.1.5.5.7.3.36';
/** C2PA claim signing. */
export const EKU_C2PA_SIGNING = '1.3.6.1.4.1.62558.2.1';
export const EKU_EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';
/** Microsoft C2PA signing (listed in c2pa-rs's default store.cfg). */
export const EKU_MS_C2PA_SIGNING = '1.3.6.1.4.1.311.76.59.1.9';
export const ALLOWED_SIGNING_EKUS: readonly string[] = [
  EKU_DOCUMENT_SIGNING,
  EKU_C2PA_SIGNING,
  EKU_EMAIL_PROTECTION,
  EKU_MS_C2PA_SIGNING,
];

const EC_P256: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const ES256: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const DAY_MS = 24 * 60 * 60 * 1000;

x509.cryptoProvider.set(globalThis.crypto);

export interface LocalCertificates {
  rootDer: Uint8Array<ArrayBuffer>;
  signingDer: Uint8Array<ArrayBuffer>;
  rootKeys: CryptoKeyPair;
  signingKeys: CryptoKeyPair;
  notBefore: Date;
  /** When the signing certificate stops being valid (clips then read as expired). */
  notAfter: Date;
  rootNotAfter: Date;
}

export interface LocalCertificateOptions {
  /** Shown as the signer: used for the CN and O of both certificates. */
  name: string;
  now?: Date;
  rootYears?: number;
  signingYears?: number;
}

function addYears(d: Date, years: number): Date {
  const out = new Date(d.getTime());
  out.setUTCFullYear(out.getUTCFullYear() + years);
  return out;
}

function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0]! & 0x7f) | 0x01; // positive, no leading zero
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Trim and bound a person-given name so it makes a sane certificate field. */
export function normalizeSignerName(name: string): string {
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim();
  if (clean.length === 0) throw new Error('Please give the signing identity a name.');
  return clean.slice(0, 64);
}

function toBytes(buf: ArrayBuffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(buf);
}

/**
 * Generate a local root CA (10 years by default) and an end-entity signing
 * certificate (5 years) with c2pa-rs's required profile. Private keys are
 * generated non-extractable.
 */
export async function createLocalCertificates(opts: LocalCertificateOptions): Promise<LocalCertificates> {
  const name = normalizeSignerName(opts.name);
  const now = opts.now ?? new Date();
  const notBefore = new Date(now.getTime() - 10 * 60 * 1000); // tolerate small clock skew
  const rootNotAfter = addYears(now, opts.rootYears ?? 10);
  const notAfter = addYears(now, opts.signingYears ?? 5);
  if (notAfter > rootNotAfter) throw new Error('The signing certificate cannot outlive its root.');

  const rootKeys = (await crypto.subtle.generateKey(EC_P256, false, ['sign', 'verify'])) as CryptoKeyPair;
  const signingKeys = (await crypto.subtle.generateKey(EC_P256, false, ['sign', 'verify'])) as CryptoKeyPair;

  const rootName: x509.JsonName = [{ CN: [`${name} local root`] }, { O: [name] }];
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: rootName,
    notBefore,
    notAfter: rootNotAfter,
    signingAlgorithm: ES256,
    keys: rootKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });

  const signing = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: [{ CN: [name] }, { O: [name] }],
    issuer: root.subjectName,
    notBefore,
    notAfter,
    signingAlgorithm: ES256,
    publicKey: signingKeys.publicKey,
    signingKey: rootKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([EKU_DOCUMENT_SIGNING, EKU_C2PA_SIGNING], false),
      await x509.SubjectKeyIdentifierExtension.create(signingKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });

  return {
    rootDer: toBytes(root.rawData),
    signingDer: toBytes(signing.rawData),
    rootKeys,
    signingKeys,
    notBefore,
    notAfter,
    rootNotAfter,
  };
}

/** Raised when a certificate cannot be used to sign; `message` is for people. */
export class CertificateRefusedError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join(' '));
    this.name = 'CertificateRefusedError';
  }
}

export const REFUSAL = {
  keyType:
    "This certificate's key is not an ECDSA P-256 key; Sfumato can only sign with P-256 keys (ES256).",
  isCa: 'This is a certificate authority (CA) certificate; clips must be signed with an end-entity certificate issued by it, not with the CA itself.',
  noOrganization:
    "This certificate's subject has no organization (O=) field, which C2PA requires to name the signer.",
  noAki:
    'This certificate has no Authority Key Identifier, which C2PA readers require; ask its issuer for a certificate that includes one.',
  noDigitalSignature:
    'This certificate is not allowed to make digital signatures (its key usage does not include digitalSignature).',
  noEku:
    'This certificate is not allowed for signing content: its extended key usage must include document signing, email protection or C2PA claim signing.',
  expired: (d: Date) => `This certificate expired on ${d.toISOString().slice(0, 10)}.`,
  notYetValid: (d: Date) => `This certificate is not valid until ${d.toISOString().slice(0, 10)}.`,
  unreadable: 'This file is not a readable X.509 certificate.',
} as const;

export function parseCertificate(der: Uint8Array | string): x509.X509Certificate {
  try {
    return typeof der === 'string' ? new x509.X509Certificate(der) : new x509.X509Certificate(der as Uint8Array<ArrayBuffer>);
  } catch {
    throw new CertificateRefusedError([REFUSAL.unreadable]);
  }
}

/**
 * Check a signing (end-entity) certificate against the profile c2pa-rs
 * accepts. Returns the list of problems as sentences (empty when usable).
 */
export function signingCertificateProblems(cert: x509.X509Certificate, now: Date = new Date()): string[] {
  const problems: string[] = [];

  const alg = cert.publicKey.algorithm as EcKeyAlgorithm;
  if (alg.name !== 'ECDSA' || alg.namedCurve !== 'P-256') problems.push(REFUSAL.keyType);

  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  const isCa = bc?.ca === true || (ku !== null && (ku.usages & x509.KeyUsageFlags.keyCertSign) !== 0);
  if (isCa) problems.push(REFUSAL.isCa);

  if (cert.subjectName.getField('O').length === 0) problems.push(REFUSAL.noOrganization);

  if (cert.getExtension(x509.AuthorityKeyIdentifierExtension) === null) problems.push(REFUSAL.noAki);

  if (ku === null || (ku.usages & x509.KeyUsageFlags.digitalSignature) === 0) {
    problems.push(REFUSAL.noDigitalSignature);
  }

  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  const ekus = (eku?.usages ?? []).map(String);
  if (!ekus.some((u) => ALLOWED_SIGNING_EKUS.includes(u))) problems.push(REFUSAL.noEku);

  if (cert.notAfter.getTime() < now.getTime()) problems.push(REFUSAL.expired(cert.notAfter));
  else if (cert.notBefore.getTime() > now.getTime() + DAY_MS / 24 / 6) {
    problems.push(REFUSAL.notYetValid(cert.notBefore));
  }
  return problems;
}

/** Throw `CertificateRefusedError` unless the certificate can sign C2PA claims. */
export function assertUsableSigningCertificate(cert: x509.X509Certificate, now?: Date): void {
  const problems = signingCertificateProblems(cert, now);
  if (problems.length > 0) throw new CertificateRefusedError(problems);
}

/** Split a PEM bundle into DER blocks of one label (e.g. CERTIFICATE). */
export function pemBlocks(pem: string, label: string): Uint8Array<ArrayBuffer>[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  const out: Uint8Array<ArrayBuffer>[] = [];
  for (const m of pem.matchAll(re)) {
    const b64 = (m[1] ?? '').replace(/[^A-Za-z0-9+/=]/g, '');
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    out.push(bytes);
  }
  return out;
}

export function derToPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  let bin = '';
  for (let i = 0; i < der.length; i++) bin += String.fromCharCode(der[i]!);
  const b64 = btoa(bin).replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** True when the certificate's public key verifies a signature made by `privateKey`. */
export async function keyMatchesCertificate(privateKey: CryptoKey, cert: x509.X509Certificate): Promise<boolean> {
  const probe = crypto.getRandomValues(new Uint8Array(32));
  const sig = await crypto.subtle.sign(ES256, privateKey, probe);
  const pub = await cert.publicKey.export(EC_P256, ['verify']);
  return crypto.subtle.verify(ES256, pub, sig, probe);
}

/** Check that each certificate in a chain (leaf first) is signed by the next. */
export async function chainProblems(chain: readonly x509.X509Certificate[], now: Date = new Date()): Promise<string[]> {
  const problems: string[] = [];
  for (let i = 0; i + 1 < chain.length; i++) {
    const child = chain[i]!;
    const parent = chain[i + 1]!;
    const ok = await child.verify({ publicKey: parent.publicKey, signatureOnly: true }).catch(() => false);
    if (!ok) {
      problems.push(
        `The certificate chain is out of order or incomplete: "${child.subject}" is not signed by "${parent.subject}".`,
      );
    }
    if (parent.notAfter.getTime() < now.getTime()) {
      problems.push(`The issuing certificate "${parent.subject}" expired on ${parent.notAfter.toISOString().slice(0, 10)}.`);
    }
  }
  return problems;
}

export { x509 };
