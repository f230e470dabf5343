/**
 * Kafka's murmur2 (kafka-clients Utils.murmur2) in 32-bit integer arithmetic. The client ships one in
 * BigInt arithmetic, which allocates per step: at tens of thousands of records per second it was the
 * producer's largest cost after GC (docs/decisions.md, "Producer: one partition lookup per record").
 */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    let k = (data[i] as number) | ((data[i + 1] as number) << 8) | ((data[i + 2] as number) << 16) | ((data[i + 3] as number) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length - i;
  if (rest > 0) {
    if (rest === 3) h ^= (data[i + 2] as number) << 16;
    if (rest >= 2) h ^= (data[i + 1] as number) << 8;
    h ^= data[i] as number;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The client's partitioner hook with the Java client's choice (murmur2 of the key, sign bit masked). */
export function javaCompatiblePartitioner(_message: unknown, key: Buffer | undefined): number {
  return Buffer.isBuffer(key) ? murmur2(key) & 0x7fffffff : 0;
}

/**
 * The partition the Java client chooses for this key (murmur2, sign bit masked, modulo the count).
 * test/fixtures/java-partitions.json holds kafka-clients' answers for comparison.
 */
export function partitionForKey(key: string, partitions: number): number {
  return javaCompatiblePartitioner(undefined, Buffer.from(key, 'utf8')) % partitions;
}
