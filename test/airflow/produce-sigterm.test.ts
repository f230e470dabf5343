// Clean kill handling, which the DAG relies on: Airflow stops a task with SIGTERM (on execution_timeout
// or a manual kill) and the DAG forwards it to `streamline produce`, which must then flush what is in
// flight, write its summary and exit non-zero, leaving in Kafka exactly what the summary reports.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import type { SummaryJson } from '../../src/produce/index.js';
import { eventually } from '../../harness/poll.js';
import { airflowTier, readCounts, startCollecting, uniquePrefix } from './support.js';

const TOPICS = ['users.profile', 'users.location', 'users.contact', 'users.account'];

function produceArgs(prefix: string, summaryFile: string): string[] {
  return [
    'produce', '--kafka', airflowTier().kafkaBootstrap, '--topics', TOPICS.join(','), '--publish-as', TOPICS.map((t) => `${t}=${prefix}${t}`).join(','),
    '--duration', '120s', '--rate', '100', '--batch-size', '20', '--seed', 'sigterm', '--summary-file', summaryFile,
  ];
}

/** Progress lines (every 5 s off a terminal) read "<topic> <produced> @ <rate>/s". */
const untilProducing = (output: () => string) =>
  eventually(() => /users\.profile [1-9][\d,]* @/.test(output()), { timeoutMs: 120_000, intervalMs: 100, what: `records produced (output: ${output()})` });

async function expectLogMatchesSummary(summaryFile: string, prefix: string): Promise<SummaryJson> {
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as SummaryJson;
  expect(summary).toMatchObject({ ok: false, aborted: true, stopReason: 'aborted', totals: { failed: 0 } });
  const produced = summary.produced[`${prefix}users.profile`] as number;
  expect(produced).toBeGreaterThan(0);
  const counts = await readCounts(TOPICS.map((t) => `${prefix}${t}`));
  for (const topic of TOPICS) {
    expect(summary.produced[`${prefix}${topic}`], topic).toBe(produced);
    expect(counts.get(`${prefix}${topic}`), topic).toEqual({ inLog: produced, read: produced, keys: produced });
  }
  return summary;
}

it('SIGTERM on `streamline produce`: flushes in-flight records, writes the summary, exits 130; Kafka holds exactly that', async () => {
  const prefix = uniquePrefix('sigterm');
  const summaryFile = join(mkdtempSync(join(tmpdir(), 'streamline-sigterm-')), 'summary.json');
  const cli = startCollecting(process.execPath, ['bin/streamline.js', ...produceArgs(prefix, summaryFile)]);
  await untilProducing(cli.output);
  cli.child.kill('SIGTERM');
  expect(await cli.exited, cli.output()).toBe(130);
  expect(cli.output()).toContain('interrupted: finishing the records in flight');
  expect(cli.output()).toMatch(/ · interrupted$/m);
  await expectLogMatchesSummary(summaryFile, prefix);
});

it('the DAG forwards SIGTERM to the CLI it runs (run_cli), which then reports like above', async () => {
  const tier = airflowTier();
  const prefix = uniquePrefix('dagterm');
  const summaryFile = join(mkdtempSync(join(tmpdir(), 'streamline-dagterm-')), 'summary.json');
  // The DAG module's own run_cli, in a Python process that then receives SIGTERM as a task would.
  const script = [
    'import json, logging, sys, importlib.util',
    'logging.basicConfig(level=logging.INFO, stream=sys.stdout)',
    'spec = importlib.util.spec_from_file_location("dag", "dags/stream_to_kafka.py")',
    'dag = importlib.util.module_from_spec(spec); spec.loader.exec_module(dag)',
    'print("STARTING", flush=True)',
    'code, problems = dag.run_cli(json.loads(sys.argv[1]))',
    'print("RESULT", json.dumps({"code": code}), flush=True)',
  ].join('\n');
  const python = startCollecting(join(dirname(tier.airflow), 'python'), ['-c', script, JSON.stringify(produceArgs(prefix, summaryFile))], tier.env);
  await untilProducing(python.output);
  python.child.kill('SIGTERM');
  expect(await python.exited, python.output()).toBe(0);
  expect(python.output()).toContain('asking the streamline CLI');
  expect(python.output()).toContain('RESULT {"code": 130}');
  await expectLogMatchesSummary(summaryFile, prefix);
});
