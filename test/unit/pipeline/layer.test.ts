import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The `pipeline` layer and the pipeline files' rule of eslint.config.js (docs/layout.md), proven on wrong and
// right imports, like test/unit/lint/boundaries.test.ts does for the other layers.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function boundaryErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'boundaries/dependencies').map((m) => m.message);
}

describe('the pipeline layer (eslint.config.js, docs/layout.md)', () => {
  it('src/pipeline imports the model and core, nothing of the stages, the app, the CLI or the config', async () => {
    expect(await boundaryErrors('src/pipeline/right.ts', "export { string } from '../model/index.js';\nexport { StreamlineError } from '../core/errors.js';\n")).toEqual([]);
    for (const wrong of ['../app/streaming.js', '../cli/main.js', '../stream/index.js', '../produce/index.js', '../sink/index.js', '../source/index.js', '../config/index.js']) {
      expect(await boundaryErrors('src/pipeline/wrong.ts', `export * from '${wrong}';\n`), wrong).toEqual([expect.stringMatching(/from elements of type "pipeline"/)]);
    }
  });

  it('the stages, the app, the CLI and the dashboard may import it; the model, core and runtime may not', async () => {
    for (const layer of ['source', 'produce', 'stream', 'sink', 'app', 'cli', 'dashboard']) {
      expect(await boundaryErrors(`src/${layer}/right.ts`, "export { resolvePipeline } from '../pipeline/resolve.js';\n"), layer).toEqual([]);
    }
    for (const layer of ['model', 'core', 'runtime', 'config']) {
      expect(await boundaryErrors(`src/${layer}/wrong.ts`, "export { definePipeline } from '../pipeline/index.js';\n"), layer).toHaveLength(1);
    }
  });

  it('pipeline files import the public API (src/pipeline/index.ts) and zod, nothing else of ours', async () => {
    const right = "export { definePipeline } from '../src/pipeline/index.js';\nexport { z } from 'zod';\n";
    expect(await boundaryErrors('pipelines/right.ts', right)).toEqual([]);
    expect(await boundaryErrors('examples/init/right.ts', "export { definePipeline } from '../../src/pipeline/index.js';\n")).toEqual([]);
    expect(await boundaryErrors('pipelines/wrong.ts', "export { resolvePipeline } from '../src/pipeline/resolve.js';\n")).toHaveLength(1);
    expect(await boundaryErrors('pipelines/wrong.ts', "export { string } from '../src/model/index.js';\n")).toHaveLength(1);
    expect(await boundaryErrors('examples/wrong.ts', "export { loadConfig } from '../src/config/index.js';\n")).toHaveLength(1);
  });

  it('tests may import the pipeline files', async () => {
    expect(await boundaryErrors('test/unit/right.ts', "export { default } from '../../pipelines/orders.js';\n")).toEqual([]);
  });
});
