import { functions as F, type Column } from '@streamline/spark-connect';
import { ENVELOPE_SCHEMA_VERSION, ISO_UTC_INSTANT_PATTERN, type Field, type Fields } from '../model/index.js';

/**
 * Record validation inside Spark, derived from the canonical schema: every check is a boolean Column
 * that is true when the record is invalid, with the reason written to `dead_letters`. The ingest
 * query keeps rows where no check fires and the dead-letter query the others, so each record lands
 * in exactly one place.
 *
 * `from_json` does part of the work: a value that does not fit a numeric or struct field becomes null
 * there, so "missing" and "wrong type" both show up as a null required field. A JSON object or array
 * where a string is expected is kept by Spark as its JSON text; the UUID, timestamp and enum checks
 * below catch that for the fields where it matters.
 */
export interface Check {
  /** True when the record is invalid. */
  condition: Column;
  reason: string;
}

/** The columns the checks read: the value as a string, the key as a string, the from_json struct. */
export interface MessageColumns {
  json: Column;
  key: Column;
  msg: Column;
}

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

function fieldChecks(field: Field, column: Column, label: string): Check[] {
  const checks: Check[] = [];
  if (!field.nullable && !field.optional) checks.push({ condition: column.isNull(), reason: `missing or invalid field: ${label}` });
  const present = (cond: Column) => column.isNotNull().and(cond);
  switch (field.kind) {
    case 'string':
      if (field.format === 'uuid') checks.push({ condition: present(column.rlike(UUID_PATTERN).not()), reason: `not a UUID: ${label}` });
      if (field.pattern) checks.push({ condition: present(column.rlike(field.pattern).not()), reason: `does not match the expected pattern: ${label}` });
      if (field.enum?.length) checks.push({ condition: present(column.isin(...field.enum).not()), reason: `not one of ${field.enum.join(', ')}: ${label}` });
      if (field.minLength) checks.push({ condition: present(F.length(column).lt(field.minLength)), reason: `too short: ${label}` });
      break;
    case 'timestamp':
      checks.push({ condition: present(column.rlike(ISO_UTC_INSTANT_PATTERN).not()), reason: `not an ISO-8601 UTC timestamp: ${label}` });
      break;
    case 'integer':
    case 'number':
      if (field.minimum !== undefined) checks.push({ condition: present(column.lt(field.minimum)), reason: `below ${field.minimum}: ${label}` });
      if (field.maximum !== undefined) checks.push({ condition: present(column.gt(field.maximum)), reason: `above ${field.maximum}: ${label}` });
      if (field.kind === 'integer' && field.enum?.length) {
        checks.push({ condition: present(column.isin(...field.enum).not()), reason: `not one of ${field.enum.join(', ')}: ${label}` });
      }
      break;
    case 'object': {
      const children = Object.entries(field.fields).flatMap(([name, child]) => fieldChecks(child, column.getField(name), `${label}.${name}`));
      // The children of an object that may be absent or null are only checked when it is there.
      const guarded = field.nullable || field.optional ? children.map((c) => ({ ...c, condition: present(c.condition) })) : children;
      checks.push(...guarded);
      break;
    }
    case 'boolean':
    case 'date':
      break;
  }
  return checks;
}

/** All checks for one topic's message, in the order they are reported (the first that fires wins). */
export function messageChecks(envelope: Fields, { json, key, msg }: MessageColumns): Check[] {
  const schemaVersion = msg.getField('schema_version');
  const structural: Check[] = [
    { condition: json.isNull(), reason: 'empty value (tombstone)' },
    // JSON is UTF-8; from_json would read invalid bytes as U+FFFD and let a mangled record through.
    { condition: F.is_valid_utf8(json).not(), reason: 'value is not valid UTF-8' },
    // Not a second full parse (from_json to a map rendered every nested value as a string): the keys only.
    { condition: F.json_object_keys(json).isNull(), reason: 'value is not a JSON object' },
  ];
  const fields = Object.entries(envelope).flatMap(([name, field]) => fieldChecks(field, msg.getField(name), name));
  const identity: Check[] = [
    { condition: schemaVersion.isNotNull().and(schemaVersion.neq(ENVELOPE_SCHEMA_VERSION)), reason: `unsupported schema_version (expected ${ENVELOPE_SCHEMA_VERSION})` },
    { condition: key.isNull().or(key.neq(msg.getField('id'))), reason: 'message key does not match id' },
  ];
  return [...structural, ...fields, ...identity];
}

/**
 * `when(c1, r1).when(c2, r2)...otherwise(fallback)`: the reason of the first branch whose condition
 * holds, else `fallback` (null by default: the record is valid).
 */
export function reasonColumn(branches: ReadonlyArray<{ condition: Column; reason: string | Column }>, fallback: string | null = null): Column {
  const [first, ...rest] = branches;
  if (!first) return F.lit(fallback);
  const chosen = rest.reduce((reason, b) => reason.when(b.condition, b.reason), F.when(first.condition, first.reason));
  return fallback === null ? chosen : chosen.otherwise(fallback);
}
