import type { Field, Fields } from './fields.js';

export type SparkTypeName = 'STRING' | 'INT' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'STRUCT';

/** A Spark StructField in plain data; `fields` is set for STRUCT. Enough to build a StructType later. */
export interface SparkField {
  readonly name: string;
  readonly type: SparkTypeName;
  readonly nullable: boolean;
  readonly fields?: readonly SparkField[];
}

function sparkTypeName(field: Field): SparkTypeName {
  switch (field.kind) {
    case 'string':
      return 'STRING';
    case 'integer':
      return field.bits === 64 ? 'BIGINT' : 'INT';
    case 'number':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'timestamp':
      // STRING, not TIMESTAMP: from_json would parse a TIMESTAMP with the session time zone and
      // `timestampFormat`, silently turning anything it cannot parse into null and dropping the `Z` and the
      // exact text the producer validated. Keeping the ISO-8601 string is lossless; a query that needs
      // time arithmetic casts explicitly (to_timestamp), where a failure is visible.
      return 'STRING';
    case 'object':
      return 'STRUCT';
  }
}

/** Structured Spark schema of an object descriptor. */
export function sparkFields(fields: Fields): SparkField[] {
  return Object.entries(fields).map(([name, field]) => sparkField(name, field));
}

function sparkField(name: string, field: Field): SparkField {
  const base = { name, type: sparkTypeName(field), nullable: field.nullable || field.optional };
  return field.kind === 'object' ? { ...base, fields: sparkFields(field.fields) } : base;
}

/**
 * Backtick-quotes a name, always: several of our names are SQL keywords (`offset` is reserved under
 * spark.sql.ansi.enforceReservedKeywords, `date` is a type name), and quoting is always valid DDL.
 * A backtick inside a name is escaped by doubling it.
 */
export function quoteSparkIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

function typeDdl(field: SparkField): string {
  if (field.type !== 'STRUCT') return field.type;
  const members = (field.fields ?? []).map((member) => `${quoteSparkIdentifier(member.name)}: ${typeDdl(member)}`);
  return `STRUCT<${members.join(', ')}>`;
}

/**
 * Spark DDL (`name TYPE, ...`) for `from_json`. NOT NULL is left out on purpose: from_json makes every
 * field nullable anyway, and a missing field must come out as null so the job can route it to dead letters.
 */
export function sparkDdl(fields: readonly SparkField[]): string {
  return fields.map((field) => `${quoteSparkIdentifier(field.name)} ${typeDdl(field)}`).join(', ');
}
