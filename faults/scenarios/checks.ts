import type { ProducerProcess } from '../scenario.js';

/** The producer must have delivered everything and exited 0; otherwise a failed check quoting its last output. */
export function producerExitCheck(exit: { code: number | null; signal: NodeJS.Signals | null }, producer: ProducerProcess): string[] {
  if (exit.code === 0) return [];
  return [`producer exited with ${exit.signal ?? `code ${exit.code}`}: ${producer.output().trim().split('\n').slice(-3).join(' / ')}`];
}
