// Invisible watermark: payload coding, keyed patterns + CPU embedder, WebGPU pass, detector.
export * from './payload';
export * from './pattern';
export * from './informed';
export * from './embed-gpu';
export * from './detect';
