import { DedupeWindow } from './dedupe-window.js';

/** Keys remembered for the duplicate check when the caller does not say (config produce.dedupeWindowKeys). */
const DEFAULT_DEDUPE_WINDOW_KEYS = 100_000;

/** What the source returns for one page: the valid records and how many it rejected. */
export interface FetchedBatch<R> {
  records: R[];
  invalid: number;
  /** The source has nothing more (a finite source past its last page): `records` is empty, and no page is counted. */
  end?: boolean;
}

/**
 * Fetches `count` records for a page. Deterministic for a given seed and page (a seeded source is; a finite
 * source is read from its position).
 * `signal` aborts on Ctrl-C; honouring it is optional (it only makes Ctrl-C quicker).
 */
export type FetchBatch<R> = (count: number, position: { seed: string; page: number; signal?: AbortSignal }) => Promise<FetchedBatch<R>>;

export interface FeedStats {
  /** Valid records received, duplicates included. */
  fetched: number;
  invalid: number;
  /** Records whose key was in the duplicate window (the latest keys of this run); dropped, never sent twice. */
  duplicates: number;
  fetchErrors: number;
  /** Pages fetched successfully; the next request asks for page `pages + 1`. */
  pages: number;
  consecutiveFailures: number;
  lastFetchError?: string;
}

export interface RecordFeedOptions<R> {
  fetchBatch: FetchBatch<R>;
  recordKey: (record: R) => string;
  batchSize: number;
  seed: string;
  /** The readers (lanes); each walks the whole sequence once. */
  readers: readonly string[];
  /** Distinct records the run needs at most (the count); stops fetching beyond it. */
  limit?: number;
  /**
   * The duplicate window: keys remembered at most, and for how long (ms; undefined: no age limit). `false`: no
   * duplicate check (sources whose records are versions of a key, like an order whose status changes).
   */
  dedupe?: { maxKeys: number; maxAgeMs?: number; now: () => number } | false;
  /** Called with each record dropped as a duplicate. */
  onDuplicate?: (record: R) => void;
  /** Passed to fetchBatch; a fetch that fails after it aborted is not counted as a fetch error. */
  signal?: AbortSignal;
  /** Called after every fetch, successful or not. */
  onFetch?: (stats: Readonly<FeedStats>) => void;
}

/** A page that had no records at all, valid or invalid: counted as a failed fetch, not as progress. */
class EmptyPageError extends Error {
  constructor(page: number) {
    super(`the source returned no records for page ${page}`);
    this.name = 'EmptyPageError';
  }
}

/**
 * The run's single sequence of distinct records, fetched page by page on demand and shared by every
 * lane. Pages advance only on success (a failed page is asked for again, and the source returns the
 * same records for the same seed and page), and a key in the duplicate window (the latest
 * `dedupe.maxKeys` keys) is dropped, so no lane sees a record twice within it, even across retried
 * fetches. Memory stays flat however long the run: records every lane has read are released too.
 */
export class RecordFeed<R> {
  readonly #options: RecordFeedOptions<R>;
  /** Records from index #offset on; earlier ones were read by every reader and released. */
  #records: R[] = [];
  #offset = 0;
  readonly #cursors: Map<string, number>;
  readonly #seen: DedupeWindow | undefined;
  #ended = false;
  #fetching: Promise<void> | undefined;
  readonly #stats: FeedStats = { fetched: 0, invalid: 0, duplicates: 0, fetchErrors: 0, pages: 0, consecutiveFailures: 0 };

  constructor(options: RecordFeedOptions<R>) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new RangeError(`batchSize must be a whole number >= 1, got ${options.batchSize}`);
    if (options.readers.length === 0) throw new Error('a record feed needs at least one reader');
    this.#options = options;
    const dedupe = options.dedupe ?? { maxKeys: DEFAULT_DEDUPE_WINDOW_KEYS, now: () => performance.now() };
    this.#seen = dedupe === false ? undefined : new DedupeWindow({ maxIds: dedupe.maxKeys, maxAgeMs: dedupe.maxAgeMs, now: dedupe.now });
    this.#cursors = new Map(options.readers.map((reader) => [reader, 0]));
  }

  stats(): Readonly<FeedStats> {
    return { ...this.#stats };
  }

  /** Distinct records seen so far. */
  get size(): number {
    return this.#offset + this.#records.length;
  }

  /** Whether the reader has read everything of a source that ended. */
  drained(reader: string): boolean {
    return this.#ended && (this.#cursors.get(reader) ?? 0) >= this.size;
  }

  /**
   * The reader's next records, at most `max`. Fetches one page when the reader has read everything
   * buffered (concurrent readers share that fetch). Returns [] when a page brought nothing new
   * (all invalid or duplicates); throws the fetch error when the page failed.
   */
  async next(reader: string, max: number): Promise<R[]> {
    const cursor = this.#cursors.get(reader);
    if (cursor === undefined) throw new Error(`unknown feed reader ${reader}`);
    if (cursor >= this.size && !this.#ended) await this.#fetchPage(max);
    const start = cursor - this.#offset;
    const records = this.#records.slice(start, start + Math.max(0, max));
    this.#cursors.set(reader, cursor + records.length);
    this.#release();
    return records;
  }

  #fetchPage(wanted: number): Promise<void> {
    this.#fetching ??= this.#doFetchPage(wanted).finally(() => {
      this.#fetching = undefined;
    });
    return this.#fetching;
  }

  async #doFetchPage(wanted: number): Promise<void> {
    const { fetchBatch, recordKey, batchSize, seed, limit, onFetch, signal } = this.#options;
    const page = this.#stats.pages + 1;
    // Ask only for what the run still needs, so the last page of a counted run is not wasted
    // (but at least what the reader wants, which exceeds that when it had to skip records).
    const count = limit === undefined ? batchSize : Math.max(1, Math.min(batchSize, Math.max(wanted, limit - this.size)));
    try {
      const batch = await fetchBatch(count, signal ? { seed, page, signal } : { seed, page });
      if (batch.end) {
        this.#ended = true;
        this.#stats.consecutiveFailures = 0;
        return;
      }
      if (batch.records.length === 0 && batch.invalid === 0) throw new EmptyPageError(page);
      this.#stats.pages = page;
      this.#stats.fetched += batch.records.length;
      this.#stats.invalid += batch.invalid;
      this.#stats.consecutiveFailures = 0;
      for (const record of batch.records) {
        if (this.#seen?.seenBefore(recordKey(record))) {
          this.#stats.duplicates++;
          this.#options.onDuplicate?.(record);
          continue;
        }
        this.#records.push(record);
      }
    } catch (error) {
      if (signal?.aborted) throw error;
      this.#stats.fetchErrors++;
      this.#stats.consecutiveFailures++;
      this.#stats.lastFetchError = error instanceof Error ? error.message : String(error);
      throw error;
    } finally {
      onFetch?.(this.stats());
    }
  }

  /** Drops records every reader has passed, in chunks so long runs do not keep every record in memory. */
  #release(): void {
    const slowest = Math.min(...this.#cursors.values());
    const releasable = slowest - this.#offset;
    if (releasable >= 1024 || (releasable > 0 && releasable === this.#records.length)) {
      this.#records.splice(0, releasable);
      this.#offset = slowest;
    }
  }
}
