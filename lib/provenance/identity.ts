/**
 * The signing identity: a P-256 key (non-extractable) plus its certificate
 * chain. Either generated locally on first use (a local root CA and a
 * signing certificate) or imported from the person's own PEM files.
 */
import {
  CertificateRefusedError,
  assertUsableSigningCertificate,
  chainProblems,
  createLocalCertificates,
  derToPem,
  keyMatchesCertificate,
  parseCertificate,
  pemBlocks,
} from './certificates';
import { deleteStoredIdentity, loadStoredIdentity, storeIdentity } from './identity-store';
import { readPkcs12, type Pkcs12Contents } from './pkcs12';

export interface SigningIdentity {
  /** Shown as the signer (certificate O= and CN=). */
  name: string;
  kind: 'local' | 'imported';
  /** ECDSA P-256 private key, non-extractable, usage ['sign']. */
  privateKey: CryptoKey;
  /** DER certificates, signing certificate first, then its issuers. */
  chainDer: Uint8Array[];
  /** The root to use as a trust anchor when reading back (the local root, or the imported chain's last certificate). */
  rootDer: Uint8Array;
  /** Local identities keep their root key (non-extractable) so the signing certificate can be re-issued. */
  rootPrivateKey?: CryptoKey;
  /** Validity of the signing certificate. */
  notBefore: Date;
  notAfter: Date;
  createdAt: Date;
}

export const DEFAULT_IDENTITY_NAME = 'Sfumato user';

/** Generate a new local identity (not stored). */
export async function createLocalIdentity(
  opts: { name?: string; now?: Date; rootYears?: number; signingYears?: number } = {},
): Promise<SigningIdentity> {
  const certs = await createLocalCertificates({ ...opts, name: opts.name ?? DEFAULT_IDENTITY_NAME });
  const leaf = parseCertificate(certs.signingDer);
  return {
    name: leaf.subjectName.getField('O')[0] ?? DEFAULT_IDENTITY_NAME,
    kind: 'local',
    privateKey: certs.signingKeys.privateKey,
    chainDer: [certs.signingDer, certs.rootDer],
    rootDer: certs.rootDer,
    rootPrivateKey: certs.rootKeys.privateKey,
    notBefore: certs.notBefore,
    notAfter: certs.notAfter,
    createdAt: opts.now ?? new Date(),
  };
}

let pending: Promise<SigningIdentity> | null = null;
/**
 * The identity this context last read or wrote. Chrome cannot reopen IndexedDB on a full disk
 * after a failed write ("Internal error opening backing store"), and a clip or export made then
 * must still be signed: it is handed out even though it cannot be kept.
 */
let remembered: SigningIdentity | null = null;

async function loadOrRemembered(): Promise<SigningIdentity | null> {
  try {
    remembered = await loadStoredIdentity();
  } catch (e) {
    if (!remembered) throw e;
  }
  return remembered;
}

async function storeAndRemember(identity: SigningIdentity): Promise<void> {
  await storeIdentity(identity);
  remembered = identity;
}

/**
 * The stored identity, or a new local one created and stored on first use.
 * If the stored signing certificate has expired, a fresh local identity
 * replaces it (imported identities are never replaced silently: this throws).
 */
export function getOrCreateIdentity(opts: { name?: string } = {}): Promise<SigningIdentity> {
  pending ??= (async () => {
    const stored = await loadOrRemembered();
    if (stored && stored.notAfter.getTime() > Date.now()) return stored;
    if (stored && stored.kind === 'imported') {
      throw new Error(
        `Your imported signing certificate expired on ${stored.notAfter.toISOString().slice(0, 10)}; import a new one or switch back to a local identity.`,
      );
    }
    const fresh = await createLocalIdentity({ name: opts.name ?? stored?.name });
    await storeAndRemember(fresh);
    return fresh;
  })().finally(() => {
    pending = null;
  });
  return pending;
}

/** Read the stored identity without creating one. */
export const loadIdentity = loadStoredIdentity;

/** Replace the stored identity with a new local one under a new name. */
export async function renameLocalIdentity(name: string): Promise<SigningIdentity> {
  const fresh = await createLocalIdentity({ name });
  await storeAndRemember(fresh);
  return fresh;
}

/** Forget the identity (clips already signed keep their credentials). */
export async function deleteIdentity(): Promise<void> {
  await deleteStoredIdentity();
  remembered = null;
}

export async function saveIdentity(identity: SigningIdentity): Promise<void> {
  await storeAndRemember(identity);
}

/** The local root (or the imported chain's top certificate) as PEM, to give to verifiers as a trust anchor. */
export function exportRootPem(identity: Pick<SigningIdentity, 'rootDer'>): string {
  return derToPem(identity.rootDer);
}

/** The whole chain as PEM, signing certificate first. */
export function exportChainPem(identity: Pick<SigningIdentity, 'chainDer'>): string {
  return identity.chainDer.map((d) => derToPem(d)).join('');
}

