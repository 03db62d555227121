/**
 * Read and validate the content credentials (C2PA) in a file, and summarise
 * them as a plain, UI-agnostic object. Browser only (uses c2pa-web).
 */
import type { Manifest, ManifestStore, ValidationStatus } from '@contentauth/c2pa-web';
import { getC2pa } from './runtime';
import { TRAINED_ALGORITHMIC_MEDIA } from './manifest';

export type CredentialsState = 'Trusted' | 'Valid' | 'Invalid' | 'none' | 'error';

export interface CredentialsReport {
  /** Trusted: valid and chains to a trust anchor; Valid: intact but signer not trusted; Invalid: tampered or bad signature; none: no credentials; error: unreadable. */
  state: CredentialsState;
  signer: {
    /** Organization of the signing certificate (c2pa-rs calls it issuer). */
    organization: string | null;
    commonName: string | null;
    serialNumber: string | null;
  } | null;
  /** ISO time from a trusted timestamp, if the manifest has one. */
  signedAt: string | null;
  /** e.g. "Sfumato 0.1.0". */
  claimGenerator: string | null;
  title: string | null;
  /** A c2pa.created action declares trainedAlgorithmicMedia. */
  aiGenerated: boolean;
  /** Descriptions of the actions, e.g. "Animated from a still portrait; motion: Gentle life". */
  actionDescriptions: string[];
  /** cawg.training-mining / c2pa.training-mining says notAllowed for AI training. */
  doNotTrain: boolean;
  sourceArtwork: {
    title: string | null;
    url: string | null;
    relationship: string | null;
    /** The source carried its own C2PA manifest, kept in the ingredient. */
    hasOwnCredentials: boolean;
    /** Validation codes recorded for the ingredient's own manifest. */
    validationCodes: string[];
  } | null;
  validation: {
    success: string[];
    informational: string[];
    failure: string[];
  };
  /** Why reading failed (state 'error'), as a sentence. */
  error: string | null;
}

function emptyReport(state: CredentialsState, error: string | null = null): CredentialsReport {
  return {
    state,
    signer: null,
    signedAt: null,
    claimGenerator: null,
    title: null,
    aiGenerated: false,
    actionDescriptions: [],
    doNotTrain: false,
    sourceArtwork: null,
    validation: { success: [], informational: [], failure: [] },
    error,
  };
}

const codes = (list: ValidationStatus[] | null | undefined): string[] => (list ?? []).map((s) => s.code);

interface ActionLike {
  action?: string;
  digitalSourceType?: string;
  description?: string;
}

function actionsOf(manifest: Manifest): ActionLike[] {
  const out: ActionLike[] = [];
  for (const a of manifest.assertions ?? []) {
    if (a.label === 'c2pa.actions' || a.label.startsWith('c2pa.actions.v')) {
      const data = a.data as { actions?: ActionLike[] } | undefined;
      out.push(...(data?.actions ?? []));
    }
  }
  return out;
}

function isDoNotTrain(manifest: Manifest): boolean {
  for (const a of manifest.assertions ?? []) {
    if (!/^(cawg|c2pa)\.training-mining/.test(a.label)) continue;
    const entries = (a.data as { entries?: Record<string, { use?: string }> } | undefined)?.entries ?? {};
    const training = Object.entries(entries).filter(([k]) => /ai_(generative_)?training/.test(k));
    if (training.length > 0 && training.every(([, v]) => v.use === 'notAllowed')) return true;
  }
  return false;
}

function claimGeneratorOf(manifest: Manifest): string | null {
  const info = manifest.claim_generator_info?.[0];
  if (info) return [info.name, info.version].filter(Boolean).join(' ');
  return manifest.claim_generator ?? null;
}

function stateOf(store: ManifestStore, failure: string[]): CredentialsState {
  const s = store.validation_state;
  if (s === 'Trusted' || s === 'Valid' || s === 'Invalid') return s;
  return failure.some((c) => c !== 'signingCredential.untrusted') ? 'Invalid' : 'Valid';
}

