// The inspector's verdict: one plain sentence first, then a short explanation. Pure: from a
// CredentialsReport (lib/provenance/read.ts) and, when checked, the watermark result.
import type { CredentialsReport } from '../provenance/read';
import { HASH_MISMATCH, SIGNATURE_PROBLEM, codeWords } from './words';

export type VerdictKind =
  | 'trusted'
  | 'untrusted'
  | 'tampered'
  | 'bad-signature'
  | 'damaged'
  | 'none'
  | 'unsupported'
  | 'remote'
  | 'error';

export type Tone = 'good' | 'neutral' | 'bad' | 'unknown';

export interface Verdict {
  kind: VerdictKind;
  tone: Tone;
  headline: string;
  explanation: string;
  /** The reasons in words (failure codes explained), for bad verdicts. */
  reasons: string[];
  /** A note on the ingredients (e.g. one of them failed validation). */
  ingredientNote: string | null;
}

export interface WatermarkSummary {
  found: boolean;
  /** 16 hex digits. */
  payloadHex: string | null;
  /** The person's own clip carrying this payload, when there is one in the gallery. */
  clip: { id: string; title: string } | null;
}

export function signerName(r: CredentialsReport): string {
  const s = r.signer;
  if (!s) return 'an unnamed signer';
  return s.organization || s.commonName || 'an unnamed signer';
}

function ingredientProblems(r: CredentialsReport): number {
  let n = 0;
  const walk = (nodes: CredentialsReport['ingredients']) => {
    for (const x of nodes) {
      if (x.status === 'warning') n++;
      walk(x.children);
    }
  };
  walk(r.ingredients ?? []);
  return n;
}

