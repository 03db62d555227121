import { describe, expect, it } from 'vitest';
import { importIdentityFromPkcs12 } from '../../lib/provenance/identity';
import { PKCS12_REFUSAL, readPkcs12 } from '../../lib/provenance/pkcs12';
import { parseCertificate } from '../../lib/provenance/certificates';

// Throwaway test-only identities made with OpenSSL 3.0 (never used to sign anything real):
// root "CN=P12 Test Root, O=P12 Test" (CA, keyCertSign, SKI+AKI), signing "CN=P12 Signer, O=P12 Org"
// (CA=false, digitalSignature, EKU documentSigning, AKI), both P-256; signing certificate valid until Jan 24 10:15:10 2046 GMT.
// AES_P12: openssl pkcs12 -export (OpenSSL 3 defaults: PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC), password "correct-horse".
const AES_P12 =
  'MIIGLAIBAzCCBeIGCSqGSIb3DQEHAaCCBdMEggXPMIIFyzCCBIIGCSqGSIb3DQEHBqCCBHMwggRvAgEAMIIEaAYJKoZIhvcNAQcBMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAgABROQO2YC4AICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEA/ZCbRPGEYEjLsfbPdaGxWAggQAjFnQkhlfs76H9Et6w6WP8M/uo5EOSvao+dvsv7o1MxdNwSvYAw8ef5l+2wV3UVFUikdNDtyf0mx9+6/SDNN6xkmdP0DaF00vINKxQaR36OMGjkD4VbW3mueWRCqLj1VBM0ydw5UKrcfF1ZfRCD8h2WXF7ZmOHb9yp5l97cHFQTpaHaQyZf70SjFA+BslGyPJgUQGkUdfhwcCk0yiyt9pK0Ws+RkAwpl0Xm8ahhdl5VesCnOY06MYwMwEahpjyeT4MbVMaLnpnXjr6e2d5B0kFArq3I5Ig44S1pXCuOIKLPcktFbl9uuMReyG5CIM5psC7mVPse4Jja9w8I0jCf8w8TfggbVPZwLGZPEAbJlNRit+ly8KlM6WSly78Eppd2T6ewyyvCVqfJ5zaVPkVSbDeOmCq+hNwQ6XXldzMNP2xk3k1XQhZC2l5VgCCjylSAHE6biPP8rOFRjemFbzGVejZqlmWw99RDZ2tF2cq5YGpgF47HoyilAYJANOs6n+RfHRQVuZawzfyaOF45g+s9kmMAwTIwSFjo0vf4sS/NXfLTV/3RAFNaU4HKREaXiU7ihfDMgCgxSkbgOA1ZcFbaeEPaYatcA4qvW+bucuaLAT9rWs9QN0/HcEu8feYFu+9g3Y+gYioGkVIK1TnPZU2/bQsk4+i/7zSSsKCy5beyaPaoAo/XQsdDVRT9qA1c/yXs21rv2xHFjtNHfy3VE17lPGaYepiKxnhwgBAtE3FaOuFCpzesBevcbEAMDPD9hVSpUZO6UYrbvgvKIfsmzuT1Z2Enjc5rOJY4XFounfV7UuoSYCrzIyVyHLzQnXXWXJypdhBzr3ftiHKlESypXbDUHc+K1FjMuUI3fwrNbiaya18pOcu/27ypCxA7o37tnm8iAAB+8OlyrVPFmyJgqcFycKVrZp0k+ZG3qfm9gor56HzrN7hXKBnsE9QNtX3z/LMpBDcq0hRvvZL7RaoYbnmdyocHiVYl1ctc5Fi6FDin5jdEq6Ol1EJpixwyzdaGzdGODJl3VMJM97FA1YQq0qz2Fe3zADDc2EEo73PSrZxwdft9bc4pY3ubxsKaAZ0IROT+OTGaC3YBDzTtKUBvOb1IRX55QR5pNPLcLyFUwL/eKVQ243kL+niw8WPBABjT1qG48KeOZyasG/AzSAL2wRB6x7pGn4yQfd2E/esfgPGOHJuBAW1Ak1c6BuBVB8SWhjf9pdWb+rCRxubFb33muq93VBNNYvEY3RzufWgZaUyNJI65504CHJsJsOC5RRAWS9ZrFO3ECIUYEXqkjsaoZ4bXgxTcKHnD2jrIeLVNmgp4WYn0j2dfV+8LAVO9s9jFF59Tnr9cHSoFOrg+DkkbTzVD9vZTCCAUEGCSqGSIb3DQEHAaCCATIEggEuMIIBKjCCASYGCyqGSIb3DQEMCgECoIHvMIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAjr8No67stKZQICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEAc5+sCp/WTQiRcz7LnWTPMEgZAgNWVPPF2BvQRB49Q2YM8z426Qde/WZ/pO0baXBCZA2O4PW1QXNxnhFYMnZ5wEFQRdsWOKoaQRM8XNWUOro1ynTrzHGMK0h1vclkpa34OY3oHwSzbSgsRREqN3w3ow1pkkdNdACsJnL1fdxfEaic61GPDF0kUL2M1xkFR6AM4Or5uyt/vjOju4AlePZpMbhkQxJTAjBgkqhkiG9w0BCRUxFgQUU2JW4MRMhDZLIx/zmbf8TvVRRe8wQTAxMA0GCWCGSAFlAwQCAQUABCDICwOv7EINQjyH02VyPqav+mXDoyCo9lL9BULtfcJpGwQISzWX2wXUSfwCAggA';
