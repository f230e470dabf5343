import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { Fields } from '../../model/fields.js';
import type { FileSource } from '../../pipeline/sources.js';
import type { SourceContext } from '../context.js';
import { SourceError } from '../errors.js';
import { itemsAt } from '../items.js';
import { recordNormalizer, UnreadableRecord, type Position, type SourcePage, type SourceRuntime } from '../runtime.js';
import { parseCsv, rowRecord } from './csv.js';
import { displayPath, expandGlob } from './glob.js';

const DEFAULT_PAGE_SIZE = 500;

/** A record read at `line` (the last line it spans), before it is batched into pages. */
interface LineRecord {
  readonly raw: unknown;
  readonly line: number;
}

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A file's text without the byte-order mark spreadsheet programs put first (it would stick to the first column's name). */
const readText = async (file: string): Promise<string> => (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The runtime of a `file` source: the files of `path` (a path or a glob) in name order, each read after
 * the previous. ndjson is streamed line by line; json and csv are read whole. Every record is tagged with
 * its file:line, which `normalize` puts in front of a rejection's reason.
 */
export function fileRuntime<R>(source: FileSource<R>, ctx: SourceContext): SourceRuntime<R> {
  const options = source.options;
  const pageSize = ctx.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new SourceError(`file source ${options.path}: the page size must be an integer >= 1, got ${pageSize}`);
  const origins = new WeakMap<object, string>();
  const fields = typeof (options.record as { safeParse?: unknown }).safeParse === 'function' ? undefined : (options.record as Fields);
  const delimiter = options.csv?.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new SourceError(`file source ${options.path}: csv.delimiter must be one character other than a quote or a line break, got ${JSON.stringify(delimiter)}`);
  }

  /** A raw record of `file` at `line`: objects are tagged with where they came from, anything else is unreadable. */
  const tag = (raw: unknown, name: string, line: number): unknown => {
    if (raw instanceof UnreadableRecord) return raw;
    if (!isObject(raw)) return new UnreadableRecord(`${name}:${line}: not a JSON object`);
    origins.set(raw as object, `${name}:${line}`);
    return raw;
  };

  async function* ndjsonRecords(file: string, name: string): AsyncGenerator<LineRecord> {
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
    let line = 0;
    for await (const text of lines) {
      line += 1;
      if (text.trim() === '') continue;
      let raw: unknown;
      try {
        raw = JSON.parse(line === 1 ? text.replace(/^\uFEFF/, '') : text);
      } catch (error) {
        raw = new UnreadableRecord(`${name}:${line}: not JSON (${errorText(error)})`);
      }
      yield { raw: tag(raw, name, line), line };
    }
  }

  async function* jsonRecords(file: string, name: string): AsyncGenerator<LineRecord> {
    let document: unknown;
    try {
      document = JSON.parse(await readText(file));
    } catch (error) {
      throw new SourceError(`file source: ${name} is not a JSON document (${errorText(error)})`, { hint: 'fix the file, or declare format: "ndjson" if it has one record per line' });
    }
    const found = itemsAt(document, options.itemsAt);
    if ('reason' in found) throw new SourceError(`file source: ${name}: ${found.reason}`, { hint: 'check `itemsAt` against the document' });
    // A json position counts items: the document has no lines worth naming.
    for (const [i, raw] of found.items.entries()) yield { raw: tag(raw, name, i + 1), line: i + 1 };
  }

  async function* csvRecords(file: string, name: string): AsyncGenerator<LineRecord> {
    const rows = parseCsv(await readText(file), delimiter);
    const withHeader = options.csv?.header ?? true;
    const headerRow = withHeader ? rows.shift() : undefined;
    if (headerRow?.error) throw new SourceError(`file source: ${name}:${headerRow.line}: the header row cannot be read: ${headerRow.error}`);
    const header = headerRow?.cells ?? rows[0]?.cells.map((_, i) => `column${i + 1}`) ?? [];
    for (const row of rows) {
      const where = `${name}:${row.line}`;
      if (row.error) yield { raw: new UnreadableRecord(`${where}: ${row.error}`), line: row.endLine };
      else if (row.cells.length !== header.length) yield { raw: new UnreadableRecord(`${where}: ${row.cells.length} cells, the header has ${header.length}`), line: row.endLine };
      else yield { raw: tag(rowRecord(header, row.cells, fields), name, row.line), line: row.endLine };
    }
  }

  const recordsOf = { ndjson: ndjsonRecords, json: jsonRecords, csv: csvRecords }[options.format];

  return {
    label: source.label ?? `file:${basename(options.path)}`,
    secrets: [],
    normalize: recordNormalizer<R>(options.record, (raw) => (isObject(raw) ? origins.get(raw as object) : undefined)),
    describe: () => `file ${options.path} (${options.format}) under ${ctx.baseDir}`,
    async *pages(from: Position | undefined, signal?: AbortSignal): AsyncGenerator<SourcePage> {
      if (from !== undefined && from.kind !== 'file' && from.kind !== 'end') {
        throw new SourceError(`file source ${options.path}: a '${from.kind}' position cannot resume a file source`, { hint: 'the stored position belongs to another source definition: remove it to start from the beginning' });
      }
      if (from?.kind === 'end') return;
      const files = await expandGlob(options.path, ctx.baseDir);
      if (files.length === 0) throw new SourceError(`file source: no file matches ${options.path} (relative to ${ctx.baseDir})`, { hint: 'check the path; a relative path starts at the pipeline file\'s directory' });
      for (const file of files) {
        const name = displayPath(file, ctx.baseDir);
        if (from !== undefined && name < from.file) continue;
        const skipThrough = from !== undefined && name === from.file ? from.line : 0;
        let records: unknown[] = [];
        let line = skipThrough;
        try {
          for await (const record of recordsOf(file, name)) {
            if (record.line <= skipThrough) continue;
            signal?.throwIfAborted();
            records.push(record.raw);
            line = record.line;
            if (records.length >= pageSize) {
              yield { records, position: { kind: 'file', file: name, line }, fetchedAt: new Date().toISOString() };
              records = [];
            }
          }
        } catch (error) {
          if (error instanceof SourceError || signal?.aborted) throw error;
          throw new SourceError(`file source: cannot read ${name} (${errorText(error)})`, { cause: error });
        }
        if (records.length > 0) yield { records, position: { kind: 'file', file: name, line }, fetchedAt: new Date().toISOString() };
      }
    },
  };
}
