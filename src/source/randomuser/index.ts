// The Random User source: its API client and record model, the local compatible server (with fault injection
// and the secrets log) and the data generator behind it.
export * from './client.js';
export * from './faults.js';
export * from './fixture.js';
export * from './generate.js';
export * from './nationalities.js';
export * from './raw.js';
export * from './record.js';
export * from './server.js';
export { serbianLatinToCyrillic, toAscii } from './transliterate.js';
export * from './secrets-log.js';
