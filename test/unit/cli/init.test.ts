// `streamline init` as a new user runs it, in a directory outside the repository: the scaffolded pipeline
// loads, type-checks with the tsconfig.json written next to it, and is not overwritten without --force.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../harness/cli.js';

const TEMPLATE = resolve(import.meta.dirname, '../../../examples/init/randomuser.ts');
// Each CLI start pays tsx's start-up; `check` also runs the TypeScript compiler (seconds on a busy machine).
const SLOW = 180_000;

describe('streamline init', () => {
  it('writes streamline.pipeline.ts from the template and a tsconfig.json; the result checks and lists its topics', { timeout: SLOW }, async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'streamline-init-')), 'project');
    const run = await runCli(['init', '--dir', dir], {}, SLOW);
    expect(run.code, run.stderr).toBe(0);
    const pipeline = join(dir, 'streamline.pipeline.ts');
    expect(readFileSync(pipeline, 'utf8')).toBe(readFileSync(TEMPLATE, 'utf8'));
    const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')) as { compilerOptions: { strict: boolean; paths: Record<string, string[]> } };
    expect(tsconfig.compilerOptions.strict).toBe(true);
    expect(tsconfig.compilerOptions.paths['streamline/pipeline']).toEqual([resolve(import.meta.dirname, '../../../src/pipeline/index.ts')]);
    expect(run.stdout).toContain(`npx streamline check --pipeline ${pipeline}`);
    expect(run.stdout).toContain(`npx streamline test --pipeline ${pipeline}`);

    const check = await runCli(['check', '--pipeline', pipeline], {}, SLOW);
    expect(check.code, `${check.stdout}\n${check.stderr}`).toBe(0);
    expect(check.stdout).toMatch(/^✓ type-checked in \d+\.\d s \(options of .*project\/tsconfig\.json\)$/m);
    const topics = await runCli(['pipeline', 'topics', '--pipeline', pipeline], {}, SLOW);
    expect(topics.stdout).toBe('people.profile\npeople.account\n');
  });

  it('refuses to overwrite without --force (exit 2, naming the files), overwrites with it', { timeout: SLOW }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamline-init-'));
    const pipeline = join(dir, 'streamline.pipeline.ts');
    writeFileSync(pipeline, '// mine\n');
    const refused = await runCli(['init', '--dir', dir], {}, SLOW);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`error: not overwriting ${pipeline}\n`);
    expect(refused.stderr).toMatch(/^hint: pass --force/m);
    expect(readFileSync(pipeline, 'utf8')).toBe('// mine\n');

    const forced = await runCli(['init', '--dir', dir, '--force'], {}, SLOW);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(pipeline, 'utf8')).toBe(readFileSync(TEMPLATE, 'utf8'));
  });

  it('offers only the sources it has a template for', { timeout: SLOW }, async () => {
    const run = await runCli(['init', '--source', 'kafka', '--dir', mkdtempSync(join(tmpdir(), 'streamline-init-'))], {}, SLOW);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/argument 'kafka' is invalid. Allowed choices are randomuser/);
  });
});
