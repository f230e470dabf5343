import type { FileSource, HttpJsonSource } from '../pipeline/sources.js';
import type { SourceContext } from './context.js';
import { fileRuntime } from './file/runtime.js';
import { httpJsonRuntime } from './http/runtime.js';
import type { SourceRuntime } from './runtime.js';

/**
 * The runtime behind a pipeline's source declaration. Env values are resolved here, so a missing
 * variable fails at start, naming it. The randomuser source joins in phase 2 (plan-23 §b.2).
 */
export function sourceRuntime<R>(source: HttpJsonSource<R> | FileSource<R>, ctx: SourceContext): SourceRuntime<R> {
  switch (source.kind) {
    case 'http-json':
      return httpJsonRuntime(source, ctx);
    case 'file':
      return fileRuntime(source, ctx);
  }
}
