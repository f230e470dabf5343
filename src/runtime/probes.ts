import type { KafkaSasl } from '../config/index.js';
import { Admin } from '@platformatic/kafka';
import { MongoClient } from 'mongodb';
import { SparkSession } from '@streamline/spark-connect';

/**
 * Readiness: the broker answers a metadata request listing at least one broker (with `nodeId`: listing
 * that node, i.e. it registered with the controller quorum and serves as a broker).
 */
export async function probeKafka(bootstrap: string, timeoutMs: number, nodeId?: number, sasl?: KafkaSasl): Promise<void> {
  const admin = new Admin({ clientId: 'streamline-probe', bootstrapBrokers: bootstrap.split(','), timeout: timeoutMs, retries: 0, ...(sasl ? { sasl } : {}) });
  try {
    const metadata = await admin.metadata({ topics: [] });
    if (metadata.brokers.size === 0) throw new Error('metadata lists no broker yet');
    if (nodeId !== undefined && !metadata.brokers.has(nodeId)) throw new Error(`cluster metadata does not list broker ${nodeId}`);
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** Readiness: the Connect server runs `SELECT 1` for us. */
export async function probeSpark(remote: string, timeoutMs: number): Promise<void> {
  const spark = await SparkSession.builder().remote(remote).deadlineMs(timeoutMs).getOrCreate();
  try {
    const rows = await spark.sql('SELECT 1 AS one').collect();
    if (rows[0]?.one !== 1) throw new Error(`unexpected answer to SELECT 1: ${JSON.stringify(rows)}`);
  } finally {
    await spark.stop().catch(() => undefined);
  }
}

/** Readiness: `ping` through the official driver. */
export async function probeFerretDb(uri: string, timeoutMs: number): Promise<void> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close().catch(() => undefined);
  }
}
