import { createServer, type Server } from 'node:net';
import { rmSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { PortInUseError } from '../../../src/core/errors.js';
import { createKafkaAdmin, createRecordReader, createRecordWriter, kafkaConnection } from '../../../src/kafka/index.js';
import { down, pidAlive, status, up, type ServiceRecord } from '../../../src/runtime/index.js';
import { SparkSession } from '@streamline/spark-connect';
import { testRuntimeConfig } from '../../../harness/runtime.js';
import { uniqueName } from '../../support/services.js';
import { eventually } from '../../../harness/poll.js';

// This file runs its own runtime (not the shared one from global-setup) because it tests the
// whole life cycle: start the three services, use each for real, stop them, verify no process is left.
describe('embedded runtime life cycle', () => {
  const config = testRuntimeConfig('lifecycle', 'lifecycle');
  let started: ServiceRecord[] = [];

  afterAll(async () => {
    await down(config);
  });

  it('starts Kafka, Spark Connect and FerretDB, uses each, and stops every process it started', async () => {
    await down(config);
    rmSync(config.stateDir, { recursive: true, force: true });
    const result = await up(config);
    started = result.started;
    expect(started.map((r) => r.name).sort()).toEqual(['ferretdb', 'kafka', 'spark']);
    for (const r of started) expect(pidAlive(r.pid)).toBe(true);

    // up again: already running, nothing new started.
    const again = await up(config);
    expect(again.started).toEqual([]);
    expect(again.alreadyRunning).toHaveLength(3);

    const health = await status(config);
    expect(health.map((s) => [s.name, s.health])).toEqual(expect.arrayContaining([['kafka', 'healthy'], ['spark', 'healthy'], ['ferretdb', 'healthy']]));

    // Kafka: create a topic, produce a record, consume it back.
    const kafka = kafkaConnection(`${config.kafka.host}:${config.kafka.port}`);
    const topic = uniqueName('lifecycle');
    const admin = createKafkaAdmin(kafka, 'lifecycle-admin');
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    await admin.close();
    const producer = createRecordWriter(kafka, 'lifecycle-producer');
    await producer.send({ messages: [{ topic, key: Buffer.from('user-1'), value: Buffer.from('{"hello":"kafka"}') }] });
    await producer.close();
    const consumer = createRecordReader(kafka, { groupId: uniqueName('g'), clientId: 'lifecycle-consumer' });
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest' });
    const received: { key: string; value: string }[] = [];
    stream.on('data', (m) => received.push({ key: m.key, value: m.value }));
    await eventually(() => received.length >= 1, { timeoutMs: 30_000, what: 'the produced record' });
    await stream.close();
    await consumer.close(true);
    expect(received).toEqual([{ key: 'user-1', value: '{"hello":"kafka"}' }]);

    // Spark Connect: SELECT 1 and range(10), decoded from Arrow.
    const spark = await SparkSession.builder().remote(`sc://${config.spark.host}:${config.spark.port}`).getOrCreate();
    expect(await spark.sql('SELECT 1 AS one').collect()).toEqual([{ one: 1 }]);
    const ids = (await spark.range(10).collect()).map((r) => Number(r.id));
    expect(ids).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await spark.stop();

    // FerretDB: insert and find a document with the official driver.
    const mongo = new MongoClient(`mongodb://${config.mongo.host}:${config.mongo.port}`);
    await mongo.connect();
    const collection = mongo.db(uniqueName('db')).collection('docs');
    await collection.insertOne({ _id: 'u1' as never, name: 'Антоніда' });
    expect(await collection.findOne({ _id: 'u1' as never })).toEqual({ _id: 'u1', name: 'Антоніда' });
    await mongo.close();

    // down: every process we started is gone, verified by pid.
    const stopped = await down(config);
    expect(stopped.survivors).toEqual([]);
    expect(stopped.stopped.map((r) => r.name).sort()).toEqual(['ferretdb', 'kafka', 'spark']);
    for (const r of started) expect(pidAlive(r.pid)).toBe(false);
    expect((await status(config)).every((s) => s.health === 'stopped')).toBe(true);
  });

  it('fails fast with a message naming the port and the service when a port is taken', async () => {
    const blocker: Server = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    try {
      const busy = testRuntimeConfig('busy-port', 'busy-port');
      busy.kafka.port = port;
      const t0 = Date.now();
      const error = await up(busy).then(() => undefined, (e: unknown) => e);
      expect(Date.now() - t0).toBeLessThan(30_000);
      expect(error).toBeInstanceOf(PortInUseError);
      expect((error as Error).message).toContain(`port ${port}`);
      expect((error as Error).message).toContain('kafka');
      // Nothing was left running by the failed start.
      expect((await status(busy)).every((s) => s.health === 'stopped')).toBe(true);
    } finally {
      blocker.close();
    }
  });
});
