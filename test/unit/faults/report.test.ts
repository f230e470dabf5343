import { describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../../../faults/engine.js';
import { reliabilityMarkdown, resultLine } from '../../../faults/report.js';

const result = (id: string, over: Partial<ScenarioResult> = {}): ScenarioResult => ({
  id,
  name: `scenario ${id}`,
  seed: 's',
  ok: true,
  produced: 400,
  users: 100,
  lost: 0,
  duplicated: 0,
  unexpected: 0,
  producerDuplicates: 0,
  tolerated: 0,
  contentMismatches: 0,
  contentChecked: 0,
  partialUsers: 0,
  deadLetters: { expected: 0, found: 0 },
  recoveryMs: 12_300,
  durationMs: 60_000,
  samples: { lost: [], duplicated: [], unexpected: [] },
  measurements: {},
  failedChecks: [],
  ...over,
});
const info = { commit: 'abc1234', date: '2026-11-27' };

describe('resultLine', () => {
  it('gives the verdict and the counts on one line', () => {
    expect(resultLine(result('1'))).toBe('PASS 1 scenario 1: produced 400 (100 users) lost 0 duplicated 0 unexpected 0 recovery 12.3 s in 60.0 s seed s');
    expect(resultLine(result('6', { ok: false, lost: 2, producerDuplicates: 5, recoveryMs: null }))).toMatch(/^FAIL 6 .* lost 2 .* recovery n\/a .* producer re-sends absorbed 5$/);
  });
});

describe('reliabilityMarkdown', () => {
  it('replaces the rows and notes of the scenarios run and keeps the others', () => {
    const first = reliabilityMarkdown(undefined, [result('1'), result('2', { explanation: 'why 2' }), result('10')], info, '# Reliability');
    expect(first).toContain('| 1. scenario 1 | pass | 400 | 0 | 0 | 0 | 0 | 12.3 s | abc1234 | 2026-11-27 |');
    expect(first).toContain('- **2**: why 2');
    const second = reliabilityMarkdown(first, [result('2', { produced: 800 })], { commit: 'def5678', date: '2026-11-28' }, '# Reliability');
    const rows = second.split('\n').filter((l) => /^\| \d+\. /.test(l));
    expect(rows.map((r) => r.split(' | ')[0])).toEqual(['| 1. scenario 1', '| 2. scenario 2', '| 10. scenario 10']);
    expect(rows[1]).toContain('| 800 |');
    expect(rows[1]).toContain('def5678');
    expect(second).not.toContain('why 2');
  });
});
