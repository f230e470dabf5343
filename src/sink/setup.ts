import type { Db, MongoClient, MongoServerError } from 'mongodb';
import { DEAD_LETTER_INDEXES, deadLetterValidator } from '../model/index.js';
import type { ResolvedCollection } from '../pipeline/sink.js';
import { DEAD_LETTERS, type IndexPlan } from './collections.js';

export interface CollectionPlan {
  name: string;
  /** A `{ $jsonSchema }` validator, or undefined for none. */
  validator?: Record<string, unknown>;
  indexes: IndexPlan[];
}

export interface SetupReport {
  backend: { kind: 'mongodb' | 'ferretdb'; version: string };
  created: string[];
  existing: string[];
  validators: { applied: string[]; skipped: string[] };
  indexes: { ensured: number; skipped: string[] };
  warnings: string[];
}

export interface Backend {
  kind: 'mongodb' | 'ferretdb';
  version: string;
}

/** FerretDB answers `buildInfo` with a `ferretdbVersion` field; MongoDB does not. */
async function detectBackend(db: Db): Promise<Backend> {
  const info = (await db.admin().command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string };
  return info.ferretdbVersion
    ? { kind: 'ferretdb', version: info.ferretdbVersion }
    : { kind: 'mongodb', version: info.version ?? 'unknown' };
}

/** One topic's collection as the sink spec resolved it, and the `$jsonSchema` validator derived from the topic's fields. */
export interface TopicCollection {
  sink: ResolvedCollection;
  validator: Record<string, unknown>;
}

/**
 * The plan for a pipeline, from its sink spec: one collection per topic with its indexes (`ingested_at`
 * included) and its validator unless the spec turned it off, plus the pipeline's dead-letter collection.
 */
export function pipelinePlan(topics: readonly TopicCollection[], deadLetters = DEAD_LETTERS): CollectionPlan[] {
  return [
    ...topics.map(({ sink, validator }) => ({ name: sink.collection, ...(sink.validator ? { validator: { ...validator } } : {}), indexes: sink.indexes.map((index) => ({ ...index, key: { ...index.key } })) })),
    { name: deadLetters, validator: deadLetterValidator(), indexes: [...DEAD_LETTER_INDEXES] },
  ];
}

const describeError = (e: unknown): string => {
  const err = e as MongoServerError;
  return err?.codeName ? `${err.codeName} (${err.code})` : (err?.message ?? String(e)).slice(0, 120);
};

const isUnsupported = (e: unknown): boolean => {
  const err = e as MongoServerError;
  // 238 NotImplemented, 115 CommandNotSupported, 2 BadValue on unknown options (FerretDB variants).
  return [238, 115, 2, 9].includes(err?.code as number) || /not (implemented|supported)|unknown (field|option)/i.test(err?.message ?? '');
};

/**
 * Idempotent: creates missing collections with their `$jsonSchema` validators and indexes, updates
 * validators of existing ones. Where the backend lacks a feature (FerretDB 1.x has no validators),
 * it is skipped with a warning in the report instead of failing the pipeline.
 */
export async function ensureCollections(client: MongoClient, database: string, plans: CollectionPlan[]): Promise<SetupReport> {
  const db = client.db(database);
  const backend = await detectBackend(db);
  const report: SetupReport = { backend, created: [], existing: [], validators: { applied: [], skipped: [] }, indexes: { ensured: 0, skipped: [] }, warnings: [] };
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  let validatorsSupported = true;

  for (const plan of plans) {
    const wantsValidator = plan.validator !== undefined && validatorsSupported;
    const validatorOptions = wantsValidator ? { validator: plan.validator, validationLevel: 'strict' as const, validationAction: 'error' as const } : {};
    if (!existing.has(plan.name)) {
      try {
        await db.createCollection(plan.name, validatorOptions);
        if (wantsValidator) report.validators.applied.push(plan.name);
      } catch (e) {
        if (!wantsValidator || !isUnsupported(e)) throw e;
        validatorsSupported = false;
        report.warnings.push(`${backend.kind} ${backend.version} does not support collection validators (${describeError(e)}); collections are created without them and records are validated in the Spark job instead`);
        await db.createCollection(plan.name);
      }
      report.created.push(plan.name);
    } else {
      report.existing.push(plan.name);
      if (wantsValidator) {
        try {
          await db.command({ collMod: plan.name, ...validatorOptions });
          report.validators.applied.push(plan.name);
        } catch (e) {
          if (!isUnsupported(e)) throw e;
          validatorsSupported = false;
          report.warnings.push(`${backend.kind} ${backend.version} does not support collMod validators (${describeError(e)}); skipped`);
        }
      }
    }
    if (plan.validator !== undefined && !report.validators.applied.includes(plan.name)) report.validators.skipped.push(plan.name);

    for (const index of plan.indexes) {
      try {
        await db.collection(plan.name).createIndex(index.key, index.unique ? { name: index.name, unique: true } : { name: index.name });
        report.indexes.ensured++;
      } catch (e) {
        if (!isUnsupported(e)) throw e;
        report.indexes.skipped.push(`${plan.name}.${index.name}`);
        report.warnings.push(`index ${plan.name}.${index.name} skipped: ${describeError(e)}`);
      }
    }
  }
  return report;
}
