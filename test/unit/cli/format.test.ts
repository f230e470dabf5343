import { describe, expect, it } from 'vitest';
import { formatDuration, table } from '../../../src/cli/format.js';

describe('formatDuration', () => {
  it.each([
    [250, '250ms'],
    [1500, '1.5s'],
    [42_000, '42s'],
    [125_000, '2m 5s'],
    [3 * 3600_000 + 60_000, '3h 1m'],
    [50 * 3600_000, '2d 2h'],
  ])('%d ms -> %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('table', () => {
  it('aligns columns and right-aligns numbers', () => {
    expect(table(['NAME', 'COUNT'], [['kafka', 5], ['ferretdb', 120]]).split('\n')).toEqual([
      'NAME      COUNT',
      '--------  -----',
      'kafka         5',
      'ferretdb    120',
    ]);
  });
});
