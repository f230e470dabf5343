/** A fresh seed for runs without `--seed`; reported in the summary so the run can be replayed. */
export function randomSeed(): string {
  return Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
}