// LEGACY_P12: same, with -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1.
const LEGACY_P12 =
  'MIIFmgIBAzCCBWAGCSqGSIb3DQEHAaCCBVEEggVNMIIFSTCCBD8GCSqGSIb3DQEHBqCCBDAwggQsAgEAMIIEJQYJKoZIhvcNAQcBMBwGCiqGSIb3DQEMAQMwDgQI/1hx64az/1wCAggAgIID+AYsVBc9fEbR+OvUHJNDqwHuU7C0zaI5Wu440SjbJuyUGyz40TYAi9LA1fqyCFmk51ZOPpw5HG91SliVW5SoIz1t6Ul7B1eFaVeg7iHI9ApBuPjS0z8BX5SkmiKpYWmO3fSr60mb5Oeu0BKhPu6uutuROo1V951lalfmw9e5Wmd/QITd6YVLqdy9gAftRAQUcZd8IZG7Gw6zqFBobifS6peiH6IlkiH4wZiSA/dZVR1PZfo1vSDJ2itsNmv+lJbwWBfANqwAcxEFDUygsK8cmpu0aWazorYFft2pU/7y0NqX4YQR1+O1tt7kw6T1cC7r1XNRPEednCwworIHEM4ixDsWGYW0M0ARisp5wrraYaGRzkj9UfMH6PU18zY2f2DeRynjlrbgvLSzE/6hRAHkJsmZLa8l1TZ7UAoFh0ysTIsctzeJecf7uEr6S2qS5AHOdpqaSy3oRDuUGTZB4J7tPAA+2nmqhTRYAI7hVSPLrE1Rnr3gKHTbZNIwaawtGgr5uFWJj23nsJjy2Usu0iWQjH/G/xf/WHQGLQ778rkKoqRzFvzQQ76oKlJpEsNNqpBDkIxMHb5PURbq5MzAa2oUBXS8QQ0mM2JC78Xf/OJubnoK1eRfj3+uobfulnDsOKYYt9e8fNs8DomUVedAdIDPMB3TMNtNYvYRMJELWDde2Txk3dOcWaU4fJVP7+MO/GybpMfSTfRUUu1SsLV8uPz79NAc7r0/d+UEujEGFdejf3Wy/6nEWAQdb6g86PS1Tn7O1QVIkWrs8Qq0Nj4qyLgAyLwXIjf4674cozd7h2j9mYoIw66PAfGC3YwSXeIkM5svzqTxQgYVWyHAtpK7JISS40yohPkmZ4r4c8Jw+M34t6oo37CZvghZu1m4jwbb59S2rWSvdZyqVGCvIqEEQmnzXmUhY7H3XIl/G6CiVBEaTa31mdCAEQ6/ZCgd5cqCkQFcNYaTw5rYBgvig+cQWS7MBybCWRAkK94GVvD3YVaqVPOqzI4pTUhkWhdFJTsuT8SqN1slyJlkA9EC80cXD9y3MZjaCLwkL988EQRkwM7Mdep2ugKoOJ16JUCgRer7GeXIk5Za0xInbr2q5miM0vwgIJxKQxZ84xwE51UKySA/0KfxacVCUOhg/yYQBkfH3k5CJD0dASoXeny2d2qqhlPOpiB+VwBtjnrsseSnDKFLrkomZ7BvwtcgSBSRNVdNP6B7Entwvv7+1UUZIhhepi2dNpsCGtrdgC1FM6nPFo5AQdB4xX7/dLuwzWzC6Cbb7qXQ200IU5VqRBmVwYrni/I3yfpOAbc0layUOr93gaNbridLKgq1oerNX1PNIqGqau7ZMguBSwk+wtsSMIIBAgYJKoZIhvcNAQcBoIH0BIHxMIHuMIHrBgsqhkiG9w0BDAoBAqCBtDCBsTAcBgoqhkiG9w0BDAEDMA4ECJB5KPaZji1RAgIIAASBkPtGBvXenEwSIRGYBb6UNaMghGkjR/nk98na9DW3zwsMkRR5Iba3Cn522NsB910GnbmY/5kFAXu4zgjXTpxxPPivNWpxJoTR9sgv9NZa+ZhmhR0rDUBjBYp/+PIIrLlyvhiaPAEfdtQZlLL1JBkmk3eEX2b6lO6yuF/9+ID+nSdHngx6b4Pf1MkhBkMjjVecWjElMCMGCSqGSIb3DQEJFTEWBBRTYlbgxEyENksjH/OZt/xO9VFF7zAxMCEwCQYFKw4DAhoFAAQUMFjjpa+p0GJ2Qw1O4eiEkEg22BMECFnnYYKgGnW1AgIIAA==';
