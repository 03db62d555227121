export * from './curves';
export * from './presets';
export * from './catalog';
