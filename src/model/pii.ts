import { createHmac } from 'node:crypto';

/**
 * What happens to personal contact data (email, phone, cell, national id value) at the producer:
 * - keep: passed through unchanged,
 * - mask: same shape, most characters hidden (`a***@example.com`, `(0**) ***-**00`),
 * - hash: HMAC-SHA256 hex keyed with a salt; deterministic, so equal inputs still join across topics.
 */
export const PII_POLICIES = ['keep', 'mask', 'hash'] as const;
export type PiiPolicy = (typeof PII_POLICIES)[number];

const PII_SALT_ENV = 'STREAMLINE_PII_SALT';
/**
 * Used when STREAMLINE_PII_SALT is unset. It is public, so hashes made with it only hide data from casual
 * readers: a phone number is easily brute-forced. Set a secret salt wherever the data matters.
 */
export const DEFAULT_PII_SALT = 'streamline-default-pii-salt';

export function piiSaltFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const salt = env[PII_SALT_ENV];
  return salt === undefined || salt === '' ? DEFAULT_PII_SALT : salt;
}

const ALPHANUMERIC = /[\p{L}\p{N}]/u;

/**
 * Keeps punctuation and spacing (the shape) and the first and last two letters/digits; every other letter
 * or digit becomes `*`. Values too short to keep anything are masked entirely.
 */
export function maskKeepingShape(value: string, keepStart = 1, keepEnd = 2): string {
  const chars = [...value];
  const total = chars.filter((char) => ALPHANUMERIC.test(char)).length;
  const exposeNothing = total <= keepStart + keepEnd;
  let seen = 0;
  return chars
    .map((char) => {
      if (!ALPHANUMERIC.test(char)) return char;
      seen += 1;
      const kept = !exposeNothing && (seen <= keepStart || seen > total - keepEnd);
      return kept ? char : '*';
    })
    .join('');
}

/** `antonida.kaminska@example.com` -> `a***@example.com`: the domain stays, the local part's length is hidden. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return maskKeepingShape(email);
  const first = [...email.slice(0, at)][0] ?? '';
  return `${first}***${email.slice(at)}`;
}

export function hashPii(value: string, salt: string): string {
  return createHmac('sha256', salt).update(value, 'utf8').digest('hex');
}

export interface PiiOptions {
  readonly pii: PiiPolicy;
  /** Salt for `hash`; defaults to STREAMLINE_PII_SALT, then DEFAULT_PII_SALT. */
  readonly piiSalt?: string;
}

/** What a protected value is: an email keeps its domain when masked; the rest (phone, id, free text) keeps its shape. */
export type PiiKind = 'email' | 'phone' | 'id' | 'text';

/** Applies the policy to one value. */
export function applyPiiPolicy(value: string, kind: PiiKind, options: PiiOptions): string {
  switch (options.pii) {
    case 'keep':
      return value;
    case 'mask':
      return kind === 'email' ? maskEmail(value) : maskKeepingShape(value);
    case 'hash':
      return hashPii(value, options.piiSalt ?? piiSaltFromEnv());
  }
}
