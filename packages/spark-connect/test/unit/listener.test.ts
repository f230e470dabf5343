import { describe, expect, it } from 'vitest';
import { StreamingQueryEventType } from '../../src/gen/spark/connect/commands_pb.js';
import { parseListenerEvent } from '../../src/sql/listener.js';

describe('listener bus events', () => {
  it('reads a progress event, filling in the totals Spark 4.0 leaves out', () => {
    const progress = { id: 'q', runId: 'r', name: 'n', batchId: 3, sources: [{ description: 'Rate', numInputRows: 4 }, { description: 'Kafka', numInputRows: 6 }], sink: { description: 'noop' } };
    const event = parseListenerEvent({ eventType: StreamingQueryEventType.QUERY_PROGRESS_EVENT, eventJson: JSON.stringify({ progress }) });
    expect(event).toMatchObject({ type: 'progress', progress: { id: 'q', runId: 'r', batchId: 3, numInputRows: 10 } });
  });

  it('reads a termination with the exception and its error class', () => {
    const json = { id: 'q', runId: 'r', exception: 'boom', errorClassOnException: 'STREAM_FAILED' };
    expect(parseListenerEvent({ eventType: StreamingQueryEventType.QUERY_TERMINATED_EVENT, eventJson: JSON.stringify(json) })).toEqual({
      type: 'terminated',
      id: 'q',
      runId: 'r',
      exception: 'boom',
      errorClass: 'STREAM_FAILED',
    });
    const clean = parseListenerEvent({ eventType: StreamingQueryEventType.QUERY_TERMINATED_EVENT, eventJson: '{"id":"q","runId":"r","exception":null}' });
    expect(clean).toMatchObject({ exception: null, errorClass: null });
  });

  it('reads an idle event and skips kinds it does not know', () => {
    const idle = { id: 'q', runId: 'r', timestamp: '2026-01-01T00:00:00.000Z' };
    expect(parseListenerEvent({ eventType: StreamingQueryEventType.QUERY_IDLE_EVENT, eventJson: JSON.stringify(idle) })).toEqual({ type: 'idle', ...idle });
    expect(parseListenerEvent({ eventType: 99 as StreamingQueryEventType, eventJson: '{}' })).toBeUndefined();
  });
});
