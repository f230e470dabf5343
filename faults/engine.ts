// Runs one scenario on a running cluster: a clean slate (empty topics, its own database and
// checkpoints), the scenario itself, then waits for the store to settle and checks the invariant.
import { stopStreaming } from '../src/app/streaming.js';
import { builtinBindings } from '../harness/builtin-pipeline.js';
import type { StreamlineConfig } from '../src/config/index.js';
import { up } from '../src/runtime/index.js';
import { checkDelivery, missingFromStore, positionId, type CheckResult, type StoreSnapshot } from './checker.js';
import { buildContext } from './context.js';
import type { Scenario, ScenarioOutcome } from './scenario.js';
import { dropDatabase } from '../harness/store.js';
import { deleteTopics, readAckLog, readStore } from './store.js';

/** Users per producer run: the quick size keeps `npm test` in budget, the full size is the acceptance run. */
export const SUITE_USERS = { quick: 300, full: 1_000 } as const;

export interface RunOptions {
  base: StreamlineConfig;
  seed: string;
  quick: boolean;
  users: number;
  runDir: string;
  log: (line: string) => void;
  /** How long the store may take to hold everything after the scenario returned. Default 10 minutes. */
  settleTimeoutMs?: number;
  /** How long without any change in a non-empty store ends the wait early (something is missing for good). Default 120 s. */
  quietMs?: number;
  /** Keep the scenario's database for inspection. */
  keep?: boolean;
}

export interface ScenarioResult extends Omit<CheckResult, 'samples'> {
  id: string;
  name: string;
  seed: string;
  ok: boolean;
  /** From the marked fault until every record acknowledged before it was in the store; null: no single fault moment, or never. */
  recoveryMs: number | null;
  fault?: string;
  durationMs: number;
  samples: CheckResult['samples'];
  measurements: Record<string, number | string>;
  explanation?: string;
  failedChecks: string[];
  error?: string;
}

const storeSize = (store: StoreSnapshot): number => Object.values(store.documents).reduce((n, ids) => n + ids.length, store.deadLetters.length);

/** Polls the store until it holds every acknowledged record and every expected dead letter, or stops changing, or the deadline passes. */
async function settle(read: () => Promise<StoreSnapshot>, complete: (store: StoreSnapshot) => boolean, timeoutMs: number, quietMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastSize = -1;
  let changedAt = Date.now();
  for (;;) {
    const store = await read().catch(() => undefined);
    if (store && complete(store)) return;
    const size = store ? storeSize(store) : -1;
    if (size !== lastSize) [lastSize, changedAt] = [size, Date.now()];
    // Quiet only counts once something arrived: a fresh query's first batch can take minutes on a busy machine.
    if (Date.now() > deadline || (size > 0 && Date.now() - changedAt > quietMs)) return;
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function runScenario(scenario: Scenario, opts: RunOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  // A scenario that failed half-way may have left a node down: start whatever is missing first.
  const restarted = (await up(opts.base)).started.map((r) => r.name);
  if (restarted.length) opts.log(`[${scenario.id}] restarted ${restarted.join(', ')} left down before this scenario`);
  // Queries an interrupted run left running would hold the topics and the pipeline's session record.
  const bindings = builtinBindings(opts.base.topics);
  await stopStreaming(opts.base, bindings).catch((e: unknown) => opts.log(`[${scenario.id}] stopping leftover queries: ${message(e)}`));
  await deleteTopics(opts.base, bindings.map((b) => b.topic));
  const built = buildContext({ base: opts.base, scenarioId: scenario.id, seed: opts.seed, quick: opts.quick, users: opts.users, runDir: opts.runDir, log: opts.log });
  const { ctx } = built;
  let outcome: ScenarioOutcome = {};
  let error: string | undefined;
  try {
    outcome = await scenario.run(ctx);
    await Promise.all(built.producers.map((p) => p.exited));
    const expected = new Set((outcome.expectedDeadLetters ?? []).map(positionId));
    const acks = readAckLog(ctx.ackLog);
    await settle(
      () => readStore(ctx.config, ctx.bindings),
      (store) => missingFromStore(acks, store) === 0 && [...expected].every((p) => store.deadLetters.some((d) => positionId(d) === p)),
      opts.settleTimeoutMs ?? 600_000,
      opts.quietMs ?? 120_000,
    );
  } catch (e) {
    error = message(e);
    for (const p of built.producers) p.kill('SIGKILL');
  }
  built.stopClock();
  let check: CheckResult | undefined;
  try {
    check = checkDelivery({ acks: readAckLog(ctx.ackLog), store: await readStore(ctx.config, ctx.bindings, { content: true }), expectedDeadLetters: outcome.expectedDeadLetters, tolerated: outcome.toleratedKeys });
  } catch (e) {
    error ??= `reading the store: ${message(e)}`;
  }
  await stopStreaming(ctx.config, ctx.bindings).catch((e: unknown) => opts.log(`[${scenario.id}] stopping the queries: ${message(e)}`));
  await Promise.all(built.apis.map((a) => a.close()));
  if (!opts.keep && !error) await dropDatabase(ctx.config).catch(() => undefined);
  const counts = check ?? { produced: 0, users: 0, lost: 0, duplicated: 0, unexpected: 0, producerDuplicates: 0, tolerated: 0, contentMismatches: 0, contentChecked: 0, partialUsers: 0, deadLetters: { expected: 0, found: 0 }, samples: { lost: [], duplicated: [], unexpected: [] } };
  const failedChecks = outcome.failedChecks ?? [];
  const { fault } = built;
  return {
    id: scenario.id,
    name: scenario.name,
    seed: opts.seed,
    ...counts,
    ok: !error && check !== undefined && counts.lost === 0 && counts.duplicated === 0 && counts.unexpected === 0 && counts.contentMismatches === 0 && failedChecks.length === 0,
    recoveryMs: fault.at !== undefined && fault.recoveredAt !== undefined ? fault.recoveredAt - fault.at : null,
    ...(fault.what ? { fault: fault.what } : {}),
    durationMs: Date.now() - t0,
    measurements: outcome.measurements ?? {},
    ...(outcome.explanation ? { explanation: outcome.explanation } : {}),
    failedChecks,
    ...(error ? { error } : {}),
  };
}
