/**
 * Arrow IPC -> plain JS rows. Independent of the transport: takes the `data` of each ArrowBatch.
 *
 * Conversions (documented in docs/decisions.md):
 * - Byte/Short/Integer/Float/Double -> number; Boolean -> boolean; String -> string.
 * - Long (and day-time intervals, in microseconds) -> number when within Number.MAX_SAFE_INTEGER,
 *   otherwise bigint. So `count(*)` and ids are plain numbers in practice; check `typeof` if values
 *   may exceed 2^53.
 * - Decimal -> string (exact, e.g. "-1.25"); Timestamp / TimestampNTZ / Date -> Date (UTC; sub-ms
 *   precision dropped); Binary -> Uint8Array (copied); Year-month interval -> number of months.
 * - Array -> array; Struct -> object; Map -> object when keys are strings, otherwise a JS Map.
 * - SQL NULL -> null. With duplicate column names, the last one wins.
 */
import { tableFromIPC, Type, type DataType as ArrowType, type Field } from 'apache-arrow';

export type Row = Record<string, unknown>;

export interface DecodedBatches {
  /** Column names in order (from the first batch). */
  columns: string[];
  rows: Row[];
}

/** Number when safe, bigint otherwise. */
export function toSafeNumber(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}

/** Formats an unscaled decimal integer with `scale` fractional digits. */
export function formatDecimal(unscaled: bigint, scale: number): string {
  if (scale <= 0) return (unscaled * 10n ** BigInt(-scale)).toString();
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

function toDate(ms: unknown): Date | null {
  if (ms === null || ms === undefined) return null;
  return new Date(Math.floor(Number(ms)));
}

/** Converts one Arrow value of type `type` to its JS representation. */
function convertArrowValue(type: ArrowType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case Type.Int:
    case Type.Int64:
    case Type.Uint64:
    case Type.Duration:
      return typeof value === 'bigint' ? toSafeNumber(value) : value;
    case Type.Decimal: {
      const scale = (type as unknown as { scale: number }).scale;
      return formatDecimal(BigInt(String(value)), scale);
    }
    case Type.Date:
    case Type.DateDay:
    case Type.DateMillisecond:
    case Type.Timestamp:
    case Type.TimestampSecond:
    case Type.TimestampMillisecond:
    case Type.TimestampMicrosecond:
    case Type.TimestampNanosecond:
      return value instanceof Date ? value : toDate(value);
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return value instanceof Uint8Array ? value.slice() : value;
    case Type.Interval:
    case Type.IntervalYearMonth:
      if (value instanceof Int32Array && value.length === 2) return (value[0] ?? 0) * 12 + (value[1] ?? 0);
      return value;
    case Type.List:
    case Type.FixedSizeList: {
      const child = (type.children as Field[])[0];
      const out: unknown[] = [];
      for (const item of value as Iterable<unknown>) out.push(child ? convertArrowValue(child.type, item) : item);
      return out;
    }
    case Type.Struct: {
      const row = value as Record<string, unknown>;
      const out: Row = {};
      for (const f of type.children as Field[]) out[f.name] = convertArrowValue(f.type, row[f.name]);
      return out;
    }
    case Type.Map: {
      const entries = (type.children as Field[])[0]?.type.children as Field[] | undefined;
      const keyType = entries?.[0]?.type;
      const valueType = entries?.[1]?.type;
      const pairs: [unknown, unknown][] = [];
      for (const [k, v] of value as Iterable<[unknown, unknown]>) {
        pairs.push([keyType ? convertArrowValue(keyType, k) : k, valueType ? convertArrowValue(valueType, v) : v]);
      }
      const stringKeys = keyType !== undefined && (keyType.typeId === Type.Utf8 || keyType.typeId === Type.LargeUtf8);
      return stringKeys ? Object.fromEntries(pairs) : new Map(pairs);
    }
    default:
      return value;
  }
}

/** Decodes the Arrow IPC streams of one result into rows. */
export function decodeArrowBatches(batches: readonly Uint8Array[]): DecodedBatches {
  let columns: string[] | undefined;
  const rows: Row[] = [];
  for (const batch of batches) {
    if (batch.byteLength === 0) continue;
    const table = tableFromIPC(batch);
    const fields = table.schema.fields;
    columns ??= fields.map((f) => f.name);
    const vectors = fields.map((_, i) => table.getChildAt(i));
    for (let r = 0; r < table.numRows; r++) {
      const row: Row = {};
      fields.forEach((f, i) => {
        row[f.name] = convertArrowValue(f.type, vectors[i]?.get(r));
      });
      rows.push(row);
    }
  }
  return { columns: columns ?? [], rows };
}
