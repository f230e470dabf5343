import type { IntervalSpec } from './pacing.js';
import type { ProgressState } from './progress.js';
import type { Acknowledgement } from './ack-log.js';
import type { PacingMode } from './scheduler.js';

/**
 * How much to produce and at what pace: the options every way of producing shares (`streamline
 * produce`, the demo, the Airflow DAG through the CLI, and runProducer underneath them).
 */
export interface ProduceRunOptions {
  /** Source records to produce (each makes its records on every topic). Without count or duration the run lasts until the signal aborts. */
  count?: number;
  durationMs?: number;
  /** Upper bound in source records per second (for one-record-per-topic pipelines, records per second on each topic). */
  rate?: number;
  /** Seeds both a seeded source's pages (randomUser) and the pacing; generated (and reported) when absent. */
  seed?: string;
  /** Random gaps between fetches; none: fetch as fast as the producer keeps up. */
  interval?: IntervalSpec;
  /** One schedule for all topics, or one per topic. Default together. */
  pacing?: PacingMode;
  /** Records per fetch (randomUser: the API's `results`). */
  batchSize?: number;
  /** Ctrl-C: stops taking source records, then waits for every message in flight. */
  signal?: AbortSignal;
  onProgress?: (state: ProgressState) => void;
  /** Each record Kafka acknowledged, as the acknowledgement arrives (`--ack-log`, the fault suite's checker). */
  onAcknowledged?: (ack: Acknowledgement) => void;
  /** Fetch failures and records the router rejected. Default console.warn. */
  onWarning?: (message: string) => void;
}
