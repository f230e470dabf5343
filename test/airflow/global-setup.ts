import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { down, up } from '../../src/runtime/index.js';
import { testRuntimeConfig } from '../support/runtime.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');

/** Runs scripts/airflow.mjs --json: installs the pinned Airflow on first use (progress on stderr). */
function installAirflow(): Promise<{ airflow: string; env: Record<string, string> }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, ['scripts/airflow.mjs', '--json'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? done(JSON.parse(out)) : reject(new Error(`scripts/airflow.mjs exited with ${code}`))));
  });
}

/**
 * The Airflow tier: the pinned Airflow virtualenv (scripts/airflow.mjs) and a Kafka broker of its
 * own (the DAG needs nothing else), on ports apart from the integration tier's services.
 */
export default async function setup(project: TestProject) {
  const config = testRuntimeConfig('airflow', 300);
  await down(config);
  const t0 = Date.now();
  process.stdout.write('[airflow-setup] Airflow virtualenv and a Kafka broker for the DAG tests...\n');
  const [airflow] = await Promise.all([installAirflow(), up(config, { only: ['kafka'] })]);
  process.stdout.write(`[airflow-setup] ready in ${Date.now() - t0} ms\n`);
  project.provide('airflow', {
    ...airflow,
    kafkaBootstrap: `${config.kafka.host}:${config.kafka.port}`,
    // Airflow's own API server and the scheduler's log server (default 8080, 8793), in the test port block.
    apiServerPort: 28080 + Number(process.env.STREAMLINE_TEST_PORT_OFFSET ?? 0),
    logServerPort: 28793 + Number(process.env.STREAMLINE_TEST_PORT_OFFSET ?? 0),
  });
  return async () => {
    const result = await down(config);
    if (result.survivors.length) throw new Error(`services still alive after teardown: ${result.survivors.map((r) => `${r.name} pid ${r.pid}`).join(', ')}`);
  };
}