export function verdictFor(r: CredentialsReport): Verdict {
  const base = { reasons: [] as string[], ingredientNote: null as string | null };
  const bad = ingredientProblems(r);
  if (bad > 0) {
    base.ingredientNote =
      bad === 1
        ? 'One of the files it was made from has content credentials that did not pass validation (see Ingredients).'
        : `${bad} of the files it was made from have content credentials that did not pass validation (see Ingredients).`;
  }
  if (r.state === 'none') {
    return {
      ...base,
      kind: 'none',
      tone: 'unknown',
      headline: 'No content credentials found. That does not mean it is real or fake.',
      explanation:
        'Most pictures and videos carry no content credentials, and credentials are easily stripped when a file is re-saved or uploaded. Their absence says nothing about where it came from.',
    };
  }
  if (r.state === 'error') {
    switch (r.errorKind) {
      case 'unknown-algorithm':
        return {
          ...base,
          kind: 'bad-signature',
          tone: 'bad',
          headline: 'Signed, but the signature or certificate is not valid.',
          explanation: 'The file has content credentials, but their signature uses an unknown or unsupported algorithm, so it cannot be checked.',
          reasons: [codeWords('algorithm.unsupported')],
        };
      case 'unsupported-version':
        return {
          ...base,
          kind: 'unsupported',
          tone: 'unknown',
          headline: 'Has content credentials in an unsupported format.',
          explanation:
            'This file carries content credentials written in an early (pre-release) version of the standard that cannot be checked. This is not a sign of tampering; it just cannot be verified.',
        };
      case 'remote-not-fetched':
        return {
          ...base,
          kind: 'remote',
          tone: 'unknown',
          headline: 'Its content credentials are stored online and were not fetched.',
          explanation:
            'The file itself carries no credentials, only a link to credentials kept on a server. Sfumato fetches them only when you allow it, because it tells that server which file you are looking at.',
        };
      case 'remote-fetch-failed':
        return {
          ...base,
          kind: 'remote',
          tone: 'unknown',
          headline: 'Its content credentials are stored online and could not be fetched.',
          explanation:
            'The file only links to credentials kept on a server, and that server could not be reached (you may be offline, or the server did not answer). Nothing can be said about it until they can be fetched.',
        };
      case 'unsupported-format':
        return {
          ...base,
          kind: 'unsupported',
          tone: 'unknown',
          headline: 'This kind of file cannot be checked for content credentials.',
          explanation: r.error ?? 'Sfumato can check JPEG, PNG, WebP, GIF, AVIF, HEIC, TIFF, MP4, MOV, WAV and MP3 files.',
        };
      default:
        return {
          ...base,
          kind: 'error',
          tone: 'unknown',
          headline: 'The content credentials could not be checked.',
          explanation: r.error ?? 'The file could not be read.',
        };
    }
  }

  const failures = r.activeFailure ?? r.validation.failure;
  const allFailures = [...new Set([...failures, ...r.validation.failure])];
  const signer = signerName(r);
  if (r.state === 'Invalid') {
    const sig = allFailures.filter((c) => SIGNATURE_PROBLEM.test(c));
    const hash = allFailures.filter((c) => HASH_MISMATCH.test(c));
    if (sig.length > 0) {
      return {
        ...base,
        kind: 'bad-signature',
        tone: 'bad',
        headline: 'Signed, but the signature or certificate is not valid.',
        explanation: `The file claims to be signed by ${signer}, but that cannot be confirmed: ${sig.map(codeWords).join('; ')}.`,
        reasons: sig.map(codeWords),
      };
    }
    if (hash.length > 0) {
      return {
        ...base,
        kind: 'tampered',
        tone: 'bad',
        headline: 'Has content credentials, but the content was changed after it was signed.',
        explanation: `It was signed by ${signer}, and since then ${hash.map(codeWords).join('; ')}. What you see is not what was signed.`,
        reasons: hash.map(codeWords),
      };
    }
    const other = allFailures.filter((c) => c !== 'signingCredential.untrusted' && c !== 'timeStamp.untrusted');
    return {
      ...base,
      kind: 'damaged',
      tone: 'bad',
      headline: 'Has content credentials, but they were altered or are incomplete.',
      explanation: `The credentials signed by ${signer} do not hold together: ${other.map(codeWords).join('; ') || 'they failed validation'}.`,
      reasons: other.map(codeWords),
    };
  }

  const ai = r.aiInvolvement ?? (r.aiGenerated ? 'generated' : null);
  const aiPrefix = ai === 'generated' ? 'AI-generated. ' : ai === 'composite' ? 'Contains AI-generated parts. ' : '';
  const untrusted = r.state === 'Valid' && failures.includes('signingCredential.untrusted');
  if (untrusted && !aiPrefix) {
    return {
      ...base,
      kind: 'untrusted',
      tone: 'neutral',
      headline: 'Signed by someone your browser does not know.',
      explanation: `The content is unchanged since it was signed by “${signer}”, and the signature is intact. Your browser just has no record of who that signer is, which is common: it is not a warning sign by itself. If you know and trust this signer, you can add their certificate authority under “Trusted signers”.`,
    };
  }
  return {
    ...base,
    kind: untrusted ? 'untrusted' : 'trusted',
    tone: untrusted ? 'neutral' : 'good',
    headline: `${aiPrefix}Signed by ${signer}, unchanged since signing.`,
    explanation: untrusted
      ? `The signature is intact, but your browser does not know “${signer}”. That is common and not a warning sign by itself; add their certificate authority under “Trusted signers” if you trust them.`
      : r.state === 'Trusted'
        ? `The signature is intact and ${signer}’s certificate leads to a signer you trust.`
        : 'The signature is intact.',
  };
}

export function watermarkLine(w: WatermarkSummary | null): { headline: string; explanation: string } | null {
  if (!w?.found) return null;
  return {
    headline: 'Made with Sfumato.',
    explanation: w.clip
      ? `Sfumato’s invisible watermark is in it (${w.payloadHex}): it is your clip “${w.clip.title}” from the gallery.`
      : `Sfumato’s invisible watermark is in it (${w.payloadHex}): it was animated by Sfumato, on someone’s computer. It is not one of the clips in your gallery.`,
  };
}
