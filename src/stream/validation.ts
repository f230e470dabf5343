import { ENVELOPE_SCHEMA_VERSION, ISO_UTC_INSTANT_PATTERN, type Field, type Fields } from '../model/index.js';

/**
 * Record validation inside Spark, derived from the canonical schema: every check is a SQL condition
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
  /** SQL boolean expression, true when the record is invalid. */
  condition: string;
  reason: string;
}

const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** A SQL string literal. */
export const sqlString = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const quotePath = (path: string[]): string => path.map((p) => `\`${p.replace(/`/g, '``')}\``).join('.');

function fieldChecks(field: Field, column: string, label: string): Check[] {
  const checks: Check[] = [];
  if (!field.nullable && !field.optional) checks.push({ condition: `${column} IS NULL`, reason: `missing or invalid field: ${label}` });
  const present = (cond: string) => `(${column} IS NOT NULL AND ${cond})`;
  switch (field.kind) {
    case 'string':
      if (field.format === 'uuid') checks.push({ condition: present(`NOT ${column} RLIKE ${sqlString(UUID_PATTERN)}`), reason: `not a UUID: ${label}` });
      if (field.pattern) checks.push({ condition: present(`NOT ${column} RLIKE ${sqlString(field.pattern)}`), reason: `does not match the expected pattern: ${label}` });
      if (field.enum?.length) checks.push({ condition: present(`${column} NOT IN (${field.enum.map(sqlString).join(', ')})`), reason: `not one of ${field.enum.join(', ')}: ${label}` });
      if (field.minLength) checks.push({ condition: present(`length(${column}) < ${field.minLength}`), reason: `too short: ${label}` });
      break;
    case 'timestamp':
      checks.push({ condition: present(`NOT ${column} RLIKE ${sqlString(ISO_UTC_INSTANT_PATTERN)}`), reason: `not an ISO-8601 UTC timestamp: ${label}` });
      break;
    case 'integer':
    case 'number':
      if (field.minimum !== undefined) checks.push({ condition: present(`${column} < ${field.minimum}`), reason: `below ${field.minimum}: ${label}` });
      if (field.maximum !== undefined) checks.push({ condition: present(`${column} > ${field.maximum}`), reason: `above ${field.maximum}: ${label}` });
      if (field.kind === 'integer' && field.enum?.length) {
        checks.push({ condition: present(`${column} NOT IN (${field.enum.join(', ')})`), reason: `not one of ${field.enum.join(', ')}: ${label}` });
      }
      break;
    case 'object': {
      const children = Object.entries(field.fields).flatMap(([name, child]) => fieldChecks(child, `${column}.${quotePath([name])}`, `${label}.${name}`));
      // The children of an object that may be absent or null are only checked when it is there.
      const guarded = field.nullable || field.optional ? children.map((c) => ({ ...c, condition: present(`(${c.condition})`) })) : children;
      checks.push(...guarded);
      break;
    }
    case 'boolean':
      break;
  }
  return checks;
}

/**
 * All checks for one topic's message, in the order they are reported (the first that fires wins).
 * `json` is the value as a string column, `key` the message key as a string, `msg` the from_json struct.
 */
export function messageChecks(envelope: Fields, cols: { json: string; key: string; msg: string }): Check[] {
  const { json, key, msg } = cols;
  const structural: Check[] = [
    { condition: `${json} IS NULL`, reason: 'empty value (tombstone)' },
    // JSON is UTF-8; from_json would read invalid bytes as U+FFFD and let a mangled record through.
    { condition: `NOT is_valid_utf8(${json})`, reason: 'value is not valid UTF-8' },
    { condition: `from_json(${json}, 'MAP<STRING,STRING>') IS NULL`, reason: 'value is not a JSON object' },
  ];
  const fields = Object.entries(envelope).flatMap(([name, field]) => fieldChecks(field, `${msg}.${quotePath([name])}`, name));
  const identity: Check[] = [
    { condition: `${msg}.schema_version IS NOT NULL AND ${msg}.schema_version <> ${ENVELOPE_SCHEMA_VERSION}`, reason: `unsupported schema_version (expected ${ENVELOPE_SCHEMA_VERSION})` },
    { condition: `${key} IS NULL OR ${key} <> ${msg}.id`, reason: 'message key does not match id' },
  ];
  return [...structural, ...fields, ...identity];
}

/** `CASE WHEN c1 THEN r1 ... ELSE NULL END`: the reason a record is invalid, or null when it is valid. */
export function reasonExpression(checks: Check[]): string {
  return `CASE ${checks.map((c) => `WHEN ${c.condition} THEN ${sqlString(c.reason)}`).join(' ')} ELSE NULL END`;
}
