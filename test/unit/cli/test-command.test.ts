// `streamline test`: a pipeline file's own tests (pipelines/orders.ts's, and a fixture whose tests partly
// fail) through the pipeline on paper, compared with their expectations; the diff on a mismatch.
import { describe, expect, it } from 'vitest';
import { diffItems } from '../../../src/cli/diff.js';
import { runPipelineTest } from '../../../src/cli/pipeline-tests.js';
import type { Pipeline } from '../../../src/pipeline/define.js';
import { resolvePipeline } from '../../../src/pipeline/resolve.js';
import type { FileSource, HttpJsonSource } from '../../../src/pipeline/sources.js';
import { recordNormalizer } from '../../../src/source/runtime.js';
import { runCli } from '../../../harness/cli.js';
import orders from '../../../pipelines/orders.js';
import failing from '../../fixtures/pipelines/failing-tests.js';

const now = new Date('2026-12-05T00:00:00.000Z');

function runAll(definition: Pipeline) {
  const resolved = resolvePipeline(definition);
  const source = resolved.source as HttpJsonSource<unknown> | FileSource<unknown>;
  return definition.tests.map((test) => runPipelineTest(resolved, test, { normalize: recordNormalizer(source.options.record), now }));
}

describe('runPipelineTest', () => {
  it("passes pipelines/orders.ts's own tests: documents per write model, a rejected source record, a dead letter", () => {
    expect(runAll(orders as unknown as Pipeline)).toEqual([
      { name: 'an order becomes one order document and one document per line', status: 'passed', mismatches: [] },
      { name: 'an order without lines is rejected at the source', status: 'passed', mismatches: [] },
      { name: 'a message without its fields is a dead letter', status: 'passed', mismatches: [] },
    ]);
  });

  it('fails a test whose expectation differs, with a -/+ pair and the field that differs', () => {
    const [merged, wrong, reasons] = runAll(failing as unknown as Pipeline);
    // Two partial `update` records of one key are one merged document.
    expect(merged?.status).toBe('passed');
    expect(wrong).toMatchObject({ status: 'failed' });
    expect(wrong?.mismatches).toEqual([
      {
        what: 'documents of sensors.state (sensors, update)',
        diff: [
          { op: '-', text: '{"_id":"s-2","reading":20,"room":"hall"}' },
          { op: '+', text: '{"_id":"s-2","reading":19,"room":"hall"}' },
          { op: ' ', text: '  ^ reading: expected 20, got 19' },
        ],
      },
    ]);
    expect(reasons?.mismatches.map((m) => m.what)).toEqual(['dead letters', 'rejected records']);
    expect(reasons?.mismatches[0]?.diff).toEqual([
      { op: '-', text: 'sensors.state: not JSON' },
      { op: '+', text: 'sensors.state: missing or invalid field: source' },
    ]);
    expect(reasons?.mismatches[1]?.diff[0]).toEqual({ op: '-', text: '#0: /reading/' });
    expect(reasons?.mismatches[1]?.diff[1]?.text).toMatch(/^#0: sensor: /);
  });

  it('fails on a document nobody expected, and on one missing', () => {
    const resolved = resolvePipeline(orders);
    const source = resolved.source as HttpJsonSource<unknown>;
    const test = { ...orders.tests[0]!, expect: { orders: orders.tests[0]!.expect!.orders! } };
    const outcome = runPipelineTest(resolved, test as Pipeline['tests'][number], { normalize: recordNormalizer(source.options.record), now });
    expect(outcome.status).toBe('failed');
    expect(outcome.mismatches.map((m) => [m.what, m.diff.map((line) => line.op).join('')])).toEqual([
      ['documents of orders.lines (order_lines, replace)', '++'],
      ['documents of orders.history (order_history, insert)', '+'],
    ]);
  });

  it('skips input it cannot normalise, saying why', () => {
    const resolved = resolvePipeline(orders);
    expect(runPipelineTest(resolved, orders.tests[0] as Pipeline['tests'][number], { unsupported: 'not yet', now })).toEqual({
      name: orders.tests[0]?.name,
      status: 'skipped',
      reason: 'not yet',
      mismatches: [],
    });
  });
});

describe('diffItems', () => {
  it('aligns on the longest common subsequence: one changed item is one -/+ pair among unchanged ones', () => {
    const same = (a: string, b: string) => a === b;
    const show = { expected: (e: string) => e, actual: (a: string) => a };
    expect(diffItems(['a', 'b', 'c', 'd'], ['a', 'x', 'c', 'd', 'e'], same, show)).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'x' },
      { op: ' ', text: 'c' },
      { op: ' ', text: 'd' },
      { op: '+', text: 'e' },
    ]);
    expect(diffItems([], [], same, show)).toEqual([]);
  });
});

describe('streamline test through the CLI', () => {
  it('prints the diff and exits 1 when a test fails', { timeout: 120_000 }, async () => {
    const run = await runCli(['test', '--pipeline', 'test/fixtures/pipelines/failing-tests.ts'], {}, 120_000);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('pipeline failing-tests (test/fixtures/pipelines/failing-tests.ts): 3 tests\n✓ partial updates merge into one document\n✗ a wrong expected reading\n');
    expect(run.stdout).toContain('    documents of sensors.state (sensors, update) (- expected, + actual):\n      - {"_id":"s-2","reading":20,"room":"hall"}\n      + {"_id":"s-2","reading":19,"room":"hall"}\n');
    expect(run.stdout).toContain('1 passed, 2 failed, 0 skipped\n');
  });

  it('--filter runs the tests whose name has the text (exit 0 when they pass; --json), and refuses a text no test has', { timeout: 120_000 }, async () => {
    const run = await runCli(['test', '--pipeline', 'test/fixtures/pipelines/failing-tests.ts', '--filter', 'merge', '--json'], {}, 120_000);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ pipeline: 'failing-tests', passed: 1, failed: 0, skipped: 0, tests: [{ name: 'partial updates merge into one document', status: 'passed' }] });
    const none = await runCli(['test', '--pipeline', 'test/fixtures/pipelines/failing-tests.ts', '--filter', 'nothing like it'], {}, 120_000);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('error: no test of pipeline failing-tests has "nothing like it" in its name');
  });
});
