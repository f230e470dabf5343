import { describe, expect, it } from 'vitest';
import { caughtUp, lagByTopic, lagOf } from '../../../src/app/lag.js';
import { missingTopics } from '../../../src/app/topics.js';

const end = { 'users.profile': { '0': 10, '1': 7 }, 'users.contact': { '0': 5 } };

describe('lag', () => {
  it('is the Kafka end offset minus the offset in the latest progress, per topic', () => {
    expect(lagByTopic({ 'users.profile': { '0': 8, '1': 7 } }, end)).toEqual({ 'users.profile': 2 });
    // A partition the query has not read yet counts from offset 0.
    expect(lagByTopic({ 'users.profile': { '0': 10 }, 'users.contact': { '0': 5 } }, end)).toEqual({ 'users.profile': 7, 'users.contact': 0 });
    expect(lagByTopic(undefined, end)).toBeUndefined();
  });

  it('counts records published after the latest progress, which Spark reported as 0 behind', () => {
    const report = { name: 'profile', id: 'p', active: true, readOffsets: { 'users.profile': { '0': 10, '1': 6 } } };
    expect(lagOf([report], end)).toEqual([{ query: 'profile', behind: 1, active: true }]);
  });
});

describe('caughtUp', () => {
  const read = { 'users.contact': { '0': 5 } };
  const report = (name: string, readOffsets: Record<string, Record<string, number>> | undefined, active = true) => ({ name, id: name, active, readOffsets });
  it.each([
    ['every query at the end offsets', [report('a', read), report('b', read)], true],
    ['one query behind', [report('a', read), report('b', { 'users.contact': { '0': 2 } })], false],
    ['offsets not reported yet', [report('a', undefined)], false],
    ['a stopped query', [report('a', read, false)], false],
    ['no queries', [], false],
  ])('%s -> %s', (_, queries, expected) => {
    expect(caughtUp(lagOf(queries, end))).toBe(expected);
  });
});

describe('missingTopics', () => {
  it('lists the wanted topics that are absent, in the order asked', () => {
    expect(missingTopics(['c', 'a', 'b'], new Set(['a', 'x']))).toEqual(['c', 'b']);
  });
});
