import { Command, Option } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { pipelineHealthy, streamingStatus } from '../../app/status.js';
import { pipelineStreaming, startStreaming, stopStreaming, type PipelineStreaming } from '../../app/streaming.js';
import { applyRecoveryEvent, clearSupervisorStatus, initialSupervisorStatus, readSupervisorStatus, runDetachedSupervisor, writeSupervisorStatus } from '../../app/stream-supervisor.js';
import { superviseStreaming } from '../../app/supervise-streaming.js';
import { describeFailure } from '../../app/recovery-policy.js';
import { mongoUri, redactUri, sparkRemote } from '../../config/index.js';
import { expectedQueries } from '../../stream/index.js';
import { isRunning, runningRecord, startRecorded, stopRecorded, STREAM_SUPERVISOR, streamSupervisorLaunch } from '../../runtime/index.js';
import { tailFile } from '../../runtime/process.js';
import { ExitCode, PipelineFailedError, ServiceFailedError } from '../../core/errors.js';
import { addGlobalOptions, resolveRuntime, say, withInterrupt, type GlobalOptions } from '../context.js';
import { flagParser, flags as parse, parseNonNegativeInteger } from '../flags.js';
import { formatPipelineStatus, formatRecoveryEvent } from '../stream-format.js';

interface StreamFlags extends GlobalOptions {
  detach?: boolean;
  trigger?: string;
  topics?: string[];
  startingOffsets?: 'earliest' | 'latest';
  maxRestarts?: number;
}

/** The flags that shaped the configuration and the pipeline, for the detached supervisor to resolve the same ones. */
function configArgs(flags: StreamFlags, { config, file }: StreamRuntime): string[] {
  return [
    ...(flags.config ? ['--config', flags.config] : []),
    ...(config.cluster.enabled ? ['--cluster'] : []),
    '--pipeline', file,
    ...(flags.topics?.length ? ['--topics', flags.topics.join(',')] : []),
    '--trigger', config.stream.trigger,
    '--starting-offsets', config.stream.startingOffsets,
  ];
}

const SUPERVISOR_READY_MS = 180_000;

/** Starts the detached supervisor and waits until it supervises the queries (its status file says so). */
async function startSupervisor(flags: StreamFlags, runtime: StreamRuntime): Promise<number> {
  const { config } = runtime;
  clearSupervisorStatus(config.stateDir);
  const record = startRecorded(config, { name: STREAM_SUPERVISOR, role: 'stream-supervisor', address: redactUri(sparkRemote(config)), launch: streamSupervisorLaunch(config, configArgs(flags, runtime)) });
  const deadline = Date.now() + SUPERVISOR_READY_MS;
  while (Date.now() < deadline) {
    if (!isRunning(record)) throw new ServiceFailedError(`the stream supervisor (pid ${record.pid}) exited during start`, { hint: `see ${record.logFile}`, details: tailFile(record.logFile) });
    const status = readSupervisorStatus(config.stateDir);
    if (status?.pid === record.pid && status.state !== 'starting') return record.pid;
    await sleep(250);
  }
  throw new ServiceFailedError(`the stream supervisor (pid ${record.pid}) did not report within ${SUPERVISOR_READY_MS / 1000} s`, { hint: `see ${record.logFile}`, details: tailFile(record.logFile) });
}

/** The pipeline's bindings (narrowed to --topics) and the configuration the streaming side runs with, and the pipeline file. */
interface StreamRuntime extends PipelineStreaming {
  file: string;
}

/** Undefined when --print-config printed the configuration. */
async function streamRuntime(flags: StreamFlags): Promise<StreamRuntime | undefined> {
  const runtime = await resolveRuntime(flags, { stream: { trigger: flags.trigger, startingOffsets: flags.startingOffsets, restart: { maxRestarts: flags.maxRestarts } } });
  if (!runtime) return undefined;
  return { ...pipelineStreaming(runtime.config, runtime.pipeline.resolved), file: runtime.pipeline.file };
}

