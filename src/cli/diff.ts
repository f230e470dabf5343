// The diff `streamline test` prints on a mismatch: expected vs actual items (documents, dead letters,
// rejected records), one line each, aligned by a longest common subsequence so that one wrong document
// shows as one `-`/`+` pair among unchanged lines, not as everything after it shifted.

export interface DiffLine {
  /** ' ' in both, '-' expected only, '+' actual only. */
  readonly op: ' ' | '-' | '+';
  readonly text: string;
}

/**
 * The lines of an LCS alignment of `expected` and `actual`; `same` decides whether two items match (a
 * pattern may match a text), `show` renders each side. Quadratic: test cases hold a handful of items.
 */
export function diffItems<E, A>(expected: readonly E[], actual: readonly A[], same: (e: E, a: A) => boolean, show: { expected: (e: E) => string; actual: (a: A) => string }): DiffLine[] {
  const rows = expected.length;
  const cols = actual.length;
  // lcs[i][j]: the longest common subsequence of expected[i..] and actual[j..].
  const lcs = Array.from({ length: rows + 1 }, () => new Array<number>(cols + 1).fill(0));
  for (let i = rows - 1; i >= 0; i -= 1) {
    for (let j = cols - 1; j >= 0; j -= 1) {
      const row = lcs[i] as number[];
      row[j] = same(expected[i] as E, actual[j] as A) ? (lcs[i + 1] as number[])[j + 1]! + 1 : Math.max((lcs[i + 1] as number[])[j]!, row[j + 1]!);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < rows || j < cols) {
    if (i < rows && j < cols && same(expected[i] as E, actual[j] as A)) {
      lines.push({ op: ' ', text: show.actual(actual[j] as A) });
      i += 1;
      j += 1;
    } else if (i < rows && (j === cols || (lcs[i + 1] as number[])[j]! >= (lcs[i] as number[])[j + 1]!)) {
      // Expected before actual where either would do: a changed item reads as its `-` line, then its `+`.
      lines.push({ op: '-', text: show.expected(expected[i] as E) });
      i += 1;
    } else {
      lines.push({ op: '+', text: show.actual(actual[j] as A) });
      j += 1;
    }
  }
  return lines;
}

/** JSON with object keys sorted at every depth: equal values print equal, whatever order they were built in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const entries = Object.entries(value)
    .filter(([, inner]) => inner !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
}

/** The dotted paths where two JSON-like values differ, each with both values: what a `-`/`+` pair of documents changes. */
export function differingPaths(expected: unknown, actual: unknown, at = ''): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    return keys.flatMap((key) => differingPaths(expected[key], actual[key], at ? `${at}.${key}` : key));
  }
  if (canonicalJson(expected) === canonicalJson(actual)) return [];
  const shown = (v: unknown) => (v === undefined ? 'absent' : canonicalJson(v));
  return [`${at || '(value)'}: expected ${shown(expected)}, got ${shown(actual)}`];
}
