/**
 * One c2pa-web instance per document (browser only: extension page or
 * offscreen document, not the service worker, which has no Worker).
 *
 * The 8 MB wasm is fetched and compiled once, then kept. c2pa-web runs it in
 * a blob: worker, which an extension page's default CSP allows
 * (script-src 'self' 'wasm-unsafe-eval'; blob: workers are same-origin).
 */
import { createC2pa, type C2paSdk } from '@contentauth/c2pa-web';

/** Where the wasm is served in the built extension (copy of @contentauth/c2pa-web/resources/c2pa.wasm). */
export const DEFAULT_WASM_PATH = '/c2pa/c2pa_bg.wasm';

let wasmSrc: string | WebAssembly.Module | null = null;
let sdk: Promise<C2paSdk> | null = null;

/** Set the wasm location (URL or compiled module) before the first use. */
export function configureC2pa(opts: { wasmSrc: string | WebAssembly.Module }): void {
  if (sdk && wasmSrc !== opts.wasmSrc) {
    throw new Error('The content-credentials engine is already loaded; configure it before first use.');
  }
  wasmSrc = opts.wasmSrc;
}

function defaultWasmSrc(): string {
  const runtime = (globalThis as { chrome?: { runtime?: { getURL?: (p: string) => string } } }).chrome?.runtime;
  if (runtime?.getURL) return runtime.getURL(DEFAULT_WASM_PATH);
  throw new Error('The content-credentials engine has no wasm location; call configureC2pa({ wasmSrc }) first.');
}

/** How long the engine may take to start before we give up (it never settles if its worker is blocked). */
export const C2PA_START_TIMEOUT_MS = 30_000;

/**
 * createC2pa() never settles when a Content Security Policy blocks its blob:
 * worker (the block is reported asynchronously, not thrown). Race it against
 * the CSP violation event and a timeout so callers get a sentence, not a hang.
 */
function startWithGuards(src: string | WebAssembly.Module): Promise<C2paSdk> {
  return new Promise<C2paSdk>((resolve, reject) => {
    let settled = false;
    const onViolation = (ev: Event) => {
      const v = ev as SecurityPolicyViolationEvent;
      if (!v.blockedURI?.startsWith('blob') && !v.blockedURI?.startsWith('data')) return;
      finish(() =>
        reject(
          new Error(
            `this page's Content Security Policy blocks the engine's worker (${v.effectiveDirective}); run it in an extension page or the offscreen document`,
          ),
        ),
      );
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`it did not start within ${C2PA_START_TIMEOUT_MS / 1000} seconds`))),
      C2PA_START_TIMEOUT_MS,
    );
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      globalThis.removeEventListener?.('securitypolicyviolation', onViolation);
      fn();
    };
    globalThis.addEventListener?.('securitypolicyviolation', onViolation);
    createC2pa({ wasmSrc: src }).then(
      (instance) => {
        if (settled) instance.dispose();
        else finish(() => resolve(instance));
      },
      (e: unknown) => finish(() => reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

/** The shared c2pa-web instance; loads it on first call. */
export function getC2pa(): Promise<C2paSdk> {
  if (typeof Worker === 'undefined') {
    return Promise.reject(
      new Error('Content credentials cannot be made here: this context has no Web Worker (use an extension page or the offscreen document).'),
    );
  }
  if (!sdk) {
    let src: string | WebAssembly.Module;
    try {
      src = wasmSrc ?? defaultWasmSrc();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    sdk = startWithGuards(src).catch((e: unknown) => {
      sdk = null;
      throw new Error(`The content-credentials engine could not start: ${e instanceof Error ? e.message : String(e)}.`);
    });
  }
  return sdk;
}

/** Terminate the worker and drop the instance (the next call reloads it). */
export async function disposeC2pa(): Promise<void> {
  const current = sdk;
  sdk = null;
  if (current) (await current.catch(() => null))?.dispose();
}
