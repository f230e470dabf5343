import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';

const WILDCARD = /[*?]/;

/** A segment pattern (`*`, `?`, no `/`) as an anchored regular expression. */
const segmentRegex = (segment: string): RegExp =>
  new RegExp(`^${segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);

/**
 * The files a path or a glob names, relative to `baseDir`, sorted by their path (code-point order, so the
 * order is the same on every machine and locale). `*` and `?` match within one path segment; a dot file
 * is matched only by a pattern segment that starts with a dot. No `**`: node:fs has no glob before Node 22,
 * and one level per segment covers dated directories (`data/2026-*` + `/*.ndjson`).
 */
export async function expandGlob(pattern: string, baseDir: string): Promise<string[]> {
  const absolute = isAbsolute(pattern) ? pattern : join(baseDir, pattern);
  const segments = absolute.split(sep);
  let candidates = [segments[0] === '' ? sep : (segments[0] as string)];
  for (const [i, segment] of segments.slice(1).entries()) {
    if (segment === '') continue;
    const last = i === segments.length - 2;
    const next: string[] = [];
    for (const dir of candidates) {
      if (!WILDCARD.test(segment)) {
        next.push(join(dir, segment));
        continue;
      }
      const regex = segmentRegex(segment);
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        if (!regex.test(entry.name) || (entry.name.startsWith('.') && !segment.startsWith('.'))) continue;
        if (last ? entry.isFile() : entry.isDirectory()) next.push(join(dir, entry.name));
      }
    }
    candidates = next;
  }
  const files: string[] = [];
  for (const candidate of candidates) {
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isFile()) files.push(candidate);
  }
  return [...new Set(files)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** How a file is named in positions and messages: relative to the base directory when it is inside it. */
export function displayPath(file: string, baseDir: string): string {
  const rel = relative(baseDir, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}
