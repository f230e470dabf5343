import { Admin } from '@platformatic/kafka';
import type { StreamlineConfig } from '../config/index.js';
import { configuredConnection, type KafkaConnection } from './connection.js';

export type KafkaAdmin = Admin;

export interface AdminOptions {
  /** Limit on one request (ms); the client's default otherwise. */
  timeoutMs?: number;
  /** The client's retries of a failed request; 0 for probes, which must answer within their own deadline. */
  retries?: number;
}

export function createKafkaAdmin(connection: KafkaConnection, clientId: string, { timeoutMs, retries }: AdminOptions = {}): KafkaAdmin {
  return new Admin({ clientId, ...connection, ...(timeoutMs !== undefined ? { timeout: timeoutMs } : {}), ...(retries !== undefined ? { retries } : {}) });
}

/** An admin for the configured brokers with the configured credentials. */
export const configuredKafkaAdmin = (config: StreamlineConfig, clientId: string, options?: AdminOptions): KafkaAdmin =>
  createKafkaAdmin(configuredConnection(config), clientId, options);

/** Runs `work` with an admin of the configured cluster, closed afterwards whatever happens. */
export async function withKafkaAdmin<T>(config: StreamlineConfig, clientId: string, work: (admin: KafkaAdmin) => Promise<T>, options?: AdminOptions): Promise<T> {
  const admin = configuredKafkaAdmin(config, clientId, options);
  try {
    return await work(admin);
  } finally {
    await admin.close().catch(() => undefined);
  }
}
