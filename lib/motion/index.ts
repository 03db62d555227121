export * from './curves';
export * from './presets';
