import { Counter, Gauge, Registry } from 'prom-client';
import type { PipelineView } from './pipeline.js';
import type { DashboardSnapshot } from './views.js';

/**
 * The dashboard's figures in Prometheus text format. Every metric reads the collectors' latest
 * snapshot when scraped (prom-client `collect`), so /metrics and /api/ always agree.
 * Totals that Kafka or Spark already count (end offsets, offsets read) are exposed as counters set
 * to that value: they only grow while the topics exist. Which pipeline it is comes as one info series,
 * so the existing series keep their labels (and the queries on them keep working).
 */
export function createMetrics(read: () => DashboardSnapshot, pipeline: PipelineView): Registry {
  const registry = new Registry();
  let current: DashboardSnapshot | undefined;
  // One snapshot per scrape, taken by the first metric collected.
  const snap = () => (current ??= read());
  type Set = (labels: Record<string, string>, value: number) => void;
  const define = (kind: typeof Gauge | typeof Counter, name: string, help: string, labelNames: string[], fill: (set: Set, s: DashboardSnapshot) => void) =>
    new kind({
      name,
      help,
      labelNames,
      registers: [registry],
      collect(this: Gauge | Counter) {
        this.reset();
        fill((labels, value) => (this instanceof Gauge ? this.set(labels, value) : this.inc(labels, value)), snap());
      },
    });
  const gauge = (name: string, help: string, labelNames: string[], fill: (set: Set, s: DashboardSnapshot) => void) => define(Gauge, name, help, labelNames, fill);
  const counter = (name: string, help: string, labelNames: string[], fill: (set: Set, s: DashboardSnapshot) => void) => define(Counter, name, help, labelNames, fill);

  gauge('streamline_pipeline_info', 'The pipeline the services run: its name, source and file (always 1).', ['pipeline', 'source', 'file'], (set) => {
    set({ pipeline: pipeline.name, source: pipeline.source.label, file: pipeline.file }, 1);
  });
  gauge('streamline_service_up', 'Whether the service answers its health probe (1) or not (0).', ['service', 'address'], (set, s) => {
    for (const svc of s.services.value ?? []) set({ service: svc.name, address: svc.address }, svc.up ? 1 : 0);
  });
  gauge('streamline_service_uptime_seconds', 'Seconds since the supervised process started.', ['service'], (set, s) => {
    for (const svc of s.services.value ?? []) if (svc.uptimeMs !== undefined) set({ service: svc.name }, svc.uptimeMs / 1000);
  });
  counter('streamline_topic_produced_records_total', 'Records ever produced to the topic (sum of its partitions\' end offsets).', ['topic'], (set, s) => {
    for (const t of s.topics.value ?? []) set({ topic: t.topic }, t.produced);
  });
  gauge('streamline_topic_end_offset', 'Next offset to be written, per partition.', ['topic', 'partition'], (set, s) => {
    for (const t of s.topics.value ?? []) for (const [partition, offset] of Object.entries(t.endOffsets)) set({ topic: t.topic, partition }, offset);
  });
  gauge('streamline_topic_partitions', 'Partitions of the topic.', ['topic'], (set, s) => {
    for (const t of s.topics.value ?? []) set({ topic: t.topic }, t.partitions);
  });
  gauge('streamline_query_active', 'Whether the streaming query is active (1) or not (0: failed, restarting or missing); every query the pipeline expects has a series.', ['query', 'state'], (set, s) => {
    for (const q of s.queries.value ?? []) set({ query: q.name, state: q.state ?? (q.active ? 'active' : 'missing') }, q.active && !q.exception ? 1 : 0);
  });
  gauge('streamline_queries_expected', 'Streaming queries the pipeline definition implies.', [], (set, s) => {
    if (s.queries.value) set({}, s.queries.value.filter((q) => q.state !== undefined).length);
  });
  gauge('streamline_queries_active', 'Expected streaming queries that are active (equal to streamline_queries_expected when all is well).', [], (set, s) => {
    if (s.queries.value) set({}, s.queries.value.filter((q) => q.state === 'active').length);
  });
  gauge('streamline_stream_supervisor_up', 'Whether the detached stream supervisor process runs (1) or not (0).', [], (set, s) => {
    if (s.supervisor.value !== undefined) set({}, s.supervisor.value ? 1 : 0);
  });
  counter('streamline_stream_supervisor_failures_total', 'Failures the running stream supervisor has seen, by cause.', ['cause'], (set, s) => {
    for (const [cause, n] of Object.entries(s.supervisor.value?.status?.failures ?? {})) set({ cause }, n ?? 0);
  });
  counter('streamline_stream_supervisor_restarts_total', 'Times the running stream supervisor started the queries again.', [], (set, s) => {
    if (s.supervisor.value?.status) set({}, s.supervisor.value.status.restarts);
  });
  counter('streamline_query_processed_records_total', 'Kafka records the query has read (sum of the offsets in its latest progress).', ['query'], (set, s) => {
    for (const q of s.queries.value ?? []) if (q.recordsRead !== undefined) set({ query: q.name }, q.recordsRead);
  });
  gauge('streamline_query_processed_rows_per_second', 'Rows per second processed in the latest batch that had data.', ['query'], (set, s) => {
    for (const q of s.queries.value ?? []) if (q.processedRowsPerSecond !== undefined) set({ query: q.name }, q.processedRowsPerSecond);
  });
  gauge('streamline_query_input_rows_per_second', 'Rows per second arriving, from the latest batch that had data.', ['query'], (set, s) => {
    for (const q of s.queries.value ?? []) if (q.inputRowsPerSecond !== undefined) set({ query: q.name }, q.inputRowsPerSecond);
  });
  gauge('streamline_query_batch_duration_seconds', 'Duration of the latest micro-batch that had data.', ['query'], (set, s) => {
    for (const q of s.queries.value ?? []) if (q.batchDurationMs !== undefined) set({ query: q.name }, q.batchDurationMs / 1000);
  });
  gauge('streamline_query_last_batch_id', 'Id of the latest micro-batch.', ['query'], (set, s) => {
    for (const q of s.queries.value ?? []) if (q.batchId !== undefined) set({ query: q.name }, q.batchId);
  });
  gauge('streamline_query_lag_records', 'Kafka end offsets minus the offsets in the query\'s latest progress.', ['query', 'topic'], (set, s) => {
    for (const q of s.queries.value ?? []) for (const [topic, lag] of Object.entries(q.lagByTopic ?? {})) set({ query: q.name, topic }, lag);
  });
  gauge('streamline_collection_documents', 'Documents in the MongoDB collection.', ['collection'], (set, s) => {
    for (const c of s.collections.value ?? []) set({ collection: c.collection }, c.documents);
  });
  gauge('streamline_dead_letters', 'Records that failed validation, kept in the dead-letter collection, per source topic.', ['topic'], (set, s) => {
    for (const [topic, count] of Object.entries(s.latest.value?.deadLettersByTopic ?? {})) set({ topic }, count);
  });
  gauge('streamline_collector_ok', 'Whether each collector\'s latest refresh succeeded (1) or failed (0).', ['collector'], (set, s) => {
    for (const key of ['services', 'topics', 'queries', 'supervisor', 'collections', 'latest'] as const) set({ collector: key }, s[key].error ? 0 : 1);
  });

  // Forget the snapshot once the scrape is done, so the next scrape reads a fresh one.
  const metrics = registry.metrics.bind(registry);
  registry.metrics = async () => {
    try {
      return await metrics();
    } finally {
      current = undefined;
    }
  };
  return registry;
}
