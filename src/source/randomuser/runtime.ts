import { randomBytes } from 'node:crypto';
import { ConfigError } from '../../core/errors.js';
import { redactUri } from '../../config/redact.js';
import { normalizeRecord, type RandomUserRecord } from './record.js';
import type { RandomUserSource } from '../../pipeline/sources.js';
import { fetchUsersPage } from './client.js';
import { contextClock, resolveEnvValue, type SourceContext } from '../context.js';
import { retryOptions } from '../retry.js';
import type { Normalized, Position, SourcePage, SourceRuntime } from '../runtime.js';

const DEFAULT_PAGE_SIZE = 500;

/** What the CLI calls this source's records: the demo has always said "produced 500 users/topic". */
export const RANDOM_USER_NOUN = { one: 'user', many: 'users' } as const;
const MAX_PAGE_SIZE = 5000;

/** `randomuser:<host>`, the envelope's `source`: local and real runs are told apart. */
function randomUserLabel(url: string): string {
  return URL.canParse(url) ? `randomuser:${new URL(url).host}` : 'randomuser';
}

/**
 * Normalisation without the PII policy: `keep` returns every value as it is, and the pipeline's `pii` rules
 * (pipelines/randomuser.ts declares the same paths the client's policy covers) are applied afterwards by
 * `protect()`. Masked and hashed values are strings like the originals, so validating before or after the
 * policy accepts the same records.
 */
function normalizeUser(raw: unknown): Normalized<RandomUserRecord> {
  const outcome = normalizeRecord(raw, { pii: 'keep' });
  return outcome.ok ? { ok: true, record: outcome.user } : { ok: false, reason: outcome.reason };
}

/**
 * The runtime of a `randomUser()` source: today's client (fetchUsersPage: the same requests, retries,
 * body cap and quirks) paged by the API's own `page` and `seed`, an endless source. Records are checked and
 * normalised by the client's allow-list (secrets never leave it); PII is the pipeline's business.
 */
export function randomUserRuntime(source: RandomUserSource, ctx: SourceContext): SourceRuntime<RandomUserRecord> {
  const options = source.options;
  const env = ctx.env ?? process.env;
  const url = options.url === undefined ? ctx.defaultUrl : resolveEnvValue(options.url, 'randomUser url', env);
  if (url === undefined) throw new ConfigError('randomUser() names no url and no local Random User API was started for the run', { hint: 'give randomUser({ url }) or set api.url' });
  if (!URL.canParse(url)) throw new ConfigError(`randomUser url must be an absolute URL, got ${redactUri(JSON.stringify(url))}`, { hint: 'write it as http(s)://host/path, e.g. https://randomuser.me/api/' });
  const pageSize = ctx.pageSize ?? options.batchSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new ConfigError(`randomUser batch size must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`, { hint: 'the API answers at most 5000 results per request' });
  }
  const retry = retryOptions(options.retries, 'randomUser');
  const seed = ctx.seed ?? randomBytes(8).toString('hex');
  const clock = contextClock(ctx);
  const nat = options.nat;
  let surplus = 0;

  return {
    label: source.label ?? randomUserLabel(url),
    secrets: [],
    normalize: normalizeUser,
    describe: () => `randomUser GET ${redactUri(url)} (seed ${seed}, ${pageSize} per request${nat ? `, nat ${nat.join(',').toUpperCase()}` : ''})`,
    async *pages(from: Position | undefined, signal?: AbortSignal, demand?: () => number): AsyncGenerator<SourcePage> {
      if (from !== undefined && from.kind !== 'page') {
        throw new ConfigError(`randomUser source ${redactUri(url)}: cannot resume from a ${from.kind} position`, { hint: 'the stored position belongs to another source definition: remove it to start from the beginning' });
      }
      // Pages advance only on success: a failed request throws, and the reader resumes at the same page.
      for (let page = from?.page ?? 1; !signal?.aborted; page += 1) {
        const results = Math.max(1, Math.min(pageSize, demand?.() ?? pageSize));
        const fetched = await fetchUsersPage({
          apiUrl: url,
          results,
          seed,
          page,
          retry,
          sleep: (ms, s) => clock.sleep(ms, s),
          ...(nat === undefined ? {} : { nat }),
          ...(signal === undefined ? {} : { signal }),
          ...(ctx.random === undefined ? {} : { random: ctx.random }),
          ...(ctx.maxResponseBytes === undefined ? {} : { maxResponseBytes: ctx.maxResponseBytes }),
        });
        if (fetched.surplus > 0) {
          surplus += fetched.surplus;
          ctx.onWarning?.(`${fetched.url} answered ${results + fetched.surplus} results for ${results} asked: dropped ${fetched.surplus} (${surplus} dropped in this run)`);
        }
        yield { records: fetched.results, position: { kind: 'page', page: page + 1 }, fetchedAt: fetched.fetchedAt };
      }
    },
  };
}
