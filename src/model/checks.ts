import type { Field, Fields } from './fields.js';
import { ENVELOPE_SCHEMA_VERSION } from './wire.js';

/**
 * The checks of one topic's Kafka messages as plain data, in the order they are reported (the first that
 * fires wins): what src/stream/validation.ts builds as Spark Columns, so that TypeScript can evaluate the
 * same checks without Spark (`streamline check`/`test`, src/pipeline/evaluate.ts). Each check fires when
 * the message is invalid; its reason is what lands in dead_letters.
 */
export type CheckSpec =
  /** On the raw value: a tombstone, bytes that are not UTF-8, text that is not a JSON object. */
  | { readonly kind: 'structural'; readonly test: 'tombstone' | 'utf8' | 'object'; readonly reason: string }
  | FieldCheck
  /** `schema-version`: present and not ours; `key`: the message key is absent or differs from `id`. */
  | { readonly kind: 'identity'; readonly test: 'schema-version' | 'key'; readonly reason: string };

export type FieldTest =
  /** The value is null after from_json: absent, null, or of a type that does not fit. */
  | { readonly test: 'missing' }
  | { readonly test: 'uuid' }
  | { readonly test: 'pattern'; readonly pattern: string }
  | { readonly test: 'enum'; readonly values: readonly (string | number)[] }
  | { readonly test: 'minLength'; readonly min: number }
  | { readonly test: 'timestamp' }
  | { readonly test: 'min'; readonly min: number }
  | { readonly test: 'max'; readonly max: number };

export type FieldCheck = FieldTest & {
  readonly kind: 'field';
  /** Path of the checked value in the parsed message. */
  readonly path: readonly string[];
  /** Optional or nullable objects above it: the check applies only when every one of them is there. */
  readonly guards: readonly (readonly string[])[];
  readonly reason: string;
};

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

function fieldChecks(field: Field, path: readonly string[]): FieldCheck[] {
  const label = path.join('.');
  const check = (test: FieldTest, reason: string): FieldCheck => ({ ...test, kind: 'field', path, guards: [], reason });
  const checks: FieldCheck[] = [];
  if (!field.nullable && !field.optional) checks.push(check({ test: 'missing' }, `missing or invalid field: ${label}`));
  switch (field.kind) {
    case 'string':
      if (field.format === 'uuid') checks.push(check({ test: 'uuid' }, `not a UUID: ${label}`));
      if (field.pattern) checks.push(check({ test: 'pattern', pattern: field.pattern }, `does not match the expected pattern: ${label}`));
      if (field.enum?.length) checks.push(check({ test: 'enum', values: field.enum }, `not one of ${field.enum.join(', ')}: ${label}`));
      if (field.minLength) checks.push(check({ test: 'minLength', min: field.minLength }, `too short: ${label}`));
      break;
    case 'timestamp':
      checks.push(check({ test: 'timestamp' }, `not an ISO-8601 UTC timestamp: ${label}`));
      break;
    case 'integer':
    case 'number':
      if (field.minimum !== undefined) checks.push(check({ test: 'min', min: field.minimum }, `below ${field.minimum}: ${label}`));
      if (field.maximum !== undefined) checks.push(check({ test: 'max', max: field.maximum }, `above ${field.maximum}: ${label}`));
      if (field.kind === 'integer' && field.enum?.length) checks.push(check({ test: 'enum', values: field.enum }, `not one of ${field.enum.join(', ')}: ${label}`));
      break;
    case 'object': {
      const children = Object.entries(field.fields).flatMap(([name, child]) => fieldChecks(child, [...path, name]));
      // The children of an object that may be absent or null are only checked when it is there.
      checks.push(...(field.nullable || field.optional ? children.map((c) => ({ ...c, guards: [...c.guards, path] })) : children));
      break;
    }
    case 'boolean':
    case 'date':
      break;
  }
  return checks;
}

/** Every check of a message whose value is described by `envelope` (envelopeFields of the topic). */
export function checkPlan(envelope: Fields): CheckSpec[] {
  return [
    { kind: 'structural', test: 'tombstone', reason: 'empty value (tombstone)' },
    { kind: 'structural', test: 'utf8', reason: 'value is not valid UTF-8' },
    { kind: 'structural', test: 'object', reason: 'value is not a JSON object' },
    ...Object.entries(envelope).flatMap(([name, field]) => fieldChecks(field, [name])),
    { kind: 'identity', test: 'schema-version', reason: `unsupported schema_version (expected ${ENVELOPE_SCHEMA_VERSION})` },
    { kind: 'identity', test: 'key', reason: 'message key does not match id' },
  ];
}
