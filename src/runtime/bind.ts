import { toEnvName, type StreamlineConfig } from '../config/index.js';
import { ConfigError } from '../core/errors.js';

/**
 * Local services listen on loopback unless the configuration says otherwise on purpose: none of them has
 * authentication in the embedded runtime, so an address others can reach hands them the service. A
 * non-loopback host needs `<service>.allowRemote: true` (env STREAMLINE_<SERVICE>_ALLOW_REMOTE=true),
 * and the refusal says what would be exposed. The dashboard has its own rule (--host and a token).
 */
export type BindSection = 'kafka' | 'spark' | 'mongo' | 'api';

const EXPOSED: Record<BindSection, { title: string; exposes: string }> = {
  kafka: { title: 'Kafka', exposes: 'the broker has no authentication here: anyone who reaches it reads, writes and deletes every topic' },
  spark: {
    title: 'Spark Connect',
    exposes: 'Spark Connect runs whatever plan a client sends, i.e. code as this account on this machine, and its UI shows every query',
  },
  mongo: { title: 'FerretDB', exposes: 'the store has no authentication here: anyone who reaches it reads and rewrites every collection' },
  api: { title: 'the local Random User API', exposes: 'it serves generated people and, with api.secretsLog, writes their passwords to disk on request' },
};

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i;

const isLoopbackHost = (host: string): boolean => LOOPBACK.test(host);

/** Why this section may not listen on its configured host, or undefined when it may. */
export function remoteBindRefusal(config: StreamlineConfig, section: BindSection, port: number = config[section].port): string | undefined {
  const { host, allowRemote } = config[section];
  if (isLoopbackHost(host) || allowRemote) return undefined;
  const { title, exposes } = EXPOSED[section];
  const allowEnv = toEnvName([section, 'allowRemote']);
  return (
    `refusing to start ${title} on ${host}:${port} (${section}.host): a non-loopback address exposes it to the network, and ${exposes}. ` +
    `Bind 127.0.0.1, or set ${section}.allowRemote to true (env ${allowEnv}=true) if only trusted hosts can reach ${host}`
  );
}

/** Throws a ConfigError (exit 2) for the first section among `sections` that may not bind where configured. */
export function checkLocalBindings(config: StreamlineConfig, sections: readonly BindSection[]): void {
  const refusals = [...new Set(sections)].map((s) => remoteBindRefusal(config, s)).filter((r): r is string => r !== undefined);
  if (refusals.length) throw new ConfigError(refusals.join('\n'));
}
