export { systemClock, type Clock } from './clock.js';
export type { ProduceRunOptions } from './options.js';
export { EmptyPageError, UserFeed, type FeedStats, type FetchBatch, type FetchedBatch } from './feed.js';
export { DeliveryTimeoutError, type KafkaHealth, type KafkaOutage } from './outage.js';
export { createKafkaProducer, KafkaProducer, type KafkaProducerOptions, type ProducerStats } from './kafka-producer.js';
export { createRouter, jsonMessage, type DeliveryReport, type OutgoingMessage, type TopicRoute } from './message.js';
export { describeInterval, intervalGenerator, RateLimiter, validateInterval, type IntervalSpec, type RateLimiterOptions } from './pacing.js';
export {
  formatCount,
  formatElapsed,
  formatOutage,
  formatProgressLine,
  formatSummary,
  ratePerSec,
  summaryHasFailures,
  type ProduceSummary,
  type ProgressState,
  type StopReason,
  type TopicProgress,
} from './progress.js';
export { openAckLog, type Acknowledgement, type AckLog } from './ack-log.js';
export { summaryJson, writeSummaryFile, type SummaryJson } from './summary-json.js';
export { deriveSeed, mulberry32, randomSeed, type Random } from './random.js';
export { runProducer, type RunProducerDeps, type RunProducerOptions } from './run.js';
export { planLanes, runLane, TOGETHER_LANE, type Lane, type LaneEnd, type PacingMode, type TickOutcome } from './scheduler.js';
export { produceUsers, userRoutes, type ProduceUsersOptions } from './users.js';
