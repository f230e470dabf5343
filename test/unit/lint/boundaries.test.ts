import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The boundary errors ESLint reports for `code` as if it were the file at `path` (relative to the repository). */
async function boundaryErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'boundaries/dependencies').map((m) => m.message);
}

describe('layer boundaries (eslint.config.js, docs/layout.md)', () => {
  it('fails an import that goes up a layer: the model importing the app', async () => {
    const errors = await boundaryErrors('src/model/wrong.ts', "export { pipelineSpec } from '../app/streaming.js';\n");
    expect(errors).toEqual([expect.stringMatching(/"model" to elements of type "app"/)]);
  });

  it('passes an import that goes down: the stream importing the model and the sink', async () => {
    const code = "export { ENVELOPE_SCHEMA_VERSION } from '../model/index.js';\nexport { DEAD_LETTERS } from '../sink/index.js';\n";
    expect(await boundaryErrors('src/stream/right.ts', code)).toEqual([]);
  });

  it('keeps the stream from the producer, the source from the Spark client, and src/ from the tests', async () => {
    expect(await boundaryErrors('src/stream/wrong.ts', "export { runProducer } from '../produce/index.js';\n")).toHaveLength(1);
    expect(await boundaryErrors('src/source/wrong.ts', "export { SparkSession } from '@streamline/spark-connect';\n")).toHaveLength(1);
    expect(await boundaryErrors('src/app/wrong.ts', "export { uniqueName } from '../../test/support/services.js';\n")).toHaveLength(1);
  });

  it('keeps the Spark client package free of the host app', async () => {
    const errors = await boundaryErrors('packages/spark-connect/src/wrong.ts', "export { loadConfig } from '../../../src/config/index.js';\n");
    expect(errors).toEqual([expect.stringMatching(/"spark-connect" to elements of type "config"/)]);
  });

  it('keeps src/ from harness/, and bench/ and faults/ from test/ (they share code through harness/)', async () => {
    expect(await boundaryErrors('src/app/wrong.ts', "export { spawnCli } from '../../harness/cli.js';\n")).toHaveLength(1);
    expect(await boundaryErrors('bench/wrong.ts', "export { uniqueName } from '../test/support/services.js';\n")).toHaveLength(1);
    expect(await boundaryErrors('faults/wrong.ts', "export { uniqueName } from '../test/support/services.js';\n")).toHaveLength(1);
    expect(await boundaryErrors('bench/right.ts', "export { spawnCli } from '../harness/cli.js';\n")).toEqual([]);
  });

  it('src/core imports nothing of ours', async () => {
    expect(await boundaryErrors('src/core/wrong.ts', "export { loadConfig } from '../config/index.js';\n")).toHaveLength(1);
  });
});