/** Summarise a manifest store (exported for tests and other readers). */
export function summarizeManifestStore(store: ManifestStore): CredentialsReport {
  const label = store.active_manifest;
  const manifest = label ? store.manifests?.[label] : undefined;
  if (!manifest) return emptyReport('none');

  const active = store.validation_results?.activeManifest;
  // validation_status repeats the store's failures (including ingredients'); keep each code once.
  const failure = [...new Set([...codes(active?.failure), ...codes(store.validation_status)])];
  const report = emptyReport(stateOf(store, failure));
  report.validation = {
    success: codes(active?.success),
    informational: codes(active?.informational),
    failure,
  };

  const sig = manifest.signature_info;
  if (sig) {
    report.signer = {
      organization: sig.issuer ?? null,
      commonName: sig.common_name ?? null,
      serialNumber: sig.cert_serial_number ?? null,
    };
    report.signedAt = sig.time ?? null;
  }
  report.claimGenerator = claimGeneratorOf(manifest);
  report.title = manifest.title ?? null;
  const actions = actionsOf(manifest);
  report.aiGenerated = actions.some(
    (a) => a.action === 'c2pa.created' && a.digitalSourceType === TRAINED_ALGORITHMIC_MEDIA,
  );
  report.actionDescriptions = actions.flatMap((a) => (a.description ? [a.description] : []));
  report.doNotTrain = isDoNotTrain(manifest);

  const ingredient =
    (manifest.ingredients ?? []).find((i) => i.relationship === 'inputTo') ??
    (manifest.ingredients ?? []).find((i) => i.relationship === 'parentOf') ??
    manifest.ingredients?.[0];
  if (ingredient) {
    const deltas = ingredient.validation_results?.activeManifest;
    report.sourceArtwork = {
      title: ingredient.title ?? null,
      url: ingredient.informational_URI ?? null,
      relationship: ingredient.relationship ?? null,
      hasOwnCredentials: Boolean(ingredient.active_manifest || ingredient.manifest_data),
      validationCodes: [
        ...codes(ingredient.validation_status),
        ...codes(deltas?.failure),
        ...codes(deltas?.informational),
      ],
    };
  }
  return report;
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}

/** Turn a reader exception into a sentence, or null when it just means "no credentials". */
export function describeReadError(raw: string): { state: 'none' | 'error'; message: string | null } {
  if (/JumbfNotFound|ProvenanceMissing|no (JUMBF|manifest)/i.test(raw)) return { state: 'none', message: null };
  if (/UnsupportedType|UnsupportedFormat|not supported/i.test(raw)) {
    return { state: 'error', message: `This kind of file cannot carry content credentials that Sfumato can read (${raw}).` };
  }
  if (/RemoteManifest/i.test(raw)) {
    return { state: 'error', message: 'This file points to content credentials stored online, which are not fetched.' };
  }
  if (/Prerelease/i.test(raw)) {
    return { state: 'error', message: 'This file has content credentials in an old, unsupported format.' };
  }
  if (/AssetTooLarge|too large/i.test(raw)) {
    return { state: 'error', message: 'This file is too large to check for content credentials.' };
  }
  return { state: 'error', message: `The content credentials in this file could not be read (${raw}).` };
}

/**
 * Read and validate the credentials in `bytes`. Never throws: failures come
 * back as state 'error' with a sentence in `error`.
 */
export async function readCredentials(
  bytes: Uint8Array,
  mimeType: string,
  opts: { trustAnchorsPem?: string } = {},
): Promise<CredentialsReport> {
  let reader: Awaited<ReturnType<Awaited<ReturnType<typeof getC2pa>>['reader']['fromBlob']>> = null;
  try {
    const c2pa = await getC2pa();
    const settings = opts.trustAnchorsPem
      ? { trust: { userAnchors: opts.trustAnchorsPem }, verify: { verifyTrust: true } }
      : undefined;
    reader = await c2pa.reader.fromBlob(mimeType, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeType }), settings);
    if (!reader) return emptyReport('none');
    return summarizeManifestStore(await reader.manifestStore());
  } catch (e) {
    const { state, message } = describeReadError(errorText(e));
    return emptyReport(state, message);
  } finally {
    await reader?.free().catch(() => undefined);
  }
}
