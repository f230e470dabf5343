import { StreamlineError } from '../../core/errors.js';
import type { PiiPolicy } from '../../model/pii.js';
import { classifyApiBody, type ApiInfo } from './raw.js';
import { normalizeRecords, type InvalidRecord, type RandomUserRecord } from './record.js';
import type { RandomSource } from '../random.js';
import { systemClock, type Sleep } from '../../core/clock.js';
import { DEFAULT_RETRY, parseRetryAfter, retryDelayMs, type RetryOptions } from '../retry.js';
import { DEFAULT_MAX_RESPONSE_BYTES, readBodyCapped } from '../http/body.js';

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_RESULTS_PER_REQUEST = 5000;

export interface FetchUsersOptions {
  /** Base URL of the API, e.g. https://randomuser.me/api/ or the local server's url. */
  readonly apiUrl: string;
  /** 1..5000 users per request. */
  readonly results: number;
  readonly seed?: string;
  readonly page?: number;
  /** Nationality codes, e.g. ['GB', 'UA'] or 'GB,UA'. */
  readonly nat?: string | readonly string[];
  readonly gender?: 'male' | 'female';
  /** Aborting stops at once (no retry) and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Per attempt, covering headers and body. Default 10 s. */
  readonly timeoutMs?: number;
  /**
   * The most bytes of a response body read (config api.maxResponseBytes); the body is read as a stream and
   * the attempt fails, without retry, as soon as it passes the cap. Default 16 MiB.
   */
  readonly maxResponseBytes?: number;
  readonly retry?: RetryOptions;
  /** PII policy for email/phone/cell/national id. Default `keep`. */
  readonly pii?: PiiPolicy;
  readonly piiSalt?: string;
  /** Injectables, so unit tests control time and randomness. */
  readonly fetch?: typeof fetch;
  readonly sleep?: Sleep;
  readonly random?: RandomSource;
  readonly now?: () => number;
  /** Called after each failed attempt (for logs and metrics), before the wait. */
  readonly onAttemptFailed?: (failure: AttemptFailure, nextDelayMs: number | undefined) => void;
}

export interface FetchUsersResult {
  /** Valid records, normalised (secrets dropped, PII per policy). */
  readonly users: RandomUserRecord[];
  /** Records that failed validation, with the reason; they never fail the run. */
  readonly invalid: InvalidRecord[];
  /** The API's `info`, absent with `noinfo`. */
  readonly info: ApiInfo | undefined;
  /** Results beyond the number asked for, dropped unread (a misbehaving or hostile API). */
  readonly surplus: number;
  readonly url: string;
  readonly attempts: number;
  /** When the successful response arrived (ISO-8601), for the envelope's `fetched_at`. */
  readonly fetchedAt: string;
}

export type FailureKind = 'network' | 'timeout' | 'http' | 'invalid-body' | 'api-error' | 'too-large';

export interface AttemptFailure {
  readonly attempt: number;
  readonly kind: FailureKind;
  readonly message: string;
  readonly retryable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
}

/** Every attempt failed, or one failed in a way retrying cannot fix (e.g. 400). */
export class FetchUsersError extends StreamlineError {
  override name = 'FetchUsersError';
  readonly attempts: number;
  readonly lastFailure: AttemptFailure;

  constructor(
    readonly url: string,
    readonly failures: readonly AttemptFailure[],
  ) {
    const last = failures.at(-1) as AttemptFailure;
    const why = last.retryable ? `after ${failures.length} attempt(s)` : `with a non-retryable error on attempt ${last.attempt}`;
    super('SOURCE_FAILED', `fetching users from ${url} failed ${why}; last error (${last.kind}): ${last.message}`);
    this.attempts = failures.length;
    this.lastFailure = last;
  }
}

