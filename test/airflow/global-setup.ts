import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { runtimeTierSetup } from '../../harness/global-setup.js';
import { blockPort } from '../../harness/ports.js';
import { testRuntimeConfig } from '../../harness/runtime.js';

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
export default runtimeTierSetup({
  label: 'airflow-setup',
  starting: 'the Airflow virtualenv and a Kafka broker for the DAG tests',
  config: () => testRuntimeConfig('airflow', 'airflow'),
  only: ['kafka'],
  keepStateDir: true,
  prepare: installAirflow,
  provide: (project, config, airflow) =>
    project.provide('airflow', {
      ...airflow,
      kafkaBootstrap: `${config.kafka.host}:${config.kafka.port}`,
      // Airflow's own API server and the scheduler's log server (default 8080, 8793), in the tier's port block.
      apiServerPort: blockPort('airflow', 'airflowApi'),
      logServerPort: blockPort('airflow', 'airflowLogs'),
    }),
});
