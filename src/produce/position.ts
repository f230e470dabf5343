import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { Position } from '../source/runtime.js';

/**
 * Where a restarted run resumes: read the source from `from` (its start when absent) and skip the first
 * `skip` records of that first page, which were acknowledged already.
 */
export interface ResumePoint {
  readonly from?: Position;
  readonly skip: number;
}

/** One page as the tracker follows it: where it started, how many of its records were skipped, which are settled. */
export interface TrackedPage {
  readonly start: Position | undefined;
  readonly end: Position;
  readonly skipped: number;
  readonly settled: boolean[];
  prefix: number;
}

/**
 * Follows pages in source order and finds the resume point: the first record not yet settled (acknowledged
 * on every topic, or never to be sent: rejected, skipped). Records settle in any order (acknowledgements
 * cross partitions); the point only moves over a settled prefix, so nothing unacknowledged is passed.
 */
export class PositionTracker {
  readonly #pages: TrackedPage[] = [];
  #last: ResumePoint;

  constructor(start: ResumePoint) {
    this.#last = start;
  }

  /** A page read after the previous one; `records` is how many records it brought (after any skip). */
  admit(start: Position | undefined, end: Position, records: number, skipped = 0): TrackedPage {
    const page: TrackedPage = { start, end, skipped, settled: new Array<boolean>(records).fill(false), prefix: 0 };
    this.#pages.push(page);
    this.#advance();
    return page;
  }

  settle(page: TrackedPage, index: number): void {
    page.settled[index] = true;
    while (page.prefix < page.settled.length && page.settled[page.prefix]) page.prefix++;
    this.#advance();
  }

  /** Where a run started now would resume. */
  point(): ResumePoint {
    const head = this.#pages[0];
    if (head === undefined) return this.#last;
    return { ...(head.start === undefined ? {} : { from: head.start }), skip: head.skipped + head.prefix };
  }

  /** Drops fully settled pages from the head; returns whether a page completed (the moment to store the point). */
  #advance(): boolean {
    let completed = false;
    for (let head = this.#pages[0]; head !== undefined && head.prefix === head.settled.length; head = this.#pages[0]) {
      this.#pages.shift();
      this.#last = { from: head.end, skip: 0 };
      completed = true;
    }
    if (completed) this.onPageDone?.(this.#last);
    return completed;
  }

  /** Called when the pages up to one settled completely, with the new resume point. */
  onPageDone: ((point: ResumePoint) => void) | undefined;
}

/** The resume point in `file`, or the start when there is none; a file that cannot be read is an error naming it. */
export function readResumePoint(file: string): ResumePoint {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { skip: 0 };
    throw error;
  }
  try {
    const stored = JSON.parse(text) as { from?: Position; skip?: unknown };
    if (typeof stored !== 'object' || stored === null || typeof stored.skip !== 'number' || !Number.isInteger(stored.skip) || stored.skip < 0) throw new Error('no whole number "skip"');
    if (stored.from !== undefined && (typeof stored.from !== 'object' || typeof stored.from.kind !== 'string')) throw new Error('"from" is not a position');
    return { ...(stored.from === undefined ? {} : { from: stored.from }), skip: stored.skip };
  } catch (error) {
    throw new ConfigError(`the source position file ${file} is not readable: ${(error as Error).message}`, { hint: 'remove it to read the source from its start' });
  }
}

/** Stores the resume point atomically (a crash leaves the old file or the new one, never half of one). */
export function writeResumePoint(file: string, point: ResumePoint): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.tmp`;
  writeFileSync(temp, `${JSON.stringify(point)}\n`);
  renameSync(temp, file);
}
