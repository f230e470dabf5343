import { getPath } from '../pipeline/paths.js';

/** The value at a dotted path (`data.items`) of a parsed JSON document; the whole document for no path. */
export const valueAt = (document: unknown, path: string | undefined): unknown => (path === undefined || path === '' ? document : getPath(document, path));

const describeValue = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);

/**
 * The records array of a document at `itemsAt`, or why there is none: a path that is missing or holds
 * something else is the declaration's mistake (or the API changed), never "no records".
 */
export function itemsAt(document: unknown, path: string | undefined): { readonly items: unknown[] } | { readonly reason: string } {
  const value = valueAt(document, path);
  const where = path === undefined || path === '' ? 'the document' : `itemsAt '${path}'`;
  if (value === undefined) return { reason: `${where} is missing from the document` };
  if (!Array.isArray(value)) return { reason: `${where} is ${describeValue(value)}, not an array of records` };
  return { items: value };
}
