import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RANDOMUSER_FORMAT_VERSION } from './raw.js';
import { breakRecords, FaultInjector, truncateJson, type FaultDecision, type FaultOptions } from './faults.js';
import { generateUsers, type Gender, type GeneratedUser } from './generate.js';
import { NATIONALITY_CODES } from './nationalities.js';
import { CappedSecretsLog } from './secrets-log.js';

/** Top-level record fields, in the order the API sends them; `inc`/`exc` select among these. */
export const API_FIELDS = ['gender', 'name', 'location', 'email', 'login', 'dob', 'registered', 'phone', 'cell', 'id', 'picture', 'nat'] as const;
export type ApiField = (typeof API_FIELDS)[number];

const MAX_RESULTS = 5000;
const API_PATHS = new Set(['/api', '/api/', `/api/${RANDOMUSER_FORMAT_VERSION}`, `/api/${RANDOMUSER_FORMAT_VERSION}/`]);
/** The real API's message for its internal errors. */
const UPSTREAM_ERROR_MESSAGE = 'Uh oh, something has gone wrong. Please tweet us @randomapi about the issue. Thank you.';

export interface ApiQuery {
  readonly results: number;
  /** Absent: the server picks a random seed and reports it in `info.seed`. */
  readonly seed?: string;
  readonly page: number;
  readonly nats: readonly string[];
  readonly gender?: Gender;
  readonly inc?: readonly ApiField[];
  readonly exc?: readonly ApiField[];
  readonly noinfo: boolean;
  readonly pretty: boolean;
}

export type QueryParse = { readonly ok: true; readonly query: ApiQuery } | { readonly ok: false; readonly error: string };

const list = (value: string | null): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

function parseIntegerParam(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number | string {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    return `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`;
  }
  return value;
}

function parseFields(params: URLSearchParams, name: 'inc' | 'exc'): ApiField[] | string | undefined {
  if (!params.has(name)) return undefined;
  const fields = list(params.get(name)).map((field) => field.toLowerCase());
  const unknown = fields.filter((field) => !(API_FIELDS as readonly string[]).includes(field));
  if (unknown.length > 0) return `${name}: unknown field(s) ${unknown.join(', ')}; fields are ${API_FIELDS.join(', ')}`;
  return fields as ApiField[];
}

/** Reads and checks the query string; the error names the parameter and what was expected. */
export function parseApiQuery(params: URLSearchParams): QueryParse {
  const results = parseIntegerParam(params, 'results', 1, 1, MAX_RESULTS);
  if (typeof results === 'string') return { ok: false, error: results };
  const page = parseIntegerParam(params, 'page', 1, 1, 1_000_000);
  if (typeof page === 'string') return { ok: false, error: page };

  const nats = list(params.get('nat')).map((code) => code.toUpperCase());
  const unsupported = nats.filter((code) => !NATIONALITY_CODES.includes(code));
  if (unsupported.length > 0) {
    return { ok: false, error: `nat: unsupported nationality ${unsupported.join(', ')}; supported: ${NATIONALITY_CODES.join(', ')}` };
  }

  const genderParam = params.get('gender')?.trim().toLowerCase() ?? '';
  if (genderParam !== '' && genderParam !== 'male' && genderParam !== 'female') {
    return { ok: false, error: `gender must be male or female, got ${JSON.stringify(genderParam)}` };
  }

  const inc = parseFields(params, 'inc');
  if (typeof inc === 'string') return { ok: false, error: inc };
  const exc = parseFields(params, 'exc');
  if (typeof exc === 'string') return { ok: false, error: exc };

  const format = params.get('format')?.trim().toLowerCase() ?? 'json';
  if (!['json', 'pretty', 'prettyjson'].includes(format)) {
    return { ok: false, error: `format ${JSON.stringify(format)} is not supported by this server; use json or pretty` };
  }

  const seed = params.get('seed') ?? '';
  return {
    ok: true,
    query: {
      results,
      page,
      nats,
      noinfo: params.has('noinfo'),
      pretty: format !== 'json',
      ...(seed !== '' ? { seed } : {}),
      ...(genderParam !== '' ? { gender: genderParam as Gender } : {}),
      ...(inc ? { inc } : {}),
      ...(exc ? { exc } : {}),
    },
  };
}

/** Applies `inc` then `exc`, keeping the API's field order. */
function selectFields(user: GeneratedUser, inc?: readonly ApiField[], exc?: readonly ApiField[]): Partial<GeneratedUser> {
  const keep = API_FIELDS.filter((field) => (!inc || inc.includes(field)) && !exc?.includes(field));
  return Object.fromEntries(keep.map((field) => [field, user[field]])) as Partial<GeneratedUser>;
}

export interface ApiResponseBody {
  results: Partial<GeneratedUser>[];
  info?: { seed: string; results: number; page: number; version: string };
}

/** The body for a valid query: same (seed, page, nat, gender) => same users. */
export function buildApiResponse(query: ApiQuery, now: Date, randomSeed: () => string = () => randomBytes(8).toString('hex')): ApiResponseBody {
  const seed = query.seed ?? randomSeed();
  const users = generateUsers({ seed, page: query.page, results: query.results, nats: query.nats, now, ...(query.gender ? { gender: query.gender } : {}) });
  const results = users.map((user) => selectFields(user, query.inc, query.exc));
  if (query.noinfo) return { results };
  return { results, info: { seed, results: results.length, page: query.page, version: RANDOMUSER_FORMAT_VERSION } };
}

