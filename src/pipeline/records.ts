import type { z } from 'zod';
import { fieldsToZod, type Field, type Fields, type InferFields } from '../model/index.js';
import { randomUserRecordFields } from '../source/randomuser/record.js';
import type { Source } from './sources.js';

/**
 * The run-time half of `make` and of a pick topic: what turns a source record into a topic's records. Pure
 * functions over the field descriptors; definePipeline builds each topic's `toRecords` from them.
 */

/** A topic's `make`: the strict zod parse of its fields (an unknown key at any depth, a wrong type, a missing field throw). */
export function recordMaker<S extends Fields>(fields: S): (data: unknown) => InferFields<S> {
  const schema = fieldsToZod(fields);
  return (data) => schema.parse(data);
}

/**
 * The declared fields of `value`, recursively (an object field keeps only its own declared keys), so a topic
 * without a projection takes exactly what it declares from a record that has more. Absent keys stay absent;
 * nothing is copied by reference, so a record cannot be changed through its pick.
 */
export function pickFields(value: unknown, fields: Fields): Record<string, unknown> {
  const source = (value ?? {}) as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    if (!Object.hasOwn(source, name)) continue;
    const inner = source[name];
    picked[name] = field.kind === 'object' && inner !== null && typeof inner === 'object' ? pickFields(inner, field.fields) : inner;
  }
  return picked;
}

/** The descriptor at a dotted path of an object descriptor (undefined when a segment is not declared). */
export function fieldAt(fields: Fields, path: string): Field | undefined {
  const [head, ...rest] = path.split('.');
  const field = head === undefined ? undefined : Object.hasOwn(fields, head) ? fields[head] : undefined;
  if (field === undefined || rest.length === 0) return field;
  return field.kind === 'object' ? fieldAt(field.fields, rest.join('.')) : undefined;
}

/** Whether a source record schema is zod (rather than a field descriptor): zod 4 schemas carry `_zod`. */
function isZodSchema(schema: unknown): schema is z.ZodType {
  return typeof schema === 'object' && schema !== null && '_zod' in schema;
}

/** What is known of the source record's shape at run time: a field descriptor, a zod schema, or nothing (kafka). */
export type RecordShape = { kind: 'fields'; fields: Fields } | { kind: 'zod'; schema: z.ZodType } | { kind: 'none' };

export function sourceRecordShape(source: Source): RecordShape {
  switch (source.kind) {
    case 'randomuser':
      return { kind: 'fields', fields: randomUserRecordFields };
    case 'http-json':
    case 'file':
      return isZodSchema(source.options.record) ? { kind: 'zod', schema: source.options.record } : { kind: 'fields', fields: source.options.record };
    case 'kafka':
      return { kind: 'none' };
  }
}
