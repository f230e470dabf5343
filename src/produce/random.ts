import { seededRandom, type RandomSource } from '../source/random.js';

/** A source of uniform numbers in [0, 1). */
export type Random = RandomSource;

/**
 * mulberry32 (shared with the API server's fault injection): stable output across platforms and versions,
 * which a reproducible `--seed` needs.
 */
export const mulberry32: (seed: number) => Random = seededRandom;

/**
 * Derives a 32-bit seed from a user seed and labels (FNV-1a, then murmur3's finaliser to spread
 * the bits). Labels give each lane its own independent but reproducible stream from one `--seed`.
 */
export function deriveSeed(...parts: ReadonlyArray<string | number>): number {
  let hash = 0x811c9dc5;
  for (const char of parts.map(String).join('\u0000')) {
    hash ^= char.codePointAt(0) as number;
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** A fresh seed for runs without `--seed`; reported in the summary so the run can be replayed. */
export function randomSeed(): string {
  return Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
}
