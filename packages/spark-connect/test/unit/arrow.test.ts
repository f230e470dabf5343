import { tableFromArrays, tableToIPC, vectorFromArray, Table, Int64, Utf8, List, Field, Struct, Int32, Bool } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { decodeArrowBatches, formatDecimal, toSafeNumber } from '../../src/arrow/decode.js';

describe('Arrow decoding', () => {
  it('decodes IPC batches into rows with bigint -> number when safe', () => {
    const t1 = tableFromArrays({ id: BigInt64Array.from([0n, 1n]), name: ['a', null] as (string | null)[] });
    const t2 = new Table({
      id: vectorFromArray([2n ** 60n], new Int64()),
      name: vectorFromArray(['c'], new Utf8()),
    });
    const decoded = decodeArrowBatches([tableToIPC(t1, 'stream'), tableToIPC(t2, 'stream')]);
    expect(decoded.columns).toEqual(['id', 'name']);
    expect(decoded.rows).toEqual([
      { id: 0, name: 'a' },
      { id: 1, name: null },
      { id: 2n ** 60n, name: 'c' },
    ]);
  });

  it('converts lists and structs recursively', () => {
    const list = vectorFromArray([[1n, 2n], []], new List(new Field('item', new Int64(), true)));
    const struct = vectorFromArray(
      [
        { a: 1, b: true },
        { a: 2, b: false },
      ],
      new Struct([new Field('a', new Int32(), true), new Field('b', new Bool(), true)]),
    );
    const t = new Table({ l: list, s: struct });
    expect(decodeArrowBatches([tableToIPC(t, 'stream')]).rows).toEqual([
      { l: [1, 2], s: { a: 1, b: true } },
      { l: [], s: { a: 2, b: false } },
    ]);
  });

  it('handles an empty result', () => {
    expect(decodeArrowBatches([])).toEqual({ columns: [], rows: [] });
  });

  it('formats decimals exactly and keeps big longs as bigint', () => {
    expect(formatDecimal(-125n, 2)).toBe('-1.25');
    expect(formatDecimal(-5n, 3)).toBe('-0.005');
    expect(formatDecimal(123456789012345678900123456789n, 10)).toBe('12345678901234567890.0123456789');
    expect(formatDecimal(42n, 0)).toBe('42');
    expect(toSafeNumber(9007199254740991n)).toBe(9007199254740991);
    expect(toSafeNumber(9007199254740993n)).toBe(9007199254740993n);
  });
});
