// The detached pipeline's supervisor as a process of ours: `streamline stream supervise` started in the
// background by `stream start --detach`, recorded like the other services (pid record, log in the state
// dir, a `status` row, stopped by `stream stop` and `down`). What it does: src/app/stream-supervisor.ts.
import { fileURLToPath } from 'node:url';
import type { StreamlineConfig } from '../config/index.js';
import type { LaunchSpec } from './spec.js';

export const STREAM_SUPERVISOR = 'stream-supervisor';

/** The CLI's entry point (bin/streamline.js runs the TypeScript sources through tsx). */
const cliEntry = fileURLToPath(new URL('../../bin/streamline.js', import.meta.url));

/**
 * `node bin/streamline.js stream supervise <args>` in the caller's working dir and environment, so it
 * resolves the same configuration (file, env, flags); `args` carries the flags that shaped it.
 */
export function streamSupervisorLaunch(config: StreamlineConfig, args: string[]): LaunchSpec {
  return { command: process.execPath, args: [cliEntry, 'stream', 'supervise', '--state-dir', config.stateDir, ...args], env: process.env, cwd: process.cwd() };
}
