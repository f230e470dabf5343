import { requiredKeys, type Field, type Fields } from './fields.js';

/** A JSON Schema document or sub-schema (draft 2020-12). */
export type JsonSchema = { readonly [keyword: string]: unknown };

const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** The part of an ISO-8601 UTC instant we produce: 2024-01-31T12:34:56Z or with fractional seconds. */
export const ISO_UTC_INSTANT_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$';

function withNull(type: string, nullable: boolean): string | string[] {
  return nullable ? [type, 'null'] : type;
}

function defined(entries: Record<string, unknown>): JsonSchema {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

/** JSON Schema of one field's value (`optional` is expressed by the parent's `required`). */
function fieldToJsonSchema(field: Field): JsonSchema {
  const description = field.description;
  switch (field.kind) {
    case 'string':
      return defined({
        type: withNull('string', field.nullable),
        enum: field.enum && (field.nullable ? [...field.enum, null] : [...field.enum]),
        format: field.format,
        minLength: field.minLength,
        pattern: field.pattern,
        description,
      });
    case 'integer':
      return defined({
        type: withNull('integer', field.nullable),
        enum: field.enum && (field.nullable ? [...field.enum, null] : [...field.enum]),
        minimum: field.minimum,
        maximum: field.maximum,
        description,
      });
    case 'number':
      return defined({ type: withNull('number', field.nullable), minimum: field.minimum, maximum: field.maximum, description });
    case 'boolean':
      return defined({ type: withNull('boolean', field.nullable), description });
    case 'timestamp':
      return defined({ type: withNull('string', field.nullable), format: 'date-time', pattern: ISO_UTC_INSTANT_PATTERN, description });
    case 'date':
      // A Date in JSON is its toISOString().
      return defined({ type: withNull('string', field.nullable), format: 'date-time', description });
    case 'object':
      return defined({ ...objectJsonSchema(field.fields), type: withNull('object', field.nullable), description });
  }
}

/** JSON Schema of an object descriptor; closed (`additionalProperties: false`) like the zod schema. */
function objectJsonSchema(fields: Fields): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, fieldToJsonSchema(field)])),
    required: requiredKeys(fields),
    additionalProperties: false,
  };
}

/** A standalone JSON Schema document for an object descriptor. */
export function jsonSchemaDocument(fields: Fields, meta: { id?: string; title: string; description?: string }): JsonSchema {
  return defined({
    $schema: JSON_SCHEMA_DIALECT,
    $id: meta.id,
    title: meta.title,
    description: meta.description,
    ...objectJsonSchema(fields),
  });
}
