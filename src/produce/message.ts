import { ENVELOPE_HEADERS } from '../model/index.js';

/** One Kafka record as the producer sends it: everything already a string. */
export interface OutgoingMessage {
  topic: string;
  /** The record key (the pipeline's key); also the MongoDB _id downstream. */
  key: string;
  /** JSON text of the envelope (built by the caller). */
  value: string;
  headers: Readonly<Record<string, string>>;
}

/** The outcome of one record; a send resolves with one of these and never rejects. */
export type DeliveryReport =
  | { ok: true; topic: string; key: string; partition: number; offset: bigint }
  | { ok: false; topic: string; key: string; error: Error };

/** Builds a record with the envelope's headers (src/model/wire.ts: the schema version and the JSON content type). */
export function jsonMessage(topic: string, key: string, envelope: unknown): OutgoingMessage {
  return { topic, key, value: typeof envelope === 'string' ? envelope : JSON.stringify(envelope), headers: ENVELOPE_HEADERS };
}
