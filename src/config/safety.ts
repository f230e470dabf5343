/**
 * Unsafe combinations refused at load time, each with an error that names the key (docs/decisions.md,
 * "Security: what is refused"). The dashboard's own rule (non-loopback needs --host and a token) lives
 * with the dashboard (src/dashboard/auth.ts) because it depends on the flag, not only on the config.
 */
import { uriPassword, urlToken } from './redact.js';

export interface SafetyIssue {
  key: string;
  message: string;
}

type Tree = { [k: string]: unknown };
const at = (tree: Tree, path: string[]): unknown => path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Tree)[key] : undefined), tree);

/**
 * Credentials in a config file: config files get committed, copied and attached to bug reports. Passwords
 * come from env or a file of their own (kafka.sasl.passwordFile, dashboard.tokenFile) instead.
 */
export function credentialsInFile(file: Tree): SafetyIssue[] {
  const issues: SafetyIssue[] = [];
  if (at(file, ['kafka', 'sasl', 'password']) !== undefined) {
    issues.push({ key: 'kafka.sasl.password', message: 'set env STREAMLINE_KAFKA_SASL_PASSWORD or kafka.sasl.passwordFile instead' });
  }
  const uri = at(file, ['mongo', 'uri']);
  if (typeof uri === 'string' && uriPassword(uri).length > 0) {
    issues.push({ key: 'mongo.uri', message: 'holds a password; set env STREAMLINE_MONGO_URI instead' });
  }
  const remote = at(file, ['spark', 'remote']);
  if (typeof remote === 'string' && urlToken(remote).length > 0) {
    issues.push({ key: 'spark.remote', message: 'holds a ;token=; set env STREAMLINE_SPARK_REMOTE instead' });
  }
  const api = at(file, ['api', 'url']);
  if (typeof api === 'string' && (uriPassword(api).length > 0 || urlToken(api).length > 0)) {
    issues.push({ key: 'api.url', message: 'holds a password or token; set env STREAMLINE_API_URL instead' });
  }
  return issues;
}
