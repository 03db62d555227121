/**
 * Read and validate the content credentials (C2PA) in a file, and summarise
 * them as a plain, UI-agnostic object. Browser only (uses c2pa-web).
 */
import type { Manifest, ManifestStore, ValidationStatus } from '@contentauth/c2pa-web';
import { disposeC2pa, getC2pa } from './runtime';
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
  // ---- Details for the inspector (additive; older readers ignore them) ----
  /** What kind of failure 'error' (or 'none') is, for the verdict. */
  errorKind: ReadErrorKind | null;
  /** The reader's own words for the failure (e.g. "C2pa(PrereleaseError)"). */
  rawError: string | null;
  /** Where a remote (cloud) manifest lives, when the file only points to one. */
  remoteManifestUrl: string | null;
  /** Failures of the active manifest alone (not its ingredients'). */
  activeFailure: string[];
  /** Signature algorithm, e.g. "Es256". */
  signatureAlgorithm: string | null;
  /** Every action of the active manifest, in order. */
  actions: ActionDetail[];
  /** 'generated': created by a trained model; 'composite': contains AI parts; 'algorithmic': computed (not trained); null: no claim. */
  aiInvolvement: 'generated' | 'composite' | 'algorithmic' | null;
  /** All ingredients of the active manifest, each with the ingredients of its own manifest. */
  ingredients: IngredientNode[];
  /** The active manifest's thumbnail, when asked for (opts.thumbnails). */
  thumbnail: ResourceBytes | null;
  /** How many manifests the file's store holds (the history chain). */
  manifestCount: number;
}

export type ReadErrorKind =
  | 'remote-not-fetched'
  | 'remote-fetch-failed'
  | 'unsupported-version'
  | 'unsupported-format'
  | 'unknown-algorithm'
  | 'too-large'
  | 'timeout'
  | 'unreadable';

export interface ResourceBytes {
  format: string;
  bytes: Uint8Array;
}

export interface ActionDetail {
  action: string;
  when: string | null;
  softwareAgent: string | null;
  description: string | null;
  digitalSourceType: string | null;
}

export type IngredientStatus = 'ok' | 'untrusted' | 'warning' | 'no-credentials';

export interface IngredientNode {
  title: string | null;
  format: string | null;
  relationship: string | null;
  /** The ingredient carried its own manifest (kept in this file). */
  hasCredentials: boolean;
  /** ok: its own credentials validated; untrusted: intact but signer unknown; warning: its credentials failed validation. */
  status: IngredientStatus;
  codes: string[];
  signer: string | null;
  claimGenerator: string | null;
  thumbnail: ResourceBytes | null;
  /** Identifier of the thumbnail in the resource store (resolved only with opts.thumbnails). */
  thumbnailId: string | null;
  children: IngredientNode[];
}

/** A report with no credentials in it: none found, or an error explained in `error`. */
export function emptyReport(
  state: CredentialsState,
  error: string | null = null,
  errorKind: CredentialsReport['errorKind'] = null,
): CredentialsReport {
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
    errorKind,
    rawError: null,
    remoteManifestUrl: null,
    activeFailure: [],
    signatureAlgorithm: null,
    actions: [],
    aiInvolvement: null,
    ingredients: [],
    thumbnail: null,
    manifestCount: 0,
  };
}

const codes = (list: ValidationStatus[] | null | undefined): string[] => (list ?? []).map((s) => s.code);

interface ActionLike {
  action?: string;
  digitalSourceType?: string;
  description?: string;
  when?: string;
  softwareAgent?: string | { name?: string; version?: string };
  parameters?: { description?: string; name?: string } & Record<string, unknown>;
}

const IPTC = 'http://cv.iptc.org/newscodes/digitalsourcetype/';
const sourceType = (t: string | undefined) => (t ?? '').trim();

function aiInvolvementOf(actions: ActionLike[]): CredentialsReport['aiInvolvement'] {
  const types = actions.map((a) => sourceType(a.digitalSourceType).replace(IPTC, ''));
  if (actions.some((a) => a.action === 'c2pa.created' && sourceType(a.digitalSourceType) === TRAINED_ALGORITHMIC_MEDIA)) return 'generated';
  if (types.includes('trainedAlgorithmicMedia')) return 'generated';
  if (types.some((t) => /^(compositeWithTrainedAlgorithmicMedia|compositeSynthetic)$/.test(t))) return 'composite';
  if (types.includes('algorithmicMedia')) return 'algorithmic';
  return null;
}

function agentName(a: ActionLike['softwareAgent']): string | null {
  if (!a) return null;
  if (typeof a === 'string') return a;
  return [a.name, a.version].filter(Boolean).join(' ') || null;
}

