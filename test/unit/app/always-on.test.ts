// Pure parts of "Always on" (issue 18): the detached supervisor's policy without a give-up window,
// Kafka outages told apart, expected-vs-running query accounting, the supervisor's status file
// reducer, and the pipeline definition a `stream start` compares before adopting running queries.
import { describe, expect, it } from 'vitest';
import { accountForQueries, activeCount } from '../../../src/app/expected-queries.js';
import { decideRestart, describeFailure, diagnose, withoutGiveUp, type Observations, type RestartPolicy } from '../../../src/app/recovery-policy.js';
import { applyRecoveryEvent, initialSupervisorStatus } from '../../../src/app/stream-supervisor.js';
import { definitionDifferences, expectedQueries, pipelineDefinition, type PipelineSpec } from '../../../src/stream/index.js';
import { string } from '../../../src/model/index.js';
import { builtinBindings } from '../../../harness/builtin-pipeline.js';

const policy: RestartPolicy = { maxRestarts: 3, initialBackoffMs: 1_000, maxBackoffMs: 5_000, healthyAfterMs: 60_000, waitMs: 300_000, restartDriver: true };
const base: Observations = { queryExceptions: [], storeReachable: true, kafkaReachable: true, sparkAddress: '127.0.0.1:15002', storeAddress: 'mongodb://127.0.0.1:27017', kafkaAddress: '127.0.0.1:9092' };

describe('the detached supervisor never gives up', () => {
  it('restarts past any budget, with the backoff capped', () => {
    const unbounded = withoutGiveUp(policy);
    let history = { restarts: 0, runningSince: 0 as number | undefined };
    for (let i = 0; i < 50; i++) {
      const d = decideRestart(unbounded, history, 1_000 + i);
      expect(d.action).toBe('restart');
      if (d.action !== 'restart') return;
      expect(d.delayMs).toBeLessThanOrEqual(5_000);
      history = { ...d.history, runningSince: 1_000 + i };
    }
    expect(decideRestart(policy, history, 2_000).action).toBe('give-up');
  });

  it('says it waits with no time limit instead of a number of seconds', () => {
    const text = describeFailure({ kind: 'store-unavailable', subject: 'mongodb://h:1', detail: 'x' }, withoutGiveUp(policy));
    expect(text).toContain('with no time limit');
    expect(text).not.toContain('Infinity');
  });
});

describe('Kafka outages', () => {
  it('a query that could not fetch positions is a Kafka outage, named with its address', () => {
    const failure = diagnose({ ...base, queryExceptions: [{ query: 'ingest_users_location', message: 'Timeout of 60000ms expired before the position for partition users.location-0 could be determined' }] });
    expect(failure).toMatchObject({ kind: 'kafka-unavailable', subject: '127.0.0.1:9092' });
    expect(describeFailure(failure, policy)).toMatch(/^Kafka at 127\.0\.0\.1:9092 is not answering/);
  });

  it('Kafka not answering the probe counts even when the message says nothing about it', () => {
    expect(diagnose({ ...base, kafkaReachable: false, queryExceptions: [{ query: 'q', message: 'Job aborted' }] }).kind).toBe('kafka-unavailable');
  });

  it('the store down wins over Kafka down (its probe is more specific to the sink)', () => {
    expect(diagnose({ ...base, storeReachable: false, kafkaReachable: false, queryExceptions: [{ query: 'q', message: 'x' }] }).kind).toBe('store-unavailable');
  });
});

describe('expected vs running queries', () => {
  const expected = ['ingest_a', 'ingest_b', 'dead_letters'];

  it('a query that died is failed or missing, never left out', () => {
    const accounted = accountForQueries(expected, [
      { name: 'ingest_a', id: '1', active: true },
      { name: 'dead_letters', id: '3', active: false, exception: 'StreamingQueryException: boom' },
    ]);
    expect(accounted).toEqual([
      { name: 'ingest_a', state: 'active' },
      { name: 'ingest_b', state: 'missing' },
      { name: 'dead_letters', state: 'failed', lastError: 'StreamingQueryException: boom' },
    ]);
    expect(activeCount(accounted)).toBe(1);
  });

  it('while the supervisor recovers, the queries it lost are restarting, with the error it saw', () => {
    const supervisor = { ...initialSupervisorStatus(1, new Date(0)), state: 'recovering' as const, queryErrors: { ingest_b: { at: 'x', message: 'Timeout of 60000ms expired' } }, lastFailure: { at: 'x', kind: 'kafka-unavailable' as const, subject: 'k:1', message: 'Kafka at k:1 is not answering' } };
    const accounted = accountForQueries(expected, [{ name: 'ingest_a', id: '1', active: true }], supervisor);
    expect(accounted).toEqual([
      { name: 'ingest_a', state: 'active' },
      { name: 'ingest_b', state: 'restarting', lastError: 'Timeout of 60000ms expired' },
      { name: 'dead_letters', state: 'restarting', lastError: 'Kafka at k:1 is not answering' },
    ]);
  });

  it('the expected set comes from the pipeline definition: one query per topic, or one for all topics', () => {
    expect(expectedQueries(builtinBindings(['users.profile', 'users.contact']), 'per-topic')).toEqual(['ingest_users_profile', 'ingest_users_contact']);
    expect(expectedQueries(builtinBindings(['users.profile', 'users.contact']), 'one')).toEqual(['ingest_all_topics']);
  });
});

