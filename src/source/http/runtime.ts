import { ConfigError } from '../../core/errors.js';
import { redactText, redactUri } from '../../config/redact.js';
import type { HttpJsonSource, Pagination } from '../../pipeline/sources.js';
import { contextClock, durationMs, resolveEnvValue, type SourceContext } from '../context.js';
import { SourceError } from '../errors.js';
import { itemsAt } from '../items.js';
import { parseRetryAfter, retryDelayMs, retryOptions } from '../retry.js';
import { recordNormalizer, type Position, type SourcePage, type SourceRuntime } from '../runtime.js';
import { DEFAULT_MAX_RESPONSE_BYTES, readBodyCapped } from './body.js';
import { firstPosition, nextPosition, positionMismatch, requestUrl } from './paginate.js';

const DEFAULT_TIMEOUT_MS = 10_000;

interface Failure {
  readonly message: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

const isRetryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

function networkMessage(error: unknown): string {
  const err = error as { message?: string; cause?: { code?: string; message?: string } };
  const cause = err.cause?.code ?? err.cause?.message;
  return `${err.message ?? String(error)}${cause ? ` (${cause})` : ''}`;
}

const describePosition = (position: Position): string => {
  switch (position.kind) {
    case 'page':
      return `page ${position.page}`;
    case 'offset':
      return `offset ${position.offset}`;
    case 'cursor':
      return position.cursor === '' ? 'the first page' : `cursor ${JSON.stringify(position.cursor)}`;
    default:
      return 'the page';
  }
};

const describePagination = (p: Pagination): string => {
  switch (p.kind) {
    case 'none':
      return 'one request';
    case 'page':
      return `?${p.param}=${p.first},${p.first + 1},...`;
    case 'offset':
      return `?${p.param}=0,${p.limit},...&${p.limitParam}=${p.limit}`;
    case 'cursor':
      return `?${p.param}=<${p.nextAt}>`;
    case 'link':
      return `Link rel="${p.rel}"`;
  }
};

/**
 * The runtime of an `httpJson` source. Env values (url, headers) are resolved here, once, at start; they
 * are masked in every message and description this runtime makes, and handed to the caller's redaction
 * through `secrets`.
 */
export function httpJsonRuntime<R>(source: HttpJsonSource<R>, ctx: SourceContext): SourceRuntime<R> {
  const options = source.options;
  const env = ctx.env ?? process.env;
  const secrets: string[] = [];
  // The URL is named in errors (its credentials masked): an env URL says where, a header says who.
  const url = resolveEnvValue(options.url, 'httpJson url', env);
  if (!URL.canParse(url)) throw new ConfigError(`httpJson url must be an absolute URL, got ${redactUri(JSON.stringify(url))}`, { hint: 'write it as http(s)://host/path' });
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    headers[name] = resolveEnvValue(value, `httpJson header ${name}`, env);
    if (typeof value !== 'string') secrets.push(headers[name]);
  }
  const shown = (text: string): string => redactText(redactUri(text), secrets.filter((s) => s.length >= 4));
  const pagination: Pagination = options.pagination ?? { kind: 'none' };
  const timeoutMs = options.timeout === undefined ? DEFAULT_TIMEOUT_MS : durationMs(options.timeout, 'httpJson timeout');
  const retry = retryOptions(options.retries, 'httpJson');
  if (options.rate !== undefined && !(options.rate > 0)) throw new ConfigError(`httpJson rate must be > 0 requests per second, got ${options.rate}`);
  const minIntervalMs = options.rate === undefined ? 0 : 1000 / options.rate;
  const maxBytes = ctx.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const clock = contextClock(ctx);
  const random = ctx.random ?? Math.random;
  const host = new URL(url).host;
  let lastRequestAt: number | undefined;

