import { Argument, Command } from 'commander';
import { apiUrl, kafkaBootstrap, kafkaSasl, mongoUri, redactUri, sparkRemote, type StreamlineConfig } from '../../config/index.js';
import { pipelineStreaming, prepareStorage } from '../../app/streaming.js';
import { probeFerretDb, probeKafka, probeSpark } from '../../runtime/probes.js';
import { durationFlag } from '../flags.js';
import { ExitCode, ServiceUnavailableError } from '../../core/errors.js';
import { addGlobalOptions, maybePrintConfig, resolveConfig, resolveRuntime, say, type GlobalOptions } from '../context.js';

// Commands for deployments where the services run elsewhere (deploy/compose.yaml): the one-shot
// store setup job and the probes its health checks run.


const PROBES = {
  kafka: { address: kafkaBootstrap, probe: (address: string, timeoutMs: number, config: StreamlineConfig) => probeKafka(address, timeoutMs, undefined, kafkaSasl(config)) },
  spark: { address: sparkRemote, probe: probeSpark },
  mongo: { address: mongoUri, probe: probeFerretDb },
  api: {
    address: apiUrl,
    probe: async (url: string, timeoutMs: number) => {
      const response = await fetch(`${url}?results=1`, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    },
  },
} satisfies Record<string, { address: (c: StreamlineConfig) => string; probe: (address: string, timeoutMs: number, config: StreamlineConfig) => Promise<void> }>;
type ServiceName = keyof typeof PROBES;

export function deployCommands(program: Command): void {
  addGlobalOptions(
    program
      .command('setup-store')
      .description('create the Kafka topics (partitions, replication, min ISR) and the MongoDB collections with their indexes and validators, then exit'),
  ).action(async (flags: GlobalOptions) => {
    const runtime = await resolveRuntime(flags);
    if (!runtime) return;
    const { config, bindings } = pipelineStreaming(runtime.config, runtime.pipeline.resolved);
    say(`setting up ${kafkaBootstrap(config)} and ${redactUri(mongoUri(config))}/${config.mongo.database}`);
    const { createdTopics, storage } = await prepareStorage(config, bindings);
    say(createdTopics.length ? `created topics: ${createdTopics.join(', ')}` : 'topics: all present');
    say(storage.created.length ? `created collections: ${storage.created.join(', ')}` : 'collections: all present');
    for (const warning of storage.warnings) say(`note: ${warning}`);
  });

  addGlobalOptions(
    program
      .command('ping')
      .description('check that each named service answers a real request (for health checks); exit 1 if one does not')
      .addArgument(new Argument('<service...>', 'services to check').choices(Object.keys(PROBES)))
      .option('--timeout <time>', 'per service, e.g. 5s, 1500ms', durationFlag('--timeout'), 5_000),
  ).action(async (services: ServiceName[], flags: GlobalOptions & { timeout: number }) => {
    const config = resolveConfig(flags);
    if (maybePrintConfig(flags, config)) return;
    const failures: string[] = [];
    const failed: { name: ServiceName; address: string }[] = [];
    for (const name of services) {
      const address = PROBES[name].address(config);
      try {
        await PROBES[name].probe(address, flags.timeout, config);
        say(`${name}: ok (${redactUri(address)})`);
      } catch (e) {
        failures.push(`${name} at ${redactUri(address)}: ${(e as Error).message}`);
        failed.push({ name, address: redactUri(address) });
      }
    }
    if (failures.length) {
      throw new ServiceUnavailableError(failed.map((f) => f.name).join(', '), failed.map((f) => f.address).join(', '), `not answering: ${failures.join('; ')}`, {
        hint: 'check that the service is running and that the address in the configuration is right',
      });
    }
    process.exitCode = ExitCode.ok;
  });
}
