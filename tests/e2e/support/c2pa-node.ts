// Reads C2PA credentials in Node with c2pa-rs compiled to WebAssembly (the engine inside
// c2pa-web), independently of the extension, to check what the extension wrote.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { initSync, WasmReader } from '@contentauth/c2pa-wasm';
import type { Page } from 'playwright-core';

/**
 * c2pa-wasm reads a Blob with FileReaderSync, which only exists in browser workers. In Node a
 * Blob-like object that holds its bytes, and a FileReaderSync that returns them, stand in.
 */
class BytesBlob {
  constructor(readonly bytes: Uint8Array) {}
  get size() {
    return this.bytes.length;
  }
  slice(start?: number, end?: number) {
    return new BytesBlob(this.bytes.subarray(start ?? 0, end ?? this.bytes.length));
  }
}

let ready = false;
function init() {
  if (ready) return;
  (globalThis as any).FileReaderSync ??= class {
    readAsArrayBuffer(b: BytesBlob) {
      return b.bytes.slice().buffer;
    }
  };
  const require = createRequire(import.meta.url);
  const wasmPath = join(dirname(require.resolve('@contentauth/c2pa-wasm')), 'c2pa_bg.wasm');
  initSync({ module: readFileSync(wasmPath) });
  ready = true;
}

export interface NodeC2paResult {
  state: string | null;
  failures: string[];
  successes: string[];
  store: any;
  error: string | null;
}

export async function readC2paInNode(bytes: Uint8Array, format: string, trustAnchorsPem?: string): Promise<NodeC2paResult> {
  init();
  const context = trustAnchorsPem ? JSON.stringify({ trust: { user_anchors: trustAnchorsPem }, verify: { verify_trust: true } }) : null;
  try {
    const reader = await WasmReader.fromBlob(format, new BytesBlob(bytes) as unknown as Blob, context);
    const store = reader.manifestStore();
    reader.free();
    const active = store.validation_results?.activeManifest ?? {};
    return {
      state: store.validation_state ?? null,
      failures: (active.failure ?? []).map((s: { code: string }) => s.code),
      successes: (active.success ?? []).map((s: { code: string }) => s.code),
      store,
      error: null,
    };
  } catch (e) {
    return { state: null, failures: [], successes: [], store: null, error: String(e) };
  }
}

/** This profile's local root certificate (PEM), read from the extension's identity store through one of its pages. */
export async function readRootPem(extPage: Page): Promise<string> {
  const b64 = await extPage.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('sfumato-identity');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const store = db.objectStoreNames[0]!;
    const all = await new Promise<Array<{ rootDer: ArrayBuffer | Uint8Array }>>((res) => {
      const r = db.transaction(store).objectStore(store).getAll();
      r.onsuccess = () => res(r.result);
    });
    db.close();
    return btoa(String.fromCharCode(...new Uint8Array(all[0]!.rootDer)));
  });
  return `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}
