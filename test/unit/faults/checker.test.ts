import { describe, expect, it } from 'vitest';
import { checkDelivery, missingFromStore, parseAckLog, type Ack } from '../../../faults/checker.js';

const ack = (topic: string, key: string, partition: number, offset: number): Ack => ({ topic, key, partition, offset: String(offset) });
const acks = [ack('p', 'u1', 0, 0), ack('p', 'u2', 1, 0), ack('c', 'u1', 0, 0), ack('c', 'u2', 0, 1)];

describe('checkDelivery', () => {
  it('passes when every acknowledged user is in its collection once and nothing else is stored', () => {
    const result = checkDelivery({ acks, store: { documents: { p: ['u1', 'u2'], c: ['u2', 'u1'] }, deadLetters: [] } });
    expect(result).toMatchObject({ produced: 4, users: 2, lost: 0, duplicated: 0, unexpected: 0, producerDuplicates: 0 });
  });

  it('counts a user missing from one collection as lost in that collection only', () => {
    const result = checkDelivery({ acks, store: { documents: { p: ['u1', 'u2'], c: ['u1'] }, deadLetters: [] } });
    expect(result.lost).toBe(1);
    expect(result.samples.lost).toEqual(['c:u2']);
  });

  it('tells a producer re-send (same user at two offsets, one document) from a store duplicate (one _id listed twice)', () => {
    const resent = [...acks, ack('p', 'u1', 0, 7)];
    const absorbed = checkDelivery({ acks: resent, store: { documents: { p: ['u1', 'u2'], c: ['u1', 'u2'] }, deadLetters: [] } });
    expect(absorbed).toMatchObject({ produced: 5, producerDuplicates: 1, duplicated: 0 });
    const doubled = checkDelivery({ acks: resent, store: { documents: { p: ['u1', 'u2', 'u1'], c: ['u1', 'u2'] }, deadLetters: [] } });
    expect(doubled.duplicated).toBe(1);
    expect(doubled.samples.duplicated).toEqual(['p:u1']);
  });

  it('does not count the same ack logged twice (same offset) as a re-send', () => {
    const result = checkDelivery({ acks: [...acks, ack('p', 'u1', 0, 0)], store: { documents: { p: ['u1', 'u2'], c: ['u1', 'u2'] }, deadLetters: [] } });
    expect(result).toMatchObject({ produced: 4, producerDuplicates: 0 });
  });

  it('counts documents never acknowledged as unexpected unless the scenario tolerates them', () => {
    const store = { documents: { p: ['u1', 'u2', 'u9'], c: ['u1', 'u2'] }, deadLetters: [] };
    expect(checkDelivery({ acks, store }).unexpected).toBe(1);
    expect(checkDelivery({ acks, store, tolerated: [{ topic: 'p', key: 'u9' }] })).toMatchObject({ unexpected: 0, tolerated: 1 });
    // Tolerated for another topic does not count.
    expect(checkDelivery({ acks, store, tolerated: [{ topic: 'c', key: 'u9' }] }).unexpected).toBe(1);
  });

  it('wants each poison record in dead_letters exactly once and no other dead letter', () => {
    const poison = [{ topic: 'p', partition: 2, offset: '5' }, { topic: 'p', partition: 2, offset: '6' }];
    const documents = { p: ['u1', 'u2'], c: ['u1', 'u2'] };
    const exact = checkDelivery({ acks, store: { documents, deadLetters: [...poison] }, expectedDeadLetters: poison });
    expect(exact).toMatchObject({ lost: 0, duplicated: 0, unexpected: 0, deadLetters: { expected: 2, found: 2 } });
    const wrong = checkDelivery({
      acks,
      store: { documents, deadLetters: [poison[0]!, poison[0]!, { topic: 'p', partition: 0, offset: '0' }] },
      expectedDeadLetters: poison,
    });
    expect(wrong).toMatchObject({ lost: 1, duplicated: 1, unexpected: 1, deadLetters: { expected: 2, found: 1 } });
    expect(wrong.samples).toEqual({ lost: ['p/2/6'], duplicated: ['p/2/5'], unexpected: ['p/0/0'] });
  });
});

describe('missingFromStore', () => {
  it('counts acknowledged (topic, user) pairs not yet stored', () => {
    expect(missingFromStore(acks, { documents: { p: ['u1'], c: [] }, deadLetters: [] })).toBe(3);
    expect(missingFromStore(acks, { documents: { p: ['u1', 'u2'], c: ['u1', 'u2'] }, deadLetters: [] })).toBe(0);
  });
});

describe('parseAckLog', () => {
  const line = JSON.stringify(ack('p', 'u1', 0, 3));
  it('reads JSON lines and ignores a torn last line (a producer killed mid-write)', () => {
    expect(parseAckLog(`${line}\n${line.slice(0, 10)}`)).toEqual([ack('p', 'u1', 0, 3)]);
  });
  it('refuses a broken line in the middle, naming it', () => {
    expect(() => parseAckLog(`${line}\nnope\n${line}\n`)).toThrow(/line 2/);
    expect(() => parseAckLog(`{"topic":"p","partition":0,"offset":3,"key":"u"}\n`)).toThrow(/line 1/);
  });
});

describe('content (issue 18)', () => {
  const ack = (topic: string, key: string, offset: string, digest?: string) => ({ topic, partition: 0, offset, key, ...(digest ? { digest } : {}) });

  it('a document whose content differs from the last acknowledged record is a content mismatch, named', () => {
    const result = checkDelivery({
      acks: [ack('t1', 'u1', '0', 'd1'), ack('t1', 'u2', '1', 'd2'), ack('t1', 'u2', '2', 'd2-resent'), ack('t2', 'u1', '0', 'e1'), ack('t2', 'u2', '1', 'e2')],
      store: { documents: { t1: ['u1', 'u2'], t2: ['u1', 'u2'] }, deadLetters: [], digests: { t1: { u1: 'd1', u2: 'd2' }, t2: { u1: 'e1', u2: 'e2' } } },
    });
    expect(result).toMatchObject({ contentChecked: 4, contentMismatches: 1, partialUsers: 0, lost: 0 });
    expect(result.samples.content).toEqual(['t1:u2']);
  });

  it('counts users acknowledged on some topics only (records != users x topics)', () => {
    const result = checkDelivery({ acks: [ack('t1', 'u1', '0'), ack('t2', 'u1', '0'), ack('t1', 'u2', '1')], store: { documents: { t1: ['u1', 'u2'], t2: ['u1'] }, deadLetters: [] } });
    expect(result).toMatchObject({ partialUsers: 1, contentChecked: 0, contentMismatches: 0 });
  });
});
