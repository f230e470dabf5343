import net from 'node:net';
import { afterAll, expect, inject, it } from 'vitest';
import { SparkSession } from '../../src/index.js';

/**
 * A TCP proxy in front of the Spark Connect server that cuts the first connection once it has carried
 * `cutAfterBytes` from the server: a result stream that drops half-way, as on a flaky network.
 */
function cuttingProxy(target: URL, cutAfterBytes: number) {
  let cuts = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    const cutThis = cuts === 0;
    let carried = 0;
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      carried += chunk.length;
      if (cutThis && cuts === 0 && carried > cutAfterBytes) {
        cuts++;
        closeBoth();
      } else client.write(chunk);
    });
  });
  return {
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port))),
    cuts: () => cuts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const remote = new URL(inject('sparkRemote').replace(/^sc:/, 'http:'));
const proxy = cuttingProxy(remote, 6 * 1024 * 1024);

afterAll(async () => {
  await proxy.close();
});

it('resumes a result stream that drops half-way (ReattachExecute after the last response)', async () => {
  const port = await proxy.listen();
  const spark = await SparkSession.builder().remote(`sc://127.0.0.1:${port}`).getOrCreate();
  try {
    // 2M longs: about 16 MB of Arrow in several ~4 MB batches, so the cut falls after the first one.
    const rows = await spark.range(2_000_000).collect<{ id: number }>();
    expect(proxy.cuts()).toBe(1);
    expect(rows).toHaveLength(2_000_000);
    expect(rows[1_999_999]?.id).toBe(1_999_999);
    expect(rows.every((r, i) => r.id === i)).toBe(true);
  } finally {
    await spark.stop();
  }
});
