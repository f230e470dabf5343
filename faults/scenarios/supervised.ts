// Scenarios 3, 5 and 9 need the pipeline the way a user runs it when it must survive failures: the
// foreground `streamline stream start`, which supervises its queries (src/app/supervise-streaming.ts).
// This runs it as a child process on the scenario's config and lets the scenario wait for its lines.
// The runner's final `stream stop` ends it (exit 0); a scenario that fails half-way kills it.
import type { ProducerProcess, ScenarioContext, ScenarioOutcome } from '../scenario.js';
import { spawnCli } from '../../harness/cli.js';


export interface SupervisedPipeline {
  /** Resolves with the first match of `pattern` in the output printed after `from` (a char offset), or rejects at the deadline or when the process ends. */
  waitFor(pattern: RegExp, timeoutMs: number, from?: number): Promise<{ match: RegExpExecArray; at: number }>;
  /** How much output there is so far (pass it as `from` to wait only for what comes next). */
  mark(): number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

/** Starts `streamline stream start` in the foreground and resolves once its queries run. */
async function startSupervisedPipeline(ctx: ScenarioContext, args: string[] = []): Promise<SupervisedPipeline> {
  const child = spawnCli(['stream', 'start', '-c', ctx.configFile, ...args]);
  let output = '';
  let ended = false;
  const onData = (d: Buffer) => {
    output += d.toString();
    // The progress tables are long; the scenario log gets the supervisor's own lines.
    for (const line of d.toString().split('\n')) if (/ is gone| not answering| not writable|resumed |starting it again|gave up|did not start/.test(line)) ctx.log(`stream start: ${line.trim().slice(0, 400)}`);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => {
      ended = true;
      done({ code, signal });
    }),
  );
  const kill = () => {
    if (!ended) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  const pipeline: SupervisedPipeline = {
    mark: () => output.length,
    output: () => output,
    exited,
    kill,
    waitFor: async (pattern, timeoutMs, from = 0) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(output.slice(from));
        if (match) return { match, at: Date.now() };
        if (ended) throw new Error(`stream start ended before printing ${pattern}:\n${output.slice(-2_000)}`);
        if (Date.now() > deadline) throw new Error(`stream start did not print ${pattern} within ${Math.round(timeoutMs / 1000)} s:\n${output.slice(-2_000)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
  };
  try {
    await pipeline.waitFor(/running in the foreground/, 600_000);
  } catch (e) {
    kill();
    throw e;
  }
  return pipeline;
}

/** The "resumed N queries ... after S s" line: how many queries and after how long. */
export const RESUMED = /resumed (\d+) queries from their checkpoints after (\d+) s/;

/** The pipeline still runs (it did not give up). */
async function stillRunningCheck(pipeline: SupervisedPipeline): Promise<string[]> {
  const done = await Promise.race([pipeline.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 500))]);
  return done ? [`stream start exited (${done.signal ?? `code ${done.code}`}) instead of recovering: ${pipeline.output().trim().split('\n').slice(-3).join(' / ')}`] : [];
}

export interface Strike {
  pipeline: SupervisedPipeline;
  /** The producer, 30-50 % (seeded) through its run. */
  producer: ProducerProcess;
  /** Output offset at the strike: wait for the supervisor's lines after it. */
  from: number;
}

/**
 * The frame of scenarios 3, 5 and 9: the supervised pipeline, a producer, the strike at 30-50 % of the
 * acknowledgements; at the end the pipeline must still run. A scenario that throws kills the pipeline.
 */
export async function supervisedScenario(ctx: ScenarioContext, strike: (s: Strike) => Promise<ScenarioOutcome>): Promise<ScenarioOutcome> {
  const pipeline = await startSupervisedPipeline(ctx);
  try {
    const producer = ctx.startProducer();
    await ctx.waitForAcks(Math.floor(ctx.users * ctx.bindings.length * (0.3 + 0.2 * ctx.random())), producer);
    const outcome = await strike({ pipeline, producer, from: pipeline.mark() });
    return { ...outcome, failedChecks: [...(outcome.failedChecks ?? []), ...(await stillRunningCheck(pipeline))] };
  } catch (e) {
    pipeline.kill();
    throw e;
  }
}
