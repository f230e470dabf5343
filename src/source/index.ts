export { readBodyCapped } from './http/body.js';
export * from './random.js';
export * from './retry.js';
export * from './randomuser/index.js';
