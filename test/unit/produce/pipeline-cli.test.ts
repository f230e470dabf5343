// `streamline produce --pipeline <file>` refusals that need no service: the Random User flags on another
// source, and a kafka() pipeline, which has nothing to produce.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closedPort, runCli } from '../../../harness/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'streamline-produce-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pipelineFile(name: string, body: string): string {
  const file = join(dir, `${name}.pipeline.ts`);
  writeFileSync(file, `import { definePipeline, file, kafka, string } from 'streamline/pipeline';\n\nexport default definePipeline(${body});\n`);
  return file;
}

describe('streamline produce --pipeline: refusals', () => {
  it('refuses --seed for a file source, and a kafka() pipeline, naming the pipeline', async () => {
    const kafkaArgs = ['--kafka', `127.0.0.1:${await closedPort()}`, '--state-dir', join(dir, 'state')];
    const files = pipelineFile(
      'files',
      `{ name: 'files', source: file({ path: 'x.ndjson', format: 'ndjson', record: { id: string() } }), key: 'id', topics: { things: { fields: { id: string() } } } }`,
    );
    const seeded = await runCli(['produce', '--pipeline', files, '--seed', '7', ...kafkaArgs], {}, 60_000);
    expect(seeded.code).toBe(2);
    expect(seeded.stderr).toContain('--seed, --nat and --api-url belong to the Random User source; pipeline files');
    expect(seeded.stderr).toContain('reads file');

    const fed = pipelineFile('fed', `{ name: 'fed', source: kafka(), topics: { things: { fields: { id: string() }, key: 'id' } } }`);
    const run = await runCli(['produce', '--pipeline', fed, ...kafkaArgs], {}, 60_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`pipeline fed (${fed}) reads topics fed by others: nothing to produce`);
  }, 120_000);
});
