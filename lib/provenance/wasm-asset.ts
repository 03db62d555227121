/**
 * Import this once (for its side effect) in every extension page or
 * offscreen document that signs or reads credentials: Vite/WXT emits the
 * 8 MB c2pa wasm as a build asset and this points c2pa-web at it.
 *
 *   import '@/lib/provenance/wasm-asset';
 */
import c2paWasmUrl from '@contentauth/c2pa-web/resources/c2pa.wasm?url';
import { configureC2pa } from './runtime';

configureC2pa({ wasmSrc: c2paWasmUrl });
