import { GenericError, type ProduceResult } from '@platformatic/kafka';

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

/** The brokers refused our SASL credentials (wrong username or password, mechanism not enabled). */
export function isKafkaAuthFailure(error: unknown, depth = 0): boolean {
  // The client nests it as the `cause` of a connection error inside its aggregates, where findBy does not look.
  if (!(error instanceof Error) || depth > 8) return false;
  if ((error as { code?: unknown }).code === 'PLT_KFK_AUTHENTICATION') return true;
  const errors = (error as { errors?: unknown }).errors;
  const nested: unknown[] = [...(Array.isArray(errors) ? errors : []), error.cause];
  return nested.some((e) => isKafkaAuthFailure(e, depth + 1));
}

/**
 * Whether sending the same records again can help: not for our own bad input (the client's usage
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
