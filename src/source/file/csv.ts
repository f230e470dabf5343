import type { Field, Fields } from '../../model/fields.js';

export interface CsvRow {
  readonly cells: string[];
  /** The line the row starts on and the line it ends on (a quoted cell may span lines), from 1. */
  readonly line: number;
  readonly endLine: number;
  /** Set when the row cannot be read (an unterminated quote). */
  readonly error?: string;
}

/**
 * RFC 4180 rows: quoted cells with `""` for a quote, delimiters and line breaks (LF or CRLF) inside quotes,
 * CRLF or LF between rows. Blank lines are skipped; a final line break adds no row.
 */
export function parseCsv(text: string, delimiter = ','): CsvRow[] {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let cellStarted = false;
  let line = 1;
  let rowLine = 1;
  const endRow = (): void => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '' && !cellStarted)) rows.push({ cells, line: rowLine, endLine: line });
    cells = [];
    cell = '';
    cellStarted = false;
  };
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        if (char === '\n') line += 1;
        cell += char;
      }
    } else if (char === '"' && cell === '') {
      quoted = true;
      cellStarted = true;
    } else if (char === delimiter) {
      cells.push(cell);
      cell = '';
      cellStarted = true;
    } else if (char === '\n' || (char === '\r' && text[i + 1] === '\n')) {
      if (char === '\r') i += 1;
      endRow();
      line += 1;
      rowLine = line;
    } else {
      cell += char;
    }
  }
  if (quoted) rows.push({ cells: [], line: rowLine, endLine: line, error: `a quoted cell that starts on line ${rowLine} is never closed` });
  else if (cell !== '' || cells.length > 0 || cellStarted) endRow();
  return rows;
}

/** The descriptor field at a dotted column name, if the record declares one. */
function fieldAt(fields: Fields | undefined, path: readonly string[]): Field | undefined {
  let current: Fields | undefined = fields;
  let field: Field | undefined;
  for (const name of path) {
    field = current?.[name];
    current = field?.kind === 'object' ? field.fields : undefined;
  }
  return field;
}

/**
 * A CSV cell as the declared field's kind: integers, numbers and booleans are converted when they read
 * as one (otherwise the text is kept, and the record's parse says what is wrong); an empty cell is absent
 * for an optional field, null for a nullable one and an empty string otherwise (CSV cannot tell them apart). Undeclared columns and zod records keep strings.
 */
export function coerceCell(text: string, field: Field | undefined): { readonly value: unknown } | undefined {
  if (field === undefined) return { value: text };
  if (text === '') {
    if (field.optional) return undefined;
    if (field.nullable) return { value: null };
    return { value: text };
  }
  const trimmed = text.trim();
  if (field.kind === 'integer' && /^[+-]?\d+$/.test(trimmed)) return { value: Number(trimmed) };
  if (field.kind === 'number' && trimmed !== '' && Number.isFinite(Number(trimmed))) return { value: Number(trimmed) };
  if (field.kind === 'boolean' && /^(true|false)$/i.test(trimmed)) return { value: trimmed.toLowerCase() === 'true' };
  return { value: text };
}

/** One record from a row and the header: a dotted column (`location.lat`) makes a nested object, made only when one of its cells is present. */
export function rowRecord(header: readonly string[], cells: readonly string[], fields: Fields | undefined): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  header.forEach((column, i) => {
    const path = column.split('.');
    const coerced = coerceCell(cells[i] ?? '', fieldAt(fields, path));
    if (coerced === undefined) return;
    let target = record;
    for (const name of path.slice(0, -1)) {
      const next = target[name];
      target = (typeof next === 'object' && next !== null ? next : (target[name] = {})) as Record<string, unknown>;
    }
    target[path.at(-1) as string] = coerced.value;
  });
  return record;
}
