// Writes docs/configuration-reference.md from src/config/schema.ts (npm run docs:config); a unit test fails
// while the committed file differs from what this writes.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configurationReference } from '../src/config/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = fileURLToPath(new URL('../docs/configuration-reference.md', import.meta.url));
writeFileSync(target, configurationReference(root));
process.stdout.write(`wrote ${target}\n`);
