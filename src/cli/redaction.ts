import { knownSecrets, redactText } from '../config/redact.js';
import type { StreamlineConfig } from '../config/index.js';

/**
 * The CLI's last line of defence for credentials (issue 13): everything the process writes to stdout and
 * stderr (our messages, commander's, a driver's warning or error that echoes a connection string) passes
 * through redactText with the secrets of the environment and of every configuration resolved so far.
 */
const secrets = new Set<string>();
let installed = false;

/** Adds the secrets a resolved configuration carries (mongo.uri password, SASL password, token file). */
export function rememberSecrets(config?: StreamlineConfig, env: NodeJS.ProcessEnv = process.env): void {
  for (const secret of knownSecrets(config, env)) secrets.add(secret);
}

export const redact = (text: string): string => redactText(text, [...secrets]);

function wrap(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : undefined;
    return write(text === undefined ? chunk : redact(text), ...rest);
  }) as NodeJS.WriteStream['write'];
}

/** Wraps process.stdout/stderr once per process; the environment's secrets are known from the start. */
export function installRedaction(env: NodeJS.ProcessEnv = process.env): void {
  rememberSecrets(undefined, env);
  if (installed) return;
  installed = true;
  wrap(process.stdout);
  wrap(process.stderr);
}

/** Adds secret values a command resolved itself (a source's env header values): short ones are left out, they would mask ordinary words. */
export function rememberSecretValues(values: readonly string[]): void {
  for (const value of values) if (value.length >= 4) secrets.add(value);
}
