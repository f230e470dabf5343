import { z } from 'zod';
import type { Field, Fields, InferField, InferFields, IntegerField, NumberField, StringField } from './fields.js';

function stringSchema(field: StringField): z.ZodType {
  if (field.enum) return z.enum(field.enum as readonly [string, ...string[]]);
  let schema: z.ZodString | z.ZodUUID | z.ZodURL =
    field.format === 'uuid' ? z.uuid() : field.format === 'uri' ? z.url() : z.string();
  if (field.minLength !== undefined) schema = schema.min(field.minLength);
  if (field.pattern !== undefined) schema = schema.regex(new RegExp(field.pattern));
  return schema;
}

function integerSchema(field: IntegerField): z.ZodType {
  if (field.enum) return z.union(field.enum.map((value) => z.literal(value)));
  let schema = z.number().int();
  if (field.minimum !== undefined) schema = schema.min(field.minimum);
  if (field.maximum !== undefined) schema = schema.max(field.maximum);
  return schema;
}

function numberSchema(field: NumberField): z.ZodType {
  // z.number() already rejects NaN and ±Infinity, which JSON could not carry anyway.
  let schema = z.number();
  if (field.minimum !== undefined) schema = schema.min(field.minimum);
  if (field.maximum !== undefined) schema = schema.max(field.maximum);
  return schema;
}

function valueSchema(field: Field): z.ZodType {
  switch (field.kind) {
    case 'string':
      return stringSchema(field);
    case 'integer':
      return integerSchema(field);
    case 'number':
      return numberSchema(field);
    case 'boolean':
      return z.boolean();
    case 'timestamp':
      // Canonical instants are UTC with a `Z` suffix (what Date#toISOString produces); offsets are rejected
      // so that string comparison and sorting of stored values stay meaningful.
      return z.iso.datetime();
    case 'date':
      return z.date();
    case 'object':
      return fieldsToZod(field.fields);
  }
}

/** zod schema for one field, honouring `nullable` and `optional`. */
function fieldToZod<F extends Field>(field: F): z.ZodType<InferField<F>> {
  let schema = valueSchema(field);
  if (field.nullable) schema = schema.nullable();
  if (field.optional) schema = schema.optional();
  if (field.description) schema = schema.describe(field.description);
  return schema as z.ZodType<InferField<F>>;
}

/**
 * zod schema for an object descriptor. Objects are strict: an unknown key is an error, which is what keeps
 * secrets (password, hashes) from sneaking into a projection by accident.
 */
export function fieldsToZod<S extends Fields>(fields: S): z.ZodType<InferFields<S>> {
  const shape = Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, fieldToZod(field)]));
  return z.strictObject(shape) as unknown as z.ZodType<InferFields<S>>;
}