/** Checks the plain-data options up front; the error names the option and what was expected. */
function validateFetchOptions(options: FetchUsersOptions): void {
  const fail = (what: string) => {
    throw new RangeError(`fetchUsers: ${what}`);
  };
  if (!URL.canParse(options.apiUrl)) fail(`apiUrl must be an absolute URL, got ${JSON.stringify(options.apiUrl)}`);
  if (!Number.isInteger(options.results) || options.results < 1 || options.results > MAX_RESULTS_PER_REQUEST) {
    fail(`results must be an integer from 1 to ${MAX_RESULTS_PER_REQUEST}, got ${options.results}`);
  }
  if (options.page !== undefined && (!Number.isInteger(options.page) || options.page < 1)) fail(`page must be an integer >= 1, got ${options.page}`);
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) fail(`timeoutMs must be > 0, got ${options.timeoutMs}`);
  if (options.maxResponseBytes !== undefined && !(Number.isSafeInteger(options.maxResponseBytes) && options.maxResponseBytes > 0)) {
    fail(`maxResponseBytes must be a whole number > 0, got ${options.maxResponseBytes}`);
  }
  const retry = options.retry;
  if (retry && (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1)) fail(`retry.maxAttempts must be an integer >= 1, got ${retry.maxAttempts}`);
  if (retry && !(retry.baseDelayMs >= 0 && retry.maxDelayMs >= 0)) fail('retry.baseDelayMs and retry.maxDelayMs must be >= 0');
}

/** The request URL: the base URL's own query is kept, ours is added. */
export function buildUsersUrl(options: Pick<FetchUsersOptions, 'apiUrl' | 'results' | 'seed' | 'page' | 'nat' | 'gender'>): string {
  const url = new URL(options.apiUrl);
  url.searchParams.set('results', String(options.results));
  if (options.seed !== undefined) url.searchParams.set('seed', options.seed);
  if (options.page !== undefined) url.searchParams.set('page', String(options.page));
  const nat = typeof options.nat === 'string' ? options.nat : options.nat?.join(',');
  if (nat) url.searchParams.set('nat', nat.toUpperCase());
  if (options.gender) url.searchParams.set('gender', options.gender);
  return url.toString();
}

type AttemptOutcome =
  | { readonly ok: true; readonly results: unknown[]; readonly info: ApiInfo | undefined }
  | { readonly ok: false; readonly failure: AttemptFailure };

const isRetryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;

function describeNetworkError(error: unknown): string {
  const err = error as { message?: string; cause?: { code?: string; message?: string } };
  const cause = err.cause?.code ?? err.cause?.message;
  return `${err.message ?? String(error)}${cause ? ` (${cause})` : ''}`;
}

function apiErrorText(text: string): string | undefined {
  try {
    const body = classifyApiBody(JSON.parse(text));
    return body.kind === 'api-error' ? body.message : undefined;
  } catch {
    return undefined;
  }
}

/** Interprets a complete response: HTTP status first, then the body. */
function interpretResponse(attempt: number, status: number, retryAfter: string | null, text: string, nowMs: number): AttemptOutcome {
  const fail = (kind: FailureKind, message: string, retryable: boolean, extra: Partial<AttemptFailure> = {}): AttemptOutcome => ({
    ok: false,
    failure: { attempt, kind, message, retryable, ...extra },
  });
  if (status < 200 || status >= 300) {
    const apiMessage = apiErrorText(text);
    const retryAfterMs = parseRetryAfter(retryAfter, nowMs);
    return fail('http', `HTTP ${status}${apiMessage ? `: ${apiMessage}` : ''}`, isRetryableStatus(status), {
      status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail('invalid-body', `body is not JSON (${(error as Error).message}); it starts with ${JSON.stringify(text.slice(0, 60))}`, true, { status });
  }
  const body = classifyApiBody(json);
  if (body.kind === 'api-error') return fail('api-error', `the API answered with an error: ${body.message}`, true, { status });
  if (body.kind === 'invalid') return fail('invalid-body', body.reason, true, { status });
  return { ok: true, results: body.results, info: body.info };
}

async function attemptOnce(url: string, attempt: number, options: FetchUsersOptions): Promise<AttemptOutcome> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  try {
    const response = await fetchImpl(url, { signal, headers: { accept: 'application/json' } });
    const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const body = await readBodyCapped(response, maxBytes);
    if ('tooLarge' in body) {
      // Not retried here: the same request would bring the same flood. The producer's own failure budget decides.
      const message = `the response body passed the cap of ${maxBytes} bytes (api.maxResponseBytes) after ${body.tooLarge} bytes; nothing of it was used`;
      return { ok: false, failure: { attempt, kind: 'too-large', message, retryable: false, status: response.status } };
    }
    return interpretResponse(attempt, response.status, response.headers.get('retry-after'), body.text, now());
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted) {
      return { ok: false, failure: { attempt, kind: 'timeout', message: `no complete response within ${timeoutMs} ms`, retryable: true } };
    }
    return { ok: false, failure: { attempt, kind: 'network', message: describeNetworkError(error), retryable: true } };
  }
}

