import { Command } from 'commander';
import { apiFaults, serveApi, type FaultOptions } from '../../app/api.js';
import { UsageError } from '../../core/errors.js';
import { startExampleOrdersApi } from '../../source/http/example-orders.js';
import { addGlobalOptions, maybePrintConfig, resolveConfig, say, withInterrupt, type GlobalOptions } from '../context.js';
import { countFlag, flagParser, parseFraction, parseLatency, portFlag } from '../flags.js';

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

/** The port pipelines/orders.ts reads by default (ORDERS_API_URL unset): http://127.0.0.1:3002/orders. */
const EXAMPLE_ORDERS_PORT = 3002;

interface ExampleApiFlags extends GlobalOptions {
  port?: number;
  host?: string;
  seed?: number;
  orders?: number;
  pageSize?: number;
  token?: string;
}

/**
 * `streamline example-api orders`: the fake orders API of the example pipeline pipelines/orders.ts
 * (src/source/http/example-orders.ts), so that pipeline runs as it is against a local example.
 */
function exampleApiCommand(program: Command): void {
  addGlobalOptions(
    program
      .command('example-api')
      .argument('<name>', 'the example API to serve: orders (GET /orders?cursor=, for pipelines/orders.ts)')
      .description('serve the fake API of an example pipeline locally until Ctrl-C')
      .option('--port <port>', `port to listen on (default ${EXAMPLE_ORDERS_PORT}, where pipelines/orders.ts looks without ORDERS_API_URL)`, portFlag('--port'))
      .option('--host <host>', 'address to listen on (default 127.0.0.1)')
      .option('--seed <n>', 'the feed\'s seed: same seed, same orders', countFlag('--seed'))
      .option('--orders <n>', 'distinct orders in the feed (re-served versions and malformed ones come on top; default 300)', countFlag('--orders'))
      .option('--page-size <n>', 'orders per page (default 50)', countFlag('--page-size'))
      .option('--token <value>', 'answer 401 to a request without exactly this Authorization header (default: no check)'),
  ).action(async (name: string, flags: ExampleApiFlags) => {
    if (name !== 'orders') throw new UsageError(`unknown example API ${JSON.stringify(name)}; the examples are: orders`);
    const server = await startExampleOrdersApi({
      port: flags.port ?? EXAMPLE_ORDERS_PORT,
      ...(flags.host === undefined ? {} : { host: flags.host }),
      ...(flags.seed === undefined ? {} : { seed: flags.seed }),
      ...(flags.orders === undefined ? {} : { orders: flags.orders }),
      ...(flags.pageSize === undefined ? {} : { pageSize: flags.pageSize }),
      ...(flags.token === undefined ? {} : { token: flags.token }),
    });
    say(`example orders API listening on ${server.url} (${server.feed.length} feed entries)`);
    say(`  try: curl '${server.url}'`);
    say('Ctrl-C to stop.');
    await withInterrupt(undefined, (signal) => new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true })));
    await server.close();
    say('stopped.');
  });
}

/** The local API servers: the Random User one (`api`) and the example pipelines' fakes (`example-api`). */
export function apiCommand(program: Command): void {
  exampleApiCommand(program);
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
