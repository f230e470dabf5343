import { describe, expect, it } from 'vitest';
import { buildReport, formatReport, runBenchmark, wholeSetting, type Benchmark, type RunOptions, type Sample } from '../../../bench/harness.js';
import { alternation, percentile, ratio, spread } from '../../../bench/stats.js';

describe('bench statistics', () => {
  it('summarises repetitions as median, min and max', () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, n: 3 });
    expect(spread([4, 1, 3, 2]).median).toBe(2.5);
    expect(() => spread([])).toThrow(RangeError);
  });

  it('takes percentiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it('rotates the contenders every round', () => {
    expect(alternation(3, 3)).toEqual([
      [0, 1, 2],
      [1, 2, 0],
      [2, 0, 1],
    ]);
  });

  it('has no ratio over zero', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeUndefined();
    expect(ratio(undefined, 2)).toBeUndefined();
  });
});

const options = (over: Partial<RunOptions> = {}): RunOptions => ({
  quick: false,
  warmups: 1,
  repetitions: 3,
  settings: {},
  log: () => undefined,
  signal: new AbortController().signal,
  ...over,
});

describe('bench harness', () => {
  it('reads whole-number settings, with their fallback and lower bound, and names a bad one', () => {
    expect(wholeSetting({}, 'users', 500)).toBe(500);
    expect(wholeSetting({ users: '20' }, 'users', 500)).toBe(20);
    expect(wholeSetting({ writeTasks: '0' }, 'writeTasks', 1, 0)).toBe(0);
    expect(() => wholeSetting({ users: '0' }, 'users', 500)).toThrow('--set users must be a whole number >= 1, got 0');
    expect(() => wholeSetting({ tasks: '1.5' }, 'tasks', 2)).toThrow('--set tasks must be a whole number >= 1, got 1.5');
  });

  it('warms up, alternates contenders, keeps only measured repetitions and reports ratios', async () => {
    const calls: string[] = [];
    const rates: Record<string, number[]> = { ours: [10, 12, 11, 13], theirs: [5, 6, 4, 5] };
    const bench: Benchmark<{ torn: boolean }> = {
      name: 'toy',
      description: 'a toy',
      metrics: [{ name: 'rate', unit: 'records/s', better: 'higher' }],
      setup: async () => ({ torn: false }),
      teardown: async (env) => {
        env.torn = true;
      },
      contenders: () =>
        ['ours', 'theirs'].map((name) => ({
          name,
          run: async (_env, rep): Promise<Sample> => {
            calls.push(`${name}${rep.warmup ? '*' : ''}`);
            return { metrics: { rate: rates[name]![rep.index]! } };
          },
        })),
      ratios: [['ours', 'theirs']],
    };
    const report = await runBenchmark(bench, options());
    expect(calls).toEqual(['ours*', 'theirs*', 'theirs', 'ours', 'ours', 'theirs', 'theirs', 'ours']);
    const ours = report.contenders.find((c) => c.name === 'ours')!;
    expect(ours.samples).toHaveLength(3);
    expect(ours.metrics.rate).toEqual({ median: 12, min: 11, max: 13, n: 3 });
    expect(report.ratios[0]!.value).toBeCloseTo(12 / 5);
    expect(formatReport(report)).toContain('ratio ours / theirs (rate): 2.40x');
  });

  it('tears down even when a contender fails', async () => {
    let torn = false;
    const bench: Benchmark<null> = {
      name: 'broken',
      description: 'fails',
      metrics: [{ name: 'rate', unit: 'records/s', better: 'higher' }],
      setup: async () => null,
      teardown: async () => {
        torn = true;
      },
      contenders: () => [{ name: 'only', run: async () => Promise.reject(new Error('documents missing')) }],
    };
    await expect(runBenchmark(bench, options())).rejects.toThrow('documents missing');
    expect(torn).toBe(true);
  });

  it('reports metrics only where contenders measured them', () => {
    const bench: Benchmark<null> = {
      name: 'mixed',
      description: '',
      metrics: [
        { name: 'rate', unit: 'records/s', better: 'higher' },
        { name: 'p99', unit: 'ms', better: 'lower' },
      ],
      setup: async () => null,
      contenders: () => [],
    };
    const machine = { cpus: 2, cpuModel: 'x', memoryGiB: 24, node: 'v20', commit: 'abc', loadBefore: 1 };
    const report = buildReport(bench, options(), machine, 't', new Map([['a', [{ metrics: { rate: 1 } }]]]));
    expect(Object.keys(report.contenders[0]!.metrics)).toEqual(['rate']);
    expect(formatReport(report)).toMatch(/a\s+1\.00 \(1\.00\.\.1\.00\)\s+-/);
  });
});
