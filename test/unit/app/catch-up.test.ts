import { describe, expect, it } from 'vitest';
import { caughtUp, lagOf } from '../../../src/app/catch-up.js';
import { missingTopics } from '../../../src/app/topics.js';

describe('caughtUp', () => {
  const report = (name: string, offsetsBehind: number | undefined, active = true) => ({ name, id: name, active, offsetsBehind });
  it.each([
    ['every query 0 behind', [report('a', 0), report('b', 0)], true],
    ['one query behind', [report('a', 0), report('b', 3)], false],
    ['offsets not reported yet', [report('a', undefined)], false],
    ['a stopped query', [report('a', 0, false)], false],
    ['no queries', [], false],
  ])('%s -> %s', (_, queries, expected) => {
    expect(caughtUp(lagOf(queries))).toBe(expected);
  });
});

describe('missingTopics', () => {
  it('lists the wanted topics that are absent, in the order asked', () => {
    expect(missingTopics(['c', 'a', 'b'], new Set(['a', 'x']))).toEqual(['c', 'b']);
  });
});
