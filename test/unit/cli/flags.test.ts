import { describe, expect, it } from 'vitest';
import { FlagValueError, parseDuration, parseFraction, parseInterval, parseLatency, parseMeanRate, parseNonNegativeInteger, parsePort, parsePositiveInteger, parsePublishAs, parseRate, parseTopicList } from '../../../src/cli/flags.js';

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

  it.each(['60', '1500', '2.5'])('refuses the bare number %j, saying which unit to add', (text) => {
    expect(() => parseDuration(text, '--timeout')).toThrow(new RegExp(`^--timeout: .*\\(add the unit: ${text.replace('.', '\\.')}ms or ${text.replace('.', '\\.')}s\\)`));
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

describe('parseLatency', () => {
  it('takes one duration or a range', () => {
    expect(parseLatency('50ms')).toEqual([50, 50]);
    expect(parseLatency('0ms')).toEqual([0, 0]);
    expect(parseLatency('20..200ms')).toEqual([20, 200]);
    expect(parseLatency('1s..2s')).toEqual([1000, 2000]);
  });

  it.each(['50', '20..200', '200..20ms', 'slow'])('rejects %j naming --latency', (text) => {
    expect(() => parseLatency(text)).toThrow(/^--latency: expected /);
  });
});

describe('whole numbers, fractions and ports', () => {
  it('allows 0 where a count may be none', () => {
    expect(parseNonNegativeInteger('0', '--max-restarts')).toBe(0);
    expect(parseNonNegativeInteger(' 7 ', '--max-restarts')).toBe(7);
    for (const bad of ['-1', '1.5', '1e3', '']) expect(() => parseNonNegativeInteger(bad, '--max-restarts')).toThrow(/^--max-restarts: expected a whole number >= 0/);
  });

  it('takes fractions between 0 and 1 inclusive', () => {
    expect(parseFraction('0', '--error-rate')).toBe(0);
    expect(parseFraction('0.25', '--error-rate')).toBe(0.25);
    expect(parseFraction('1', '--error-rate')).toBe(1);
    for (const bad of ['1.5', '-0.1', '1e-1', 'half', '']) expect(() => parseFraction(bad, '--error-rate')).toThrow(/^--error-rate: expected a fraction between 0 and 1/);
  });

  it('takes a port only as a decimal integer 1..65535', () => {
    expect(parsePort('1', '--port')).toBe(1);
    expect(parsePort('65535', '--port')).toBe(65535);
    for (const bad of ['0', '65536', '1e3', '0x50', '80.0', '-80', ' ', '100000']) expect(() => parsePort(bad, '--port')).toThrow(/^--port: expected a port number 1-65535/);
  });
});

describe('topics', () => {
  it('--topics is a list of topic names', () => {
    expect(parseTopicList('users.profile, users.contact,')).toEqual(['users.profile', 'users.contact']);
    expect(() => parseTopicList(',')).toThrow(/^--topics: expected a comma-separated list/);
    expect(() => parseTopicList('users.profile=my.profile')).toThrow(/^--topics: expected Kafka topic names .*"users\.profile=my\.profile"/);
  });

  it('--publish-as maps known topics to other Kafka names', () => {
    expect(parsePublishAs('users.profile=my.profile, users.contact=contact_eu')).toEqual({ 'users.profile': 'my.profile', 'users.contact': 'contact_eu' });
    expect(() => parsePublishAs('users.profile')).toThrow(/^--publish-as: expected topic=kafka-topic pairs/);
    // Any topic name parses; one the pipeline lacks is refused when the pipeline is loaded (selectTopics).
    expect(parsePublishAs('users.nope=x')).toEqual({ 'users.nope': 'x' });
    expect(() => parsePublishAs('users nope=x')).toThrow(/^--publish-as: expected a topic of the pipeline before =, not "users nope"/);
    expect(() => parsePublishAs('users.profile=bad/name')).toThrow(/^--publish-as: expected a Kafka topic name after users\.profile=, got "users\.profile=bad\/name"/);
  });
});
