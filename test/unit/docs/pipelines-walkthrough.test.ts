// docs/pipelines.md's walk-through, as a newcomer follows it, up to where services are needed: `init --source
// file` in a directory outside the repository, the edit the page shows (taken from the page, so it cannot
// drift), `test` failing as the page says until the expected document gets the new field, then passing.
// `check` (the type-check) of the same files is init.test.ts's; the whole walk-through, services included, is
// test/integration/docs/newcomer-pipeline.test.ts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../harness/cli.js';
import { applyPageEdit, applyPageTestFix, blocks, page } from '../../support/pipelines-page.js';

const SLOW = 180_000;

describe('docs/pipelines.md: from init to a passing `streamline test`', () => {
  it('init --source file, the edit of the page, the failing test it describes, then a pass', { timeout: SLOW }, async () => {
    const [setup] = blocks('sh');
    expect(setup).toMatch(/^streamline init --source file$/m);

    const dir = mkdtempSync(join(tmpdir(), 'streamline-walkthrough-'));
    const init = await runCli(['init', '--source', 'file', '--dir', dir], {}, SLOW);
    expect(init.code, init.stderr).toBe(0);
    const file = join(dir, 'streamline.pipeline.ts');
    const edited = applyPageEdit(readFileSync(file, 'utf8'));
    writeFileSync(file, edited);
    // As the page says: the first test's expected document lacks the new field.
    const failing = await runCli(['test', '--pipeline', file], {}, SLOW);
    expect(failing.code).toBe(1);
    expect(page).toContain('✗ a reading becomes one document, in both units');
    expect(failing.stdout).toContain('✗ a reading becomes one document, in both units');
    expect(failing.stdout).toContain('documents of sensors.readings (sensors_readings, replace) (- expected, + actual):');
    expect(failing.stdout).toMatch(/^ {6}\+ \{"_id":"r-1",.*"hour":10,.*\}$/m);

    // `hour: 10` in the first test's expected document, as the page says.
    writeFileSync(file, applyPageTestFix(edited));
    const passing = await runCli(['test', '--pipeline', file], {}, SLOW);
    expect(passing.code, passing.stdout).toBe(0);
    expect(passing.stdout).toContain('2 passed, 0 failed, 0 skipped');
  });
});
