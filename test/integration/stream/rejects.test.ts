// Issue 22 (write path, done in issue 20's plugin): a record the store rejects document by document
// becomes a dead letter with the store's reason, instead of a micro-batch that fails and replays forever.
// FerretDB does not enforce $jsonSchema validators (MongoDB's code 121), so the rejection here is the
// other per-document error both stores enforce: a unique index (code 11000), which the MongoDB Java driver
// reports in the same BulkWriteError form; the plugin isolates either the same way (MONGO_DOCUMENT_REJECTED).
import { ProduceAcks, Producer } from '@platformatic/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import { streamingStatus } from '../../../src/app/status.js';
import { prepareStorage, startStreaming } from '../../../src/app/streaming.js';
import { buildEnvelope, type NormalizedUser } from '../../../src/model/index.js';
import { fetchUsers } from '../../../src/source/index.js';
import { testServices, uniqueName } from '../../support/services.js';
import { apiServer, deadLetters, disposeFixture, pipelineFixture, readCollection, waitForCounts, withMongo } from './helpers.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

const log = (message: string) => process.stdout.write(`[stream rejects] ${message}\n`);

describe('documents the store rejects (issue 22)', () => {
  it('become dead letters with the store\'s reason; the rest of the batch is stored and the query keeps running', async () => {
    const server = await apiServer();
    cleanups.push(() => server.close());
    const fixture = pipelineFixture('rejects', ['users.contact']);
    cleanups.push(() => disposeFixture(fixture));
    const contact = fixture.binding('users.contact');
    const users = (await fetchUsers({ apiUrl: server.url, results: 40, seed: 'stream-rejects' })).users as NormalizedUser[];
    // Users 7 and 23 take user 3's phone number: valid records, but a unique index on phone refuses them.
    const duplicates = new Set([7, 23]);
    const envelopes = users.map((user, i) => {
      const e = buildEnvelope('users.contact', user, { source: 'randomuser:rejects', fetchedAt: new Date(), producedAt: new Date() });
      return duplicates.has(i) ? { ...e, data: { ...e.data, phone: users[3]!.phone } } : e;
    });

    await prepareStorage(fixture.config, fixture.bindings);
    await withMongo(fixture.config, (mongo) => mongo.db(fixture.config.mongo.database).collection(contact.collection).createIndex({ phone: 1 }, { unique: true, name: 'phone_unique' }));

    const producer = new Producer({ clientId: uniqueName('rejects'), bootstrapBrokers: [testServices().kafkaBootstrap], acks: ProduceAcks.ALL, autocreateTopics: false });
    cleanups.push(() => producer.close());
    // One partition, one send: the records keep their order and share micro-batches.
    const result = await producer.send({ messages: envelopes.map((e) => ({ topic: contact.topic, partition: 0, key: Buffer.from(e.id), value: Buffer.from(JSON.stringify(e)) })) });
    const first = Number(result.offsets?.find((o) => o.topic === contact.topic && o.partition === 0)?.offset ?? -1) - envelopes.length + 1;
    log(`sent ${envelopes.length} records, offsets ${first}..${first + envelopes.length - 1}`);

    const started = await startStreaming(fixture.config, fixture.bindings);
    started.spark.close();
    const final = await waitForCounts(fixture, { [contact.collection]: users.length - duplicates.size, dead_letters: duplicates.size }, { timeoutMs: 240_000, log });
    log(`stored: ${JSON.stringify(final)}`);

    const stored = new Set((await readCollection(fixture.config, contact.collection)).map((d) => String(d._id)));
    expect(stored).toEqual(new Set(users.filter((_, i) => !duplicates.has(i)).map((u) => u.login.uuid)));
    const letters = await deadLetters(fixture.config);
    expect(letters.map((d) => String(d._id)).sort()).toEqual([...duplicates].map((i) => `${contact.topic}/0/${first + i}`).sort());
    for (const letter of letters) {
      expect(String(letter.reason)).toMatch(/^rejected by the mongodb sink of route 'users_contact': BulkWriteError\{index=\d+, code=11000, .*E11000/);
      expect(letter.value).toContain(JSON.stringify(users[3]!.phone));
      expect(letter.failed_at).toBeInstanceOf(Date);
    }
    // Not a failed query: the batch went through.
    const status = await streamingStatus(fixture.config, fixture.bindings);
    expect(status.queries.map((q) => [q.name, q.active, q.exception])).toEqual([[`ingest_${contact.collection}`, true, undefined]]);
  });
});
