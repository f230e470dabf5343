import { fieldsToZod } from '../model/to-zod.js';
import type { Fields } from '../model/fields.js';
import { describeZodError } from '../model/zod-error.js';
import type { RecordSchema } from '../pipeline/sources.js';

/**
 * The one interface the producer reads a pipeline's source through. A runtime is made from
 * the declaration a pipeline file wrote (`httpJson({...})`, `file({...})`) by `sourceRuntime` (sources.ts).
 */

/**
 * Where a source resumes: what the next read is. The producer stores the position of a page once every
 * record of the page is acknowledged, so a restarted run re-reads at most that page.
 * `file`: `line` is the last line read in `file` (a record spanning lines counts as read at its last line).
 * `end`: nothing is left (a finite source at its last page).
 */
export type Position =
  | { readonly kind: 'page'; readonly page: number }
  | { readonly kind: 'offset'; readonly offset: number }
  | { readonly kind: 'cursor'; readonly cursor: string }
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'file'; readonly file: string; readonly line: number }
  | { readonly kind: 'end' };

export interface SourcePage {
  /** Raw records, as the source gave them: `normalize` checks each one. */
  readonly records: unknown[];
  /** Where to resume once every record of this page is acknowledged. */
  readonly position: Position;
  /** When the page arrived (ISO-8601), the envelope's `fetched_at`. */
  readonly fetchedAt: string;
}

export type Normalized<R> = { readonly ok: true; readonly record: R } | { readonly ok: false; readonly reason: string };

export interface SourceRuntime<R> {
  /** The envelope's `source`, e.g. `http:api.example.com`, `file:orders.ndjson`. */
  readonly label: string;
  /**
   * Pages from `from` (the start when undefined) to the end of the source; an abort rejects with the signal's
   * reason. `demand`, asked before each request, is how many records the reader still wants: a source that
   * sizes its requests (randomUser's `results`) asks for no more (and at least one); others ignore it.
   */
  pages(from: Position | undefined, signal?: AbortSignal, demand?: () => number): AsyncIterable<SourcePage>;
  /** Checks one raw record against the declared record schema; never throws. */
  normalize(raw: unknown): Normalized<R>;
  /** One line for `check` and `status`: what is read and how, with every secret masked. */
  describe(): string;
  /** The secret values this runtime resolved (env header values): the caller adds them to its redaction. */
  readonly secrets: readonly string[];
}

/**
 * A raw record the source could not even read (an NDJSON line that is not JSON, a value that is not an
 * object): it travels in the page like any record, and `normalize` rejects it with this reason, so a bad
 * line is counted as a rejected record, not a failed run.
 */
export class UnreadableRecord {
  constructor(readonly reason: string) {}
}

const isZodSchema = (schema: RecordSchema): schema is Extract<RecordSchema, { safeParse: unknown }> =>
  typeof (schema as { safeParse?: unknown }).safeParse === 'function';

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The declared fields of `value`, recursively; every other key dropped. A descriptor record is an
 * allow-list: whatever the source sends that the pipeline did not declare (a password, a hash) never
 * reaches a projection, and it is not an error either (APIs add fields).
 */
function pickDeclared(value: unknown, fields: Fields): unknown {
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    if (!Object.hasOwn(value, name)) continue;
    const inner = value[name];
    out[name] = field.kind === 'object' ? pickDeclared(inner, field.fields) : inner;
  }
  return out;
}

/**
 * `normalize` for a record schema: a descriptor is parsed strictly after its undeclared keys are dropped;
 * a zod schema is the pipeline author's own (a `z.object` strips unknown keys by default). `origin` names where a raw
 * record came from (file:line), prefixed to its reason.
 */
export function recordNormalizer<R>(schema: RecordSchema, origin: (raw: unknown) => string | undefined = () => undefined): (raw: unknown) => Normalized<R> {
  const parse = isZodSchema(schema) ? (raw: unknown) => schema.safeParse(raw) : ((zod) => (raw: unknown) => zod.safeParse(pickDeclared(raw, schema)))(fieldsToZod(schema));
  return (raw) => {
    if (raw instanceof UnreadableRecord) return { ok: false, reason: raw.reason };
    try {
      const parsed = parse(raw);
      if (parsed.success) return { ok: true, record: parsed.data as R };
      const where = origin(raw);
      return { ok: false, reason: `${where === undefined ? '' : `${where}: `}${describeZodError(parsed.error)}` };
    } catch (error) {
      // A pipeline's own zod refinement may throw; normalize never does.
      return { ok: false, reason: `the record schema threw: ${error instanceof Error ? error.message : String(error)}` };
    }
  };
}
