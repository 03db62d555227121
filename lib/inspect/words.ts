// Human words for C2PA actions, digital source types and validation codes. Pure.

const ACTIONS: Record<string, string> = {
  'c2pa.created': 'Created',
  'c2pa.opened': 'Opened an existing file',
  'c2pa.placed': 'Placed another file into it',
  'c2pa.edited': 'Edited',
  'c2pa.edited.metadata': 'Edited its metadata',
  'c2pa.color_adjustments': 'Adjusted colours',
  'c2pa.cropped': 'Cropped',
  'c2pa.resized': 'Resized',
  'c2pa.orientation': 'Rotated or flipped',
  'c2pa.filtered': 'Applied a filter',
  'c2pa.drawing': 'Drew on it',
  'c2pa.converted': 'Converted to another format',
  'c2pa.transcoded': 'Re-encoded',
  'c2pa.repackaged': 'Repackaged without re-encoding',
  'c2pa.published': 'Published',
  'c2pa.removed': 'Removed something',
  'c2pa.redacted': 'Redacted part of its credentials',
  'c2pa.watermarked': 'Watermarked',
  'c2pa.watermarked.bound': 'Watermarked (watermark bound to these credentials)',
  'c2pa.watermarked.unbound': 'Watermarked',
  'c2pa.unknown': 'Changed in an unrecorded way',
  'c2pa.translated': 'Translated',
  'c2pa.dubbed': 'Dubbed',
  'c2pa.produced': 'Produced',
  'c2pa.mixed': 'Mixed',
  'c2pa.enhanced': 'Enhanced',
  'c2pa.fontChanged': 'Changed fonts',
  'c2pa.font.edited': 'Edited text',
};

const SOURCE_TYPES: Record<string, string> = {
  trainedAlgorithmicMedia: 'made by a generative AI model (trained on sample content)',
  compositeWithTrainedAlgorithmicMedia: 'a mix that includes parts made by a generative AI model',
  compositeSynthetic: 'a mix that includes synthetic (computer-made) parts',
  algorithmicMedia: 'computed by an algorithm without a trained model (for example a gradient or a fractal)',
  algorithmicallyEnhanced: 'a capture enhanced by an algorithm',
  digitalCapture: 'captured by a camera or recorder from the real world',
  negativeFilm: 'scanned from a film negative',
  positiveFilm: 'scanned from film (a slide or print)',
  print: 'scanned from a print',
  minorHumanEdits: 'a capture with minor human edits',
  humanEdits: 'edited by a person',
  compositeCapture: 'a mix of several captures',
  composite: 'a mix of several sources',
  digitalArt: 'made by a person with digital tools',
  virtualRecording: 'a recording of a virtual scene (e.g. a screen or game)',
  screenCapture: 'a screenshot or screen recording',
  dataDrivenMedia: 'generated from data (e.g. a chart)',
};

export function actionWords(action: string): string {
  return ACTIONS[action] ?? action.replace(/^c2pa\./, '').replace(/[._]/g, ' ');
}

/** The short name of a digitalSourceType URI, e.g. "trainedAlgorithmicMedia". */
export function sourceTypeName(uri: string): string {
  return uri.trim().replace(/^https?:\/\/cv\.iptc\.org\/newscodes\/digitalsourcetype\//, '').replace(/\/$/, '');
}

export function sourceTypeWords(uri: string): string {
  const name = sourceTypeName(uri);
  return SOURCE_TYPES[name] ?? `declared as “${name}”`;
}

const CODES: Record<string, string> = {
  'assertion.dataHash.mismatch': 'the image data no longer matches the signed hash',
  'assertion.bmffHash.mismatch': 'the video or audio data no longer matches the signed hash',
  'assertion.boxesHash.mismatch': 'the file’s data no longer matches the signed hash',
  'assertion.collectionHash.mismatch': 'a file in the collection no longer matches the signed hash',
  'assertion.hashedURI.mismatch': 'part of the credentials was changed after signing',
  'assertion.missing': 'part of the credentials is missing',
  'assertion.multipleHardBindings': 'the credentials bind the content more than once',
  'claimSignature.mismatch': 'the signature does not match the signed claim',
  'claimSignature.missing': 'the signature is missing',
  'signingCredential.invalid': 'the signing certificate is not valid for signing content credentials',
  'signingCredential.expired': 'the signing certificate had expired',
  'signingCredential.revoked': 'the signing certificate was revoked',
  'signingCredential.ocsp.revoked': 'the signing certificate was revoked',
  'signingCredential.untrusted': 'the signer is not on your list of trusted signers',
  'algorithm.unsupported': 'the signature algorithm is unknown or not supported',
  'ingredient.manifest.missing': 'the credentials of an ingredient are missing',
  'ingredient.hashedURI.mismatch': 'the credentials of an ingredient were changed',
  'timeStamp.mismatch': 'the time stamp does not match the signature',
  'timeStamp.untrusted': 'the time stamp authority is not on your trusted list',
  'timeStamp.outsideValidity': 'the time stamp is outside the certificate’s validity',
  'manifest.inaccessible': 'the credentials could not be reached',
  'claim.malformed': 'the credentials are malformed',
};

export function codeWords(code: string): string {
  return CODES[code] ?? code;
}

export const HASH_MISMATCH = /^assertion\.(dataHash|bmffHash|boxesHash|collectionHash)\.(mismatch|malformed)$/;
export const SIGNATURE_PROBLEM =
  /^(claimSignature\.(mismatch|missing)|signingCredential\.(invalid|expired|revoked|ocsp\.revoked)|algorithm\.unsupported|general\.error)$/;
