import { Command } from 'commander';
import { down, status, up, type RuntimeEvent } from '../../runtime/index.js';
import { formatDuration, table } from '../format.js';
import { ExitCode } from '../../core/errors.js';
import { addGlobalOptions, maybePrintConfig, resolveConfig, resolveRuntime, say, type GlobalOptions } from '../context.js';
import { countFlag, portFlag } from '../flags.js';
import { printClusterDetails } from '../cluster-format.js';

interface UpFlags extends GlobalOptions {
  kafkaPort?: number;
  sparkPort?: number;
  mongoPort?: number;
  sparkMaster?: string;
  driverMemory?: string;
  kafkaHeap?: string;
  kafkaBrokers?: number;
  sparkWorkers?: number;
}

export function describeEvent(e: RuntimeEvent): string {
  switch (e.type) {
    case 'starting':
      return `  starting ${e.service.padEnd(14)} ${e.title} on ${e.address} ...`;
    case 'ready':
      return `  ready    ${e.service.padEnd(14)} in ${formatDuration(e.elapsedMs)}`;
    case 'already-running':
      return `  running  ${e.service.padEnd(14)} already (pid ${e.pid})`;
    case 'stopping':
      return `  stopping ${e.service.padEnd(14)} (pid ${e.pid}) ...`;
    case 'stopped':
      return `  stopped  ${e.service.padEnd(14)} (pid ${e.pid})`;
  }
}

function runtimeOverrides(flags: UpFlags) {
  return {
    kafka: { port: flags.kafkaPort, heap: flags.kafkaHeap },
    spark: { port: flags.sparkPort, master: flags.sparkMaster, driverMemory: flags.driverMemory },
    mongo: { port: flags.mongoPort },
    cluster: { kafkaBrokers: flags.kafkaBrokers, sparkWorkers: flags.sparkWorkers },
  };
}

function printStatusTable(rows: Awaited<ReturnType<typeof status>>): void {
  say(
    table(
      ['SERVICE', 'ROLE', 'ADDRESS', 'PID', 'UPTIME', 'HEALTH'],
      rows.map((r) => [r.name, r.role, r.address, r.pid ? String(r.pid) : '-', r.uptimeMs !== undefined ? formatDuration(r.uptimeMs) : '-', r.health + (r.detail ? ` (${r.detail})` : '')]),
    ),
  );
}

export function runtimeCommands(program: Command): void {
  addGlobalOptions(
    program
      .command('up')
      .description('start the local services (Kafka, Spark Connect, FerretDB; with --cluster N brokers, a Spark master and workers) in the background and wait until each answers; nodes already running are left alone')
      .option('--kafka-port <port>', 'Kafka broker port (default 9092)', portFlag('--kafka-port'))
      .option('--spark-port <port>', 'Spark Connect port (default 15002)', portFlag('--spark-port'))
      .option('--mongo-port <port>', 'FerretDB (MongoDB wire) port (default 27017)', portFlag('--mongo-port'))
      .option('--spark-master <url>', 'Spark master: local[*] (default) or spark://host:port')
      .option('--driver-memory <size>', 'Spark driver memory, e.g. 2g')
      .option('--kafka-heap <size>', 'Kafka broker heap, e.g. 512m')
      .option('--kafka-brokers <n>', 'with --cluster: Kafka brokers (default 3)', countFlag('--kafka-brokers'))
      .option('--spark-workers <n>', 'with --cluster: Spark workers (default 2)', countFlag('--spark-workers')),
  ).action(async (flags: UpFlags) => {
    const config = resolveConfig(flags, runtimeOverrides(flags));
    if (maybePrintConfig(flags, config)) return;
    const t0 = Date.now();
    say(`streamline up (state dir ${config.stateDir})`);
    const result = await up(config, { onEvent: (e) => say(describeEvent(e)) });
    if (result.started.length === 0) say('everything was already running; nothing to do.');
    else say(`all services ready in ${formatDuration(Date.now() - t0)}. \`streamline status\` shows them; \`streamline down\` stops them.`);
  });

  addGlobalOptions(program.command('status').description('show each local service: address, pid, uptime and health')).action(
    async (flags: GlobalOptions) => {
      const runtime = await resolveRuntime(flags);
      if (!runtime) return;
      const { config } = runtime;
      const rows = await status(config);
      printStatusTable(rows);
      if (config.cluster.enabled) say(await printClusterDetails(config, runtime.pipeline.resolved.topics.map((t) => t.kafkaTopic)));
      if (rows.some((r) => r.health === 'unhealthy' || (config.cluster.enabled && r.health === 'stopped'))) process.exitCode = ExitCode.failure;
    },
  );

  addGlobalOptions(program.command('down').description('stop exactly the services `up` started and verify that none is left')).action(
    async (flags: GlobalOptions) => {
      const config = resolveConfig(flags);
      if (maybePrintConfig(flags, config)) return;
      const result = await down(config, { onEvent: (e) => say(describeEvent(e)) });
      if (result.survivors.length) {
        say(`could not stop: ${result.survivors.map((r) => `${r.name} (pid ${r.pid})`).join(', ')}`);
        process.exitCode = ExitCode.failure;
      } else if (result.stopped.length === 0) say('nothing was running.');
      else say('all stopped.');
    },
  );
}