function actionDetail(a: ActionLike): ActionDetail {
  return {
    action: typeof a.action === 'string' ? a.action : 'unknown',
    when: typeof a.when === 'string' ? a.when : null,
    softwareAgent: agentName(a.softwareAgent),
    description:
      (typeof a.description === 'string' && a.description) ||
      (typeof a.parameters?.description === 'string' && a.parameters.description) ||
      null,
    digitalSourceType: a.digitalSourceType ? sourceType(a.digitalSourceType) : null,
  };
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

type Ingredient = NonNullable<Manifest['ingredients']>[number];

function ingredientStatus(ing: Ingredient, hasCredentials: boolean): { status: IngredientStatus; codes: string[] } {
  const deltas = ing.validation_results?.activeManifest;
  const failures = [...new Set([...codes(ing.validation_status), ...codes(deltas?.failure)])];
  const serious = failures.filter((c) => !/^signingCredential\.untrusted$|^timeStamp\.untrusted$/.test(c));
  const all = [...new Set([...failures, ...codes(deltas?.informational)])];
  if (serious.length > 0) return { status: 'warning', codes: all };
  if (!hasCredentials) return { status: 'no-credentials', codes: all };
  if (failures.includes('signingCredential.untrusted')) return { status: 'untrusted', codes: all };
  return { status: 'ok', codes: all };
}

const MAX_INGREDIENT_DEPTH = 8;
const MAX_INGREDIENT_NODES = 200;

function ingredientTree(store: ManifestStore, manifest: Manifest, depth: number, seen: Set<string>, budget: { n: number }): IngredientNode[] {
  if (depth > MAX_INGREDIENT_DEPTH) return [];
  const out: IngredientNode[] = [];
  for (const ing of manifest.ingredients ?? []) {
    if (budget.n-- <= 0) break;
    const label = ing.active_manifest ?? null;
    const own = label && !seen.has(label) ? store.manifests?.[label] : undefined;
    const hasCredentials = Boolean(label || ing.manifest_data);
    const { status, codes: c } = ingredientStatus(ing, hasCredentials);
    const children = own ? ingredientTree(store, own, depth + 1, new Set([...seen, label!]), budget) : [];
    out.push({
      title: ing.title ?? null,
      format: ing.format ?? null,
      relationship: ing.relationship ?? null,
      hasCredentials,
      status,
      codes: c,
      signer: own?.signature_info ? [own.signature_info.common_name, own.signature_info.issuer].filter(Boolean).join(', ') || null : null,
      claimGenerator: own ? claimGeneratorOf(own) : null,
      thumbnail: null,
      thumbnailId: ing.thumbnail?.identifier ?? null,
      children,
    });
  }
  return out;
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
  report.activeFailure = active ? codes(active.failure) : failure;
  report.manifestCount = Object.keys(store.manifests ?? {}).length;

  const sig = manifest.signature_info;
  if (sig) {
    report.signer = {
      organization: sig.issuer ?? null,
      commonName: sig.common_name ?? null,
      serialNumber: sig.cert_serial_number ?? null,
    };
    report.signedAt = sig.time ?? null;
    report.signatureAlgorithm = sig.alg ?? null;
  }
  report.claimGenerator = claimGeneratorOf(manifest);
  report.title = manifest.title ?? null;
  const actions = actionsOf(manifest);
  report.aiGenerated = actions.some(
    (a) => a.action === 'c2pa.created' && a.digitalSourceType === TRAINED_ALGORITHMIC_MEDIA,
  );
  report.actionDescriptions = actions.flatMap((a) => (a.description ? [a.description] : []));
  report.actions = actions.map(actionDetail);
  report.aiInvolvement = aiInvolvementOf(actions);
  report.ingredients = ingredientTree(store, manifest, 0, new Set([label!]), { n: MAX_INGREDIENT_NODES });
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
  const { state, message } = classifyReadError(raw);
  return { state, message };
}

/** describeReadError plus what kind of failure it is (for the inspector's verdict). */
export function classifyReadError(raw: string): { state: 'none' | 'error'; message: string | null; kind: ReadErrorKind | null; remoteUrl?: string | null } {
  if (/JumbfNotFound|ProvenanceMissing|no (JUMBF|manifest)/i.test(raw)) return { state: 'none', message: null, kind: null };
  if (/UnsupportedType|UnsupportedFormat|not supported/i.test(raw)) {
    return { state: 'error', kind: 'unsupported-format', message: `This kind of file cannot carry content credentials that Sfumato can read (${raw}).` };
  }
  if (/RemoteManifestFetch/i.test(raw)) {
    return {
      state: 'error',
      kind: 'remote-fetch-failed',
      message: 'This file points to content credentials stored online, and they could not be fetched (offline, or the server did not answer).',
    };
  }
  if (/RemoteManifest/i.test(raw)) {
    const url = /https?:\/\/[^\s"')]+/.exec(raw)?.[0] ?? null;
    return { state: 'error', kind: 'remote-not-fetched', remoteUrl: url, message: 'This file points to content credentials stored online, which are not fetched.' };
  }
  if (/Prerelease/i.test(raw)) {
    return { state: 'error', kind: 'unsupported-version', message: 'This file has content credentials in an old, unsupported format.' };
  }
  if (/UnknownAlgorithm|UnsupportedAlgorithm|algorithm\.unsupported/i.test(raw)) {
    return { state: 'error', kind: 'unknown-algorithm', message: 'The content credentials are signed with an unknown or unsupported signature algorithm.' };
  }
  if (/AssetTooLarge|too large/i.test(raw)) {
    return { state: 'error', kind: 'too-large', message: 'This file is too large to check for content credentials.' };
  }
  return { state: 'error', kind: 'unreadable', message: `The content credentials in this file could not be read (${raw}).` };
}

/** A wasm trap (Rust panic) can leave the engine's memory in a bad state: restart it before the next read. */
const ENGINE_BROKEN = /unreachable|RuntimeError|panicked|memory access out of bounds|Attempted to use an object that has been freed/i;

/** Read timeout: 15 s plus 1 s per 8 MB (hashing a big video takes time; a hang must not last forever). */
export function readTimeoutMs(size: number): number {
  return 15_000 + Math.ceil(size / (8 * 1024 * 1024)) * 1000;
}

export interface ReadOptions {
  /** PEM text of extra trust anchors (Sfumato's own root, imported anchors). */
  trustAnchorsPem?: string;
  /** Fetch a remote (cloud) manifest when the file only points to one. Off by default: it contacts a server. */
  allowRemoteManifest?: boolean;
  /** Resolve the manifest and ingredient thumbnails (bytes) before the reader is freed. */
  thumbnails?: boolean;
  /** Give up after this long (the engine is restarted). Default readTimeoutMs(size). */
  timeoutMs?: number;
}

/**
 * Read and validate the credentials in `input` (bytes, or a Blob/File, which is read by the
 * engine's worker in slices without being copied). Never throws: failures come back as state
 * 'error' with a sentence in `error`.
 */
export async function readCredentials(input: Uint8Array | Blob, mimeType: string, opts: ReadOptions = {}): Promise<CredentialsReport> {
  const blob = input instanceof Blob ? input : new Blob([input as Uint8Array<ArrayBuffer>], { type: mimeType });
  const timeoutMs = opts.timeoutMs ?? readTimeoutMs(blob.size);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<CredentialsReport>((resolve) => {
    timer = setTimeout(() => {
      // The worker may be stuck in a loop: kill it so the next read starts a fresh engine.
      void disposeC2pa();
      const r = emptyReport('error', `Checking this file took longer than ${Math.round(timeoutMs / 1000)} seconds, so it was stopped.`);
      r.errorKind = 'timeout';
      resolve(r);
    }, timeoutMs);
  });
  try {
    return await Promise.race([readOnce(blob, mimeType, opts), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function readOnce(blob: Blob, mimeType: string, opts: ReadOptions): Promise<CredentialsReport> {
  let reader: Awaited<ReturnType<Awaited<ReturnType<typeof getC2pa>>['reader']['fromBlob']>> = null;
  try {
    const c2pa = await getC2pa();
    // Keys are turned into c2pa-rs snake_case settings by c2pa-web.
    const verify: Record<string, boolean> = { remoteManifestFetch: Boolean(opts.allowRemoteManifest), ocspFetch: false };
    const settings = opts.trustAnchorsPem
      ? { trust: { userAnchors: opts.trustAnchorsPem }, verify: { verifyTrust: true, ...verify } }
      : { verify };
    reader = await c2pa.reader.fromBlob(mimeType, blob, settings as Parameters<typeof c2pa.reader.fromBlob>[2]);
    if (!reader) return emptyReport('none');
    const report = summarizeManifestStore(await reader.manifestStore());
    if (opts.thumbnails) await resolveThumbnails(reader, report);
    return report;
  } catch (e) {
    const raw = errorText(e);
    if (ENGINE_BROKEN.test(raw)) void disposeC2pa();
    const { state, message, kind, remoteUrl } = classifyReadError(raw);
    const r = emptyReport(state, message);
    r.errorKind = kind;
    r.rawError = raw;
    r.remoteManifestUrl = remoteUrl ?? null;
    return r;
  } finally {
    await reader?.free().catch(() => undefined);
  }
}

const MAX_THUMBNAILS = 40;

async function resolveThumbnails(reader: { resourceToBytes(uri: string): Promise<Uint8Array>; activeManifest(): Promise<Manifest> }, report: CredentialsReport) {
  const get = async (id: string | null | undefined, format: string | null | undefined): Promise<ResourceBytes | null> => {
    if (!id) return null;
    try {
      const bytes = await reader.resourceToBytes(id);
      return bytes.length > 0 ? { format: format || 'image/jpeg', bytes } : null;
    } catch {
      return null;
    }
  };
  try {
    const m = await reader.activeManifest();
    report.thumbnail = await get(m.thumbnail?.identifier, m.thumbnail?.format);
  } catch {
    /* no thumbnail */
  }
  let left = MAX_THUMBNAILS;
  const walk = async (nodes: IngredientNode[]) => {
    for (const n of nodes) {
      if (left-- <= 0) return;
      n.thumbnail = await get(n.thumbnailId, 'image/jpeg');
      await walk(n.children);
    }
  };
  await walk(report.ingredients);
}
