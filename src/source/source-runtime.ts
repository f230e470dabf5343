import type { FileSource, HttpJsonSource, RandomUserSource } from '../pipeline/sources.js';
import type { SourceContext } from './context.js';
import { fileRuntime } from './file/runtime.js';
import { httpJsonRuntime } from './http/runtime.js';
import { randomUserRuntime } from './randomuser/runtime.js';
import type { SourceRuntime } from './runtime.js';

/**
 * The runtime behind a pipeline's source declaration. Env values are resolved here, so a missing
 * variable fails at start, naming it.
 */
export function sourceRuntime<R>(source: RandomUserSource | HttpJsonSource<R> | FileSource<R>, ctx: SourceContext): SourceRuntime<R> {
  switch (source.kind) {
    case 'randomuser':
      // The randomUser source's record type is the canonical user (RandomUserSource's R).
      return randomUserRuntime(source, ctx) as SourceRuntime<unknown> as SourceRuntime<R>;
    case 'http-json':
      return httpJsonRuntime(source, ctx);
    case 'file':
      return fileRuntime(source, ctx);
  }
}
