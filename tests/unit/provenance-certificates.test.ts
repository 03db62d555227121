import { describe, expect, it } from 'vitest';
import {
  CertificateRefusedError,
  REFUSAL,
  assertUsableSigningCertificate,
  createLocalCertificates,
  derToPem,
  parseCertificate,
  pemBlocks,
  signingCertificateProblems,
  x509,
  EKU_DOCUMENT_SIGNING,
} from '../../lib/provenance/certificates';
import { createLocalIdentity, exportRootPem, importIdentityFromPem } from '../../lib/provenance/identity';

import { keys, makeLeaf, type BadOptions } from '../support/certs';


describe('local certificates', () => {
  it('make a root and a signing certificate with the c2pa-rs profile', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const c = await createLocalCertificates({ name: 'Ada  Example', now });
    const root = parseCertificate(c.rootDer);
    const leaf = parseCertificate(c.signingDer);

    expect(leaf.subjectName.getField('O')).toEqual(['Ada Example']);
    expect(leaf.subjectName.getField('CN')).toEqual(['Ada Example']);
    expect(leaf.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    expect(leaf.getExtension(x509.KeyUsagesExtension)?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    expect(leaf.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toContain(EKU_DOCUMENT_SIGNING);
    expect(leaf.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(
      root.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId,
    );
    expect(leaf.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });
    expect(await leaf.verify({ publicKey: root.publicKey, signatureOnly: true })).toBe(true);

    expect(root.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(true);
    expect(root.getExtension(x509.KeyUsagesExtension)!.usages & x509.KeyUsageFlags.keyCertSign).toBeTruthy();
    expect(root.getExtension(x509.SubjectKeyIdentifierExtension)).not.toBeNull();
    expect(root.getExtension(x509.AuthorityKeyIdentifierExtension)).not.toBeNull();
    expect(await root.isSelfSigned()).toBe(true);

    expect(c.notAfter.toISOString()).toBe('2031-01-01T00:00:00.000Z');
    expect(c.rootNotAfter.toISOString()).toBe('2036-01-01T00:00:00.000Z');
    expect(leaf.notAfter.getTime()).toBe(c.notAfter.getTime());
    expect(c.signingKeys.privateKey.extractable).toBe(false);
    expect(c.rootKeys.privateKey.extractable).toBe(false);

    expect(signingCertificateProblems(leaf, now)).toEqual([]);
    expect(signingCertificateProblems(root, now)).toContain(REFUSAL.isCa);
  });

  it('a local identity exposes its root as PEM and its validity', async () => {
    const id = await createLocalIdentity({ name: 'Studio Nine' });
    expect(id.name).toBe('Studio Nine');
    expect(id.kind).toBe('local');
    expect(id.chainDer).toHaveLength(2);
    expect(id.privateKey.extractable).toBe(false);
    expect(id.notAfter.getTime()).toBeGreaterThan(Date.now() + 4.9 * 365 * 86400e3);
    const pem = exportRootPem(id);
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(pemBlocks(pem, 'CERTIFICATE')[0]).toEqual(new Uint8Array(id.rootDer));
  });

  it('refuses an empty name', async () => {
    await expect(createLocalCertificates({ name: '  ' })).rejects.toThrow('Please give the signing identity a name.');
  });
});

describe('validating an imported signing certificate', () => {
  const refusedWith = async (o: BadOptions, sentence: string) => {
    const { leaf } = await makeLeaf(o);
    expect(() => assertUsableSigningCertificate(leaf)).toThrow(CertificateRefusedError);
    expect(signingCertificateProblems(leaf)).toContain(sentence);
  };

  it('accepts a good certificate', async () => {
    const { leaf } = await makeLeaf();
    expect(signingCertificateProblems(leaf)).toEqual([]);
    expect(() => assertUsableSigningCertificate(leaf)).not.toThrow();
  });
  it('refuses one without AKI', () => refusedWith({ aki: false }, REFUSAL.noAki));
  it('refuses one without O= in the subject', () => refusedWith({ org: false }, REFUSAL.noOrganization));
  it('refuses a CA certificate', () => refusedWith({ ca: true }, REFUSAL.isCa));
  it('refuses keyCertSign usage as a CA', () =>
    refusedWith({ usage: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign }, REFUSAL.isCa));
  it('refuses an expired certificate', async () => {
    const notAfter = new Date('2020-06-30T00:00:00Z');
    await refusedWith({ notBefore: new Date('2019-01-01'), notAfter }, 'This certificate expired on 2020-06-30.');
  });
  it('refuses a not-yet-valid certificate', async () => {
    await refusedWith(
      { notBefore: new Date('2099-01-01T00:00:00Z'), notAfter: new Date('2100-01-01') },
      'This certificate is not valid until 2099-01-01.',
    );
  });
  it('refuses one without digitalSignature', () => refusedWith({ usage: x509.KeyUsageFlags.nonRepudiation }, REFUSAL.noDigitalSignature));
  it('refuses one with serverAuth as its only EKU', () => refusedWith({ eku: ['1.3.6.1.5.5.7.3.1'] }, REFUSAL.noEku));
  it('refuses one without EKU', () => refusedWith({ eku: null }, REFUSAL.noEku));
  it('refuses a P-384 key', async () => {
    await refusedWith({ subjectKeys: await keys({ name: 'ECDSA', namedCurve: 'P-384' }) }, REFUSAL.keyType);
  });
  it('refuses an RSA key', async () => {
    const rsa = await keys({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' });
    await refusedWith({ subjectKeys: rsa }, REFUSAL.keyType);
  });
  it('the error message is the sentence(s)', async () => {
    const { leaf } = await makeLeaf({ aki: false, org: false });
    try {
      assertUsableSigningCertificate(leaf);
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe(`${REFUSAL.noOrganization} ${REFUSAL.noAki}`);
    }
  });
});

describe('importing PEM key + chain', () => {
  const pkcs8Pem = async (k: CryptoKey) => derToPem(new Uint8Array(await crypto.subtle.exportKey('pkcs8', k)), 'PRIVATE KEY');

  it('imports a good key and chain (key becomes non-extractable)', async () => {
    const { root, leaf, leafKeys } = await makeLeaf();
    const id = await importIdentityFromPem(await pkcs8Pem(leafKeys.privateKey), leaf.toString('pem') + '\n' + root.toString('pem'));
    expect(id.kind).toBe('imported');
    expect(id.name).toBe('Leaf Org');
    expect(id.privateKey.extractable).toBe(false);
    expect(id.chainDer).toHaveLength(2);
    expect(id.rootDer).toEqual(new Uint8Array(root.rawData));
  });
  it('refuses a key that does not match the certificate', async () => {
    const { root, leaf } = await makeLeaf();
    const other = await keys();
    await expect(importIdentityFromPem(await pkcs8Pem(other.privateKey), leaf.toString('pem') + root.toString('pem'))).rejects.toThrow(
      'The private key does not belong to the signing certificate',
    );
  });
  it('refuses a chain in the wrong order', async () => {
    const { root, leaf, leafKeys } = await makeLeaf();
    const other = await makeLeaf();
    await expect(
      importIdentityFromPem(await pkcs8Pem(leafKeys.privateKey), leaf.toString('pem') + other.root.toString('pem')),
    ).rejects.toThrow(/out of order or incomplete/);
    void root;
  });
  it('refuses an expired certificate on import', async () => {
    const { root, leaf, leafKeys } = await makeLeaf({ notBefore: new Date('2019-01-01'), notAfter: new Date('2020-06-30T00:00:00Z') });
    await expect(importIdentityFromPem(await pkcs8Pem(leafKeys.privateKey), leaf.toString('pem') + root.toString('pem'))).rejects.toThrow(
      'This certificate expired on 2020-06-30.',
    );
  });
  it('explains SEC1 and encrypted keys and missing blocks', async () => {
    await expect(importIdentityFromPem('-----BEGIN EC PRIVATE KEY-----\nAA==\n-----END EC PRIVATE KEY-----', '')).rejects.toThrow(/PKCS#8/);
    await expect(importIdentityFromPem('-----BEGIN ENCRYPTED PRIVATE KEY-----\nAA==\n-----END ENCRYPTED PRIVATE KEY-----', '')).rejects.toThrow(/password-protected/);
    await expect(importIdentityFromPem('nothing', '')).rejects.toThrow('No private key ("BEGIN PRIVATE KEY") was found in the key file.');
    const { leafKeys } = await makeLeaf();
    await expect(importIdentityFromPem(await pkcs8Pem(leafKeys.privateKey), 'nothing')).rejects.toThrow(/No certificate/);
  });
});
