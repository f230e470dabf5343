// Issue 22, supply chain: setup lays out the JVM jars only when each matches runtime/jars.sha256. A jar
// whose bytes were altered in the local Maven repository (where Maven never checks a checksum again) makes
// setup fail, naming the jar and where it is. Runs on a copy of the local repository and a state dir of its
// own, so the real ~/.m2 and this checkout's jars are never touched. Needs no service: only Maven.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const realRepository = join(process.env.HOME ?? '/root', '.m2', 'repository');
const work = mkdtempSync(join(tmpdir(), 'streamline-supply-'));
const copy = join(work, 'repository');
const log = (message: string) => process.stdout.write(`[supply-chain] ${message}\n`);
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

afterAll(() => rmSync(work, { recursive: true, force: true }));

function setup(stateDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['scripts/setup.mjs', '--only', 'jvm', '--jvm-profiles', 'kafka'],
      { cwd: repoRoot, timeout: 600_000, env: { ...process.env, STREAMLINE_STATE_DIR: stateDir, STREAMLINE_MAVEN_REPO_LOCAL: copy } },
      (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

/** The Kafka jars in the lock, e.g. kafka/libs/kafka-clients-4.1.1.jar -> its SHA-256. */
const lockedKafkaJars = () =>
  new Map(
    readFileSync(join(repoRoot, 'runtime', 'jars.sha256'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('  kafka/libs/'))
      .map((l) => [l.slice(66 + 'kafka/libs/'.length), l.slice(0, 64)] as const),
  );

describe('the JVM jars against runtime/jars.sha256 (issue 22)', () => {
  it('setup lays out the Kafka jars from an intact local repository, each verified', async () => {
    expect(existsSync(realRepository), `a local Maven repository at ${realRepository} (run npm run setup first)`).toBe(true);
    const t0 = Date.now();
    cpSync(realRepository, copy, { recursive: true });
    log(`copied ${realRepository} in ${Date.now() - t0} ms`);
    const state = join(work, 'intact');
    const run = await setup(state);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/jvm kafka: \d+ jars in .* SHA-256 verified against runtime\/jars\.sha256/);
    const laidOut = readdirSync(join(state, 'kafka', 'libs'));
    expect(laidOut.sort()).toEqual([...lockedKafkaJars().keys()].sort());
  });

  it('one altered byte in a jar of the local repository: setup fails naming the jar and its path, and lays out nothing', async () => {
    const jar = 'kafka-clients-4.1.1.jar';
    const inCopy = join(copy, 'org', 'apache', 'kafka', 'kafka-clients', '4.1.1', jar);
    const original = readFileSync(inCopy);
    const realBefore = sha256(join(realRepository, 'org', 'apache', 'kafka', 'kafka-clients', '4.1.1', jar));
    const altered = Buffer.from(original);
    altered[Math.floor(altered.length / 2)] = (altered[Math.floor(altered.length / 2)] as number) ^ 0xff;
    // A new file, not a write through a shared inode: the real repository stays as it is.
    unlinkSync(inCopy);
    writeFileSync(inCopy, altered);
    const state = join(work, 'tampered');
    const run = await setup(state);
    log(`exit ${run.code}; ${run.stderr.trim()}`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${jar}: SHA-256 ${sha256(inCopy)}, but runtime/jars.sha256 says ${lockedKafkaJars().get(jar)}`);
    expect(run.stderr).toContain(`the copy in the local Maven repository (${inCopy}) was altered or replaced`);
    expect(existsSync(join(state, 'kafka', 'libs')), 'nothing laid out').toBe(false);
    expect(sha256(join(realRepository, 'org', 'apache', 'kafka', 'kafka-clients', '4.1.1', jar))).toBe(realBefore);
  });
});
