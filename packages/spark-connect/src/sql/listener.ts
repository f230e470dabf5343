/**
 * The streaming query listener bus over Spark Connect (StreamingQueryListenerBusCommand): the server
 * registers a listener for the session and pushes every query event down one long ExecutePlan
 * stream, which this module turns into an async iterable.
 */
import { StreamingQueryEventType, type StreamingQueryListenerEvent } from '../gen/spark/connect/commands_pb.js';
import { command, executeCommand, type SessionContext } from './context.js';
import { parseProgress, type StreamingQueryProgress } from './progress.js';

/** An event of a streaming query of the session, as PySpark's StreamingQueryListener sees it. */
export type StreamingQueryEvent =
  | { type: 'progress'; progress: StreamingQueryProgress }
  | { type: 'terminated'; id: string; runId: string; exception: string | null; errorClass: string | null }
  | { type: 'idle'; id: string; runId: string; timestamp: string };

const listenerBus = (add: boolean) =>
  command({
    commandType: {
      case: 'streamingQueryListenerBusCommand',
      value: { command: add ? { case: 'addListenerBusListener', value: true } : { case: 'removeListenerBusListener', value: true } },
    },
  });

/** One pushed event; undefined for kinds this client does not know (a newer server). */
export function parseListenerEvent(event: Pick<StreamingQueryListenerEvent, 'eventJson' | 'eventType'>): StreamingQueryEvent | undefined {
  const json = JSON.parse(event.eventJson) as Record<string, unknown>;
  const text = (key: string): string => String(json[key] ?? '');
  const orNull = (key: string): string | null => (json[key] === undefined || json[key] === null ? null : String(json[key]));
  switch (event.eventType) {
    case StreamingQueryEventType.QUERY_PROGRESS_EVENT:
      return { type: 'progress', progress: parseProgress(JSON.stringify(json.progress)) };
    case StreamingQueryEventType.QUERY_TERMINATED_EVENT:
      return { type: 'terminated', id: text('id'), runId: text('runId'), exception: orNull('exception'), errorClass: orNull('errorClassOnException') };
    case StreamingQueryEventType.QUERY_IDLE_EVENT:
      return { type: 'idle', id: text('id'), runId: text('runId'), timestamp: text('timestamp') };
    default:
      return undefined;
  }
}

/**
 * Events of every streaming query of the session, pushed by the server as they happen, until the
 * consumer stops iterating or `signal` aborts; then the server-side listener is removed. One
 * listener per session (the server refuses a second one).
 */
export async function* listenerEvents(ctx: SessionContext, signal?: AbortSignal): AsyncGenerator<StreamingQueryEvent> {
  const stream = ctx.client.execute({ opType: { case: 'command', value: listenerBus(true) } }, signal ? { signal } : {});
  try {
    for await (const response of stream) {
      if (response.responseType.case !== 'streamingQueryListenerEventsResult') continue;
      for (const raw of response.responseType.value.events) {
        const event = parseListenerEvent(raw);
        if (event) yield event;
      }
    }
  } finally {
    await stream.return(undefined);
    // Best effort: a cancelled stream already ends the server's listener; this also covers a server
    // that keeps it until told.
    if (!ctx.client.isClosed) await executeCommand(ctx, listenerBus(false), { timeoutMs: 10_000 }).catch(() => undefined);
  }
}
