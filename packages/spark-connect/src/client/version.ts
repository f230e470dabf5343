import { readFileSync } from 'node:fs';

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'dev';
  } catch {
    return 'dev';
  }
}

/** Version of this client (the streamline package version). */
export const CLIENT_VERSION = readVersion();

/** Value of `client_type` in every request, e.g. `streamline/0.1.0`. */
export const CLIENT_TYPE = `streamline/${CLIENT_VERSION}`;
