/** Where records land in MongoDB: pure naming and index plans, no I/O. */

/** The default dead-letter collection (a pipeline's `sink.deadLetters` may name another). */
export const DEAD_LETTERS = 'dead_letters';

export interface IndexPlan {
  name: string;
  key: Record<string, 1 | -1>;
  unique?: boolean;
}
