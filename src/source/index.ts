export * from './client.js';
export * from './faults.js';
export * from './fixture.js';
export * from './generate.js';
export * from './nationalities.js';
export * from './random.js';
export * from './retry.js';
export * from './server.js';
export { serbianLatinToCyrillic, toAscii } from './transliterate.js';
