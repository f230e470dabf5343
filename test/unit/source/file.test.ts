// The file source's runtime on real files in a temp dir: glob order, ndjson lines and positions, json
// itemsAt, RFC 4180 CSV with coercion by the record's kinds, and resume from a position.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StreamlineError } from '../../../src/core/errors.js';
import { boolean, file, integer, nullable, number, object, optional, string } from '../../../src/pipeline/index.js';
import { coerceCell, parseCsv } from '../../../src/source/file/csv.js';
import { expandGlob } from '../../../src/source/file/glob.js';
import type { Position, SourcePage, SourceRuntime } from '../../../src/source/runtime.js';
import { sourceRuntime } from '../../../src/source/source-runtime.js';

const root = mkdtempSync(join(tmpdir(), 'streamline-file-source-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
/** A fresh directory with these files. */
function dirWith(files: Record<string, string>): string {
  const dir = join(root, `d${(dirs += 1)}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function collect<R>(runtime: SourceRuntime<R>, from?: Position): Promise<SourcePage[]> {
  const pages: SourcePage[] = [];
  for await (const p of runtime.pages(from)) pages.push(p);
  return pages;
}
const normalized = <R>(runtime: SourceRuntime<R>, pages: SourcePage[]) => pages.flatMap((p) => p.records.map((r) => runtime.normalize(r)));

const ndjson = (...values: unknown[]): string => `${values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n')}\n`;
const record = { id: string({ minLength: 1 }), n: optional(integer()) };

describe('glob', () => {
  it('expands * and ? per segment, in code-point order, files only, dot files only when asked', async () => {
    const dir = dirWith({ 'b.ndjson': '', 'a10.ndjson': '', 'a2.ndjson': '', 'B.ndjson': '', '.hidden.ndjson': '', 'x.json': '', '2026-01/c.ndjson': '', '2026-02/a.ndjson': '', 'sub.ndjson/inner': '' });
    expect(await expandGlob('*.ndjson', dir)).toEqual(['B.ndjson', 'a10.ndjson', 'a2.ndjson', 'b.ndjson'].map((f) => join(dir, f)));
    expect(await expandGlob('a?.ndjson', dir)).toEqual([join(dir, 'a2.ndjson')]);
    expect(await expandGlob('2026-*/*.ndjson', dir)).toEqual([join(dir, '2026-01/c.ndjson'), join(dir, '2026-02/a.ndjson')]);
    expect(await expandGlob('.*.ndjson', dir)).toEqual([join(dir, '.hidden.ndjson')]);
    expect(await expandGlob(join(dir, 'x.json'), '/elsewhere')).toEqual([join(dir, 'x.json')]);
    expect(await expandGlob('missing.ndjson', dir)).toEqual([]);
  });
});

describe('file source: ndjson', () => {
  it('reads the files in name order, a page per pageSize records, positioned at file:line', async () => {
    const dir = dirWith({ 'data/2.ndjson': ndjson({ id: 'c' }), 'data/1.ndjson': ndjson({ id: 'a' }, '', { id: 'b', n: 2 }) });
    const runtime = sourceRuntime(file({ path: 'data/*.ndjson', format: 'ndjson', record }), { baseDir: dir, pageSize: 1 });
    const pages = await collect(runtime);
    expect(normalized(runtime, pages)).toEqual([
      { ok: true, record: { id: 'a' } },
      { ok: true, record: { id: 'b', n: 2 } },
      { ok: true, record: { id: 'c' } },
    ]);
    expect(pages.map((p) => p.position)).toEqual([
      { kind: 'file', file: 'data/1.ndjson', line: 1 },
      { kind: 'file', file: 'data/1.ndjson', line: 3 },
      { kind: 'file', file: 'data/2.ndjson', line: 1 },
    ]);
    expect(runtime.label).toBe('file:*.ndjson');
  });

  it('resumes after the position: earlier files and read lines are skipped', async () => {
    const dir = dirWith({ '1.ndjson': ndjson({ id: 'a' }, { id: 'b' }, { id: 'c' }), '2.ndjson': ndjson({ id: 'd' }) });
    const runtime = sourceRuntime(file({ path: '*.ndjson', format: 'ndjson', record }), { baseDir: dir });
    const ids = async (from: Position) => normalized(runtime, await collect(runtime, from)).map((r) => (r.ok ? r.record.id : r.reason));
    expect(await ids({ kind: 'file', file: '1.ndjson', line: 2 })).toEqual(['c', 'd']);
    expect(await ids({ kind: 'file', file: '1.ndjson', line: 3 })).toEqual(['d']);
    expect(await ids({ kind: 'file', file: '2.ndjson', line: 1 })).toEqual([]);
    await expect(collect(runtime, { kind: 'page', page: 2 })).rejects.toThrow(/'page' position cannot resume a file source/);
  });

  it('turns a bad line into a rejected record naming file:line, and goes on', async () => {
    const dir = dirWith({ 'd.ndjson': ndjson({ id: 'a' }, '{"id": ', { id: '' }, '[1]', { id: 'ok', n: 1.5 }, { id: 'b', secret: 'x' }) });
    const runtime = sourceRuntime(file({ path: 'd.ndjson', format: 'ndjson', record }), { baseDir: dir });
    const results = normalized(runtime, await collect(runtime));
    expect(results).toEqual([
      { ok: true, record: { id: 'a' } },
      { ok: false, reason: expect.stringMatching(/^d\.ndjson:2: not JSON \(/) },
      { ok: false, reason: expect.stringMatching(/^d\.ndjson:3: id: /) },
      { ok: false, reason: 'd.ndjson:4: not a JSON object' },
      { ok: false, reason: expect.stringMatching(/^d\.ndjson:5: n: /) },
      { ok: true, record: { id: 'b' } },
    ]);
  });

  it('fails naming the path when no file matches', async () => {
    const dir = dirWith({});
    const error = await collect(sourceRuntime(file({ path: 'nothing/*.ndjson', format: 'ndjson', record }), { baseDir: dir })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamlineError);
    expect((error as StreamlineError).message).toContain(`no file matches nothing/*.ndjson (relative to ${dir})`);
  });
});

describe('file source: json', () => {
  it('reads the array at itemsAt, with a position per item count', async () => {
    const dir = dirWith({ 'a.json': JSON.stringify({ export: { rows: [{ id: 'a' }, { id: 'b' }, 7] } }) });
    const runtime = sourceRuntime(file({ path: 'a.json', format: 'json', itemsAt: 'export.rows', record }), { baseDir: dir, pageSize: 2 });
    const pages = await collect(runtime);
    expect(normalized(runtime, pages)).toEqual([{ ok: true, record: { id: 'a' } }, { ok: true, record: { id: 'b' } }, { ok: false, reason: 'a.json:3: not a JSON object' }]);
    expect(pages.map((p) => p.position)).toEqual([
      { kind: 'file', file: 'a.json', line: 2 },
      { kind: 'file', file: 'a.json', line: 3 },
    ]);
    expect(normalized(runtime, await collect(runtime, { kind: 'file', file: 'a.json', line: 2 }))).toHaveLength(1);
  });

  it.each([
    ['{"export": {}}', /a\.json: itemsAt 'export\.rows' is missing/],
    ['{"export": {"rows": "x"}}', /a\.json: itemsAt 'export\.rows' is a string, not an array/],
    ['{"export": ', /a\.json is not a JSON document/],
  ])('names the file and itemsAt when there is no array (%s)', async (text, message) => {
    const dir = dirWith({ 'a.json': text });
    await expect(collect(sourceRuntime(file({ path: 'a.json', format: 'json', itemsAt: 'export.rows', record }), { baseDir: dir }))).rejects.toThrow(message);
  });
});

describe('CSV (RFC 4180)', () => {
  it('reads quotes, escaped quotes, delimiters and line breaks inside quotes, CRLF, and skips blank lines', () => {
    const text = 'id,note\r\n1,"a, b"\r\n2,"say ""hi"""\r\n\r\n3,"two\r\nlines"\n4,\n';
    expect(parseCsv(text).map((r) => [r.cells, r.line, r.endLine])).toEqual([
      [['id', 'note'], 1, 1],
      [['1', 'a, b'], 2, 2],
      [['2', 'say "hi"'], 3, 3],
      [['3', 'two\r\nlines'], 5, 6],
      [['4', ''], 7, 7],
    ]);
    expect(parseCsv('a;b\n"x";""', ';').map((r) => r.cells)).toEqual([
      ['a', 'b'],
      ['x', ''],
    ]);
    expect(parseCsv('a\n"never closed\n')).toEqual([{ cells: ['a'], line: 1, endLine: 1 }, expect.objectContaining({ line: 2, error: expect.stringMatching(/never closed/) })]);
  });

  it.each([
    ['42', integer(), 42],
    ['-7', integer(), -7],
    ['4.5', integer(), '4.5'],
    ['4.5', number(), 4.5],
    ['1e3', number(), 1000],
    ['abc', number(), 'abc'],
    ['TRUE', boolean(), true],
    ['false', boolean(), false],
    ['yes', boolean(), 'yes'],
    ['', nullable(integer()), null],
    ['', string(), ''],
    [' 0042 ', string(), ' 0042 '],
  ])('coerces %j by the field kind', (text, field, value) => {
    expect(coerceCell(text, field)).toEqual({ value });
  });

  it('leaves an empty optional cell absent', () => {
    expect(coerceCell('', optional(number()))).toBeUndefined();
    expect(coerceCell('', optional(nullable(string())))).toBeUndefined();
  });

  it('makes records coerced by a descriptor record, nested by dotted columns, naming file:line when rejected', async () => {
    const dir = dirWith({
      'devices.csv': 'device_id,battery,online,location.lat,location.lon,label\nd1,80,true,51.5,-0.12,"Kitchen, left"\nd2,,false,,,\nd3,101,true,1,2,x\nd4,5\n',
    });
    const runtime = sourceRuntime(
      file({
        path: 'devices.csv',
        format: 'csv',
        record: {
          device_id: string({ minLength: 1 }),
          battery: optional(number({ minimum: 0, maximum: 100 })),
          online: boolean(),
          location: optional(object({ lat: optional(number()), lon: optional(number()) })),
          label: nullable(string()),
        },
      }),
      { baseDir: dir },
    );
    const pages = await collect(runtime);
    expect(normalized(runtime, pages)).toEqual([
      { ok: true, record: { device_id: 'd1', battery: 80, online: true, location: { lat: 51.5, lon: -0.12 }, label: 'Kitchen, left' } },
      { ok: true, record: { device_id: 'd2', online: false, label: null } },
      { ok: false, reason: expect.stringMatching(/^devices\.csv:4: battery: /) },
      { ok: false, reason: 'devices.csv:5: 2 cells, the header has 6' },
    ]);
    expect(pages.at(-1)?.position).toEqual({ kind: 'file', file: 'devices.csv', line: 5 });
  });

  it('keeps strings for a zod record, and resumes after a multi-line record', async () => {
    const dir = dirWith({ 'a.csv': 'id,n\n1,"x\ny"\n2,3\n' });
    const runtime = sourceRuntime(file({ path: 'a.csv', format: 'csv', record: z.object({ id: z.string(), n: z.string() }) }), { baseDir: dir });
    expect(normalized(runtime, await collect(runtime))).toEqual([
      { ok: true, record: { id: '1', n: 'x\ny' } },
      { ok: true, record: { id: '2', n: '3' } },
    ]);
    expect(normalized(runtime, await collect(runtime, { kind: 'file', file: 'a.csv', line: 3 }))).toEqual([{ ok: true, record: { id: '2', n: '3' } }]);
  });

  it('ignores a byte-order mark at the start of a csv, json or ndjson file', async () => {
    const dir = dirWith({ 'a.csv': '\uFEFFid\nx\n', 'a.json': '\uFEFF[{"id":"y"}]', 'a.ndjson': '\uFEFF{"id":"z"}\n' });
    for (const [format, id] of [['csv', 'x'], ['json', 'y'], ['ndjson', 'z']] as const) {
      const runtime = sourceRuntime(file({ path: `a.${format}`, format, record }), { baseDir: dir });
      expect(normalized(runtime, await collect(runtime))).toEqual([{ ok: true, record: { id } }]);
    }
  });

  it('names columns column1.. without a header row', async () => {
    const dir = dirWith({ 'a.csv': 'x,1\n' });
    const runtime = sourceRuntime(file({ path: 'a.csv', format: 'csv', csv: { header: false }, record: { column1: string(), column2: integer() } }), { baseDir: dir });
    expect(normalized(runtime, await collect(runtime))).toEqual([{ ok: true, record: { column1: 'x', column2: 1 } }]);
  });
});
