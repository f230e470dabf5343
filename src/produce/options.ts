import type { IntervalSpec } from './pacing.js';
import type { ProgressState } from './progress.js';
import type { Acknowledgement } from './ack-log.js';
import type { PacingMode } from './scheduler.js';

/**
 * How much to produce and at what pace: the options every way of producing shares (`streamline
 * produce`, the demo, the Airflow DAG through the CLI, and runProducer underneath them).
 */
export interface ProduceRunOptions {
  /** Users to produce (per topic). Without count or duration the run lasts until the signal aborts. */
  count?: number;
  durationMs?: number;
  /** Upper bound in users per second, i.e. records per second on each topic. */
  rate?: number;
  /** Seeds both the API pages and the pacing; generated (and reported) when absent. */
  seed?: string;
  /** Random gaps between fetches; none: fetch as fast as the producer keeps up. */
  interval?: IntervalSpec;
  /** One schedule for all topics, or one per topic. Default together. */
  pacing?: PacingMode;
  /** Users per fetch (the API's `results`). */
  batchSize?: number;
  /** Ctrl-C: stops taking users, then waits for every record in flight. */
  signal?: AbortSignal;
  onProgress?: (state: ProgressState) => void;
  /** Each record Kafka acknowledged, as the acknowledgement arrives (`--ack-log`, the fault suite's checker). */
  onAcknowledged?: (ack: Acknowledgement) => void;
  /** Fetch failures and users the router rejected. Default console.warn. */
  onWarning?: (message: string) => void;
}
