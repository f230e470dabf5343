// Writes docs/pipeline-api.md from the exports of src/pipeline/index.ts (npm run docs:pipeline-api); a unit
// test fails while the committed file differs from what this writes.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pipelineApiReference } from './pipeline-api/reference.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = fileURLToPath(new URL('../docs/pipeline-api.md', import.meta.url));
writeFileSync(target, pipelineApiReference(root));
process.stdout.write(`wrote ${target}\n`);