/**
 * Build an identity from the person's own PEM files: a PKCS#8 private key
 * ("BEGIN PRIVATE KEY") and a certificate chain (signing certificate first).
 * Throws `CertificateRefusedError` (English sentences) if anything is wrong.
 * The key is imported non-extractable; the PEM text is not kept.
 */
export async function importIdentityFromPem(
  keyPem: string,
  chainPem: string,
  opts: { now?: Date } = {},
): Promise<SigningIdentity> {
  const now = opts.now ?? new Date();
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(keyPem)) {
    throw new CertificateRefusedError([
      'This private key is password-protected; export it unencrypted as PKCS#8 ("BEGIN PRIVATE KEY") and try again.',
    ]);
  }
  if (/-----BEGIN EC PRIVATE KEY-----/.test(keyPem)) {
    throw new CertificateRefusedError([
      'This private key is in the older SEC1 format ("BEGIN EC PRIVATE KEY"); convert it to PKCS#8 ("BEGIN PRIVATE KEY"), for example with: openssl pkcs8 -topk8 -nocrypt -in key.pem',
    ]);
  }
  const keyDer = pemBlocks(keyPem, 'PRIVATE KEY')[0];
  if (!keyDer) throw new CertificateRefusedError(['No private key ("BEGIN PRIVATE KEY") was found in the key file.']);
  const ders = pemBlocks(chainPem, 'CERTIFICATE');
  if (ders.length === 0) throw new CertificateRefusedError(['No certificate ("BEGIN CERTIFICATE") was found in the certificate file.']);
  return importIdentity(keyDer, ders, now);
}

async function importP256Key(pkcs8: Uint8Array): Promise<CryptoKey> {
  try {
    return await crypto.subtle.importKey('pkcs8', pkcs8 as Uint8Array<ArrayBuffer>, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  } catch {
    throw new CertificateRefusedError(['The private key is not a readable ECDSA P-256 key in PKCS#8 format.']);
  }
}

/** Shared by the PEM and PKCS#12 imports: `ders` is the chain, signing certificate first. */
async function importIdentity(keyPkcs8: Uint8Array, ders: Uint8Array[], now: Date): Promise<SigningIdentity> {
  const chain = ders.map((d) => parseCertificate(d));
  const leaf = chain[0]!;
  assertUsableSigningCertificate(leaf, now);
  const privateKey = await importP256Key(keyPkcs8);
  if (!(await keyMatchesCertificate(privateKey, leaf))) {
    throw new CertificateRefusedError(['The private key does not belong to the signing certificate (the first certificate in the chain).']);
  }
  const problems = await chainProblems(chain, now);
  if (problems.length > 0) throw new CertificateRefusedError(problems);

  return {
    name: leaf.subjectName.getField('O')[0] ?? leaf.subjectName.getField('CN')[0] ?? 'Imported identity',
    kind: 'imported',
    privateKey,
    chainDer: ders,
    rootDer: ders[ders.length - 1]!,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
    createdAt: now,
  };
}

/**
 * Build an identity from a PKCS#12 (.p12/.pfx) file and its password.
 * Supports the AES (PBES2) encryption OpenSSL 3 and current tools write;
 * legacy 3DES/RC2 files are refused with a sentence saying how to re-export.
 */
export async function importIdentityFromPkcs12(
  bytes: Uint8Array,
  password: string,
  opts: { now?: Date } = {},
): Promise<SigningIdentity> {
  const now = opts.now ?? new Date();
  let contents: Pkcs12Contents;
  try {
    contents = await readPkcs12(bytes, password);
  } catch (e) {
    throw new CertificateRefusedError([(e as Error).message]);
  }
  // Find the certificate that belongs to the key, then follow issuers.
  const privateKey = await importP256Key(contents.privateKeyPkcs8);
  const certs = contents.certificates.map((d) => ({ der: d, cert: parseCertificate(d) }));
  let leaf: (typeof certs)[number] | undefined;
  for (const c of certs) {
    const alg = c.cert.publicKey.algorithm as EcKeyAlgorithm;
    if (alg.name === 'ECDSA' && alg.namedCurve === 'P-256' && (await keyMatchesCertificate(privateKey, c.cert))) {
      leaf = c;
      break;
    }
  }
  if (!leaf) {
    // Let the profile check explain what is wrong with the first certificate, if anything.
    assertUsableSigningCertificate(certs[0]!.cert, now);
    throw new CertificateRefusedError(['The private key in this .p12 file does not belong to any of its certificates.']);
  }
  const ordered = [leaf];
  for (;;) {
    const last = ordered[ordered.length - 1]!;
    if (last.cert.subject === last.cert.issuer) break;
    const parent = certs.find((c) => !ordered.includes(c) && c.cert.subject === last.cert.issuer);
    if (!parent) break;
    ordered.push(parent);
  }
  return importIdentity(contents.privateKeyPkcs8, ordered.map((c) => c.der), now);
}
