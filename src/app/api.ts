import type { StreamlineConfig } from '../config/index.js';
import { PortInUseError } from '../core/errors.js';
import { checkLocalBindings } from '../runtime/index.js';
import { faultsFromEnv, startApiServer, validateFaultOptions, type ApiServer, type ApiServerOptions, type FaultOptions } from '../source/index.js';

export type { ApiServer, FaultOptions } from '../source/index.js';

const inUse = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'EADDRINUSE';

/** `streamline api`: the local Random User API on the configured address; a taken port is an error that says so. */
export async function serveApi(config: StreamlineConfig, faults?: FaultOptions): Promise<ApiServer> {
  const { host, port } = config.api;
  checkLocalBindings(config, ['api']);
  try {
    return await startApiServer({ ...serverLimits(config), host, port, faults });
  } catch (e) {
    if (!inUse(e)) throw e;
    throw new PortInUseError(`port ${port} on ${host} is already in use`, { hint: 'stop what listens there, or choose another port with --port (config api.port, env STREAMLINE_API_PORT)' });
  }
}

/**
 * The local API for one run of the producer or the demo, on a free port of the configured host: the run
 * only needs some URL, and a developer's `streamline api` may hold the configured port.
 */
export function startRunApi(config: StreamlineConfig): Promise<ApiServer> {
  checkLocalBindings(config, ['api']);
  return startApiServer({ ...serverLimits(config), host: config.api.host, port: 0 });
}

/** The configured limits of the local API: concurrency and the secrets log (with its cap). */
function serverLimits(config: StreamlineConfig): ApiServerOptions {
  const { secretsLog, secretsLogMaxBytes, maxConcurrentRequests } = config.api;
  return { maxConcurrentRequests, secretsLogMaxBytes, ...(secretsLog !== undefined ? { secretsLog } : {}) };
}

/** Fault injection for `streamline api`: flags win over STREAMLINE_API_* variables; none at all means a well-behaved server. */
export function apiFaults(fromFlags: FaultOptions): FaultOptions | undefined {
  const merged = { ...(faultsFromEnv() ?? {}), ...fromFlags };
  return Object.keys(merged).length ? validateFaultOptions(merged) : undefined;
}
