// STUB from engineer D's branch (issue-23d) so `streamline check` can call the validation: engineer A's
// branch (issue-23a) owns this file and its real rules (plan-23 §b.1); on merge, keep A's version.
import type { Pipeline } from './define.js';

export interface PipelineProblem {
  /** Key path in the definition, e.g. `topics['orders.lines'].key`. */
  path: string;
  message: string;
  hint?: string;
  severity: 'error' | 'warning';
}

/** Everything the types cannot see about a definition (stub: finds nothing). */
export function validatePipeline(_definition: Pipeline): PipelineProblem[] {
  return [];
}

/** Throws on the first error-severity problem, naming `file` (stub: never throws). */
export function assertValidPipeline(_definition: Pipeline, _file: string): void {}