  async function attempt(target: string, signal: AbortSignal | undefined): Promise<{ ok: true; body: unknown; link: string | null } | { ok: false; failure: Failure }> {
    if (lastRequestAt !== undefined && minIntervalMs > 0) await clock.sleep(lastRequestAt + minIntervalMs - clock.now(), signal);
    signal?.throwIfAborted();
    lastRequestAt = clock.now();
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetch(target, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      const body = await readBodyCapped(response, maxBytes);
      if ('tooLarge' in body) {
        // Not retried: the same request would bring the same flood.
        return { ok: false, failure: { message: `the response body passed the cap of ${maxBytes} bytes after ${body.tooLarge} bytes`, retryable: false } };
      }
      if (response.status < 200 || response.status >= 300) {
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
        return { ok: false, failure: { message: `HTTP ${response.status}`, retryable: isRetryableStatus(response.status), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) } };
      }
      try {
        return { ok: true, body: JSON.parse(body.text), link: response.headers.get('link') };
      } catch (error) {
        return { ok: false, failure: { message: `the body is not JSON (${(error as Error).message})`, retryable: true } };
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) return { ok: false, failure: { message: `no complete response within ${timeoutMs} ms`, retryable: true } };
      return { ok: false, failure: { message: networkMessage(error), retryable: true } };
    }
  }

  /** One page's body, through the rate limit and the retries; the error names the URL, the page and the cause. */
  async function fetchPage(target: string, position: Position, signal: AbortSignal | undefined): Promise<{ body: unknown; link: string | null }> {
    const failures: Failure[] = [];
    for (let n = 1; n <= retry.maxAttempts; n += 1) {
      const outcome = await attempt(target, signal);
      if (outcome.ok) return outcome;
      failures.push(outcome.failure);
      if (!outcome.failure.retryable || n === retry.maxAttempts) break;
      await clock.sleep(retryDelayMs(n, outcome.failure.retryAfterMs, retry, random), signal);
      signal?.throwIfAborted();
    }
    const last = failures.at(-1) as Failure;
    const how = last.retryable ? `after ${failures.length} attempt(s)` : `with an error not worth retrying (attempt ${failures.length})`;
    throw new SourceError(shown(`httpJson source: GET ${target} (${describePosition(position)}) failed ${how}: ${last.message}`), {
      hint: last.retryable ? 'check that the API answers at this URL; retries are set by the source\'s `retries`' : 'check the URL, the headers and the credentials the source sends',
    });
  }

  return {
    label: source.label ?? `http:${host}`,
    secrets,
    normalize: recordNormalizer<R>(options.record),
    describe: () => shown(`httpJson GET ${url} (${describePagination(pagination)})${options.itemsAt ? ` items at '${options.itemsAt}'` : ''}${Object.keys(options.headers ?? {}).length > 0 ? `, headers ${Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${typeof value === 'string' ? value : `env(${value.env})`}`).join(', ')}` : ''}`),
    async *pages(from: Position | undefined, signal?: AbortSignal): AsyncGenerator<SourcePage> {
      let position = from ?? firstPosition(pagination, url);
      const mismatch = positionMismatch(pagination, position);
      if (mismatch) throw new SourceError(`httpJson source ${shown(url)}: ${mismatch}`, { hint: 'the stored position belongs to another source definition: remove it to start from the beginning' });
      while (position.kind !== 'end' && !signal?.aborted) {
        const target = requestUrl(url, pagination, position);
        const { body, link } = await fetchPage(target, position, signal);
        const fetchedAt = new Date().toISOString();
        const found = itemsAt(body, options.itemsAt);
        if ('reason' in found) throw new SourceError(shown(`httpJson source: GET ${target} (${describePosition(position)}): ${found.reason}`), { hint: 'check `itemsAt` against what the API returns' });
        const step = nextPosition(pagination, position, { items: found.items.length, body, link, requestedUrl: target });
        if ('reason' in step) throw new SourceError(shown(`httpJson source: GET ${target} (${describePosition(position)}): ${step.reason}`), { hint: 'check the pagination against what the API returns' });
        if (step.yieldPage) yield { records: found.items, position: step.next, fetchedAt };
        position = step.next;
      }
    },
  };
}
