import { Command } from 'commander';
import { apiFaults, serveApi, type FaultOptions } from '../../app/api.js';
import { addGlobalOptions, maybePrintConfig, resolveConfig, say, withInterrupt, type GlobalOptions } from '../context.js';
import { flagParser, parseFraction, parseLatency, portFlag } from '../flags.js';

interface ApiFlags extends GlobalOptions {
  port?: number;
  host?: string;
  errorRate?: number;
  malformedRate?: number;
  truncatedRate?: number;
  latency?: [number, number];
  faultSeed?: string;
  secretsLog?: string;
}

const rate = (flag: string) => flagParser((v) => parseFraction(v, flag));

/** The fault injection the flags ask for (STREAMLINE_API_* variables fill in what they leave out). */
function faultOptions(flags: ApiFlags): FaultOptions | undefined {
  const fromFlags: { -readonly [K in keyof FaultOptions]: FaultOptions[K] } = {};
  if (flags.errorRate !== undefined) fromFlags.errorRate = flags.errorRate;
  if (flags.malformedRate !== undefined) fromFlags.malformedRate = flags.malformedRate;
  if (flags.truncatedRate !== undefined) fromFlags.truncatedRate = flags.truncatedRate;
  if (flags.latency) fromFlags.latencyMs = flags.latency;
  if (flags.faultSeed !== undefined) fromFlags.seed = flags.faultSeed;
  return apiFaults(fromFlags);
}

export function apiCommand(program: Command): void {
  addGlobalOptions(
    program
      .command('api')
      .description('serve a randomuser.me-compatible API locally (the offline default source) until Ctrl-C')
      .option('--port <port>', 'port to listen on (default: api.port, 3001)', portFlag('--port'))
      .option('--host <host>', 'address to listen on (default 127.0.0.1)')
      .option('--error-rate <fraction>', 'fault injection: share of requests answered 5xx with {"error"}', rate('--error-rate'))
      .option('--malformed-rate <fraction>', 'fault injection: share of responses with broken records', rate('--malformed-rate'))
      .option('--truncated-rate <fraction>', 'fault injection: share of responses cut off mid-JSON', rate('--truncated-rate'))
      .option('--latency <time>', 'fault injection: added latency per request, e.g. 50ms or 20..200ms', flagParser((v) => parseLatency(v, '--latency')))
      .option('--fault-seed <seed>', 'make the fault sequence reproducible')
      .option('--secrets-log <file>', 'append the raw password/salt/hash values served to this file (JSON Lines), for the secret scan (api.secretsLog)'),
  ).action(async (flags: ApiFlags) => {
    const config = resolveConfig(flags, { api: { port: flags.port, host: flags.host, secretsLog: flags.secretsLog } });
    if (maybePrintConfig(flags, config)) return;
    const faults = faultOptions(flags);
    const server = await serveApi(config, faults);
    say(`Random User API (format 1.4) listening on ${server.url}`);
    say(`  try: curl '${server.url}?results=2&seed=demo&nat=gb,ua'`);
    if (faults) say(`  fault injection on: ${JSON.stringify(faults)}`);
    if (config.api.secretsLog) say(`  logging the served secrets to ${config.api.secretsLog} (delete it after the scan)`);
    say('Ctrl-C to stop.');
    await withInterrupt(undefined, (signal) => new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true })));
    await server.close();
    say(`stopped after ${server.requestCount()} requests.`);
  });
}
