import { readFileSync } from 'node:fs';
import type { StreamlineConfig } from './schema.js';

/**
 * Credentials never reach a log line, an error message or `--print-config` (issue 13). Two layers:
 * 1. patterns: any `scheme://name:password@` and any JAAS `password="..."` is masked, whatever produced it;
 * 2. values: the actual secrets this process knows (Mongo URI password, Kafka SASL password, dashboard
 *    token, PII salt) are masked wherever they appear, also inside a driver's error that echoes them
 *    in another shape (decoded, in a connection string of its own).
 */
export const REDACTED = '***';

/** For Spark's `spark.redaction.string.regex`: the same patterns, as one Java regex. */
export const SPARK_REDACTION_REGEX = '//[^:/@\\s]+:[^@\\s]+@|password="[^"]*"|(?i)[;?&]token=[^;&\\s]*|(?i)bearer\\s+[^\\s"]+';

const URI_CREDENTIALS = /\/\/([^:/@\s]+):[^@\s]*@/g;
const JAAS_PASSWORD = /password="[^"]*"/g;
/** `sc://host/;token=...` (Spark Connect) and `?token=`/`&token=` in any URL (the dashboard's login link). */
const URL_TOKEN = /([;?&]token=)[^;&\s"']*/gi;
/** `Authorization: Bearer <token>` echoed by a client library or a debug trace. */
const BEARER = /(\bbearer\s+)[A-Za-z0-9._~+/=-]+/gi;

/** Env variables whose whole value is a secret. */
const SECRET_ENV_NAMES = ['STREAMLINE_DASHBOARD_TOKEN', 'STREAMLINE_KAFKA_SASL_PASSWORD', 'STREAMLINE_PII_SALT'] as const;

/**
 * scheme://name:secret@host -> scheme://name:***@host, sc://host/;token=secret -> sc://host/;token=***:
 * a URI that can be printed and logged.
 */
export const redactUri = (uri: string): string => uri.replace(URI_CREDENTIALS, `//$1:${REDACTED}@`).replace(URL_TOKEN, `$1${REDACTED}`);

/** A secret as it appears in a URL and percent-decoded (clients print either), or none. */
function rawAndDecoded(raw: string | undefined): string[] {
  if (!raw) return [];
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // not valid percent-encoding: the raw form is what can leak
  }
  return [...new Set([raw, decoded])];
}

/** The `token` parameter of a Spark Connect URL (raw and percent-decoded), or none. */
export const urlToken = (uri: string): string[] => rawAndDecoded(/[;?&]token=([^;&\s]*)/i.exec(uri)?.[1]);

/** The password inside a URI, raw and percent-decoded (drivers print either). */
export const uriPassword = (uri: string): string[] => rawAndDecoded(/\/\/[^:/@\s]+:([^@\s]*)@/.exec(uri)?.[1]);

const readQuietly = (file: string | undefined): string | undefined => {
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
};

/** Every secret value this configuration and environment carry. */
export function knownSecrets(config: StreamlineConfig | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const values: Array<string | undefined> = SECRET_ENV_NAMES.map((name) => env[name]?.trim());
  values.push(...uriPassword(env.STREAMLINE_MONGO_URI ?? ''), ...urlToken(env.STREAMLINE_SPARK_REMOTE ?? ''), ...uriPassword(env.STREAMLINE_API_URL ?? ''));
  if (config) {
    values.push(...uriPassword(config.mongo.uri ?? ''), ...urlToken(config.spark.remote ?? ''), ...uriPassword(config.api.url ?? ''), ...urlToken(config.api.url ?? ''));
    values.push(config.kafka.sasl?.password, readQuietly(config.kafka.sasl?.passwordFile), readQuietly(config.dashboard.tokenFile));
  }
  // Very short values would mask unrelated text (and protect nothing: they are guessable anyway).
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length >= 4))];
}

/** The text with every credential pattern and every known secret masked. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text
    .replace(URI_CREDENTIALS, `//$1:${REDACTED}@`)
    .replace(JAAS_PASSWORD, `password="${REDACTED}"`)
    .replace(URL_TOKEN, `$1${REDACTED}`)
    .replace(BEARER, `$1${REDACTED}`);
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED);
  return out;
}