export function streamCommands(program: Command): void {
  const stream = program.command('stream').description('the Spark Structured Streaming queries: Kafka topics -> MongoDB collections');

  addGlobalOptions(
    stream
      .command('start')
      .description('create topics and collections, start the streaming queries (or adopt the same pipeline already running) and supervise them; Ctrl-C stops them')
      .option('--detach', 'leave the queries running under a supervisor process of ours (restarts them after failures, no give-up) and exit')
      .option('--trigger <interval>', 'micro-batch interval, e.g. "1 second", "500 milliseconds"')
      .option('--topics <list>', 'comma-separated topics of the pipeline (default: all of them)', parse.topics)
      .addOption(new Option('--starting-offsets <where>', 'where a query without a checkpoint starts').choices(['earliest', 'latest']))
      .addOption(
        new Option('--max-restarts <n>', 'in the foreground: restarts from the checkpoints after a failure before giving up; 0 stops at the first failure (stream.restart.maxRestarts)').argParser(
          flagParser((v) => parseNonNegativeInteger(v, '--max-restarts')),
        ),
      ),
  ).action(async (flags: StreamFlags) => {
    const runtime = await streamRuntime(flags);
    if (!runtime) return;
    const { config, bindings } = runtime;
    const supervisor = runningRecord(config, STREAM_SUPERVISOR);
    say(`starting ${expectedQueries(bindings, config.stream.queries).length} streaming queries on ${redactUri(sparkRemote(config))} -> ${redactUri(mongoUri(config))}/${config.mongo.database}`);
    const started = await startStreaming(config, bindings);
    if (started.createdTopics.length) say(`created topics: ${started.createdTopics.join(', ')}`);
    if (started.storage?.created.length) say(`created collections: ${started.storage.created.join(', ')}`);
    for (const warning of started.storage?.warnings ?? []) say(`note: ${warning}`);
    say(`${started.adopted ? 'adopted the running queries' : 'started'}: ${started.queries.map((q) => q.name).join(', ')} (session ${started.session.sessionId})`);

    if (flags.detach) {
      started.spark.close();
      if (supervisor) {
        say(`detached: already supervised by the stream supervisor (pid ${supervisor.pid}). \`streamline stream status\` shows the queries; \`streamline stream stop\` stops them.`);
        return;
      }
      const pid = await startSupervisor(flags, runtime);
      say(`detached: the stream supervisor (pid ${pid}, log ${config.stateDir}/logs/${STREAM_SUPERVISOR}.log) keeps the queries running and restarts them after failures.`);
      say('`streamline stream status` shows them; `streamline stream stop` stops them and the supervisor.');
      return;
    }
    if (supervisor) {
      // The foreground takes over: two supervisors would restart the same queries twice.
      say(`taking over from the detached stream supervisor (pid ${supervisor.pid}): stopping it; the queries keep running`);
      if (!(await stopRecorded(config, STREAM_SUPERVISOR))) throw new ServiceFailedError(`could not stop the stream supervisor (pid ${supervisor.pid})`, { hint: 'stop it by hand (kill) and run `streamline stream start` again' });
    }

    say('running in the foreground; Ctrl-C stops the queries (their checkpoints keep the position). Failures are recovered from the checkpoints (stream.restart).');
    const result = await withInterrupt(undefined, (signal) =>
      superviseStreaming(config, bindings, started, { signal, onEvent: (event) => say(formatRecoveryEvent(event, new Date())) }),
    );
    if (result.outcome === 'gave-up') {
      throw new PipelineFailedError(`the streaming queries are stopped: ${describeFailure(result.failure, config.stream.restart).split(';')[0]}; gave up: ${result.reason}`, {
        hint: 'fix the cause above and run `streamline stream start` again: the queries resume from their checkpoints',
        details: result.failure.detail,
      });
    }
    if (result.outcome === 'stopped') {
      say('the queries were stopped by `streamline stream stop`.');
      return;
    }
    say('stopping the queries...');
    try {
      await stopStreaming(config, bindings);
      say('stopped.');
    } catch (e) {
      say(`could not stop the queries cleanly: ${(e as Error).message}`);
    }
    process.exitCode = ExitCode.interrupted;
  });

  addGlobalOptions(stream.command('status').description('every query the pipeline expects: state (active, restarting, failed, missing) and last error, rows/s, batch duration, last batch, Kafka records behind; the supervisor; documents per collection. Exit 1 unless every query is active and Kafka answers')).action(
    async (flags: GlobalOptions) => {
      const runtime = await resolveRuntime(flags);
      if (!runtime) return;
      const { config, bindings } = pipelineStreaming(runtime.config, runtime.pipeline.resolved);
      const status = await streamingStatus(config, bindings);
      say(formatPipelineStatus(status));
      // A query that is not running, or a broker the queries cannot read from, is an error, never an
      // omission: scripts and health checks see it.
      if (!pipelineHealthy(status)) process.exitCode = ExitCode.failure;
    },
  );

  addGlobalOptions(stream.command('stop').description('stop the stream supervisor (if detached), the streaming queries, and release their Spark Connect session')).action(async (flags: StreamFlags) => {
    const runtime = await streamRuntime(flags);
    if (!runtime) return;
    const { config, bindings } = runtime;
    const supervisor = runningRecord(config, STREAM_SUPERVISOR);
    // The supervisor first: it would start the queries again.
    if (!(await stopRecorded(config, STREAM_SUPERVISOR))) throw new ServiceFailedError(`could not stop the stream supervisor (pid ${supervisor?.pid})`, { hint: 'stop it by hand (kill) and run `streamline stream stop` again' });
    if (supervisor) say(`stopped the stream supervisor (pid ${supervisor.pid}).`);
    clearSupervisorStatus(config.stateDir);
    say((await stopStreaming(config, bindings)) ? 'stopped the streaming queries.' : 'no streaming queries were running.');
  });

  addGlobalOptions(
    stream
      .command('supervise')
      .description('what `stream start --detach` leaves running: adopt (or start) the queries and keep them running, restarting after any failure with backoff and no give-up; SIGTERM leaves the queries running')
      .option('--trigger <interval>', 'micro-batch interval, e.g. "1 second", "500 milliseconds"')
      .option('--topics <list>', 'comma-separated topics of the pipeline (default: all of them)', parse.topics)
      .addOption(new Option('--starting-offsets <where>', 'where a query without a checkpoint starts').choices(['earliest', 'latest'])),
  ).action(async (flags: StreamFlags) => {
    const runtime = await streamRuntime(flags);
    if (!runtime) return;
    const { config, bindings } = runtime;
    let status = initialSupervisorStatus(process.pid, new Date());
    writeSupervisorStatus(config.stateDir, status);
    say(`${new Date().toISOString()} stream supervisor (pid ${process.pid}) for ${redactUri(sparkRemote(config))} -> ${redactUri(mongoUri(config))}/${config.mongo.database}`);
    await withInterrupt(undefined, (signal) =>
      runDetachedSupervisor(config, bindings, {
        signal,
        onEvent: (event) => {
          status = applyRecoveryEvent(status, event, new Date());
          writeSupervisorStatus(config.stateDir, status);
          // Progress tables every few seconds would fill the log: only changes and failures go there.
          if (event.type !== 'report') say(formatRecoveryEvent(event, new Date()));
        },
      }),
    );
    say(`${new Date().toISOString()} stream supervisor (pid ${process.pid}) stopped; the queries keep running`);
  });
}