/** One page of the API's raw records, before validation (what the randomUser source runtime yields). */
export interface FetchedUsersPage {
  /** The raw records, at most as many as asked for (the surplus is dropped unread). */
  readonly results: unknown[];
  readonly info: ApiInfo | undefined;
  /** Results beyond the number asked for, dropped unread (a misbehaving or hostile API). */
  readonly surplus: number;
  readonly url: string;
  readonly attempts: number;
  /** When the successful response arrived (ISO-8601), for the envelope's `fetched_at`. */
  readonly fetchedAt: string;
}

/**
 * Fetches one page of raw records: per-attempt timeout, retries with full-jitter exponential backoff on
 * network errors, timeouts, 408/429/5xx (honouring Retry-After), non-JSON bodies and `{error}` answers;
 * other 4xx fail at once. The records are not validated: `fetchUsers` and the source runtime do that.
 */
export async function fetchUsersPage(options: FetchUsersOptions): Promise<FetchedUsersPage> {
  validateFetchOptions(options);
  const url = buildUsersUrl(options);
  const retry = options.retry ?? DEFAULT_RETRY;
  const sleep = options.sleep ?? systemClock.sleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const failures: AttemptFailure[] = [];

  for (let attempt = 1; attempt <= retry.maxAttempts; attempt += 1) {
    options.signal?.throwIfAborted();
    const outcome = await attemptOnce(url, attempt, options);
    if (outcome.ok) {
      // More than we asked for: the first `results` are used, the rest dropped and counted.
      const surplus = Math.max(0, outcome.results.length - options.results);
      const results = surplus > 0 ? outcome.results.slice(0, options.results) : outcome.results;
      return { results, info: outcome.info, surplus, url, attempts: attempt, fetchedAt: new Date(now()).toISOString() };
    }
    failures.push(outcome.failure);
    const willRetry = outcome.failure.retryable && attempt < retry.maxAttempts;
    const delayMs = willRetry ? retryDelayMs(attempt, outcome.failure.retryAfterMs, retry, random) : undefined;
    options.onAttemptFailed?.(outcome.failure, delayMs);
    if (delayMs === undefined) break;
    // An abort ends the wait early; the next round's throwIfAborted() ends the fetch.
    await sleep(delayMs, options.signal);
  }
  throw new FetchUsersError(url, failures);
}

/**
 * Fetches one page of users (`fetchUsersPage`) and validates each record on its own: bad ones land in
 * `invalid` with a reason, good ones are normalised with the PII policy applied.
 */
export async function fetchUsers(options: FetchUsersOptions): Promise<FetchUsersResult> {
  const { results, ...page } = await fetchUsersPage(options);
  const { users, invalid } = normalizeRecords(results, { pii: options.pii ?? 'keep', ...(options.piiSalt !== undefined ? { piiSalt: options.piiSalt } : {}) });
  return { users, invalid, ...page };
}
