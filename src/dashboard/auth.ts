import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { StreamlineConfig } from '../config/index.js';

/** Where the access token comes from when it is not in dashboard.tokenFile; read here only, never printed. */
export const DASHBOARD_TOKEN_ENV = 'STREAMLINE_DASHBOARD_TOKEN';

/** The dashboard may not listen where asked (non-loopback without --host or without a token). */
export class DashboardBindError extends Error {
  override name = 'DashboardBindError';
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

export const isLoopback = (host: string): boolean => LOOPBACK.test(host);

/** The access token: STREAMLINE_DASHBOARD_TOKEN, else the contents of dashboard.tokenFile, else none. */
export function dashboardToken(config: StreamlineConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env[DASHBOARD_TOKEN_ENV]?.trim();
  if (fromEnv) return fromEnv;
  const file = config.dashboard.tokenFile;
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DashboardBindError(`dashboard.tokenFile ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const token = text.trim();
  if (!token) throw new DashboardBindError(`dashboard.tokenFile ${file}: the file is empty`);
  return token;
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
  if (isLoopback(req.host)) return;
  const where = `${req.host}:${req.port}`;
  if (!req.explicitHost) {
    throw new DashboardBindError(`refusing to serve the dashboard on ${where} (dashboard.host): a non-loopback address needs the --host flag on the command line`);
  }
  if (!req.token) {
    throw new DashboardBindError(
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

/** The token from `Authorization: Bearer <token>` or, for a browser tab, `?token=`. */
export function requestToken(headers: Record<string, string | string[] | undefined>, query: unknown): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  const fromQuery = (query as { token?: unknown } | undefined)?.token;
  return typeof fromQuery === 'string' ? fromQuery : undefined;
}
