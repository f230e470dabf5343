// Scenario 9: disk trouble. The checkpoint dir made read-only mid-run (a read-only bind mount, or
// `chattr -R +i` where mounting is not allowed: we run as root, so chmod would not stop anything) while
// records keep arriving. `stream start` must say which path is not writable and what to do, wait, and
// resume cleanly once it is writable again.
import { setTimeout as sleep } from 'node:timers/promises';
import { makeReadOnly } from '../../harness/read-only.js';
import type { Scenario, ScenarioOutcome } from '../scenario.js';
import { producerExitCheck } from './checks.js';
import { RESUMED, supervisedScenario, type Strike } from './supervised.js';

/** How long the dir stays read-only after stream start reported it (it must wait, not restart, meanwhile). */
const HOLD_MS = 20_000;
const NOT_WRITABLE = /the checkpoint dir (\S+) is not writable \((.*?)\): make it writable again/;

async function makeCheckpointReadOnly(ctx: Parameters<Scenario['run']>[0], { pipeline, producer, from }: Strike): Promise<ScenarioOutcome> {
  const dir = ctx.config.stream.checkpointDir as string;
  ctx.markFault('checkpoint dir made read-only');
  const t0 = Date.now();
  const readOnly = makeReadOnly(dir);
  const checks: string[] = [];
  let reportedMs: number;
  let writableAt: number;
  try {
    ctx.log(`${dir} made read-only (${readOnly.how})`);
    // New records, so a batch has to write its offsets to the read-only dir.
    const during = ctx.startProducer({ count: Math.ceil(ctx.users / 4), seed: `${ctx.seed}-read-only` });
    const reported = await pipeline.waitFor(NOT_WRITABLE, 180_000, from);
    reportedMs = reported.at - t0;
    if (!reported.match[1]?.startsWith(dir)) checks.push(`the error names ${reported.match[1]}, not the checkpoint dir ${dir}`);
    await sleep(HOLD_MS); // the fault's duration, not synchronisation
    if (RESUMED.test(pipeline.output().slice(from))) checks.push('stream start restarted the queries while the dir was still read-only');
    checks.push(...producerExitCheck(await producer.exited, producer), ...producerExitCheck(await during.exited, during));
  } finally {
    readOnly.restore();
    writableAt = Date.now();
  }
  const resumed = await pipeline.waitFor(RESUMED, 300_000, from);
  ctx.log(`reported after ${reportedMs} ms; writable again after ${writableAt - t0} ms; resumed ${resumed.at - writableAt} ms later`);
  return { measurements: { how: readOnly.how, reportedMs, resumedAfterWritableMs: resumed.at - writableAt }, failedChecks: checks };
}

export const checkpointDirReadOnly: Scenario = {
  id: '9',
  name: 'checkpoint dir made read-only mid-run: the error names the path, the queries resume once it is writable',
  inQuick: false,
  run: (ctx) => supervisedScenario(ctx, (strike) => makeCheckpointReadOnly(ctx, strike)),
};