describe('supervisor status file', () => {
  const at = (s: number) => new Date(s * 1000);

  it('counts failures by cause and restarts, and keeps each query\'s last error', () => {
    let status = initialSupervisorStatus(42, at(0));
    status = applyRecoveryEvent(status, { type: 'supervising', queries: ['a', 'b'], session: 's1', adopted: true }, at(1));
    expect(status).toMatchObject({ state: 'watching', session: 's1', active: ['a', 'b'] });
    status = applyRecoveryEvent(status, { type: 'failed', failure: { kind: 'kafka-unavailable', subject: 'k:1', detail: 'd' }, message: 'Kafka at k:1 is not answering', queries: [{ query: 'b', message: 'Timeout of 60000ms expired\n\tat ...' }] }, at(2));
    expect(status).toMatchObject({ state: 'recovering', active: [], failures: { 'kafka-unavailable': 1 }, queryErrors: { b: { message: 'Timeout of 60000ms expired' } } });
    status = applyRecoveryEvent(status, { type: 'start-failed', message: 'Spark Connect is not reachable', retryInMs: 1000 }, at(3));
    status = applyRecoveryEvent(status, { type: 'resumed', queries: 2, afterMs: 5000, attempt: 1, maxRestarts: Infinity, session: 's2' }, at(4));
    expect(status).toMatchObject({ state: 'watching', session: 's2', restarts: 1, failures: { 'kafka-unavailable': 1, 'start-failed': 1 }, updatedAt: at(4).toISOString() });
    status = applyRecoveryEvent(status, { type: 'report', reports: [{ name: 'a', id: '1', active: true }, { name: 'b', id: '2', active: true }] }, at(5));
    expect(status.active).toEqual(['a', 'b']);
    expect(status.queryErrors.b?.message).toBe('Timeout of 60000ms expired');
  });
});

describe('pipeline definition', () => {
  const spec = (over: Partial<PipelineSpec> = {}): PipelineSpec => ({
    bindings: builtinBindings(['users.profile']),
    source: { kafkaBootstrap: 'h:1', kafkaOptions: { 'kafka.sasl.jaas.config': 'password="secret"' }, startingOffsets: 'earliest', maxOffsetsPerTrigger: 100 },
    mongo: { uri: 'mongodb://u:secret@h/', database: 'db', maxBatchSize: 512 },
    checkpointDir: '/c',
    trigger: { processingTime: '1 second' },
    writeTasks: 1,
    layout: 'per-topic',
    ...over,
  });

  it('is the same for the same pipeline and carries no secret', () => {
    expect(definitionDifferences(pipelineDefinition(spec()), pipelineDefinition(spec()))).toEqual([]);
    expect(JSON.stringify(pipelineDefinition(spec()))).not.toContain('secret');
  });

  it('names each difference, with what runs and what was asked for', () => {
    const differences = definitionDifferences(pipelineDefinition(spec()), pipelineDefinition(spec({ bindings: builtinBindings(['users.profile', 'users.contact']), trigger: { processingTime: '5 seconds' } })));
    expect(differences).toEqual([
      expect.stringMatching(/^schemas: running \[users\.profile: replace, fields [0-9a-f]{12}\], asked for \[users\.profile: .*, users\.contact: replace, fields /),
      'queries: running [ingest_users_profile], asked for [ingest_users_profile, ingest_users_contact]',
      expect.stringMatching(/^bindings: running \[users\.profile -> users_profile/),
      'trigger: running {"processingTime":"1 second"}, asked for {"processingTime":"5 seconds"}',
    ]);
  });

  it('names the pipeline and, per topic, the write model and a digest of the fields: a changed definition is not adopted', () => {
    const [profile] = builtinBindings(['users.profile']);
    expect(pipelineDefinition(spec())).toMatchObject({ pipeline: 'randomuser', schemas: [expect.stringMatching(/^users\.profile: replace, fields [0-9a-f]{12}$/)] });
    const renamed = { ...profile!, pipeline: 'people' };
    expect(definitionDifferences(pipelineDefinition(spec()), pipelineDefinition(spec({ bindings: [renamed] })))).toEqual(['pipeline: running randomuser, asked for people']);
    const updating = { ...profile!, sink: { ...profile!.sink, write: 'update' as const } };
    expect(definitionDifferences(pipelineDefinition(spec()), pipelineDefinition(spec({ bindings: [updating] })))).toEqual([
      expect.stringMatching(/^schemas: running \[users\.profile: replace, fields ([0-9a-f]{12})\], asked for \[users\.profile: update, fields \1\]$/),
    ]);
    const widened = { ...profile!, schema: { ...profile!.schema, fields: { ...profile!.schema.fields, extra: string() } } };
    expect(definitionDifferences(pipelineDefinition(spec()), pipelineDefinition(spec({ bindings: [widened] })))).toEqual([expect.stringMatching(/^schemas: running \[users\.profile: replace, fields /)]);
  });

  it('the same fields in another order are the same schema', () => {
    const [profile] = builtinBindings(['users.profile']);
    const reversed = { ...profile!, schema: { ...profile!.schema, fields: Object.fromEntries(Object.entries(profile!.schema.fields).reverse()) } };
    expect(definitionDifferences(pipelineDefinition(spec()), pipelineDefinition(spec({ bindings: [reversed] })))).toEqual([]);
  });

  it('a session recorded before pipelines had names and schemas is adopted by the same queries', () => {
    const { pipeline: _pipeline, schemas: _schemas, ...older } = pipelineDefinition(spec());
    expect(definitionDifferences(older, pipelineDefinition(spec()))).toEqual([]);
  });
});
