// Certificates with a chosen (possibly wrong) profile, for tests of what Sfumato refuses.
import { EKU_DOCUMENT_SIGNING, x509 } from '../../lib/provenance/certificates';

const ES256 = { name: 'ECDSA', hash: 'SHA-256' };
const P256 = { name: 'ECDSA', namedCurve: 'P-256' };

export async function keys(alg: EcKeyGenParams | RsaHashedKeyGenParams = P256, extractable = true) {
  return (await crypto.subtle.generateKey(alg, extractable, ['sign', 'verify'])) as CryptoKeyPair;
}

export interface BadOptions {
  aki?: boolean;
  org?: boolean;
  ca?: boolean;
  notBefore?: Date;
  notAfter?: Date;
  usage?: number;
  eku?: string[] | null;
  subjectKeys?: CryptoKeyPair;
}

/** An issuing root plus a leaf built with the given (possibly wrong) profile. */
export async function makeLeaf(o: BadOptions = {}) {
  const rootKeys = await keys();
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Test Root, O=Test',
    notBefore: new Date(Date.now() - 86400e3),
    notAfter: new Date(Date.now() + 3650 * 86400e3),
    signingAlgorithm: ES256,
    keys: rootKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const leafKeys = o.subjectKeys ?? (await keys());
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(o.ca ?? false, undefined, true),
    new x509.KeyUsagesExtension(o.usage ?? x509.KeyUsageFlags.digitalSignature, true),
    await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
  ];
  if (o.eku !== null) extensions.push(new x509.ExtendedKeyUsageExtension(o.eku ?? [EKU_DOCUMENT_SIGNING]));
  if (o.aki ?? true) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey));
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: (o.org ?? true) ? 'CN=Leaf, O=Leaf Org' : 'CN=Leaf',
    issuer: root.subjectName,
    notBefore: o.notBefore ?? new Date(Date.now() - 86400e3),
    notAfter: o.notAfter ?? new Date(Date.now() + 365 * 86400e3),
    signingAlgorithm: ES256,
    publicKey: leafKeys.publicKey,
    signingKey: rootKeys.privateKey,
    extensions,
  });
  return { root, leaf, leafKeys };
}

