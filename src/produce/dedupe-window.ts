// The producer's duplicate check over a bounded window of recent record keys, so a run without count or
// duration holds flat memory (a Set of every key grew without bound and ended at V8's 2^24 entries).
// What it catches: the same record served again within the last `maxIds` keys (and `maxAgeMs`, when
// set), e.g. a page fetched twice after a retry, or the Random User API repeating a person soon after. What
// it does not: a record repeated after it left the window; the store's upsert by `_id` absorbs that one (the
// document is rewritten with the newer content, never duplicated). Documented in docs/always-on.md, "A
// producer in flat memory".

export interface DedupeWindowOptions {
  /** Ids remembered at most (the oldest are forgotten first). */
  maxIds: number;
  /** Forget ids older than this too (ms); undefined: by count only. */
  maxAgeMs?: number;
  /** Milliseconds, monotonic (the producer's clock). */
  now: () => number;
}

export class DedupeWindow {
  /** id -> when it was added; a Map iterates in insertion order, so the oldest come first. */
  readonly #ids = new Map<string, number>();
  readonly #options: DedupeWindowOptions;
  /** Ids that left the window (by count or age) so far. */
  forgotten = 0;

  constructor(options: DedupeWindowOptions) {
    if (!Number.isSafeInteger(options.maxIds) || options.maxIds < 1) throw new RangeError(`the duplicate window must hold at least 1 id, got ${options.maxIds}`);
    if (options.maxAgeMs !== undefined && !(options.maxAgeMs > 0)) throw new RangeError(`the duplicate window's age must be > 0 ms, got ${options.maxAgeMs}`);
    this.#options = options;
  }

  get size(): number {
    return this.#ids.size;
  }

  /** True (and nothing changes) when `id` is in the window; otherwise remembers it and returns false. */
  seenBefore(id: string): boolean {
    this.#expire();
    if (this.#ids.has(id)) return true;
    this.#ids.set(id, this.#options.now());
    if (this.#ids.size > this.#options.maxIds) this.#forgetOldest();
    return false;
  }

  #forgetOldest(): void {
    const oldest = this.#ids.keys().next();
    if (oldest.done) return;
    this.#ids.delete(oldest.value);
    this.forgotten++;
  }

  #expire(): void {
    const { maxAgeMs, now } = this.#options;
    if (maxAgeMs === undefined) return;
    const cutoff = now() - maxAgeMs;
    for (const [id, at] of this.#ids) {
      if (at >= cutoff) break;
      this.#ids.delete(id);
      this.forgotten++;
    }
  }
}

/** Appends to a list that keeps only its latest `max` values (amortised O(1): trimmed in chunks). */
export function pushBounded(values: number[], value: number, max: number): void {
  values.push(value);
  if (values.length >= 2 * max) values.splice(0, values.length - max);
}

/** The latest `max` values of a list kept by pushBounded. */
export const latest = (values: number[], max: number): number[] => (values.length > max ? values.slice(-max) : values);
