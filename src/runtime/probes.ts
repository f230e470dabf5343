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
