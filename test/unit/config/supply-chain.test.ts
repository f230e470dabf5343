// Issue 22: what setup enforces about npm install scripts, and the shape of the committed jar lock.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
type Review = { rebuild: string[]; unreviewed: string[] };
type Lock = { packages: Record<string, { hasInstallScript?: boolean }> };
// scripts/setup.mjs is plain Node (it runs before npm ci); importing it runs nothing but its definitions.
const setupModule = join(repoRoot, 'scripts', 'setup.mjs');
const { reviewedInstallScripts } = (await import(setupModule)) as { reviewedInstallScripts: (lock: Lock, allow: Record<string, boolean> | undefined) => Review };

const json = <T>(file: string): T => JSON.parse(readFileSync(join(repoRoot, file), 'utf8')) as T;

describe('npm install scripts', () => {
  it('.npmrc turns them off; setup rebuilds exactly the packages allowScripts marks true', () => {
    expect(readFileSync(join(repoRoot, '.npmrc'), 'utf8')).toMatch(/^ignore-scripts=true$/m);
    const review = reviewedInstallScripts(json<Lock>('package-lock.json'), json<{ allowScripts: Record<string, boolean> }>('package.json').allowScripts);
    expect(review).toEqual({ rebuild: ['@bufbuild/buf', 'esbuild'], unreviewed: [] });
  });

  it('a locked package with an install script that allowScripts does not name is reported, nested ones too', () => {
    const lock: Lock = { packages: { '': {}, 'node_modules/esbuild': { hasInstallScript: true }, 'node_modules/a/node_modules/evil-pkg': { hasInstallScript: true }, 'node_modules/quiet': {} } };
    expect(reviewedInstallScripts(lock, { esbuild: true })).toEqual({ rebuild: ['esbuild'], unreviewed: ['evil-pkg'] });
    expect(reviewedInstallScripts(lock, { esbuild: false, 'evil-pkg': false })).toEqual({ rebuild: [], unreviewed: [] });
  });
});

describe('runtime/jars.sha256', () => {
  it('one well-formed line per jar of each layout setup makes', () => {
    const lines = readFileSync(join(repoRoot, 'runtime', 'jars.sha256'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    for (const line of lines) expect(line).toMatch(/^[0-9a-f]{64} {2}(kafka\/libs|spark\/jars|spark\/protos-jar|bench\/libs|bench\/plugins\/mongo-kafka-connect)\/[^/\s]+\.jar$/);
    const dirs = new Set(lines.map((l) => l.slice(66, l.lastIndexOf('/'))));
    expect([...dirs].sort()).toEqual(['bench/libs', 'bench/plugins/mongo-kafka-connect', 'kafka/libs', 'spark/jars', 'spark/protos-jar']);
    expect(new Set(lines.map((l) => l.slice(66))).size).toBe(lines.length);
  });
});
