import { describe, expect, it } from 'vitest';
import { pipelineHealthy } from '../../../src/app/status.js';
import type { ExpectedQuery } from '../../../src/app/expected-queries.js';

const query = (name: string, state: ExpectedQuery['state']): ExpectedQuery => ({ name, state });
const active = [query('ingest_users_profile', 'active'), query('ingest_users_location', 'active')];

describe('pipelineHealthy: what `stream status` exits 0 on', () => {
  it('every expected query active and Kafka answering', () => {
    expect(pipelineHealthy({ expected: active, queries: [] })).toBe(true);
  });

  it('a query restarting, failed or missing is not healthy', () => {
    for (const state of ['restarting', 'failed', 'missing'] as const) {
      expect(pipelineHealthy({ expected: [query('ingest_users_profile', 'active'), query('ingest_users_location', state)], queries: [] })).toBe(false);
    }
  });

  it('Kafka not answering is not healthy even while every query still looks active', () => {
    expect(pipelineHealthy({ expected: active, queries: [], kafkaError: 'Kafka at 127.0.0.1:9092 did not answer (connection refused): lag unknown, and the queries cannot read until it answers again' })).toBe(false);
  });
});
