// The fault suite's invariant, as a pure function of the producer's ack log and the store's contents
// (after Jepsen's queue checker: lost / duplicated / unexpected). Definitions, per topic and its collection:
//
// - lost: a (topic, user id) the producer saw acknowledged that has no document in the topic's
//   collection; or a record the scenario wrote as poison (topic/partition/offset) that has no dead letter.
// - duplicated: a copy too many *in the store*: the same _id more than once in one collection's listing,
//   or the same Kafka record (topic/partition/offset) in dead_letters more than once. Every copy beyond
//   the first counts one. (MongoDB's unique _id makes the first impossible by construction; we count it
//   anyway, from the raw listing, so the checker does not assume what it should verify.)
// - producerDuplicates (reported, not a failure): the same (topic, user id) acknowledged at more than one
//   offset, i.e. Kafka holds the record twice because the producer sent it again (at-least-once: a retry
//   after a lost acknowledgement, or a rerun). The upsert by _id absorbs these: the store keeps one
//   document. Every acknowledgement beyond the first counts one.
// - unexpected: a document whose _id was never acknowledged for that topic (and the scenario did not
//   declare it tolerated), or a dead letter for a record that was not written as poison (a valid,
//   acknowledged record that was dead-lettered counts here, and as lost from its collection).
// - contentMismatches: an acknowledged (topic, user id) whose stored document's content digest differs
//   from the digest of the record the producer sent last for it (the ack log's `digest`): stale or wrong
//   content, which an _id-only check would pass. Records acknowledged without a digest (older logs)
//   are not compared.
// - partialUsers (reported): users acknowledged on some topics but not all, i.e. acknowledged records
//   != users x topics.
// - tolerated: documents the scenario explains (delivered by a producer killed before it could log the
//   acknowledgement); counted separately, never a failure.

export interface KafkaPosition {
  topic: string;
  partition: number;
  /** Decimal string: Kafka offsets are 64-bit. */
  offset: string;
}

/** One line of `streamline produce --ack-log`. */
export interface Ack extends KafkaPosition {
  key: string;
  /** contentDigest of the record's data (src/produce/digest.ts); absent in logs written before it. */
  digest?: string;
}

export interface StoreSnapshot {
  /** Per Kafka topic: the _id of every document in that topic's collection, as listed. */
  documents: Record<string, string[]>;
  deadLetters: KafkaPosition[];
  /** Per Kafka topic: each document's content digest by _id (contentDigest of its topic fields). */
  digests?: Record<string, Record<string, string>>;
}

export interface CheckInput {
  acks: Ack[];
  store: StoreSnapshot;
  expectedDeadLetters?: KafkaPosition[];
  tolerated?: { topic: string; key: string }[];
}

export interface CheckResult {
  /** Distinct records Kafka acknowledged (topic/partition/offset). */
  produced: number;
  /** Distinct user ids acknowledged, over all topics. */
  users: number;
  lost: number;
  duplicated: number;
  unexpected: number;
  producerDuplicates: number;
  tolerated: number;
  /** Stored documents whose content differs from what was acknowledged last for them. */
  contentMismatches: number;
  /** Acknowledged (topic, user) pairs whose content was compared (those with a digest and a document). */
  contentChecked: number;
  /** Users acknowledged on some topics only (acknowledged records != users x topics). */
  partialUsers: number;
  deadLetters: { expected: number; found: number };
  /** Up to five examples of each, as topic:id or topic/partition/offset, for the failure message. */
  samples: { lost: string[]; duplicated: string[]; unexpected: string[]; content?: string[] };
}

export const positionId = (p: KafkaPosition): string => `${p.topic}/${p.partition}/${p.offset}`;
const userId = (topic: string, key: string): string => `${topic}:${key}`;

function countBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** The acknowledged user ids per topic, and how many extra offsets each was acknowledged at. */
function acknowledged(acks: Ack[]): { keys: Set<string>; positions: Set<string>; extraOffsets: number } {
  const positions = new Set<string>();
  const offsetsPerUser = new Map<string, Set<string>>();
  for (const ack of acks) {
    positions.add(positionId(ack));
    const id = userId(ack.topic, ack.key);
    const offsets = offsetsPerUser.get(id) ?? new Set<string>();
    offsets.add(positionId(ack));
    offsetsPerUser.set(id, offsets);
  }
  let extraOffsets = 0;
  for (const offsets of offsetsPerUser.values()) extraOffsets += offsets.size - 1;
  return { keys: new Set(offsetsPerUser.keys()), positions, extraOffsets };
}

