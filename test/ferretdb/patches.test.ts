// Our FerretDB build's write-path patches (runtime/ferretdb/patches.json), on a FerretDB of its own
// (setup's build, started with the runtime's arguments; no Kafka or Spark needed): the update command runs a whole request in one SQLite
// transaction (bulk-transaction), closes each update's cursor when the update is done
// (update-close-cursors), and skips leak-tracking stacks (resource-tracking). Their speed is measured
// by `npm run bench -- store-ceiling`; these tests pin what must not change: what is written and when.
import { MongoClient, MongoBulkWriteError, type AnyBulkWriteOperation } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFerretDb, type StartedFerretDb } from '../../harness/ferretdb.js';

interface Doc {
  _id: string;
  email: string;
  v: number;
}

const database = 'patches';
let ferret: StartedFerretDb;
let client: MongoClient;
let collections = 0;
const uniqueName = (prefix: string) => `${prefix}_${++collections}`;
const connect = () => MongoClient.connect(ferret.uri, { serverSelectionTimeoutMS: 10_000 });

beforeAll(async () => {
  ferret = await startFerretDb('ferretdb-patches', 'ferretdb');
  client = await connect();
});

afterAll(async () => {
  await client?.close();
  await ferret?.stop();
});

const replaceUpserts = (ids: string[], v: number): AnyBulkWriteOperation<Doc>[] =>
  ids.map((_id) => ({ replaceOne: { filter: { _id }, replacement: { email: `${_id}@example.com`, v }, upsert: true } }));

const ids = (n: number, prefix = 'u') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

/** The bulk write, or a clear failure after `ms` instead of a test that hangs until vitest's timeout. */
async function withinDeadline<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe('FerretDB update path (our patches)', () => {
  it('rewrites 300 existing documents in one bulk (stock FerretDB 1.24 hung past 100: one pooled connection per matched update)', async () => {
    const coll = client.db(database).collection<Doc>(uniqueName('matched'));
    const all = ids(300);
    const first = await coll.bulkWrite(replaceUpserts(all, 1), { ordered: false });
    expect(first.upsertedCount).toBe(300);

    const replay = await withinDeadline('a bulk of 300 matched replace-upserts', 60_000, coll.bulkWrite(replaceUpserts(all, 2), { ordered: false }));
    expect(replay.matchedCount).toBe(300);
    expect(replay.modifiedCount).toBe(300);
    expect(replay.upsertedCount).toBe(0);
    // The store still answers afterwards (the stock build kept the connections until the request ended).
    expect(await coll.countDocuments({ v: 2 })).toBe(300);
  });

  it('keeps the operations before a failing one and undoes only the failing one (one transaction, a savepoint per operation)', async () => {
    const coll = client.db(database).collection<Doc>(uniqueName('failing'));
    await coll.createIndex({ email: 1 }, { unique: true });
    const ops = replaceUpserts(ids(6, 'f'), 1);
    // The 4th operation takes the email of the 1st: a unique-index violation in the middle of the request.
    ops[3] = { replaceOne: { filter: { _id: 'f0003' }, replacement: { email: 'f0000@example.com', v: 1 }, upsert: true } };

    const error = await coll.bulkWrite(ops, { ordered: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    const stored = (await coll.find({}, { sort: { _id: 1 } }).toArray()).map((d) => d._id);
    // FerretDB 1.x stops an update request at its first error (upstream issue 2612), before and after
    // the patch alike; what the patch must keep is that the earlier operations are committed.
    expect(stored.slice(0, 3)).toEqual(['f0000', 'f0001', 'f0002']);
    expect(stored).not.toContain('f0003');
    expect(await coll.countDocuments({ email: 'f0000@example.com' })).toBe(1);
  });

  it('acknowledges a request only after its transaction committed: every acknowledged document is readable at once, from another connection', async () => {
    const coll = client.db(database).collection<Doc>(uniqueName('visible'));
    const reader = await connect();
    try {
      const readerColl = reader.db(database).collection<Doc>(coll.collectionName);
      for (let round = 0; round < 5; round++) {
        const batch = ids(100, `r${round}_`);
        await coll.bulkWrite(replaceUpserts(batch, round), { ordered: false });
        expect(await readerColl.countDocuments({ _id: { $in: batch } })).toBe(100);
      }
    } finally {
      await reader.close();
    }
  });

  it('serialises concurrent bulk requests on one database without busy errors: 4 clients x 5 bulks of 200 upserts all land', async () => {
    const name = uniqueName('concurrent');
    const writers = await Promise.all(Array.from({ length: 4 }, connect));
    try {
      const results = await withinDeadline(
        '20 concurrent bulk requests',
        120_000,
        Promise.all(
          writers.map(async (writer, w) => {
            const coll = writer.db(database).collection<Doc>(name);
            let upserted = 0;
            for (let b = 0; b < 5; b++) upserted += (await coll.bulkWrite(replaceUpserts(ids(200, `w${w}b${b}_`), w), { ordered: false })).upsertedCount;
            return upserted;
          }),
        ),
      );
      expect(results).toEqual([1000, 1000, 1000, 1000]);
      expect(await client.db(database).collection<Doc>(name).countDocuments()).toBe(4000);
    } finally {
      await Promise.all(writers.map((w) => w.close()));
    }
  });
});
