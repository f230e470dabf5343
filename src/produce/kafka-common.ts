import { GenericError, type ProduceResult } from '@platformatic/kafka';

/** `a:1,b:2` or ['a:1', 'b:2'] -> ['a:1', 'b:2']. */
export function bootstrapList(servers: string | readonly string[]): string[] {
  const list = (typeof servers === 'string' ? servers.split(',') : [...servers]).map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new Error('Kafka bootstrap servers: expected host:port[,host:port...], got nothing');
  return list;
}

/**
 * Kafka's murmur2 (kafka-clients Utils.murmur2) in 32-bit integer arithmetic. The client ships one in
 * BigInt arithmetic, which allocates per step: at tens of thousands of records per second it was the
 * producer's largest cost after GC (docs/decisions.md, "Producer: one partition lookup per record").
 */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    let k = (data[i] as number) | ((data[i + 1] as number) << 8) | ((data[i + 2] as number) << 16) | ((data[i + 3] as number) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length - i;
  if (rest > 0) {
    if (rest === 3) h ^= (data[i + 2] as number) << 16;
    if (rest >= 2) h ^= (data[i + 1] as number) << 8;
    h ^= data[i] as number;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The client's partitioner hook with the Java client's choice (murmur2 of the key, sign bit masked). */
export function javaCompatiblePartitioner(_message: unknown, key: Buffer | undefined): number {
  return Buffer.isBuffer(key) ? murmur2(key) & 0x7fffffff : 0;
}

/**
 * The partition the Java client chooses for this key (murmur2, sign bit masked, modulo the count).
 * test/fixtures/java-partitions.json holds kafka-clients' answers for comparison.
 */
export function partitionForKey(key: string, partitions: number): number {
  return javaCompatiblePartitioner(undefined, Buffer.from(key, 'utf8')) % partitions;
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Looks through one of the client's errors (and its aggregate of attempts) for a property value. */
const clientErrorHas = (error: unknown, property: string, value: unknown): boolean =>
  error instanceof Error && GenericError.isGenericError(error) && (error as GenericError).findBy(property, value) !== null;

/** The partitions that were written before a send failed (the client attaches them to the error). */
export function producedBeforeFailure(error: unknown): ProduceResult | undefined {
  return (error as { produced?: ProduceResult }).produced;
}

/** A topic that already exists (a concurrent creator won the race). */
export const topicAlreadyExists = (error: unknown): boolean => clientErrorHas(error, 'apiId', 'TOPIC_ALREADY_EXISTS');

/**
 * Nothing answered at the bootstrap address (connection refused, unknown host, timed out): the
 * client's network errors, anywhere in its aggregate of attempts.
 */
export const isKafkaUnreachable = (error: unknown): boolean => clientErrorHas(error, 'code', 'PLT_KFK_NETWORK');

/** The brokers refused our SASL credentials (wrong user or password, mechanism not enabled). */
export function isKafkaAuthFailure(error: unknown, depth = 0): boolean {
  // The client nests it as the `cause` of a connection error inside its aggregates, where findBy does not look.
  if (!(error instanceof Error) || depth > 8) return false;
  if ((error as { code?: unknown }).code === 'PLT_KFK_AUTHENTICATION') return true;
  const errors = (error as { errors?: unknown }).errors;
  const nested: unknown[] = [...(Array.isArray(errors) ? errors : []), error.cause];
  return nested.some((e) => isKafkaAuthFailure(e, depth + 1));
}

/**
 * Whether sending the same records again can help: not for our own bad input (the client's user
 * errors) or a broker that refused for good (a protocol error it marks not retriable: too large,
 * not authorised...). Timeouts and unreachable leaders can.
 */
export function isWorthResending(error: unknown): boolean {
  if (!(error instanceof Error) || !GenericError.isGenericError(error)) return true;
  const clientError = error as GenericError;
  if (clientError.findBy('code', 'PLT_KFK_USER')) return false;
  const protocolError = clientError.findBy('code', 'PLT_KFK_PROTOCOL') as (Error & { canRetry?: boolean }) | null;
  return !(protocolError && protocolError.canRetry === false);
}

/** A compact, single-line reason for summaries: the innermost messages of an aggregate error. */
export function describeKafkaError(error: unknown): string {
  const e = asError(error);
  const inner = e instanceof AggregateError ? e.errors.map(describeKafkaError).filter(Boolean) : [];
  const unique = [...new Set(inner)];
  return unique.length > 0 ? `${e.message}: ${unique.join('; ')}` : e.message;
}
