// Acceptance of issue 4, poison bullet: 500 bad messages of every kind interleaved with valid users on
// one topic (users.location), plus profile-specific wrong types on a second topic. Every bad message
// ends up in dead_letters under its own topic/partition/offset with a reason and its exact bytes, every
// valid user arrives, and nothing invalid reaches a topic collection.
import type { Document } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startStreaming, stopStreaming } from '../../../src/app/streaming.js';
import { createRecordWriter, kafkaConnection } from '../../../src/kafka/index.js';
import { DEAD_LETTER_FIELDS, fieldsToZod } from '../../../src/model/index.js';
import type { RandomUserRecord } from '../../../src/source/index.js';
import { builtinEnvelope, type BuiltinTopic } from '../../../harness/builtin-pipeline.js';
import { fetchUsers, type ApiServer } from '../../../src/source/index.js';
import { testServices, uniqueName } from '../../support/services.js';
import { apiServer, deadLetters, disposeFixture, documentProblems, expectProduced, pipelineFixture, produce, readCollection, seededUsers, waitForCounts, type PipelineFixture } from './helpers.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

const log = (message: string) => process.stdout.write(`[stream poison] ${message}\n`);

interface Bad {
  kind: string;
  key?: Buffer;
  value?: Buffer;
  /** What the dead letter's reason must say, when the kind determines it. */
  reason?: RegExp;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
const text = (value: string) => Buffer.from(value, 'utf8');
type Envelope = Record<string, unknown> & { id: string; data: Record<string, unknown> };

/** Bad variants built from a valid envelope of `topic` (each a fresh copy). */
function badMessages(topic: BuiltinTopic, user: RandomUserRecord, i: number): Bad[] {
  const base = (): Envelope =>
    structuredClone(builtinEnvelope(topic, user, { source: 'randomuser:poison', fetchedAt: new Date(), producedAt: new Date() })) as unknown as Envelope;
  const id = text(user.login.uuid);
  const mutate = (change: (e: Envelope) => void): Buffer => {
    const e = base();
    change(e);
    return json(e);
  };
  if (topic === 'users.profile') {
    return [
      { kind: 'dob.age is a word', key: id, value: mutate((e) => ((e.data.dob as Record<string, unknown>).age = 'old')), reason: /missing or invalid field: data\.dob\.age/ },
      { kind: 'gender not in the enum', key: id, value: mutate((e) => (e.data.gender = 'robot')), reason: /not one of male, female: data\.gender/ },
      { kind: 'nat lowercase', key: id, value: mutate((e) => (e.data.nat = 'xx')), reason: /pattern: data\.nat/ },
      { kind: 'picture missing', key: id, value: mutate((e) => delete e.data.picture), reason: /missing or invalid field: data\.picture/ },
    ];
  }
  const coordinates = (e: Envelope) => e.data.coordinates as Record<string, unknown>;
  return [
    { kind: 'not JSON', key: id, value: text(`this is not json #${i}`), reason: /not a JSON object/ },
    { kind: 'truncated JSON', key: id, value: json(base()).subarray(0, 40), reason: /not a JSON object/ },
    { kind: 'JSON array', key: id, value: text('[1,2,3]'), reason: /not a JSON object/ },
    { kind: 'JSON string', key: id, value: text('"just a string"'), reason: /not a JSON object/ },
    { kind: 'JSON null', key: id, value: text('null'), reason: /not a JSON object/ },
    { kind: 'missing id', key: id, value: mutate((e) => delete (e as Partial<Envelope>).id), reason: /missing or invalid field: id/ },
    { kind: 'id not a UUID', key: text(`user-${i}`), value: mutate((e) => (e.id = `user-${i}`)), reason: /not a UUID: id/ },
    { kind: 'data is a string', key: id, value: mutate((e) => ((e as Record<string, unknown>).data = 'x')), reason: /missing or invalid field: data$/ },
    { kind: 'data missing', key: id, value: mutate((e) => delete (e as Partial<Envelope>).data), reason: /missing or invalid field: data/ },
    { kind: 'coordinates as words', key: id, value: mutate((e) => Object.assign(coordinates(e), { latitude: 'north', longitude: 'east' })), reason: /missing or invalid field: data\.coordinates\.latitude/ },
    { kind: 'latitude NaN', key: id, value: mutate((e) => (coordinates(e).latitude = 'NaN')), reason: /data\.coordinates\.latitude/ },
    { kind: 'latitude out of range', key: id, value: mutate((e) => (coordinates(e).latitude = 123.4)), reason: /above 90: data\.coordinates\.latitude/ },
    { kind: 'street number a word', key: id, value: mutate((e) => ((e.data.street as Record<string, unknown>).number = 'twelve')), reason: /missing or invalid field: data\.street\.number/ },
    { kind: 'postcode missing', key: id, value: mutate((e) => delete e.data.postcode), reason: /missing or invalid field: data\.postcode/ },
    { kind: 'schema_version 2', key: id, value: mutate((e) => (e.schema_version = 2)), reason: /not one of 1: schema_version/ },
    { kind: 'fetched_at not ISO', key: id, value: mutate((e) => (e.fetched_at = 'yesterday')), reason: /not an ISO-8601 UTC timestamp: fetched_at/ },
    { kind: 'key not matching id', key: text('00000000-0000-4000-8000-000000000000'), value: mutate(() => undefined), reason: /message key does not match id/ },
    { kind: 'no key', value: mutate(() => undefined), reason: /message key does not match id/ },
    { kind: 'non-UTF-8 bytes', key: id, value: Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, i % 256]), reason: /not valid UTF-8/ },
    { kind: 'envelope with a non-UTF-8 byte', key: id, value: nonUtf8Envelope(base()), reason: /not valid UTF-8/ },
    { kind: 'empty value', key: id, value: Buffer.alloc(0), reason: /not a JSON object/ },
    { kind: 'tombstone (null value)', key: id, reason: /empty value/ },
  ];
}