export function checkDelivery(input: CheckInput): CheckResult {
  const acked = acknowledged(input.acks);
  const tolerated = new Set((input.tolerated ?? []).map((t) => userId(t.topic, t.key)));
  const lost: string[] = [];
  const duplicated: string[] = [];
  const unexpected: string[] = [];
  let toleratedFound = 0;

  const stored = new Map<string, number>();
  for (const [topic, ids] of Object.entries(input.store.documents)) {
    for (const [id, copies] of countBy(ids, (id) => id)) stored.set(userId(topic, id), copies);
  }
  for (const [id, copies] of stored) {
    for (let extra = 1; extra < copies; extra++) duplicated.push(id);
    if (acked.keys.has(id)) continue;
    if (tolerated.has(id)) toleratedFound++;
    else unexpected.push(id);
  }
  for (const id of acked.keys) if (!stored.has(id)) lost.push(id);

  const expected = new Set((input.expectedDeadLetters ?? []).map(positionId));
  const letters = countBy(input.store.deadLetters, positionId);
  for (const [position, copies] of letters) {
    for (let extra = 1; extra < copies; extra++) duplicated.push(position);
    if (!expected.has(position)) unexpected.push(position);
  }
  for (const position of expected) if (!letters.has(position)) lost.push(position);

  // The last acknowledged digest per (topic, user): a re-send later in the log is what the store keeps.
  const lastDigest = new Map<string, string>();
  for (const ack of input.acks) if (ack.digest) lastDigest.set(userId(ack.topic, ack.key), ack.digest);
  const content: string[] = [];
  let contentChecked = 0;
  for (const [topic, byId] of Object.entries(input.store.digests ?? {})) {
    for (const [id, digest] of Object.entries(byId)) {
      const want = lastDigest.get(userId(topic, id));
      if (want === undefined) continue;
      contentChecked++;
      if (want !== digest) content.push(userId(topic, id));
    }
  }
  const topics = new Set(input.acks.map((a) => a.topic));
  const topicsPerUser = countBy(new Set(input.acks.map((a) => userId(a.topic, a.key))), (id) => id.slice(id.indexOf(':') + 1));
  const partialUsers = [...topicsPerUser.values()].filter((n) => n < topics.size).length;

  return {
    produced: acked.positions.size,
    users: new Set(input.acks.map((a) => a.key)).size,
    lost: lost.length,
    duplicated: duplicated.length,
    unexpected: unexpected.length,
    producerDuplicates: acked.extraOffsets,
    tolerated: toleratedFound,
    contentMismatches: content.length,
    contentChecked,
    partialUsers,
    deadLetters: { expected: expected.size, found: [...letters.keys()].filter((p) => expected.has(p)).length },
    samples: { lost: lost.slice(0, 5), duplicated: duplicated.slice(0, 5), unexpected: unexpected.slice(0, 5), ...(content.length ? { content: content.slice(0, 5) } : {}) },
  };
}

/** Acknowledged records (of `acks`) not yet in their collection: zero means the store has caught up with them. */
export function missingFromStore(acks: Ack[], store: StoreSnapshot): number {
  const present = new Map(Object.entries(store.documents).map(([topic, ids]) => [topic, new Set(ids)]));
  const missing = new Set<string>();
  for (const ack of acks) if (!present.get(ack.topic)?.has(ack.key)) missing.add(userId(ack.topic, ack.key));
  return missing.size;
}

/** Parses an ack log (JSON Lines); a torn last line (the producer was killed mid-write) is ignored. */
export function parseAckLog(text: string): Ack[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const acks: Ack[] = [];
  lines.forEach((line, index) => {
    try {
      const ack = JSON.parse(line) as Ack;
      if (typeof ack.topic !== 'string' || typeof ack.key !== 'string' || typeof ack.partition !== 'number' || typeof ack.offset !== 'string') throw new Error('bad shape');
      acks.push(ack);
    } catch (error) {
      if (index < lines.length - 1 || text.endsWith('\n')) throw new Error(`ack log line ${index + 1} is not an acknowledgement: ${line.slice(0, 120)} (${(error as Error).message})`);
    }
  });
  return acks;
}
