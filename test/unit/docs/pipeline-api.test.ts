import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pipelineApiReference } from '../../../scripts/pipeline-api/reference.js';

const root = resolve(import.meta.dirname, '../../..');
const committed = () => readFileSync(resolve(root, 'docs/pipeline-api.md'), 'utf8');

// One TypeScript program over src/pipeline/index.ts: seconds on a busy machine.
const SLOW = 120_000;

describe('the pipeline API reference (docs/pipeline-api.md)', () => {
  it('is what the exports of src/pipeline/index.ts render today (run npm run docs:pipeline-api when this fails), every export and the keys of a definition in it', { timeout: SLOW }, () => {
    const reference = pipelineApiReference(root);
    expect(committed(), 'docs/pipeline-api.md is stale: run npm run docs:pipeline-api').toBe(reference);

    const index = readFileSync(resolve(root, 'src/pipeline/index.ts'), 'utf8');
    const exported = [...index.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) => (m[1] as string).split(',').map((name) => name.replace(/^\s*type\s+/, '').trim()).filter(Boolean));
    expect(exported.length).toBeGreaterThan(30);
    for (const name of exported) expect(reference, name).toContain(`### \`${name}\`\n`);
    // definePipeline's overloads, and the argument type they name though the entry does not export it.
    expect(reference).toContain('function definePipeline<R, const T extends Record<string, Fields>>(def: ProducerPipelineDef<R, T>): Pipeline<R, T>;');
    expect(reference).toMatch(/### `ProducerPipelineDef`[\s\S]*readonly key: KeyPath<R>;/);
    // Doc comments come along; bodies do not.
    expect(reference).toContain('The same field, with `null` allowed as its value.');
    expect(reference).not.toContain('return { kind:');
  });
});
