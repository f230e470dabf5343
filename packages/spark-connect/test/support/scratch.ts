import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';

/** A name unique to this test run, for queries, directories and collections. */
export const uniqueName = (prefix: string): string => `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;

/** A path under the tests' scratch dir (checkpoints, file sinks), which the Spark server shares: it runs on this machine. */
export const scratch = (name: string): string => path.join(os.tmpdir(), 'streamline-spark-it', name);

/**
 * A MongoDB-compatible store for the tests that write through the MongoDB Spark connector (its jar is in
 * the server's jars dir): $SPARK_CONNECT_TEST_MONGO_URI, else the store of the repository's integration
 * tier, whose global setup provides `services` (declared by the repository's tests, not by this package:
 * hence the untyped inject). Undefined in the package's own run without a store: those tests skip.
 */
export function testMongoUri(): string | undefined {
  if (process.env.SPARK_CONNECT_TEST_MONGO_URI) return process.env.SPARK_CONNECT_TEST_MONGO_URI;
  const services = (inject as (key: string) => unknown)('services');
  const uri = typeof services === 'object' && services !== null ? (services as { mongoUri?: unknown }).mongoUri : undefined;
  return typeof uri === 'string' ? uri : undefined;
}
