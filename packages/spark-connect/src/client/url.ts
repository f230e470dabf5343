/**
 * Spark Connect connection strings: `sc://host[:port][/;param=value;param=value...]`.
 *
 * Follows Spark's client connection string spec: port defaults to 15002; `token` implies TLS
 * (unless `use_ssl=false` is given explicitly); `user_id`, `session_id`, `user_agent`, `use_ssl` and
 * `token` are reserved; any other parameter is sent as a gRPC request header on every call.
 */
import { SparkError } from './errors.js';

export const DEFAULT_SPARK_CONNECT_PORT = 15002;

export interface SparkConnectUrl {
  host: string;
  port: number;
  /** `host:port` as dialled (IPv6 hosts in brackets). */
  address: string;
  useSsl: boolean;
  token?: string;
  userId?: string;
  sessionId?: string;
  userAgent?: string;
  /** Extra headers sent with each request (non-reserved parameters). */
  headers: Record<string, string>;
}

const RESERVED = new Set(['user_id', 'session_id', 'token', 'use_ssl', 'user_agent']);

export class InvalidSparkUrlError extends SparkError {
  override name = 'InvalidSparkUrlError';
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/** The URL with its `token` parameter's value masked: what an error message or a log line may show. */
const redactSparkConnectUrl = (url: string): string => url.replace(/(;token=)[^;\s]*/gi, '$1***');

export function parseSparkConnectUrl(url: string): SparkConnectUrl {
  const fail = (why: string): never => {
    throw new InvalidSparkUrlError(`invalid Spark Connect URL '${redactSparkConnectUrl(url)}': ${why}`);
  };
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/;]*)(.*)$/.exec(url.trim());
  if (!m) fail('expected sc://host[:port][/;key=value...]');
  const [, scheme, authority, rest] = m as unknown as [string, string, string, string];
  if (scheme !== 'sc') fail(`scheme must be 'sc', got '${scheme}'`);

  let host: string;
  let portText: string | undefined;
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']');
    if (end < 0) fail('unterminated IPv6 address');
    host = authority.slice(1, end);
    const after = authority.slice(end + 1);
    if (after !== '' && !after.startsWith(':')) fail('unexpected text after IPv6 address');
    portText = after ? after.slice(1) : undefined;
  } else {
    const idx = authority.lastIndexOf(':');
    host = idx >= 0 ? authority.slice(0, idx) : authority;
    portText = idx >= 0 ? authority.slice(idx + 1) : undefined;
  }
  if (!host) fail('missing host');
  let port = DEFAULT_SPARK_CONNECT_PORT;
  if (portText !== undefined) {
    if (!/^\d+$/.test(portText)) fail(`port '${portText}' is not a number`);
    port = Number(portText);
    if (port < 1 || port > 65535) fail(`port ${port} out of range`);
  }

  let params = rest;
  if (params.startsWith('/')) params = params.slice(1);
  if (params !== '' && !params.startsWith(';')) fail(`path '${rest}' must be empty or start with '/;'`);

  const values: Record<string, string> = {};
  for (const part of params.split(';')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) fail(`parameter '${redactSparkConnectUrl(`;${part}`).slice(1)}' is not key=value`);
    const key = decodeURIComponent(part.slice(0, eq));
    values[key] = decodeURIComponent(part.slice(eq + 1));
  }

  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (!RESERVED.has(k)) headers[k] = v;

  const token = values.token;
  let useSsl = token !== undefined;
  if (values.use_ssl !== undefined) {
    const v = values.use_ssl.toLowerCase();
    if (v !== 'true' && v !== 'false') fail(`use_ssl must be true or false, got '${values.use_ssl}'`);
    useSsl = v === 'true';
  }
  if (values.session_id !== undefined && !isUuid(values.session_id)) {
    fail(`session_id '${values.session_id}' is not a UUID`);
  }

  const parsed: SparkConnectUrl = {
    host,
    port,
    address: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
    useSsl,
    headers,
  };
  if (token !== undefined) parsed.token = token;
  if (values.user_id !== undefined) parsed.userId = values.user_id;
  if (values.session_id !== undefined) parsed.sessionId = values.session_id;
  if (values.user_agent !== undefined) parsed.userAgent = values.user_agent;
  return parsed;
}
