// Reads C2PA credentials in Node with c2pa-rs compiled to WebAssembly (the engine inside
// c2pa-web), independently of the extension, to check what the extension wrote.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initSync, WasmReader } from '@contentauth/c2pa-wasm';

let ready = false;
function init() {
  if (ready) return;
  const require = createRequire(import.meta.url);
  const wasmPath = require.resolve('@contentauth/c2pa-wasm/pkg/c2pa_bg.wasm');
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
    const reader = await WasmReader.fromBlob(format, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: format }), context);
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
