import type { TestProject } from 'vitest/node';
import { ensureBaseImage, ensureComposeCli, ensureEngine } from '../../scripts/docker.js';
import { compose, leftovers, writeStackEnv, type Stack } from '../support/docker-stack.js';

declare module 'vitest' {
  export interface ProvidedContext {
    composeStack: Stack;
    composeFull: boolean;
  }
}

/** `npm run test:compose` sets it: the whole list (broker kill, disconnect, scale, Airflow); else the quick variant. */
export const FULL = process.env.STREAMLINE_COMPOSE_FULL === '1';

const log = (line: string) => process.stdout.write(`[compose-setup] ${line}\n`);

/**
 * The compose tier: a Docker engine (started if none runs), the Compose CLI and the base image
 * (scripts/docker.ts, each cached by its inputs), then our images built by Compose itself (only those
 * the tier's stack needs). The stack is brought up by the test; any leftover of a killed run is removed
 * first, and teardown checks that `down -v` left nothing behind.
 */
export default async function setup(project: TestProject) {
  const t0 = Date.now();
  log(`Docker engine ${await ensureEngine(log)}`);
  ensureComposeCli(log);
  ensureBaseImage(log);
  // The whole list adds Airflow (profile airflow: its image and its Postgres, both ours).
  const stack = writeStackEnv('compose', { profiles: FULL ? 'airflow' : '' });
  await compose(stack, ['down', '-v', '--remove-orphans'], { timeoutMs: 180_000 });
  // One service per image: Kafka, Spark, the app, our FerretDB (and Airflow, its Postgres). No pulls.
  const services = ['kafka-1', 'spark-master', 'streamline-setup', 'mongo', ...(FULL ? ['airflow-scheduler', 'airflow-postgres'] : [])];
  const tBuild = Date.now();
  log(`building ${services.join(', ')} images (cached layers are reused; the first build takes minutes)...`);
  await compose(stack, ['build', '--progress', 'plain', ...services], { timeoutMs: 1_800_000 });
  log(`images ready in ${((Date.now() - tBuild) / 1000).toFixed(0)} s (setup ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  project.provide('composeStack', stack);
  project.provide('composeFull', FULL);
  return async () => {
    await compose(stack, ['down', '-v', '--remove-orphans', '--timeout', '20'], { timeoutMs: 300_000 });
    const left = await leftovers(stack.project);
    if (left.length) throw new Error(`docker compose down -v left ${left.join(', ')} behind`);
  };
}
