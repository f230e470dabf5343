import { z } from 'zod';
import { deriveSeed, seededRandom, type RandomSource } from '../random.js';

/**
 * Opt-in misbehaviour of the local API server, for tests. Rates are per request and mutually exclusive
 * (their sum must be <= 1); with a `seed`, the sequence of faults is the same on every run.
 *
 * - error: a 5xx with `{"error": ...}`, like the real API's bad days,
 * - rateLimit: 429 with Retry-After,
 * - truncated: 200 with the JSON cut mid-way,
 * - malformed: 200, valid JSON, but some records broken (missing login.uuid, wrong types, ...),
 * - notJson: 200 with an HTML page (a proxy's error page),
 * - hang: never answers (until the client gives up or the server closes).
 */
export type FaultKind = 'none' | 'error' | 'rateLimit' | 'truncated' | 'malformed' | 'notJson' | 'hang';

/** One scripted response: a kind, or a kind with details. */
export type PlannedFault =
  | FaultKind
  | { readonly kind: 'error'; readonly status?: number; readonly message?: string }
  | { readonly kind: 'rateLimit'; readonly retryAfter?: string };

export interface FaultOptions {
  /** Added delay per request, drawn uniformly from [min, max] milliseconds. */
  readonly latencyMs?: readonly [number, number];
  readonly errorRate?: number;
  readonly rateLimitRate?: number;
  readonly truncatedRate?: number;
  readonly malformedRate?: number;
  /** Share of requests never answered (slower than any client timeout). */
  readonly hangRate?: number;
  /** Retry-After sent with a rate-limit fault, in seconds. Default 1. */
  readonly retryAfterSeconds?: number;
  /** Makes the fault sequence reproducible. Without it, faults differ per server instance. */
  readonly seed?: number | string;
  /** Responses for the first requests, in order, before the rates apply (for precise tests). */
  readonly plan?: readonly PlannedFault[];
}

export interface FaultDecision {
  readonly kind: FaultKind;
  readonly latencyMs: number;
  readonly status?: number;
  readonly message?: string;
  readonly retryAfter?: string;
  /** Randomness for shaping this response (where to cut, which records to break). */
  readonly random: RandomSource;
}

const rate = z.number().min(0).max(1);
const faultOptionsSchema = z
  .object({
    latencyMs: z
      .tuple([z.number().min(0), z.number().min(0)])
      .refine(([min, max]) => min <= max, 'expected [min, max] with min <= max')
      .optional(),
    errorRate: rate.optional(),
    rateLimitRate: rate.optional(),
    truncatedRate: rate.optional(),
    malformedRate: rate.optional(),
    hangRate: rate.optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
    seed: z.union([z.number(), z.string()]).optional(),
    plan: z.array(z.unknown()).optional(),
  })
  .refine(
    (options) => (options.errorRate ?? 0) + (options.rateLimitRate ?? 0) + (options.truncatedRate ?? 0) + (options.malformedRate ?? 0) + (options.hangRate ?? 0) <= 1,
    'errorRate + rateLimitRate + truncatedRate + malformedRate + hangRate must be <= 1 (faults are mutually exclusive)',
  );

/** Checks fault options up front; throws naming the bad option. */
export function validateFaultOptions(options: FaultOptions): FaultOptions {
  const result = faultOptionsSchema.safeParse(options);
  if (!result.success) {
    const detail = result.error.issues.map((issue) => `${issue.path.join('.') || 'faults'}: ${issue.message}`).join('; ');
    throw new Error(`invalid fault options: ${detail}`);
  }
  return options;
}

function decisionFromPlan(entry: PlannedFault): Omit<FaultDecision, 'latencyMs' | 'random'> {
  return typeof entry === 'string' ? { kind: entry } : { ...entry };
}

/** Draws one fault decision per request, deterministically given the seed and the request order. */
export class FaultInjector {
  private readonly random: RandomSource;
  private requests = 0;

  constructor(private readonly options: FaultOptions) {
    validateFaultOptions(options);
    const seed = options.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : deriveSeed(options.seed);
    this.random = seededRandom(seed);
  }

  next(): FaultDecision {
    const index = this.requests++;
    // Every request consumes the same number of draws, so a planned entry never shifts the later sequence.
    const kindDraw = this.random();
    const latencyDraw = this.random();
    const shapeSeed = Math.floor(this.random() * 2 ** 32);
    const [min, max] = this.options.latencyMs ?? [0, 0];
    const latencyMs = Math.round(min + latencyDraw * (max - min));
    const planned = this.options.plan?.[index];
    const base = planned !== undefined ? decisionFromPlan(planned) : { kind: this.kindFor(kindDraw) };
    const decision: FaultDecision = { ...base, latencyMs, random: seededRandom(shapeSeed) };
    if (decision.kind === 'rateLimit' && decision.retryAfter === undefined) {
      return { ...decision, retryAfter: String(this.options.retryAfterSeconds ?? 1) };
    }
    return decision;
  }

