import { appendFileSync, statSync } from 'node:fs';

/** The login values the Random User API serves that must never leave the producer (design §3). */
export const SERVED_SECRET_FIELDS = ['password', 'salt', 'md5', 'sha1', 'sha256'] as const;
export type ServedSecretField = (typeof SERVED_SECRET_FIELDS)[number];

/** One line of the secrets log (JSON Lines): the raw value the server sent, for the secret scan. */
export interface SecretLogLine {
  readonly field: ServedSecretField;
  readonly value: string;
}

/** The secret values inside served records (records without a `login` object contribute nothing). */
export function servedSecrets(records: readonly unknown[]): SecretLogLine[] {
  const lines: SecretLogLine[] = [];
  for (const record of records) {
    const login = (record as { login?: unknown } | null)?.login;
    if (typeof login !== 'object' || login === null) continue;
    for (const field of SERVED_SECRET_FIELDS) {
      const value = (login as Record<string, unknown>)[field];
      if (typeof value === 'string' && value !== '') lines.push({ field, value });
    }
  }
  return lines;
}

/**
 * Appends the served secrets to `file` before the response leaves, so the log is complete for every
 * record a client could have received. Synchronous on purpose: one append per request, never reordered.
 */
export function appendSecretsLog(file: string, records: readonly unknown[]): void {
  const lines = servedSecrets(records);
  if (lines.length) appendFileSync(file, lines.map((line) => JSON.stringify(line)).join('\n') + '\n', { mode: 0o600 });
}

/**
 * The secrets log with a size cap (config api.secretsLogMaxBytes): a server left running with the log on
 * must not fill the disk. At the cap it stops appending and says so once (the scan is then complete only
 * for what was served before); 0 means no cap.
 */
export class CappedSecretsLog {
  private bytes: number;
  private full = false;

  constructor(
    readonly file: string,
    private readonly maxBytes: number,
    private readonly onFull: (message: string) => void,
  ) {
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {
      // not there yet: created on the first append
    }
    this.bytes = size;
  }

  append(records: readonly unknown[]): void {
    if (this.full) return;
    const lines = servedSecrets(records);
    if (!lines.length) return;
    const text = lines.map((line) => JSON.stringify(line)).join('\n') + '\n';
    const size = Buffer.byteLength(text);
    if (this.maxBytes > 0 && this.bytes + size > this.maxBytes) {
      this.full = true;
      this.onFull(`the secrets log ${this.file} reached its cap of ${this.maxBytes} bytes (api.secretsLogMaxBytes): no more values are logged, so a secret scan covers only what was served before`);
      return;
    }
    appendFileSync(this.file, text, { mode: 0o600 });
    this.bytes += size;
  }

  get isFull(): boolean {
    return this.full;
  }
}

/** Reads a secrets log back: the distinct values (what the scan looks for). */
export function parseSecretsLog(text: string): string[] {
  const values = new Set<string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const parsed = JSON.parse(line) as Partial<SecretLogLine>;
    if (typeof parsed.value === 'string' && parsed.value !== '') values.add(parsed.value);
  }
  return [...values];
}
