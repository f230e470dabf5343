import { closeSync, openSync, writeSync } from 'node:fs';

/** One record Kafka acknowledged: a line of `streamline produce --ack-log` (the fault suite reads it). */
export interface Acknowledgement {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: a decimal string, never a rounded number. */
  offset: string;
  /** The message key, i.e. the record key. */
  key: string;
  /** contentDigest of the record's data (src/produce/digest.ts): what the stored document must equal. */
  digest?: string;
}

export interface AckLog {
  write(ack: Acknowledgement): void;
  close(): void;
}

/**
 * Appends one JSON line per acknowledgement with a synchronous write, so a line is in the kernel as soon
 * as the acknowledgement is known: a SIGKILLed producer loses no line it had written, and at most the
 * acknowledgements that arrived in the instant before the kill are missing from the log.
 */
export function openAckLog(path: string): AckLog {
  let fd: number | undefined = openSync(path, 'a');
  return {
    write: (ack) => {
      if (fd !== undefined) writeSync(fd, `${JSON.stringify({ topic: ack.topic, partition: ack.partition, offset: ack.offset, key: ack.key, ...(ack.digest ? { digest: ack.digest } : {}) })}\n`);
    },
    close: () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
