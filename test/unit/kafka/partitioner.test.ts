import { readFileSync } from 'node:fs';
import { murmur2 as clientMurmur2 } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from '../../../src/kafka/partitioner.js';

/** Partitions computed by the real Java client (kafka-clients); see scripts/java-partitions/JavaPartitions.java. */
const JAVA = JSON.parse(readFileSync(new URL('../../fixtures/java-partitions.json', import.meta.url), 'utf8')) as {
  kafkaClients: string;
  partitionCounts: number[];
  cases: { key: string; partitions: number[] }[];
};
describe('Java-compatible partitioning', () => {
  it(`matches kafka-clients ${JAVA.kafkaClients} for ${JAVA.cases.length} keys and ${JAVA.partitionCounts.length} partition counts`, () => {
    for (const { key, partitions } of JAVA.cases) {
      expect(JAVA.partitionCounts.map((n) => partitionForKey(key, n)), key).toEqual(partitions);
    }
  });

  it("hashes any bytes as the client's own murmur2 does (every tail length, bytes >= 0x80)", () => {
    let state = 7;
    const nextByte = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 24;
    for (let length = 0; length <= 64; length++) {
      for (let sample = 0; sample < 8; sample++) {
        const bytes = Buffer.from(Array.from({ length }, nextByte));
        expect(murmur2(bytes), bytes.toString('hex')).toBe(clientMurmur2(bytes));
      }
    }
  });
});
