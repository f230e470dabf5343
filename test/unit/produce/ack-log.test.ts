import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Deliveries } from '../../../src/produce/deliveries.js';
import { openAckLog, type Acknowledgement } from '../../../src/produce/index.js';

describe('ack log', () => {
  it('reports only acknowledged records, with the offset as a decimal string', async () => {
    const acks: Acknowledgement[] = [];
    const deliveries = new Deliveries(['t'], () => undefined, (ack) => acks.push(ack));
    const message = (key: string) => ({ topic: 't', key, value: '{}', headers: {} });
    deliveries.dispatch(message('a'), async (m) => ({ ok: true, topic: m.topic, key: m.key, partition: 2, offset: 9_007_199_254_740_993n }));
    deliveries.dispatch(message('b'), async (m) => ({ ok: false, topic: m.topic, key: m.key, error: new Error('NOT_ENOUGH_REPLICAS') }));
    await deliveries.settled();
    expect(acks).toEqual([{ topic: 't', partition: 2, offset: '9007199254740993', key: 'a' }]);
  });

  it('appends one JSON line per acknowledgement to the file, keeping what was there', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ack-log-')), 'acks.jsonl');
    for (const key of ['a', 'b']) {
      const log = openAckLog(path);
      log.write({ topic: 't', partition: 0, offset: '1', key });
      log.close();
    }
    expect(readFileSync(path, 'utf8')).toBe('{"topic":"t","partition":0,"offset":"1","key":"a"}\n{"topic":"t","partition":0,"offset":"1","key":"b"}\n');
  });
});