export interface ApiServerOptions {
  /** Default 127.0.0.1 (loopback only). */
  readonly host?: string;
  /** Default 0: an ephemeral port, read it back from `port`/`url`. */
  readonly port?: number;
  /** Opt-in misbehaviour for tests; see FaultOptions. */
  readonly faults?: FaultOptions;
  /** Clock for computing ages; injectable so tests are independent of the date. */
  readonly now?: () => Date;
  /**
   * Appends the raw password/salt/md5/sha1/sha256 of every record served to this file (JSON Lines
   * {"field","value"}), for the secret scan (faults/checks/secrets.ts). Off unless set: the file holds secrets.
   */
  readonly secretsLog?: string;
  /** The secrets log stops growing at this size (0: no cap). Default 64 MiB. */
  readonly secretsLogMaxBytes?: number;
  /**
   * Requests answered at once; one more gets 503 with Retry-After at once instead of a place in an
   * unbounded queue (each answer can be thousands of generated users). Default 8.
   */
  readonly maxConcurrentRequests?: number;
  /** Where the server's own warnings go (the secrets log's cap). Default stderr. */
  readonly onWarning?: (message: string) => void;
}

const DEFAULT_MAX_CONCURRENT_REQUESTS = 8;
const DEFAULT_SECRETS_LOG_MAX_BYTES = 64 * 1024 * 1024;

export interface ApiServer {
  /** Base URL of the API, e.g. http://127.0.0.1:41234/api/ */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Requests to the API path answered or in progress so far. */
  readonly requestCount: () => number;
  /** Stops listening and drops open connections (including hung ones); safe to call twice. */
  close(): Promise<void>;
}

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

const jsonReply = (status: number, value: unknown, headers?: Record<string, string>): Reply => ({ status, body: JSON.stringify(value), ...(headers ? { headers } : {}) });

function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(reply.status, {
    'content-type': reply.contentType ?? 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(reply.body),
    // No Access-Control-Allow-Origin: the producer is no browser, and no web page should read users from here.
    'x-content-type-options': 'nosniff',
    ...reply.headers,
  });
  res.end(req.method === 'HEAD' ? undefined : reply.body);
}

/** The reply for a fault that replaces the normal answer, or undefined when the normal answer goes out. */
function faultReply(decision: FaultDecision): Reply | 'hang' | undefined {
  switch (decision.kind) {
    case 'error':
      return jsonReply(decision.status ?? (decision.random() < 0.5 ? 500 : 503), { error: decision.message ?? UPSTREAM_ERROR_MESSAGE });
    case 'rateLimit':
      return jsonReply(429, { error: 'Too many requests, slow down' }, { 'retry-after': decision.retryAfter ?? '1' });
    case 'notJson':
      return { status: 200, contentType: 'text/html; charset=utf-8', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
    case 'hang':
      return 'hang';
    default:
      return undefined;
  }
}

/** The normal answer, possibly spoiled by a malformed/truncated fault. */
function apiReply(url: URL, decision: FaultDecision, now: Date, secretsLog?: CappedSecretsLog): Reply {
  const parsed = parseApiQuery(url.searchParams);
  if (!parsed.ok) return jsonReply(400, { error: parsed.error });
  const body = buildApiResponse(parsed.query, now);
  // Before a malformed fault spoils records: the log is a superset of what any client received.
  secretsLog?.append(body.results);
  if (decision.kind === 'malformed') breakRecords(body.results as Record<string, unknown>[], decision.random);
  const text = JSON.stringify(body, null, parsed.query.pretty ? 2 : undefined);
  return { status: 200, body: decision.kind === 'truncated' ? truncateJson(text, decision.random) : text };
}

const NO_FAULT: FaultDecision = { kind: 'none', latencyMs: 0, random: Math.random };

/** Starts a randomuser-compatible API on node:http. */
export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? (() => new Date());
  const injector = options.faults ? new FaultInjector(options.faults) : undefined;
  const timers = new Set<NodeJS.Timeout>();
  let requests = 0;
  let inFlight = 0;
  const maxConcurrent = options.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS;
  const warn = options.onWarning ?? ((message: string) => process.stderr.write(`api: ${message}\n`));
  const secretsLog = options.secretsLog === undefined ? undefined : new CappedSecretsLog(options.secretsLog, options.secretsLogMaxBytes ?? DEFAULT_SECRETS_LOG_MAX_BYTES, warn);

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!API_PATHS.has(url.pathname)) return send(req, res, jsonReply(404, { error: `no such endpoint ${url.pathname}; use /api/` }));
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(req, res, jsonReply(405, { error: `method ${req.method} not allowed; use GET` }, { allow: 'GET, HEAD' }));
    }
    if (inFlight >= maxConcurrent) {
      return send(req, res, jsonReply(503, { error: `busy: ${maxConcurrent} requests in progress (api.maxConcurrentRequests); retry shortly` }, { 'retry-after': '1' }));
    }
    // Until the connection's answer is done or it is gone (a hung fault holds its slot until the client gives up).
    inFlight += 1;
    res.once('close', () => (inFlight -= 1));
    requests += 1;
    const decision = injector?.next() ?? NO_FAULT;
    if (decision.latencyMs > 0) await pause(decision.latencyMs);
    const fault = faultReply(decision);
    if (fault === 'hang') return;
    send(req, res, fault ?? apiReply(url, decision, now(), secretsLog));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(req, res, jsonReply(500, { error: `internal error: ${String(error)}` })));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  const close = () =>
    new Promise<void>((resolve, reject) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  return {
    url: `http://${urlHost}:${port}/api/`,
    host,
    port,
    requestCount: () => requests,
    // Idempotent: test teardown and the code under test may both close.
    close: () => (closing ??= close()),
  };
}