const ROOT_B64 =
  'MIIBmzCCAUCgAwIBAgIUXFC6vpmRnzQ5Y3d/DDPqmz9gJTEwCgYIKoZIzj0EAwIwKzEWMBQGA1UEAwwNUDEyIFRlc3QgUm9vdDERMA8GA1UECgwIUDEyIFRlc3QwHhcNMjYxMTI1MTAxNTEwWhcNNDYxMTIwMTAxNTEwWjArMRYwFAYDVQQDDA1QMTIgVGVzdCBSb290MREwDwYDVQQKDAhQMTIgVGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKFoyXFPY3NIFdmTvO8QUi1fEbUSvDfMfYCpguOrbV7WLtbl4eanWBVzolG9Aq50dFhszNSoTEm4cKjRpY4DbS2jQjBAMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEGMB0GA1UdDgQWBBQyeMYX8+MvBE4E4HfH/0qr0NrEcDAKBggqhkjOPQQDAgNJADBGAiEAgLzp9eeZGXSkgBclj4F5yqiiqM7XzNShjYvrcLUa/UgCIQDZbuWaSQfYuWyceODdJiYOmmXK94GORJDto/vUPWyEMQ==';

const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

describe('PKCS#12 import', () => {
  it('reads the key and both certificates from an AES (PBES2) file', async () => {
    const c = await readPkcs12(bytes(AES_P12), 'correct-horse');
    expect(c.certificates).toHaveLength(2);
    expect(c.privateKeyPkcs8[0]).toBe(0x30);
    const subjects = c.certificates.map((d) => parseCertificate(d).subject);
    expect(subjects).toContain('CN=P12 Signer, O=P12 Org');
  });

  it('makes a signing identity with the chain in order and a non-extractable key', async () => {
    const id = await importIdentityFromPkcs12(bytes(AES_P12), 'correct-horse');
    expect(id.kind).toBe('imported');
    expect(id.name).toBe('P12 Org');
    expect(id.privateKey.extractable).toBe(false);
    expect(id.chainDer.map((d) => parseCertificate(d).subject)).toEqual(['CN=P12 Signer, O=P12 Org', 'CN=P12 Test Root, O=P12 Test']);
    expect(id.rootDer).toEqual(bytes(ROOT_B64));
  });

  it('refuses a wrong password with a sentence', async () => {
    await expect(importIdentityFromPkcs12(bytes(AES_P12), 'wrong')).rejects.toThrow(PKCS12_REFUSAL.password);
  });

  it('refuses legacy 3DES files with a sentence saying how to re-export', async () => {
    await expect(importIdentityFromPkcs12(bytes(LEGACY_P12), 'correct-horse')).rejects.toThrow(PKCS12_REFUSAL.legacy);
  });

  it('refuses garbage', async () => {
    await expect(importIdentityFromPkcs12(new Uint8Array([1, 2, 3]), 'x')).rejects.toThrow(PKCS12_REFUSAL.unreadable);
  });

  it('still applies the certificate profile (expired at a later date)', async () => {
    await expect(importIdentityFromPkcs12(bytes(AES_P12), 'correct-horse', { now: new Date('2100-01-01') })).rejects.toThrow(
      /This certificate expired on/,
    );
  });
});
