import { describe, expect, it } from 'vitest';
import { bindTopics, expectedQueries, pipelineQueryPlan, recordRoutes } from '../../../src/stream/index.js';
import { MONGO_DOCUMENT_REJECTED } from '../../../src/stream/queries.js';

const bindings = bindTopics(['users.profile', 'users.contact']);
const mongo = { uri: 'mongodb://127.0.0.1:27017', database: 'db', maxBatchSize: 512 };

describe('the pipeline\'s queries', () => {
  it('per-topic: one query per topic, named as before (checkpoints keep their names); one: a single query for all', () => {
    expect(pipelineQueryPlan(bindings, 'per-topic')).toEqual([
      { name: 'ingest_users_profile', bindings: [bindings[0]] },
      { name: 'ingest_users_contact', bindings: [bindings[1]] },
    ]);
    expect(pipelineQueryPlan(bindings, 'one')).toEqual([{ name: 'ingest_all_topics', bindings }]);
    expect(expectedQueries(bindings, 'per-topic')).toEqual(['ingest_users_profile', 'ingest_users_contact']);
  });
});

describe('record routes', () => {
  it('a query of one topic: valid rows to its collection, rows with a reason to dead_letters, each upserting by _id', () => {
    const routes = recordRoutes([bindings[0]!], mongo);
    expect(routes.map((r) => [r.name, r.format, r.options?.['spark.mongodb.collection'], r.options?.['spark.mongodb.operationType']])).toEqual([
      ['users_profile', 'mongodb', 'users_profile', 'replace'],
      ['dead_letters', 'mongodb', 'dead_letters', 'replace'],
    ]);
    // The two conditions are each other's negation: every row lands in exactly one place.
    expect(JSON.stringify(routes[0]!.condition!.expr)).toContain('isnull');
    expect(JSON.stringify(routes[1]!.condition!.expr)).toContain('isnotnull');
    expect(routes[0]!.select!.length).toBeGreaterThan(5);
  });

  it('a query of all topics: each topic\'s valid rows to its own collection, by topic', () => {
    const routes = recordRoutes(bindings, mongo);
    expect(routes.map((r) => r.name)).toEqual(['users_profile', 'users_contact', 'dead_letters']);
    expect(JSON.stringify(routes[1]!.condition!.expr)).toContain(bindings[1]!.topic);
  });

  it('a document the store rejects goes to dead_letters with the store\'s reason; other write errors still fail the batch', () => {
    const [documents, deadLetters] = recordRoutes([bindings[0]!], mongo);
    expect(documents!.rejects).toEqual({ pattern: MONGO_DOCUMENT_REJECTED, route: 'dead_letters', reasonColumn: 'reason' });
    expect(deadLetters!.rejects).toBeUndefined();
    const pattern = new RegExp(MONGO_DOCUMENT_REJECTED);
    // What the MongoDB Java driver's MongoBulkWriteException says about a validator rejection and a duplicate key.
    expect(pattern.test("Write errors: [BulkWriteError{index=3, code=121, message='Document failed validation', details={}}].")).toBe(true);
    expect(pattern.test("Write errors: [BulkWriteError{index=0, code=11000, message='E11000 duplicate key error', details={}}].")).toBe(true);
    expect(pattern.test('Timed out after 30000 ms while waiting for a server that matches WritableServerSelector')).toBe(false);
    expect(pattern.test("Write errors: [BulkWriteError{index=0, code=91, message='shutdown in progress', details={}}].")).toBe(false);
  });
});
