import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { driverJvmOptions, SPARK_JAVA_OPTIONS } from '../../../src/runtime/spec.js';

/**
 * The Compose Spark Connect server starts through deploy/jvm/spark-start.sh, a shell script in the
 * image; the local runtime starts the same driver from src/runtime/spec.ts. Running the script against a
 * `java` that only prints what it was given keeps the two lists one: a setting changed in one place
 * fails here until the other follows.
 */
const SCRIPT = resolve(import.meta.dirname, '../../../deploy/jvm/spark-start.sh');
const stubDir = mkdtempSync(join(tmpdir(), 'spark-start-'));
writeFileSync(join(stubDir, 'java'), '#!/bin/sh\necho "MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX"\nfor a in "$@"; do echo "$a"; done\n');
chmodSync(join(stubDir, 'java'), 0o755);
afterAll(() => rmSync(stubDir, { recursive: true, force: true }));

function startConnect(env: Record<string, string>) {
  const run = spawnSync('bash', [SCRIPT, 'connect', '--conf', 'spark.master=local[*]'], {
    encoding: 'utf8',
    env: { PATH: `${stubDir}:${process.env.PATH}`, ...env },
  });
  const [arena, ...args] = run.stdout.trim().split('\n');
  return { status: run.status, stderr: run.stderr, arena, args };
}

describe('deploy/jvm/spark-start.sh connect', () => {
  it.each(['2g', '1536m', '512m'])('gives the driver the local runtime memory settings for SPARK_DRIVER_MEMORY=%s', (heap) => {
    const { status, arena, args } = startConnect({ SPARK_DRIVER_MEMORY: heap, SPARK_GC_LOG: '/logs/gc.log' });
    expect(status).toBe(0);
    expect(arena).toBe('MALLOC_ARENA_MAX=4');
    const driver = ['-XX:+ExitOnOutOfMemoryError', ...driverJvmOptions(heap, '/logs/gc.log')];
    expect(args.slice(0, driver.length)).toEqual(driver);
    const classpathAt = args.indexOf('-cp');
    expect(new Set(args.slice(driver.length, classpathAt))).toEqual(new Set(SPARK_JAVA_OPTIONS));
    expect(args.slice(classpathAt + 2)).toEqual([
      'org.apache.spark.deploy.SparkSubmit',
      '--conf',
      'spark.master=local[*]',
      '--class',
      'org.apache.spark.sql.connect.service.SparkConnectServer',
      'spark-internal',
    ]);
  });

  it('refuses a driver memory it cannot read, naming it', () => {
    const { status, stderr } = startConnect({ SPARK_DRIVER_MEMORY: 'lots' });
    expect(status).toBe(2);
    expect(stderr).toContain("SPARK_DRIVER_MEMORY 'lots'");
  });
});
