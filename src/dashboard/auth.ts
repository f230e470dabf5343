import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { StreamlineConfig } from '../config/index.js';
import { BindRefusedError } from '../core/errors.js';

/** Where the access token comes from when it is not in dashboard.tokenFile; read here only, never printed. */
const DASHBOARD_TOKEN_ENV = 'STREAMLINE_DASHBOARD_TOKEN';


const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

export const isLoopback = (host: string): boolean => LOOPBACK.test(host);

/** Shorter tokens can be guessed; `openssl rand -hex 16` gives 32 characters. */
export const MIN_TOKEN_LENGTH = 16;

function checkTokenLength(token: string, source: string): string {
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new BindRefusedError(`${source}: the dashboard token has ${token.length} characters, at least ${MIN_TOKEN_LENGTH} are needed (make one with \`openssl rand -hex 16\`)`);
  }
  return token;
}

/** The access token: STREAMLINE_DASHBOARD_TOKEN, else the contents of dashboard.tokenFile, else none. */
export function dashboardToken(config: StreamlineConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env[DASHBOARD_TOKEN_ENV]?.trim();
  if (fromEnv) return checkTokenLength(fromEnv, DASHBOARD_TOKEN_ENV);
  const file = config.dashboard.tokenFile;
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new BindRefusedError(`dashboard.tokenFile ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const token = text.trim();
  if (!token) throw new BindRefusedError(`dashboard.tokenFile ${file}: the file is empty`);
  return checkTokenLength(token, `dashboard.tokenFile ${file}`);
}

export interface BindRequest {
  host: string;
  port: number;
  /** The address came from the --host flag (not only from a config file or env). */
  explicitHost: boolean;
  token?: string;
}

/**
 * Loopback is always allowed. Any other address exposes pipeline data (PII per the policy), so it
 * needs both a deliberate --host and a token that every request must carry.
 */
export function checkBinding(req: BindRequest): void {
  if (req.token !== undefined) checkTokenLength(req.token, 'the dashboard token');
  if (isLoopback(req.host)) return;
  const where = `${req.host}:${req.port}`;
  if (!req.explicitHost) {
    throw new BindRefusedError(`refusing to serve the dashboard on ${where} (dashboard.host): a non-loopback address needs the --host flag on the command line`);
  }
  if (!req.token) {
    throw new BindRefusedError(
      `refusing to serve the dashboard on ${where} without an access token: set ${DASHBOARD_TOKEN_ENV} or dashboard.tokenFile (env STREAMLINE_DASHBOARD_TOKEN_FILE), or bind to 127.0.0.1`,
    );
  }
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token from `Authorization: Bearer <token>` (Prometheus, scripts). */
export function bearerToken(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  return undefined;
}

/** The token a browser hands to the login route once (`/login?token=`); accepted nowhere else. */
export function loginToken(query: unknown): string | undefined {
  const fromQuery = (query as { token?: unknown } | undefined)?.token;
  return typeof fromQuery === 'string' ? fromQuery : undefined;
}

/** The session cookie set by /login: HttpOnly (no script reads it), SameSite=Strict (no other site sends it). */
export const SESSION_COOKIE = 'streamline_dashboard';

/**
 * The cookie's value: an HMAC of the token under a key made at start, so the cookie is not the token
 * itself (a stolen cookie dies with the process, and the token never sits in the browser's cookie jar).
 */
export function sessionValue(token: string, key: Buffer): string {
  return createHmac('sha256', key).update(token, 'utf8').digest('base64url');
}

export const newSessionKey = (): Buffer => randomBytes(32);

/** The value of one cookie from a Cookie header, or undefined. */
export function cookieValue(header: string | string[] | undefined, name: string): string | undefined {
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (!text) return undefined;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export const sessionCookie = (value: string): string => `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/`;

/** The host names the dashboard answers to: its bound address, loopback names and dashboard.allowedHosts. */
export function allowedHostNames(bound: string, extra: readonly string[]): Set<string> {
  const names = ['localhost', '127.0.0.1', '::1', ...extra];
  // A wildcard bind is no name a browser uses: the operator lists the real ones in dashboard.allowedHosts.
  if (bound !== '0.0.0.0' && bound !== '::') names.push(bound);
  return new Set(names.map(normaliseHostName));
}

const normaliseHostName = (name: string): string => name.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');

/** The host name of a Host header value (`example.com:3000`, `[::1]:3000`), without the port. */
function hostHeaderName(value: string): string | undefined {
  try {
    return normaliseHostName(new URL(`http://${value}/`).hostname);
  } catch {
    return undefined;
  }
}

/**
 * Why a request's Host or Origin is refused, or undefined when both are allowed. A page on another site
 * that rebinds its DNS name to 127.0.0.1 still sends its own name as Host: that is what stops it.
 */
export function hostRefusal(headers: Record<string, string | string[] | undefined>, allowed: ReadonlySet<string>): string | undefined {
  const host = headers.host;
  if (typeof host !== 'string') return 'no Host header';
  const name = hostHeaderName(host);
  if (name === undefined || !allowed.has(name)) return `Host ${JSON.stringify(host)} is not one this dashboard answers to (add it to dashboard.allowedHosts)`;
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  if (typeof origin !== 'string' || origin === 'null') return 'Origin "null" is not allowed';
  let originName: string | undefined;
  try {
    const url = new URL(origin);
    originName = url.protocol === 'http:' || url.protocol === 'https:' ? normaliseHostName(url.hostname) : undefined;
  } catch {
    originName = undefined;
  }
  if (originName === undefined || !allowed.has(originName)) return `Origin ${JSON.stringify(origin)} is not allowed (add its host to dashboard.allowedHosts)`;
  return undefined;
}

/**
 * On every response: the page loads only its own files (no inline script, no other origin), is never
 * framed, never sniffed into another type, and never tells another site where it came from.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export interface ThrottleOptions {
  /** Failed attempts allowed per client address within one window. */
  maxFailures: number;
  windowMs: number;
  /** Most client addresses remembered (the map is bounded: a flood of addresses cannot grow it). */
  maxClients: number;
  now?: () => number;
}

const DEFAULT_THROTTLE: ThrottleOptions = { maxFailures: 5, windowMs: 60_000, maxClients: 10_000 };

/** Failed token attempts per client address: past maxFailures in a window, every attempt is refused until it ends. */
export class FailureThrottle {
  private readonly failures = new Map<string, { count: number; until: number }>();
  private readonly now: () => number;

  constructor(private readonly options: ThrottleOptions = DEFAULT_THROTTLE) {
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds until this client may try again, or 0. */
  blockedForMs(client: string): number {
    const entry = this.failures.get(client);
    if (!entry) return 0;
    const left = entry.until - this.now();
    if (left <= 0) {
      this.failures.delete(client);
      return 0;
    }
    return entry.count >= this.options.maxFailures ? left : 0;
  }

  fail(client: string): void {
    const now = this.now();
    const entry = this.failures.get(client);
    if (entry && entry.until > now) {
      entry.count += 1;
      return;
    }
    if (this.failures.size >= this.options.maxClients) {
      for (const [key, value] of this.failures) if (value.until <= now) this.failures.delete(key);
      // Still full of live entries: forget the oldest rather than grow.
      if (this.failures.size >= this.options.maxClients) this.failures.delete(this.failures.keys().next().value as string);
    }
    this.failures.set(client, { count: 1, until: now + this.options.windowMs });
  }

  succeed(client: string): void {
    this.failures.delete(client);
  }
}
