/**
 * The C2PA manifest definition for an animated clip (pure, no I/O).
 *
 * The clip is declared AI-generated (c2pa.created with digitalSourceType
 * trainedAlgorithmicMedia), not for AI training or mining, with the source
 * portrait recorded as an `inputTo` ingredient (the input to the model).
 */
import type { Action, Ingredient, ManifestDefinition } from '@contentauth/c2pa-web';

export const GENERATOR_NAME = 'Sfumato';
export const TRAINED_ALGORITHMIC_MEDIA = 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia';
export const CLIP_THUMBNAIL_ID = 'clip-thumbnail.jpg';
export const SOURCE_THUMBNAIL_ID = 'source-thumbnail.jpg';
export const SOURCE_INGREDIENT_LABEL = 'source-artwork';
export const DRIVER_INGREDIENT_LABEL = 'driving-video';
export const DRIVER_THUMBNAIL_ID = 'driver-thumbnail.jpg';
export const SIGNED_CLIP_INGREDIENT_LABEL = 'signed-clip';

export interface ClipProvenanceMeta {
  /** Title of the clip, e.g. "Mona Lisa, Gentle life.mp4". */
  title: string;
  /** Extension version, e.g. "0.1.0". */
  generatorVersion: string;
  /** Name of the motion preset, e.g. "Gentle life". */
  motionName: string;
  /** Clip format; default "video/mp4". */
  mimeType?: string;
  /** JPEG of one frame of the clip. */
  clipThumbnailJpeg?: Uint8Array;
  /** When the clip was made (ISO time in the action); default: none. */
  createdAt?: Date;
  source: {
    /** Title of the artwork (alt text, page title or file name). */
    title: string;
    /** Where the image was taken from (image URL). */
    url?: string;
    /** The page it was on, if different. */
    pageUrl?: string;
    /** e.g. "image/jpeg". Needed with `bytes`. */
    mimeType?: string;
    /** Original bytes: if given, an existing C2PA manifest in them is kept in the ingredient. */
    bytes?: Uint8Array;
    /** Small JPEG of the source image. */
    thumbnailJpeg?: Uint8Array;
  };
  /** Sfumato's invisible watermark in every frame: its payload (64 bits, hex) and algorithm name. */
  watermark?: { payloadHex: string; alg: string };
  /** The driving video whose face movement the clip borrows (motion "driven by <title>"). */
  driver?: {
    title: string;
    /** e.g. "video/mp4", "video/webm". */
    mimeType: string;
    /** "file", "webcam" or "page". */
    kind: string;
    url?: string;
    pageUrl?: string;
    thumbnailJpeg?: Uint8Array;
    /** Its bytes (MP4/MOV up to a size limit): an existing C2PA manifest in them is kept. */
    bytes?: Uint8Array;
  };
  /**
   * For an export made from an already signed clip (GIF, WebP, poster PNG): the signed clip, kept as
   * an ingredient with its own manifest, and what was done to it (a `c2pa.transcoded` action).
   */
  derivedFrom?: { title: string; format: string; description: string; relationship?: 'parentOf' | 'componentOf' };
}

export interface ManifestResource {
  id: string;
  format: string;
  bytes: Uint8Array;
}

export interface ClipManifestPlan {
  /** Full definition, including the source ingredient. */
  definition: ManifestDefinition;
  /** The source ingredient (also in definition.ingredients). */
  sourceIngredient: Ingredient;
  /** Binary resources referenced by identifier in the definition. */
  resources: ManifestResource[];
  /** If set, add the ingredient from these bytes so its own manifest is kept. */
  sourceAsset?: { format: string; bytes: Uint8Array };
  /** The signed clip an export was made from (meta.derivedFrom); also in definition.ingredients. */
  parentIngredient?: Ingredient;
  /** The driving video (meta.driver); also in definition.ingredients. */
  driverIngredient?: Ingredient;
  /** If set, add the driver ingredient from these bytes so its own manifest is kept. */
  driverAsset?: { format: string; bytes: Uint8Array };
}

export function clipActionDescription(motionName: string): string {
  return `Animated from a still portrait; motion: ${motionName}`;
}

/** A random RFC 4122 v4 UUID as an XMP instance id. */
function newInstanceId(): string {
  return `xmp:iid:${crypto.randomUUID()}`;
}

/** Build the manifest definition and resources for one clip. */
/** The action saying an invisible watermark was added, so that a stripped copy can be traced. */
function watermarkedAction(w: { payloadHex: string }, agent: { name: string; version: string }): Action {
  return {
    action: 'c2pa.watermarked',
    softwareAgent: agent,
    description: `Invisible watermark added to every frame (payload ${w.payloadHex}); the frames also carry a visible "AI-generated" label.`,
  } as Action;
}

/** A soft binding: the watermark payload, which survives where this manifest is stripped. */
function softBindingAssertion(w: { payloadHex: string; alg: string }) {
  const bytes = w.payloadHex.match(/../g)!.map((h) => parseInt(h, 16));
  return {
    label: 'c2pa.soft-binding',
    data: { alg: w.alg, blocks: [{ scope: {}, value: btoa(String.fromCharCode(...bytes)) }] },
  };
}

