// Signs a clip this document just generated with the person's signing identity (created on first
// use). Only animatePortrait calls it, with bytes it produced: no message can reach it.
import '../provenance/wasm-asset';
import { getOrCreateIdentity } from '../provenance/identity';
import { getC2pa } from '../provenance/runtime';
import { signClipWithReport } from '../provenance/sign';
import type { CredentialsSummary } from '../store/clips';
import type { SignRequest } from './animate';
import { SFUMATO_VERSION } from '../version';
import { motionName as motionNameOf } from '../motion/catalog';
import { WATERMARK_ALG } from '../watermark/payload';

/** Sources up to this size travel into the manifest as an ingredient (keeping their own credentials). */
const MAX_INGREDIENT_BYTES = 20 * 1024 * 1024;

export async function signGeneratedClip(req: SignRequest): Promise<{ bytes: Uint8Array; credentials: CredentialsSummary }> {
  const identity = await getOrCreateIdentity();
  const createdAt = new Date(req.clip.createdAt);
  const motionName = motionNameOf(req.clip.motion);
  const { bytes, report } = await signClipWithReport({
    mp4: req.mp4,
    identity,
    meta: {
      title: `${req.clip.title}, ${motionName}.mp4`,
      generatorVersion: SFUMATO_VERSION,
      motionName,
      mimeType: 'video/mp4',
      clipThumbnailJpeg: req.clipThumbnailJpeg,
      createdAt,
      watermark: { payloadHex: req.clip.watermarkPayload, alg: WATERMARK_ALG },
      source: {
        title: req.clip.title,
        url: /^https?:/.test(req.clip.sourceUrl) ? req.clip.sourceUrl : undefined,
        pageUrl: /^https?:/.test(req.clip.pageUrl) ? req.clip.pageUrl : undefined,
        mimeType: req.source.type,
        bytes: req.source.bytes.byteLength <= MAX_INGREDIENT_BYTES ? req.source.bytes : undefined,
        thumbnailJpeg: req.source.thumbnailJpeg,
      },
      driver: req.driver && {
        title: req.driver.title,
        mimeType: req.driver.type,
        kind: req.driver.kind,
        url: req.driver.sourceUrl && /^https?:/.test(req.driver.sourceUrl) ? req.driver.sourceUrl : undefined,
        pageUrl: req.driver.pageUrl && /^https?:/.test(req.driver.pageUrl) ? req.driver.pageUrl : undefined,
        thumbnailJpeg: req.driver.thumbnailJpeg,
        // Its own credentials travel along when c2pa can read the format (MP4, MOV) and it is small.
        bytes: /^video\/(mp4|quicktime)/.test(req.driver.type) && req.driver.bytes.byteLength > 0 && req.driver.bytes.byteLength <= MAX_INGREDIENT_BYTES ? req.driver.bytes : undefined,
      },
    },
  });
  return {
    bytes,
    credentials: {
      signer: report.signer?.organization ?? report.signer?.commonName ?? identity.name,
      signedAt: createdAt.toISOString(),
      aiGenerated: report.aiGenerated,
      state: report.state,
      sourceArtwork: report.sourceArtwork?.title ?? null,
      certificateExpires: identity.notAfter.toISOString(),
    },
  };
}

/** Start the 8 MB signing engine and load the identity while the face is being found. */
export function warmSigner(): void {
  void getC2pa().catch(() => undefined);
  void getOrCreateIdentity().catch(() => undefined);
}
