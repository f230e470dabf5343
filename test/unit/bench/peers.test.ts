import { describe, expect, it } from 'vitest';
import { sinkProperties, toProperties, workerProperties } from '../../../bench/connect.js';
import { parseProducerPerformance } from '../../../bench/produce.js';
import { testRuntimeConfig } from '../../../harness/runtime.js';
import { builtinBindings } from '../../../harness/builtin-pipeline.js';

describe('benchmark peers', () => {
  it("reads ProducerPerformance's summary line, not its progress lines", () => {
    expect(parseProducerPerformance('80000 records sent, 41322.3 records/sec (20.11 MB/sec), 512.34 ms avg latency, 1200.00 ms max latency, 480 ms 50th, 900 ms 95th')).toEqual({
      records: 80000,
      recordsPerSec: 41322.3,
      mbPerSec: 20.11,
      avgLatencyMs: 512.34,
    });
    expect(parseProducerPerformance('201733 records sent, 40346.6 records/sec (19.70 MB/sec), 800.1 ms avg latency, 1100.0 ms max latency.')).toBeDefined();
    expect(parseProducerPerformance('[2026-01-01] INFO ProducerConfig values:')).toBeUndefined();
  });

  it('configures the MongoDB sink to upsert by _id = the value id, one collection per topic', () => {
    const config = testRuntimeConfig('unit-connect', 'integration');
    const bindings = builtinBindings(['users.profile', 'users.contact']);
    const sink = sinkProperties(config, { name: 'sink-1', database: 'peer_db', bindings, tasks: 2 });
    expect(sink).toMatchObject({
      'tasks.max': 2,
      topics: 'users.profile,users.contact',
      database: 'peer_db',
      'topic.override.users.profile.collection': 'users_profile',
      'topic.override.users.contact.collection': 'users_contact',
      'transforms.idAsDocumentId.renames': 'id:_id',
      'document.id.strategy': 'com.mongodb.kafka.connect.sink.processor.id.strategy.ProvidedInValueStrategy',
      'writemodel.strategy': 'com.mongodb.kafka.connect.sink.writemodel.strategy.ReplaceOneDefaultStrategy',
    });
    expect(String(sink['connection.uri'])).toMatch(/^mongodb:\/\/.*:\d+/);
    const worker = toProperties(workerProperties(config, { dir: '/tmp/w', restPort: 12345 }));
    expect(worker).toContain('value.converter.schemas.enable=false\n');
    expect(worker).toContain(`listeners=http://${config.kafka.host}:12345\n`);
    expect(worker).toMatch(/^plugin\.path=.*bench\/plugins$/m);
  });
});