/** A valid envelope except that its city holds the byte 0xff (invalid in UTF-8 anywhere). */
function nonUtf8Envelope(e: Envelope): Buffer {
  const marker = '@@NONUTF8@@';
  e.data.city = marker;
  const [before, after] = JSON.stringify(e).split(marker) as [string, string];
  return Buffer.concat([text(before), Buffer.from([0xff, 0x41]), text(after)]);
}

/** ~900 KB values: one not JSON, one a whole envelope padded to 900 KB that misses its id. */
function bigMessages(user: RandomUserRecord): Bad[] {
  const e = structuredClone(builtinEnvelope('users.location', user, { source: 'randomuser:poison', fetchedAt: new Date(), producedAt: new Date() })) as unknown as Envelope;
  delete (e as Partial<Envelope>).id;
  (e as Record<string, unknown>).padding = 'p'.repeat(900 * 1024);
  return [
    { kind: '900 KB not JSON', key: text(user.login.uuid), value: Buffer.alloc(900 * 1024, 'z'), reason: /not a JSON object/ },
    { kind: '900 KB envelope without id', key: text(user.login.uuid), value: json(e), reason: /missing or invalid field: id/ },
  ];
}

interface Sent extends Bad {
  topic: string;
  partition: number;
  offset: number;
}

const deadLetterSchema = fieldsToZod(DEAD_LETTER_FIELDS);

