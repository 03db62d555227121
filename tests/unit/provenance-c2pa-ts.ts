/**
 * Independent check of a signed file with @trustnxt/c2pa-ts (pure
 * TypeScript C2PA reader, not c2pa-rs): parses the manifest store, validates
 * the active manifest's claim signature and the BMFF/data hash.
 * It does not check the chain of trust (c2pa-ts does not implement it).
 *
 * Test helper (Node), not shipped.
 */
import { BMFF, JPEG, PNG, type Asset } from '@trustnxt/c2pa-ts/asset';
import { SuperBox } from '@trustnxt/c2pa-ts/jumbf';
import { ManifestStore, ValidationResult } from '@trustnxt/c2pa-ts/manifest';

export interface C2paTsVerdict {
  /** No error-level status entries. */
  isValid: boolean;
  /** Status codes, e.g. "claimSignature.validated", "assertion.bmffHash.match". */
  codes: string[];
  /** Error-level codes only. */
  failures: string[];
  /** Active manifest's claim generator info and title, when readable. */
  claimGenerator: string | null;
  title: string | null;
  /** The reader threw before producing a result (e.g. no manifest). */
  error: string | null;
}

const MP4_BRANDS = ['isom', 'iso2', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'M4V ', 'qt  '];

export async function verifyWithC2paTs(bytes: Uint8Array): Promise<C2paTsVerdict> {
  const fail = (error: string): C2paTsVerdict => ({ isValid: false, codes: [], failures: [], claimGenerator: null, title: null, error });
  // c2pa-ts's BMFF class only admits HEIF brands (a static Set); its box
  // parser and bmffHash validation are generic ISO BMFF, so MP4 brands are added.
  const brands = (BMFF as unknown as { canReadBrands: Set<string> }).canReadBrands;
  for (const b of MP4_BRANDS) brands.add(b);
  let asset: Asset;
  try {
    if (BMFF.canRead(bytes)) asset = new BMFF(bytes);
    else if (JPEG.canRead(bytes)) asset = new JPEG(bytes);
    else if (PNG.canRead(bytes)) asset = new PNG(bytes);
    else return fail('unsupported format');
  } catch (e) {
    return fail(`unreadable file: ${(e as Error).message}`);
  }

  const jumbf = asset.getManifestJUMBF();
  if (!jumbf) return fail('no manifest');

  let result: ValidationResult;
  let claimGenerator: string | null = null;
  let title: string | null = null;
  try {
    const store = ManifestStore.read(SuperBox.fromBuffer(jumbf as Uint8Array<ArrayBuffer>));
    const active = store.getActiveManifest() as unknown as {
      claim?: { claimGeneratorName?: string; claimGeneratorVersion?: string; title?: string };
    } | undefined;
    const name = active?.claim?.claimGeneratorName;
    if (name) claimGenerator = [name, active?.claim?.claimGeneratorVersion].filter(Boolean).join(' ');
    title = active?.claim?.title ?? null;
    result = await store.validate(asset);
  } catch (e) {
    result = ValidationResult.fromError(e as Error);
  }
  const entries = result.statusEntries as unknown as { code: string; success?: boolean; type?: string }[];
  const codes = entries.map((e) => String(e.code));
  const failures = entries.filter((e) => e.success === false || e.type === 'error').map((e) => String(e.code));
  return { isValid: result.isValid, codes, failures, claimGenerator, title, error: null };
}
