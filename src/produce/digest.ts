import { createHash } from 'node:crypto';

/**
 * A digest of a record's content (the envelope's `data`: the topic's projection of the source record), the same
 * whether computed from the JSON the producer sent or from the document the store holds: keys sorted,
 * null and absent fields alike dropped (Spark writes a null where the JSON had none), dates as
 * ISO-8601. The ack log carries it per record, so the fault checker and the soak compare content, not
 * just ids.
 */
export function contentDigest(data: unknown): string {
  return createHash('sha256').update(canonicalJson(data)).digest('hex').slice(0, 32);
}

export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

/** The digest of an outgoing record's envelope JSON (its `data`); undefined when the value is not such an envelope. */
export function recordDigest(value: string): string | undefined {
  try {
    const envelope = JSON.parse(value) as { data?: unknown };
    return envelope.data === undefined ? undefined : contentDigest(envelope.data);
  } catch {
    return undefined;
  }
}
