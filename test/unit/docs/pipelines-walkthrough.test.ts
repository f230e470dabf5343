// docs/pipelines.md's walk-through, as a newcomer follows it, up to where services are needed: `init --source
// file` in a directory outside the repository, the edit the page shows (taken from the page, so it cannot
// drift), `test` failing as the page says until the expected document gets the new field, then passing.
// `check` (the type-check) of the same files is init.test.ts's; `stream start` and `produce` need services.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../harness/cli.js';

const page = readFileSync(resolve(import.meta.dirname, '../../../docs/pipelines.md'), 'utf8');
const SLOW = 180_000;

/** The fenced blocks of the page in order, by language. */
const blocks = (lang: string) => [...page.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] as string);

describe('docs/pipelines.md: from init to a passing `streamline test`', () => {
  it('init --source file, the edit of the page, the failing test it describes, then a pass', { timeout: SLOW }, async () => {
    const [setup] = blocks('sh');
    expect(setup).toMatch(/^streamline init --source file$/m);
    const edit = blocks('ts').find((block) => block.includes('make({ /* ... */'));
    const field = edit?.match(/fields: \{ \/\* \.\.\. \*\/ (.+) \},/)?.[1];
    const value = edit?.match(/make\(\{ \/\* \.\.\. \*\/ (.+) \}\),/)?.[1];
    expect(field).toBe('hour: integer({ minimum: 0, maximum: 23 })');
    expect(value).toBe('hour: new Date(reading.at).getUTCHours()');

    const dir = mkdtempSync(join(tmpdir(), 'streamline-walkthrough-'));
    const init = await runCli(['init', '--source', 'file', '--dir', dir], {}, SLOW);
    expect(init.code, init.stderr).toBe(0);
    const file = join(dir, 'streamline.pipeline.ts');
    const original = readFileSync(file, 'utf8');
    const edited = original
      .replace("import { definePipeline, file, ", "import { definePipeline, file, integer, ")
      .replace(/( {8}site: nullable\(string\(\)\),\n)( {6}\},)/, `$1        ${field},\n$2`)
      .replace(/( {10}site: reading\.site\?\.name \?\? null,\n)/, `$1          ${value},\n`);
    expect(edited.split('\n').length).toBe(original.split('\n').length + 2);
    expect(edited).toContain('import { definePipeline, file, integer, ');
    writeFileSync(file, edited);

    // As the page says: the first test's expected document lacks the new field.
    const failing = await runCli(['test', '--pipeline', file], {}, SLOW);
    expect(failing.code).toBe(1);
    expect(page).toContain('✗ a reading becomes one document, in both units');
    expect(failing.stdout).toContain('✗ a reading becomes one document, in both units');
    expect(failing.stdout).toContain('documents of sensors.readings (sensors_readings, replace) (- expected, + actual):');
    expect(failing.stdout).toMatch(/^ {6}\+ \{"_id":"r-1",.*"hour":10,.*\}$/m);

    // `hour: 10` in the first test's expected document, as the page says.
    expect(page).toContain('add `hour: 10` there');
    writeFileSync(file, edited.replace("fahrenheit: 68, site: 'hq' }", "fahrenheit: 68, site: 'hq', hour: 10 }"));
    const passing = await runCli(['test', '--pipeline', file], {}, SLOW);
    expect(passing.code, passing.stdout).toBe(0);
    expect(passing.stdout).toContain('2 passed, 0 failed, 0 skipped');
  });
});
