// Invisible watermark: payload coding, formats, keyed patterns + CPU embedder, WebGPU pass, detector.
export * from './payload';
export * from './polar';
export * from './formats';
export * from './pattern';
export * from './informed';
export * from './embed-gpu';
export * from './detect';
