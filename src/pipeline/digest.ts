import { createHash } from 'node:crypto';

/** JSON with object keys sorted and undefined members left out: the same text whatever order a definition lists them in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const entries = Object.entries(value).filter(([, inner]) => inner !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
}

/** sha256 (hex) of a definition's canonical JSON: what changed is what a digest of a pipeline's definition says. */
export const definitionDigest = (value: unknown): string => createHash('sha256').update(canonicalJson(value)).digest('hex');
