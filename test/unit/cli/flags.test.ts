import { describe, expect, it } from 'vitest';
import { FlagValueError, parseDuration, parseInterval, parseMeanRate, parsePositiveInteger, parseRate } from '../../../src/cli/flags.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['60s', 60_000],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['1h', 3_600_000],
  ])('%s -> %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['60', '', 'abc', '10 minutes', '-5s', '0s', '5d'])('rejects %j naming the flag and the expected form', (text) => {
    expect(() => parseDuration(text)).toThrow(FlagValueError);
    expect(() => parseDuration(text)).toThrow(/^--duration: expected a duration like 500ms, 60s, 2m or 1h/);
  });

  it('names the flag it was given', () => {
    expect(() => parseDuration('soon', '--timeout')).toThrow(/^--timeout: .*got "soon"$/);
  });
});

describe('parseInterval', () => {
  it('lets the lower bound borrow the upper bound unit', () => {
    expect(parseInterval('50..150ms')).toEqual({ kind: 'uniform', minMs: 50, maxMs: 150 });
  });

  it('accepts units on both sides and mixed units', () => {
    expect(parseInterval('1s..3s')).toEqual({ kind: 'uniform', minMs: 1000, maxMs: 3000 });
    expect(parseInterval('500ms..2s')).toEqual({ kind: 'uniform', minMs: 500, maxMs: 2000 });
    expect(parseInterval('0..100ms')).toEqual({ kind: 'uniform', minMs: 0, maxMs: 100 });
  });

  it('accepts no gap at all', () => {
    expect(parseInterval('0ms..0ms')).toEqual({ kind: 'uniform', minMs: 0, maxMs: 0 });
    expect(parseInterval('0..0s')).toEqual({ kind: 'uniform', minMs: 0, maxMs: 0 });
  });

  it.each(['150..50ms', '50ms', '50..150', '..150ms', 'a..bms', '-1..5ms'])('rejects %j', (text) => {
    const error = (() => {
      try {
        parseInterval(text);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(FlagValueError);
    expect((error as FlagValueError).flag).toBe('--interval');
    expect((error as FlagValueError).message).toMatch(/expected a range min\.\.max like 50\.\.150ms/);
  });
});

describe('rates and counts', () => {
  it('parses rates with or without /s', () => {
    expect(parseRate('100')).toBe(100);
    expect(parseRate('2.5/s')).toBe(2.5);
    expect(() => parseRate('0')).toThrow(/^--rate: expected a positive number/);
    expect(() => parseRate('fast')).toThrow(FlagValueError);
  });

  it('turns --mean-rate into an exponential interval', () => {
    expect(parseMeanRate('4')).toEqual({ kind: 'exponential', meanRatePerSec: 4 });
    expect(() => parseMeanRate('-1')).toThrow(/^--mean-rate:/);
  });

  it('parses whole positive counts only', () => {
    expect(parsePositiveInteger('5000', '--count')).toBe(5000);
    for (const bad of ['0', '-1', '1.5', '5e3', '']) expect(() => parsePositiveInteger(bad, '--count')).toThrow(/^--count: expected a whole number >= 1/);
  });
});
