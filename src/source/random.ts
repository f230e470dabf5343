import { createHash } from 'node:crypto';

/** A uniform random number in [0, 1). Injectable wherever behaviour must be reproducible in tests. */
export type RandomSource = () => number;

/**
 * mulberry32: a tiny, fast, seedable PRNG; plenty for fault injection, pacing and picking fixtures, and
 * its output is stable across platforms and versions, which a reproducible `--seed` needs.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** SHA-256 of the parts, joined with a separator that cannot occur in them by accident. */
export function digest(...parts: readonly (string | number)[]): Buffer {
  return createHash('sha256').update(parts.map(String).join('\u0000')).digest();
}

/**
 * A 32-bit seed derived from a given seed (`--seed`) and labels (FNV-1a, then murmur3's finaliser to spread the
 * bits), stable across runs and platforms. Labels give each consumer (a producer lane, a fault
 * scenario) its own independent but reproducible stream from one `--seed`.
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

/** An RFC 4122 version-4 UUID made from 16 bytes, so the same bytes always give the same UUID. */
export function uuidFromBytes(bytes: Uint8Array): string {
  if (bytes.length < 16) throw new Error(`uuidFromBytes needs 16 bytes, got ${bytes.length}`);
  const b = Buffer.from(bytes.subarray(0, 16));
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
