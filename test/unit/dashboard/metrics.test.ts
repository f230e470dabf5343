import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/dashboard/metrics.js';
import type { PipelineView } from '../../../src/dashboard/pipeline.js';
import type { DashboardSnapshot } from '../../../src/dashboard/views.js';

const pipeline: PipelineView = {
  name: 'randomuser',
  file: 'pipelines/randomuser.ts',
  source: { kind: 'randomuser', label: 'randomuser', title: 'Random User API' },
  flow: ['Random User API', 'Kafka', 'Spark Structured Streaming', 'MongoDB'],
  topics: ['users.profile'],
  collections: ['streamline.users_profile'],
};

const snapshot = (): DashboardSnapshot => ({
  at: '2026-01-01T00:00:00.000Z',
  refreshMs: 2_000,
  services: {},
  topics: {},
  queries: {
    value: [
      { name: 'ingest_users_profile', id: 'q1', active: true, state: 'active' },
      { name: 'ingest_users_location', id: '', active: false, state: 'missing', lastError: 'Timeout of 60000ms expired' },
      { name: 'dead_letters', id: 'q3', active: false, state: 'failed', exception: 'boom' },
    ],
  },
  supervisor: { value: { pid: 42, status: { pid: 42, startedAt: 'a', updatedAt: 'b', state: 'recovering', restarts: 3, failures: { 'kafka-unavailable': 2, 'query-failed': 1 }, queryErrors: {}, active: [] } } },
  collections: {},
  latest: {},
});

describe('/metrics: nothing stops silently', () => {
  it('has a series per expected query, the expected-vs-active gauges and the supervisor counters', async () => {
    const text = await createMetrics(snapshot, pipeline).metrics();
    expect(text).toContain('streamline_query_active{query="ingest_users_profile",state="active"} 1');
    expect(text).toContain('streamline_query_active{query="ingest_users_location",state="missing"} 0');
    expect(text).toContain('streamline_query_active{query="dead_letters",state="failed"} 0');
    expect(text).toContain('streamline_queries_expected 3');
    expect(text).toContain('streamline_queries_active 1');
    expect(text).toContain('streamline_stream_supervisor_up 1');
    expect(text).toContain('streamline_stream_supervisor_restarts_total 3');
    expect(text).toContain('streamline_stream_supervisor_failures_total{cause="kafka-unavailable"} 2');
  });

  it('says when no supervisor runs', async () => {
    const text = await createMetrics(() => ({ ...snapshot(), supervisor: { value: null } }), pipeline).metrics();
    expect(text).toContain('streamline_stream_supervisor_up 0');
    expect(text).not.toContain('streamline_stream_supervisor_restarts_total 3');
  });
});
