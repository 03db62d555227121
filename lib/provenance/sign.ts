/**
 * Sign a clip with content credentials (C2PA) and prove the result reads
 * back as valid before handing it out. Browser only (uses c2pa-web).
 */
import type { Builder } from '@contentauth/c2pa-web';
import { createCoseSigner } from './cose';
import { exportRootPem, type SigningIdentity } from './identity';
import { buildClipManifest, TRAINED_ALGORITHMIC_MEDIA, type ClipProvenanceMeta } from './manifest';
import { readCredentials, type CredentialsReport } from './read';
import { getC2pa } from './runtime';

export interface SignClipInput {
  /** The bytes to sign, in the format `meta.mimeType` names (default video/mp4). */
  mp4: Uint8Array;
  meta: ClipProvenanceMeta;
  identity: SigningIdentity;
  /** With `meta.derivedFrom`: the signed clip's bytes, so that its manifest travels in the ingredient. */
  parentBytes?: Uint8Array;
}

export interface SignClipResult {
  bytes: Uint8Array<ArrayBuffer>;
  /** What reading the signed clip back gave (state Trusted or Valid). */
  report: CredentialsReport;
}

function blobOf(bytes: Uint8Array, type: string): Blob {
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function addSourceIngredient(builder: Builder, plan: ReturnType<typeof buildClipManifest>): Promise<void> {
  if (plan.sourceAsset) {
    try {
      // Reads the source's own C2PA manifest (if any) into the ingredient.
      await builder.addIngredientFromBlob(plan.sourceIngredient, plan.sourceAsset.format, blobOf(plan.sourceAsset.bytes, plan.sourceAsset.format));
      return;
    } catch {
      // Unsupported or unreadable source format: record it from the definition alone.
    }
  }
  await builder.addIngredient(plan.sourceIngredient);
}

/** The driving video of a driven clip: from its bytes when small enough (keeps its own manifest). */
async function addDriverIngredient(builder: Builder, plan: ReturnType<typeof buildClipManifest>): Promise<void> {
  if (plan.driverAsset) {
    try {
      await builder.addIngredientFromBlob(plan.driverIngredient!, plan.driverAsset.format, blobOf(plan.driverAsset.bytes, plan.driverAsset.format));
      return;
    } catch {
      // A format c2pa cannot read (e.g. WebM): recorded from the definition alone.
    }
  }
  await builder.addIngredient(plan.driverIngredient!);
}

/** Sign and verify; returns the signed bytes plus the read-back report. */
export async function signClipWithReport(input: SignClipInput): Promise<SignClipResult> {
  const { identity, meta } = input;
  const now = Date.now();
  if (identity.notAfter.getTime() <= now) {
    throw new Error(
      `The clip was not signed because the signing certificate expired on ${identity.notAfter.toISOString().slice(0, 10)}; create a new signing identity.`,
    );
  }
  const mimeType = meta.mimeType ?? 'video/mp4';
  const plan = buildClipManifest(meta);
  const { ingredients: _ingredients, ...definition } = plan.definition;

  let c2pa;
  try {
    c2pa = await getC2pa();
  } catch (e) {
    throw new Error(`The clip was not signed because the content-credentials engine could not start (${message(e)}).`);
  }

  let signed: Uint8Array<ArrayBuffer>;
  let builder: Builder | null = null;
  try {
    builder = await c2pa.builder.fromDefinition(definition);
    for (const r of plan.resources) await builder.addResourceFromBlob(r.id, blobOf(r.bytes, r.format));
    await addSourceIngredient(builder, plan);
    if (plan.parentIngredient) {
      const fmt = plan.parentIngredient.format ?? 'video/mp4';
      if (input.parentBytes) await builder.addIngredientFromBlob(plan.parentIngredient, fmt, blobOf(input.parentBytes, fmt));
      else await builder.addIngredient(plan.parentIngredient);
    }
    if (plan.driverIngredient) await addDriverIngredient(builder, plan);
    await builder.setIntent({ create: TRAINED_ALGORITHMIC_MEDIA });
    signed = await builder.sign(createCoseSigner(identity), mimeType, blobOf(input.mp4, mimeType));
  } catch (e) {
    throw new Error(`The clip could not be signed with content credentials (${message(e)}).`);
  } finally {
    await builder?.free().catch(() => undefined);
  }

  const report = await readCredentials(signed, mimeType, { trustAnchorsPem: exportRootPem(identity) });
  const ownFailures = report.validation.failure.filter((c) => c !== 'signingCredential.untrusted');
  if (report.state === 'error' || report.state === 'none') {
    throw new Error(`The clip was signed but its content credentials could not be read back (${report.error ?? 'no manifest found'}), so it was not kept.`);
  }
  if (report.state === 'Invalid') {
    throw new Error(`The clip was signed but its content credentials did not check out (${ownFailures.join(', ') || 'invalid'}), so it was not kept.`);
  }
  if (!report.aiGenerated) {
    throw new Error('The clip was signed but its credentials do not declare it AI-generated, so it was not kept.');
  }
  return { bytes: signed, report };
}

/**
 * Sign `mp4` with content credentials declaring it AI-generated, read the
 * result back and check it (Trusted, or Valid), then return the signed bytes.
 * Throws an Error whose message is a sentence for the person.
 */
export async function signClip(input: SignClipInput): Promise<Uint8Array<ArrayBuffer>> {
  return (await signClipWithReport(input)).bytes;
}
