import { T, type DataType, type StructType } from '@streamline/spark-connect';
import type { Field, Fields } from '../model/index.js';

/**
 * The Spark schema of a canonical schema, for `from_json`. Every field is nullable on purpose:
 * from_json makes them nullable anyway, and a missing required field must come out as null so the
 * validation routes the record to dead letters.
 */
export function sparkSchema(fields: Fields): StructType {
  return T.struct(...Object.entries(fields).map(([name, field]) => T.field(name, sparkType(field))));
}

function sparkType(field: Field): DataType {
  switch (field.kind) {
    case 'string':
      return T.string;
    case 'integer':
      return field.bits === 64 ? T.long : T.int;
    case 'number':
      return T.double;
    case 'boolean':
      return T.boolean;
    case 'timestamp':
      // STRING, not TIMESTAMP: from_json would parse a TIMESTAMP with the session time zone and
      // `timestampFormat`, silently turning anything it cannot parse into null and dropping the `Z` and the
      // exact text the producer validated. Keeping the ISO-8601 string is lossless; a query that needs
      // time arithmetic casts explicitly (to_timestamp), where a failure is visible.
      return T.string;
    case 'date':
      return T.timestamp;
    case 'object':
      return sparkSchema(field.fields);
  }
}