export function buildClipManifest(meta: ClipProvenanceMeta, opts: { instanceId?: string } = {}): ClipManifestPlan {
  const agent = { name: GENERATOR_NAME, version: meta.generatorVersion };
  const resources: ManifestResource[] = [];

  const created: Action = {
    action: 'c2pa.created',
    digitalSourceType: TRAINED_ALGORITHMIC_MEDIA,
    softwareAgent: agent,
    description: clipActionDescription(meta.motionName),
    parameters: { ingredientIds: [SOURCE_INGREDIENT_LABEL] },
  };
  if (meta.createdAt) created.when = meta.createdAt.toISOString();

  const src = meta.source;
  const sourceIngredient: Ingredient = {
    title: src.title,
    relationship: 'inputTo',
    label: SOURCE_INGREDIENT_LABEL,
  };
  if (src.mimeType) sourceIngredient.format = src.mimeType;
  const infoUrl = src.url ?? src.pageUrl;
  if (infoUrl) sourceIngredient.informational_URI = infoUrl;
  if (src.pageUrl && src.url && src.pageUrl !== src.url) {
    sourceIngredient.description = `Found on ${src.pageUrl}`;
  }
  if (src.thumbnailJpeg) {
    sourceIngredient.thumbnail = { format: 'image/jpeg', identifier: SOURCE_THUMBNAIL_ID };
    resources.push({ id: SOURCE_THUMBNAIL_ID, format: 'image/jpeg', bytes: src.thumbnailJpeg });
  }

  const definition: ManifestDefinition = {
    claim_generator_info: [agent],
    title: meta.title,
    format: meta.mimeType ?? 'video/mp4',
    instance_id: opts.instanceId ?? newInstanceId(),
    ingredients: [sourceIngredient],
    assertions: [
      { label: 'c2pa.actions', data: { actions: meta.watermark ? [created, watermarkedAction(meta.watermark, agent)] : [created] } },
      ...(meta.watermark ? [softBindingAssertion(meta.watermark)] : []),
      {
        label: 'cawg.training-mining',
        data: {
          entries: {
            'cawg.ai_generative_training': { use: 'notAllowed' },
            'cawg.ai_inference': { use: 'notAllowed' },
            'cawg.ai_training': { use: 'notAllowed' },
            'cawg.data_mining': { use: 'notAllowed' },
          },
        },
      },
    ],
  };
  if (meta.clipThumbnailJpeg) {
    definition.thumbnail = { format: 'image/jpeg', identifier: CLIP_THUMBNAIL_ID };
    resources.push({ id: CLIP_THUMBNAIL_ID, format: 'image/jpeg', bytes: meta.clipThumbnailJpeg });
  }

  const plan: ClipManifestPlan = { definition, sourceIngredient, resources };
  if (meta.derivedFrom) {
    const d = meta.derivedFrom;
    plan.parentIngredient = { title: d.title, format: d.format, relationship: d.relationship ?? 'parentOf', label: SIGNED_CLIP_INGREDIENT_LABEL };
    definition.ingredients!.push(plan.parentIngredient);
    const actions = (definition.assertions![0]!.data as { actions: Action[] }).actions;
    actions.push({
      action: 'c2pa.transcoded',
      softwareAgent: agent,
      description: d.description,
      parameters: { ingredientIds: [SIGNED_CLIP_INGREDIENT_LABEL] },
    } as Action);
  }
  if (meta.driver) {
    const d = meta.driver;
    const KIND_WORDS: Record<string, string> = { file: 'a video file', webcam: 'a webcam recording', page: 'a video on a web page' };
    const ing: Ingredient = { title: d.title, format: d.mimeType, relationship: 'inputTo', label: DRIVER_INGREDIENT_LABEL };
    ing.description = `Driving video (${KIND_WORDS[d.kind] ?? d.kind}): its face movement was transferred onto the portrait${d.pageUrl ? `; found on ${d.pageUrl}` : ''}`;
    if (d.url) ing.informational_URI = d.url;
    if (d.thumbnailJpeg && d.thumbnailJpeg.length) {
      ing.thumbnail = { format: 'image/jpeg', identifier: DRIVER_THUMBNAIL_ID };
      resources.push({ id: DRIVER_THUMBNAIL_ID, format: 'image/jpeg', bytes: d.thumbnailJpeg });
    }
    plan.driverIngredient = ing;
    definition.ingredients!.push(ing);
    created.parameters = { ingredientIds: [SOURCE_INGREDIENT_LABEL, DRIVER_INGREDIENT_LABEL] };
    if (d.bytes) plan.driverAsset = { format: d.mimeType, bytes: d.bytes };
  }
  if (src.bytes && src.mimeType) plan.sourceAsset = { format: src.mimeType, bytes: src.bytes };
  return plan;
}
