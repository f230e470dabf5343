// CI smoke of the benchmark suite (issue 12): `npm run bench -- produce --quick` runs end to end on
// its own Kafka (the bench port block) and reports: a table with the ratio on stdout and its JSON
// result. Speed is never asserted: benchmarks live in bench/, not in tests.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../../../bench/harness.js';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const resultsDir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
afterAll(() => rmSync(resultsDir, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    // 50 ports above the benchmarks' own block, in a state dir of its own: the smoke can run while a real benchmark does.
    const child = spawn('npm', ['run', '--silent', 'bench', '--', ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, STREAMLINE_BENCH_PORT_SHIFT: '50' },
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(`[bench smoke] ${chunk.toString()}`);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('exit', (code) => resolvePromise({ code, output }));
  });
}

describe('benchmark suite smoke', () => {
  it('`npm run bench -- produce --quick` runs both producers, prints the table with the ratio and writes its JSON', async () => {
    const { code, output } = await run(['produce', '--quick', '--results', resultsDir]);
    expect(code, output.slice(-2000)).toBe(0);
    expect(output).toMatch(/^contender\s+records_per_s/m);
    expect(output).toMatch(/^ratio streamline producer \/ ProducerPerformance \(records_per_s\): \d+\.\d\dx, target >= 1\.00x: (met|not met)$/m);

    const files = readdirSync(resultsDir).filter((f) => f.startsWith('produce-') && f.endsWith('.json'));
    expect(files).toHaveLength(1);
    const report = JSON.parse(readFileSync(join(resultsDir, files[0]!), 'utf8')) as BenchReport;
    expect(report.options.quick).toBe(true);
    expect(report.contenders.map((c) => c.name)).toEqual(['streamline producer', 'ProducerPerformance', 'streamline produce (API+producer)']);
    for (const c of report.contenders) {
      expect(c.samples, c.name).toHaveLength(1);
      expect(c.samples[0]!.notes?.records, c.name).toBe(2000);
      expect(c.metrics.records_per_s!.median, c.name).toBeGreaterThan(0);
    }
    expect(report.ratios[0]).toMatchObject({ numerator: 'streamline producer', denominator: 'ProducerPerformance', target: 1 });
  });
});
