// The fault suite's quick variant (issue 13) inside `npm test`: the scenarios marked quick, one after
// another, on the cluster test/cluster-setup.ts started (no second cluster). `npm run faults` runs
// the full suite on a cluster of its own.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario, SUITE_USERS } from '../../faults/engine.js';
import { resultLine } from '../../faults/report.js';
import { selectScenarios } from '../../faults/scenarios/index.js';
import { clusterTestConfig } from './config.js';
import { BUILTIN_TOPICS } from '../../harness/builtin-pipeline.js';

const config = clusterTestConfig();
const runDir = join(config.stateDir, 'faults', new Date().toISOString().replace(/[:.]/g, '-'));
const seed = process.env.STREAMLINE_FAULTS_SEED ?? 'npm-test';

describe('fault suite (quick)', () => {
  for (const scenario of selectScenarios([], true)) {
    it(`scenario ${scenario.id}: ${scenario.name}`, async () => {
      const result = await runScenario(scenario, { base: config, seed, quick: true, users: SUITE_USERS.quick, runDir, log: (line) => process.stdout.write(`${line}\n`) });
      process.stdout.write(`${resultLine(result)}\n`);
      expect(result.error).toBeUndefined();
      expect(result.failedChecks).toEqual([]);
      expect({ lost: result.lost, duplicated: result.duplicated, unexpected: result.unexpected, samples: result.samples }).toEqual({
        lost: 0,
        duplicated: 0,
        unexpected: 0,
        samples: { lost: [], duplicated: [], unexpected: [] },
      });
      // Every scenario produces at least one full run; re-sends (reruns, retries) only add records.
      expect(result.produced).toBeGreaterThanOrEqual(SUITE_USERS.quick * BUILTIN_TOPICS.length);
      expect(result.ok).toBe(true);
      expect(result.deadLetters.found).toBe(result.deadLetters.expected);
    });
  }
});
