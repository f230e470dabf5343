import type { Db } from 'mongodb';
import { DEAD_LETTERS } from './collections.js';

/**
 * Documents per collection, plus the dead letters. With `since`, only what a run starting then wrote:
 * documents the producer sent since (their `produced_at`, an ISO string) and dead letters written since
 * (their `failed_at`, a date).
 */
export async function countDocuments(db: Db, collections: readonly string[], since?: Date): Promise<Record<string, number>> {
  const filter = (collection: string) => {
    if (!since) return {};
    return collection === DEAD_LETTERS ? { failed_at: { $gte: since } } : { produced_at: { $gte: since.toISOString() } };
  };
  const names = [...collections, DEAD_LETTERS];
  return Object.fromEntries(await Promise.all(names.map(async (c) => [c, await db.collection(c).countDocuments(filter(c))] as const)));
}
