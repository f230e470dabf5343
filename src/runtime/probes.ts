import type { KafkaSasl } from '../config/index.js';
import { checkBrokers, createKafkaAdmin, kafkaConnection } from '../kafka/index.js';
import { MongoClient } from 'mongodb';
import { SparkSession } from '@streamline/spark-connect';

/** Readiness: the brokers at `bootstrap` answer metadata listing a broker (with `nodeId`: that one; see checkBrokers). */
export async function probeKafka(bootstrap: string, timeoutMs: number, nodeId?: number, sasl?: KafkaSasl): Promise<void> {
  const admin = createKafkaAdmin(kafkaConnection(bootstrap, sasl), 'streamline-probe', { timeoutMs, retries: 0 });
  try {
    await checkBrokers(admin, nodeId);
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/**
 * Readiness: the Connect server answers with its version. It binds its port only once the SparkContext
 * runs, and a version costs no job: the dashboard probes every 5 s, and a `SELECT 1` in a new session each
 * time compiled its code again under that session's class loader, crowding the streaming queries' compiled
 * code out of Spark's cache.
 */
export async function probeSpark(remote: string, timeoutMs: number): Promise<void> {
  const spark = await SparkSession.builder().remote(remote).deadlineMs(timeoutMs).getOrCreate();
  try {
    const version = await spark.version();
    if (!version) throw new Error('the Spark Connect server answered without a version');
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
