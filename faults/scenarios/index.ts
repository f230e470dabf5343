// The fault suite's scenarios, one line each (merge conflicts here are trivial: keep every line).
import type { Scenario } from '../scenario.js';
import { leaderKill } from './1-leader-kill.js';
import { brokerControlledShutdown } from './2-broker-shutdown.js';
import { driverKilled } from './3-driver-kill.js';
import { workerKill } from './4-worker-kill.js';
import { storeStopped } from './5-store-outage.js';
import { producerKill } from './6-producer-kill.js';
import { apiFaults } from './7-api-faults.js';
import { poison } from './8-poison.js';
import { secretScan } from './secret-scan.js';
import { checkpointDirReadOnly } from './9-checkpoint-read-only.js';
import { singleNodeKill10s, singleNodeKill60s } from './10-single-node-kill.js';

export const SCENARIOS: Scenario[] = [
  leaderKill,
  brokerControlledShutdown,
  workerKill,
  producerKill,
  apiFaults,
  poison,
  secretScan,
  driverKilled,
  storeStopped,
  checkpointDirReadOnly,
  singleNodeKill60s,
  singleNodeKill10s,
];

/** Numbered scenarios in number order, then the named ones (the registry's lines come in merge order). */
const ordered = (): Scenario[] => [...SCENARIOS].sort((a, b) => (Number(a.id) || Infinity) - (Number(b.id) || Infinity) || a.id.localeCompare(b.id));

/** The scenarios named by id (in the order given), or all of them, or the quick ones; an unknown id throws naming the known ones. */
export function selectScenarios(ids: string[], quick: boolean): Scenario[] {
  if (ids.length === 0) return ordered().filter((s) => !quick || s.inQuick);
  return ids.map((id) => {
    const scenario = SCENARIOS.find((s) => s.id === id);
    if (!scenario) throw new Error(`unknown scenario "${id}"; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
    return scenario;
  });
}