  private kindFor(draw: number): FaultKind {
    const bands: [FaultKind, number | undefined][] = [
      ['error', this.options.errorRate],
      ['rateLimit', this.options.rateLimitRate],
      ['truncated', this.options.truncatedRate],
      ['malformed', this.options.malformedRate],
      ['hang', this.options.hangRate],
    ];
    let upper = 0;
    for (const [kind, probability] of bands) {
      upper += probability ?? 0;
      if (draw < upper) return kind;
    }
    return 'none';
  }
}

/** Cuts a JSON text strictly inside, so it can never parse (any proper prefix of an object is invalid). */
export function truncateJson(text: string, random: RandomSource): string {
  const cut = 1 + Math.floor((0.2 + 0.6 * random()) * (text.length - 2));
  return text.slice(0, Math.min(cut, text.length - 1));
}

type Breakage = { readonly reason: string; readonly apply: (record: Record<string, unknown>) => void };

const asObject = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

/** Ways a record gets broken, each one the client must detect. */
const BREAKAGES: readonly Breakage[] = [
  { reason: 'login.uuid missing', apply: (record) => delete asObject(record.login).uuid },
  { reason: 'dob.age not a number', apply: (record) => (asObject(record.dob).age = 'thirty-three') },
  { reason: 'location null', apply: (record) => (record.location = null) },
  { reason: 'email not a string', apply: (record) => (record.email = 42) },
  { reason: 'coordinates not numeric', apply: (record) => (asObject(asObject(record.location).coordinates).latitude = 'north') },
  { reason: 'registered.date unparseable', apply: (record) => (asObject(record.registered).date = 'yesterday') },
];

/**
 * Breaks some records (each with probability 1/3, and at least one) and returns which ones, so tests
 * can compare what the client reported with what was done.
 */
export function breakRecords(records: Record<string, unknown>[], random: RandomSource): number[] {
  const broken: number[] = [];
  records.forEach((record, index) => {
    if (random() < 1 / 3) broken.push(index);
  });
  if (broken.length === 0 && records.length > 0) broken.push(Math.floor(random() * records.length));
  for (const index of broken) {
    const breakage = BREAKAGES[Math.floor(random() * BREAKAGES.length)] as Breakage;
    breakage.apply(records[index] as Record<string, unknown>);
  }
  return broken;
}

const FAULT_ENV = {
  latencyMs: 'STREAMLINE_API_LATENCY_MS',
  errorRate: 'STREAMLINE_API_ERROR_RATE',
  rateLimitRate: 'STREAMLINE_API_RATE_LIMIT_RATE',
  truncatedRate: 'STREAMLINE_API_TRUNCATED_RATE',
  malformedRate: 'STREAMLINE_API_MALFORMED_RATE',
  seed: 'STREAMLINE_API_FAULT_SEED',
} as const;

function envNumber(env: NodeJS.ProcessEnv, key: string): number | undefined {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${key}=${JSON.stringify(raw)}: expected a number`);
  return value;
}

function envRange(env: NodeJS.ProcessEnv, key: string): [number, number] | undefined {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return undefined;
  const parts = raw.split(',').map((part) => Number(part.trim()));
  const [min, max] = parts.length === 1 ? [parts[0], parts[0]] : parts;
  if (parts.length > 2 || !Number.isFinite(min) || !Number.isFinite(max)) {
    throw new Error(`${key}=${JSON.stringify(raw)}: expected "min,max" milliseconds, e.g. "50,200"`);
  }
  return [min as number, max as number];
}

/**
 * Fault options from the environment (STREAMLINE_API_ERROR_RATE=0.1, STREAMLINE_API_LATENCY_MS=50,200, ...),
 * or undefined when none is set, so a normally started server never misbehaves.
 */
export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): FaultOptions | undefined {
  const options: { -readonly [K in keyof FaultOptions]: FaultOptions[K] } = {};
  const latencyMs = envRange(env, FAULT_ENV.latencyMs);
  if (latencyMs) options.latencyMs = latencyMs;
  for (const key of ['errorRate', 'rateLimitRate', 'truncatedRate', 'malformedRate'] as const) {
    const value = envNumber(env, FAULT_ENV[key]);
    if (value !== undefined) options[key] = value;
  }
  const seed = env[FAULT_ENV.seed];
  if (seed !== undefined && seed !== '') options.seed = seed;
  if (Object.keys(options).length === 0) return undefined;
  try {
    return validateFaultOptions(options);
  } catch (error) {
    throw new Error(`${(error as Error).message} (from ${Object.values(FAULT_ENV).join(', ')})`);
  }
}
