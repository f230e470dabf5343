// Issue #23: streamline is a general pipeline; the Random User data set is one example of it. Generic code
// speaks of records and keys, so no "user"/"users" word (case-insensitive, whole word, identifiers split at
// camelCase and `_`: NormalizedUser, dedupeWindowUsers) remains in src/ outside the Random User source
// (src/source/randomuser/) and its pipeline file (pipelines/, outside src/). The name of the source itself,
// "Random User" (randomUser(), RandomUserSource, 'randomuser'), is a proper name, not the word.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const SRC = join(root, 'src');
const ALLOWED_DIRS = ['src/source/randomuser/'];

/** Lines that must keep the word, each with its reason: as few as possible. */
const ALLOWLIST: readonly { file: string; contains: string; reason: string }[] = [
  { file: 'src/config/load.ts', contains: "'produce.dedupeWindowUsers'", reason: 'the renamed config key, recognised only to refuse it naming its new name' },
  { file: 'src/kafka/errors.ts', contains: "'PLT_KFK_USER'", reason: "an error code of @platformatic/kafka (its usage errors), not our word" },
];

const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));

/** The line as words: the source's proper name dropped, identifiers split at camelCase and underscores. */
const words = (line: string): string => line.replace(/random[\s_-]?users?/gi, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ');

function offences(): string[] {
  const found: string[] = [];
  for (const path of walk(SRC)) {
    const file = relative(root, path).split('\\').join('/');
    if (ALLOWED_DIRS.some((dir) => file.startsWith(dir))) continue;
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        if (!/\busers?\b/i.test(words(line))) return;
        if (ALLOWLIST.some((entry) => entry.file === file && line.includes(entry.contains))) return;
        found.push(`${file}:${index + 1}: ${line.trim().slice(0, 160)}`);
      });
  }
  return found;
}

describe('no "user"/"users" word in generic code', () => {
  it('src/ outside src/source/randomuser/ speaks of records and keys', () => {
    expect(offences(), 'reword these lines (or move Random-User-only code into src/source/randomuser/)').toEqual([]);
  });

  it('the check finds the word in identifiers, comments and strings, and spares the source\'s name', () => {
    expect(words('type NormalizedUser')).toMatch(/\bUser\b/);
    expect(words('dedupeWindowUsers: 1')).toMatch(/\bUsers\b/);
    expect(words("'produced 500 users/topic'")).toMatch(/\busers\b/);
    expect(words('randomUser({ url }) of the Random User API, kind randomuser')).not.toMatch(/\busers?\b/i);
    expect(words('username, userinfo')).not.toMatch(/\busers?\b/i);
  });

  it('every allowlist entry still matches a line (a stale one would hide nothing but mislead)', () => {
    for (const entry of ALLOWLIST) expect(readFileSync(join(root, entry.file), 'utf8'), entry.file).toContain(entry.contains);
  });
});