describe('poison messages (issue 4)', () => {
  it('500 bad messages interleaved with valid users: all in dead_letters with a reason, every valid user arrives, nothing invalid stored', async () => {
    const t0 = Date.now();
    const server: ApiServer = await apiServer();
    cleanups.push(() => server.close());
    const fixture: PipelineFixture = pipelineFixture('poison', ['users.location', 'users.profile']);
    cleanups.push(() => disposeFixture(fixture));
    const location = fixture.binding('users.location');
    const profile = fixture.binding('users.profile');
    const seed = 'stream-poison';
    const count = 1500;
    const batchSize = 250;
    const expected = await seededUsers(server, seed, count, batchSize);

    // Users for the bad messages: another seed, so their ids are not among the valid ones.
    const others = (await fetchUsers({ apiUrl: server.url, results: 300, seed: 'stream-poison-bad' })).users;
    const partitions = fixture.config.kafka.partitions;
    const bad: Array<Bad & { topic: string }> = [];
    bad.push(...bigMessages(others[0] as RandomUserRecord).map((b) => ({ ...b, topic: location.topic })));
    for (let i = 0; bad.length < 500; i++) {
      for (const b of badMessages('users.location', others[i % others.length] as RandomUserRecord, i)) if (bad.length < 500) bad.push({ ...b, topic: location.topic });
    }
    const profileBad = others.slice(0, 5).flatMap((user, i) => badMessages('users.profile', user, i).map((b) => ({ ...b, topic: profile.topic })));
    expect(bad).toHaveLength(500);

    const started = await startStreaming(fixture.config, fixture.bindings);
    started.spark.close();
    log(`queries started after ${Date.now() - t0} ms`);

    // The valid users (paced, ~5 s) and the bad messages at the same time, so they interleave in the log.
    const production = produce(server, fixture, { count, seed, batchSize, rate: 300 });
    const producer = createRecordWriter(kafkaConnection(testServices().kafkaBootstrap), uniqueName('poison'));
    cleanups.push(() => producer.close());
    const sent: Sent[] = [];
    // One send at a time: each result names the one record's partition and offset.
    for (const [i, message] of [...bad, ...profileBad].entries()) {
      const partition = i % partitions;
      const result = await producer.send({ messages: [{ topic: message.topic, partition, ...(message.key ? { key: message.key } : {}), ...(message.value ? { value: message.value } : {}) }] });
      const offset = result.offsets?.find((o) => o.topic === message.topic && o.partition === partition)?.offset;
      expect(offset, `offset of bad message ${i} (${message.kind})`).toBeDefined();
      sent.push({ ...message, partition, offset: Number(offset) });
    }
    const summary = await production;
    expectProduced(summary, fixture, count);
    log(`valid users produced in ${summary.elapsedMs} ms; ${sent.length} bad messages sent`);

    const wantDead = sent.length;
    const final = await waitForCounts(fixture, { users_location: count, users_profile: count, dead_letters: wantDead }, { timeoutMs: 240_000, log });
    log(`complete after ${Date.now() - t0} ms: ${JSON.stringify(final)}`);

    // Every bad message is a dead letter under its own coordinates, with a reason and its exact bytes.
    const letters = new Map((await deadLetters(fixture.config)).map((d) => [String(d._id), d]));
    const problems: string[] = [];
    const reasons = new Map<string, Set<string>>();
    const base64Variants = new Set<string>();
    for (const s of sent) {
      const id = `${s.topic}/${s.partition}/${s.offset}`;
      const letter = letters.get(id) as Document | undefined;
      if (!letter) {
        problems.push(`${s.kind}: no dead letter ${id}`);
        continue;
      }
      const reason = String(letter.reason ?? '');
      reasons.set(s.kind, (reasons.get(s.kind) ?? new Set()).add(reason));
      if (!reason || (s.reason && !s.reason.test(reason))) problems.push(`${s.kind}: reason ${JSON.stringify(reason)} does not match ${s.reason}`);
      if (letter.topic !== s.topic || letter.partition !== s.partition || letter.offset !== s.offset) problems.push(`${s.kind}: coordinates ${letter.topic}/${letter.partition}/${letter.offset}`);
      if (!(letter.failed_at instanceof Date)) problems.push(`${s.kind}: failed_at ${String(letter.failed_at)}`);
      // The stored document is what the model (src/model/dead-letter.ts) says it is.
      const modelled = deadLetterSchema.safeParse(letter);
      if (!modelled.success) problems.push(`${s.kind}: not a dead letter of the model: ${modelled.error.message.slice(0, 200)}`);
      const key = s.key ? s.key.toString('utf8') : null;
      if ((letter.key ?? null) !== key) problems.push(`${s.kind}: key ${JSON.stringify(letter.key)} instead of ${JSON.stringify(key)}`);
      if (!s.value) {
        if (letter.value !== null && letter.value !== undefined) problems.push(`${s.kind}: value ${JSON.stringify(letter.value)}`);
        continue;
      }
      if (letter.value_bytes !== s.value.length) problems.push(`${s.kind}: value_bytes ${letter.value_bytes} instead of ${s.value.length}`);
      const utf8 = new TextDecoder('utf-8', { fatal: false }).decode(s.value);
      const isUtf8 = Buffer.from(utf8, 'utf8').equals(s.value);
      if (isUtf8) {
        if (letter.value !== utf8) problems.push(`${s.kind}: value differs (${String(letter.value).length} chars instead of ${utf8.length})`);
        if (letter.value_base64 !== null && letter.value_base64 !== undefined) problems.push(`${s.kind}: value_base64 set for a UTF-8 value`);
      } else if (typeof letter.value_base64 !== 'string' || !Buffer.from(letter.value_base64, 'base64').equals(s.value)) {
        problems.push(`${s.kind}: value_base64 ${String(letter.value_base64).slice(0, 40)}... does not decode to the raw bytes`);
      } else if (letter.value_base64 !== s.value.toString('base64')) base64Variants.add(JSON.stringify(letter.value_base64).slice(0, 120));
    }
    log(`reasons by kind:\n${[...reasons].map(([kind, r]) => `  ${kind}: ${[...r].join(' | ')}`).join('\n')}`);
    // Spark's base64() may wrap long output in MIME lines (\r\n every 76 characters): still the exact bytes.
    if (base64Variants.size) log(`value_base64 not in canonical form (decodes to the right bytes): ${[...base64Variants].join(' ')}`);
    const sentAt = new Map(sent.map((s) => [`${s.topic}/${s.partition}/${s.offset}`, s.kind]));

    // The bad messages really were interleaved with valid records (in the log, not only in time).
    const locationDocs = await readCollection(fixture.config, location.collection);
    const validOffsets = new Map<number, number[]>();
    for (const d of locationDocs) {
      const list = validOffsets.get(d.kafka.partition as number) ?? [];
      list.push(d.kafka.offset as number);
      validOffsets.set(d.kafka.partition as number, list);
    }
    const interleaved = sent.filter((s) => s.topic === location.topic && (validOffsets.get(s.partition) ?? []).some((o) => o < s.offset) && (validOffsets.get(s.partition) ?? []).some((o) => o > s.offset));
    log(`${interleaved.length} of 500 bad messages lie between valid records of their partition`);
    expect(interleaved.length).toBeGreaterThan(0);

    // Every valid user arrived, and nothing but them: each document valid and equal to what was produced.
    const docProblems: string[] = [];
    const leaked: string[] = [];
    for (const [binding, docs] of [
      [location, locationDocs],
      [profile, await readCollection(fixture.config, profile.collection)],
    ] as const) {
      const stored = new Set(docs.map((d) => String(d._id)));
      const missing = [...expected.users.keys()].filter((id) => !stored.has(id));
      expect(missing, `valid users missing from ${binding.collection}`).toEqual([]);
      for (const doc of docs) {
        // A stored bad message, named by its kind.
        if (!expected.users.has(String(doc._id))) leaked.push(sentAt.get(`${binding.topic}/${doc.kafka?.partition}/${doc.kafka?.offset}`) ?? `unknown ${String(doc._id)}`);
        else docProblems.push(...documentProblems(doc, binding, expected));
      }
    }
    const leakedByKind = new Map<string, number>();
    for (const kind of leaked) leakedByKind.set(kind, (leakedByKind.get(kind) ?? 0) + 1);
    log(`bad messages stored as documents: ${JSON.stringify([...leakedByKind])}`);
    expect(leaked).toEqual([]);
    expect(problems.slice(0, 30), `${problems.length} problems`).toEqual([]);
    expect(docProblems.slice(0, 20), `${docProblems.length} problems`).toEqual([]);
    expect(letters.size).toBe(wantDead);
    expect(final).toEqual({ users_location: count, users_profile: count, dead_letters: wantDead });

    expect(await stopStreaming(fixture.config, fixture.bindings)).toBe(true);
    log(`test took ${Date.now() - t0} ms`);
  });
});
