// Trust anchors for the inspector: Sfumato's own local root (so the person's own clips read as
// Trusted) plus certificate authorities the person imported (PEM), kept in chrome.storage.local.
import { exportRootPem, loadIdentity } from '../provenance/identity';

export const TRUST_ANCHORS_KEY = 'inspectTrustAnchors';

export interface TrustAnchor {
  id: string;
  /** Subject common names found in the PEM, for display. */
  name: string;
  pem: string;
  addedAt: number;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificate blocks in a PEM text; throws a sentence when there is none. */
export function parsePemCertificates(text: string): string[] {
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new Error('No certificate found: choose a PEM file that contains “-----BEGIN CERTIFICATE-----”.');
  for (const b of blocks) {
    const body = b.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+=*$/.test(body) || body.length < 100) throw new Error('A certificate in this file is damaged (its base64 text is not valid).');
  }
  return blocks;
}

/** Common names (CN=...) of the certificates, read from their DER without a full X.509 parser. */
export function certificateNames(blocks: string[]): string[] {
  const names: string[] = [];
  for (const b of blocks) {
    const der = Uint8Array.from(atob(b.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')), (c) => c.charCodeAt(0));
    // OID 2.5.4.3 (commonName) = 06 03 55 04 03, then a string type and a length. The last one in
    // the TBS before the key is the subject's (issuer comes first).
    let last: string | null = null;
    for (let i = 0; i < der.length - 6; i++) {
      if (der[i] === 0x06 && der[i + 1] === 0x03 && der[i + 2] === 0x55 && der[i + 3] === 0x04 && der[i + 4] === 0x03) {
        const len = der[i + 6]!;
        if (len < 128) last = new TextDecoder().decode(der.subarray(i + 7, i + 7 + len));
      }
    }
    if (last) names.push(last);
  }
  return [...new Set(names)];
}

export async function listTrustAnchors(): Promise<TrustAnchor[]> {
  const v = await chrome.storage.local.get(TRUST_ANCHORS_KEY);
  const list = v[TRUST_ANCHORS_KEY];
  return Array.isArray(list) ? (list as TrustAnchor[]) : [];
}

export async function addTrustAnchors(pemText: string): Promise<TrustAnchor> {
  const blocks = parsePemCertificates(pemText);
  const names = certificateNames(blocks);
  const anchor: TrustAnchor = {
    id: `anchor-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    name: names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ') || `${blocks.length} certificate(s)`,
    pem: blocks.join('\n') + '\n',
    addedAt: Date.now(),
  };
  const list = await listTrustAnchors();
  await chrome.storage.local.set({ [TRUST_ANCHORS_KEY]: [...list, anchor] });
  return anchor;
}

export async function removeTrustAnchor(id: string): Promise<void> {
  const list = await listTrustAnchors();
  await chrome.storage.local.set({ [TRUST_ANCHORS_KEY]: list.filter((a) => a.id !== id) });
}

/** All anchors as one PEM text: Sfumato's own root first (when there is an identity), then the imported ones. */
export async function trustAnchorsPem(): Promise<string | undefined> {
  const parts: string[] = [];
  try {
    const id = await loadIdentity();
    if (id) parts.push(exportRootPem(id));
  } catch {
    /* no identity yet */
  }
  for (const a of await listTrustAnchors()) parts.push(a.pem);
  return parts.length ? parts.join('\n') : undefined;
}
