import type { FileSource, HttpJsonSource, RandomUserSource, Source } from '../pipeline/sources.js';
import type { SourceContext } from './context.js';
import { fileRuntime } from './file/runtime.js';
import { httpJsonRuntime } from './http/runtime.js';
import { RANDOM_USER_NOUN, randomUserRuntime } from './randomuser/runtime.js';
import type { SourceRuntime } from './runtime.js';

/**
 * The runtime behind a pipeline's source declaration. Env values are resolved here, so a missing
 * variable fails at start, naming it.
 */
export function sourceRuntime<R>(source: RandomUserSource | HttpJsonSource<R> | FileSource<R>, ctx: SourceContext): SourceRuntime<R> {
  switch (source.kind) {
    case 'randomuser':
      // The randomUser source's record type is the Random User record (RandomUserSource's R).
      return randomUserRuntime(source, ctx) as SourceRuntime<unknown> as SourceRuntime<R>;
    case 'http-json':
      return httpJsonRuntime(source, ctx);
    case 'file':
      return fileRuntime(source, ctx);
  }
}

/** How what a source reads is called in what the CLI prints ("produced 500 records/topic"). */
export interface RecordNoun {
  readonly one: string;
  readonly many: string;
}

const RECORD_NOUN: RecordNoun = { one: 'record', many: 'records' };

/** The noun of a source's records: its own word where it has one (randomUser's), `record`/`records` otherwise. */
export const recordNoun = (source: Source): RecordNoun => (source.kind === 'randomuser' ? RANDOM_USER_NOUN : RECORD_NOUN);
