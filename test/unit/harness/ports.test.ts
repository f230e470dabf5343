import { afterEach, describe, expect, it, vi } from 'vitest';
import { BASE_PORTS, blockPort, blockPortRanges, overlappingBlocks, PORT_BLOCKS, portOffset } from '../../../harness/ports.js';
import { DEFAULT_TEST_PORT } from '../../../packages/spark-connect/test/support/spark-server.js';

afterEach(() => vi.unstubAllEnvs());

describe('port blocks', () => {
  it('no two blocks share a port (each block ranges over every base port it offsets)', () => {
    expect(overlappingBlocks(PORT_BLOCKS)).toEqual([]);
  });

  it('finds the overlap of two blocks on one base, and across bases', () => {
    const kafkaOnly = (offset: number, size = 1) => ({ offset, size, ports: [{ port: 19092, span: 2 }] });
    // a's last offset (859) puts its controller at 19092 + 859 + 1 = 19952, b's broker.
    expect(overlappingBlocks({ a: kafkaOnly(800, 60), b: kafkaOnly(860), c: kafkaOnly(862) })).toEqual([{ blocks: ['a', 'b'], port: 19952 }]);
    // 13000 + 1 = 13001: a dashboard port of one block is the API port of the block one below it.
    expect(overlappingBlocks({ low: { offset: 0, size: 1, ports: [{ port: 13001, span: 1 }] }, high: { offset: 1, size: 1, ports: [{ port: 13000, span: 1 }] } })).toEqual([
      { blocks: ['low', 'high'], port: 13001 },
    ]);
  });

  it('a cluster block reaches its third broker and second worker', () => {
    expect(blockPortRanges(PORT_BLOCKS.cluster)).toEqual(expect.arrayContaining([[19792, 19797], [17777, 17780], [18780, 18783]]));
  });

  it('the client package starts its own server in its block (it cannot import the registry: it knows nothing of ours)', () => {
    expect(DEFAULT_TEST_PORT).toBe(BASE_PORTS.sparkConnect + PORT_BLOCKS['spark-connect'].offset);
  });

  it('adds the checkout offset and stays inside the block', () => {
    vi.stubEnv('STREAMLINE_TEST_PORT_OFFSET', '7500');
    expect(portOffset('bench', 50)).toBe(800 + 50 + 7500);
    expect(blockPort('kafka-sasl', 'kafka')).toBe(19092 + 1350 + 7500);
    expect(() => portOffset('bench', 60)).toThrow(/port block bench has 60 offset\(s\); shift 60 is outside it/);
    vi.stubEnv('STREAMLINE_TEST_PORT_OFFSET', '1e3');
    expect(() => portOffset('integration')).toThrow(/STREAMLINE_TEST_PORT_OFFSET must be a whole number/);
  });
});
