import { checkPlan, ISO_UTC_INSTANT_PATTERN, UUID_PATTERN, type CheckSpec, type Field, type FieldCheck, type Fields } from '../model/index.js';

/**
 * The streaming checks (src/model/checks.ts) evaluated in TypeScript, without Spark: the dead-letter reason
 * Spark would give a Kafka message, for `streamline check` and `streamline test`. `fromJsonLike` mimics
 * Spark's `from_json` with the topic's schema (src/stream/spark-schema.ts), because the checks read its
 * output: a value whose type does not fit its field becomes null (so it reads as missing), any JSON token in
 * a string field is kept as its JSON text, an integer outside its Spark type's range becomes null.
 * An approximation of Jackson and Spark's parsers on purpose: the integration tier holds it to Spark on
 * the poison corpus.
 */
export interface KafkaMessage {
  /** The message key as text; null when absent. */
  readonly key: string | null;
  /** The value's bytes (or text); null for a tombstone. */
  readonly value: Uint8Array | string | null;
}

/** The reason of the first check that fires, or null when the message is valid. */
export function messageReason(envelope: Fields, message: KafkaMessage, plan: readonly CheckSpec[] = checkPlan(envelope)): string | null {
  const text = message.value === null ? null : decodeUtf8(message.value);
  const parsed = typeof text === 'string' ? parseObject(text) : null;
  const msg = parsed === null ? null : fromJsonLike(parsed, envelope);
  for (const check of plan) {
    if (fires(check, message, text, parsed, msg)) return check.reason;
  }
  return null;
}

function fires(check: CheckSpec, message: KafkaMessage, text: string | null | undefined, parsed: object | null, msg: Record<string, unknown> | null): boolean {
  switch (check.kind) {
    case 'structural':
      if (check.test === 'tombstone') return message.value === null;
      if (check.test === 'utf8') return text === undefined;
      return parsed === null;
    case 'identity': {
      const id = msg?.id ?? null;
      if (check.test === 'schema-version') return (msg?.schema_version ?? null) !== null && msg?.schema_version !== 1;
      return message.key === null || (id !== null && message.key !== id);
    }
    case 'field':
      return fieldFires(check, msg);
  }
}

function valueAt(msg: Record<string, unknown> | null, path: readonly string[]): unknown {
  let current: unknown = msg;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return null;
    current = (current as Record<string, unknown>)[segment] ?? null;
  }
  return current;
}

function fieldFires(check: FieldCheck, msg: Record<string, unknown> | null): boolean {
  if (check.guards.some((guard) => valueAt(msg, guard) === null)) return false;
  const value = valueAt(msg, check.path);
  if (check.test === 'missing') return value === null;
  if (value === null) return false;
  switch (check.test) {
    case 'uuid':
      return !new RegExp(UUID_PATTERN).test(String(value));
    case 'pattern':
      return !new RegExp(check.pattern).test(String(value));
    case 'timestamp':
      return !new RegExp(ISO_UTC_INSTANT_PATTERN).test(String(value));
    case 'enum':
      return !check.values.includes(value as string | number);
    case 'minLength':
      // Spark's length() counts characters (code points), not UTF-16 units.
      return [...String(value)].length < check.min;
    case 'min':
      return (value as number) < check.min;
    case 'max':
      return (value as number) > check.max;
  }
}

/** The text of UTF-8 bytes; undefined when they are not valid UTF-8 (what is_valid_utf8 refuses). */
function decodeUtf8(value: Uint8Array | string): string | undefined {
  if (typeof value === 'string') return value;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(value);
  } catch {
    return undefined;
  }
}

/** The JSON object the text holds, or null (json_object_keys is null for anything but an object). */
function parseObject(text: string): object | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

const INT_RANGE = { 32: [-(2 ** 31), 2 ** 31 - 1], 64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] } as const;

/** The struct Spark's from_json makes of a parsed JSON object with the schema of `fields` (see the module comment). */
export function fromJsonLike(value: object, fields: Fields): Record<string, unknown> {
  const source = value as Record<string, unknown>;
  return Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, Object.hasOwn(source, name) ? convert(source[name], field) : null]));
}

function convert(value: unknown, field: Field): unknown {
  if (value === null || value === undefined) return null;
  switch (field.kind) {
    case 'string':
    case 'timestamp':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'integer': {
      const [min, max] = INT_RANGE[field.bits];
      return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : null;
    }
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : null;
    case 'object':
      return typeof value === 'object' && !Array.isArray(value) ? fromJsonLike(value, field.fields) : null;
  }
}
