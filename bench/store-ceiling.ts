/**
 * store-ceiling: the fastest rate at which documents like ours (the four user collections, with the
 * pipeline's indexes) are upserted by `_id` into the embedded store with the official node driver
 * (unordered bulk writes of replaceOne + upsert), searching batch size x parallelism. Contenders are
 * FerretDB builds side by side: the binary setup builds (every patch in runtime/ferretdb/patches.json),
 * the one with only the `_id` index fix (what we shipped before the write-path patches), optionally
 * the stock build and a `synchronous=NORMAL` variant (what giving up durability on power loss buys).
 *
 * Settings (`--set key=value`): users (per grid cell, default 1000; quick 100), batches (16,100,500,1000),
 * parallelism (1,2,4), ordered (false; `false,true` adds ordered bulks, as the Spark connector sends),
 * contenders (patched,id-fix,patched-sync-normal; stock is O(n) per upsert and only fits small runs).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import type { StreamlineConfig } from '../src/config/index.js';
import { ensureCollections } from '../src/sink/index.js';
import { artifactsOf } from '../src/runtime/spec.js';
import type { ProcessRecord } from '../src/runtime/process.js';
import { startFerretDb } from '../harness/ferretdb.js';
import { testRuntimeConfig } from '../harness/runtime.js';
import type { Benchmark, Contender, RunOptions, Sample } from './harness.js';
import { userCollectionsPlan, userDocuments, withFreshIds, type CollectionLoad } from './store-docs.js';
import { upsertAll, type LoadShape } from './store-load.js';

const repoRoot = resolve(import.meta.dirname, '..');

/** A FerretDB build and how it is started; `patches` as setup's --ferretdb-patches takes them. */
interface Variant {
  name: string;
  patches?: string;
  sqliteParams?: string;
}

const VARIANTS: Record<string, Variant> = {
  patched: { name: 'patched' },
  'id-fix': { name: 'id-fix', patches: 'sqlite-id-index' },
  stock: { name: 'stock', patches: 'none' },
  'patched-sync-normal': { name: 'patched-sync-normal', sqliteParams: '_pragma=synchronous(normal)' },
};

interface Store {
  variant: Variant;
  record: ProcessRecord;
  client: MongoClient;
  stop(): Promise<void>;
}

interface Env {
  stores: Store[];
  base: CollectionLoad[];
  shapes: LoadShape[];
  cells: number;
}

const list = (value: string | undefined, fallback: string): string[] => (value ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);
const numbers = (value: string | undefined, fallback: string): number[] => list(value, fallback).map(Number);

/** The binary of a variant, built by setup on demand (idempotent: a stamp per variant). */
function binaryFor(variant: Variant, config: StreamlineConfig, log: (line: string) => void): string {
  if (!variant.patches) return join(artifactsOf(config), 'bin', 'ferretdb');
  log(`building (or reusing) FerretDB with patches: ${variant.patches}`);
  execFileSync('node', ['scripts/setup.mjs', '--only', 'ferretdb', '--ferretdb-patches', variant.patches, '--quiet'], { cwd: repoRoot, stdio: 'inherit' });
  const ids = variant.patches === 'none' ? [] : variant.patches.split(',');
  return join(artifactsOf(config), 'bin', ids.length ? `ferretdb-${ids.join('+')}` : 'ferretdb-stock');
}

/** Starts one variant (the runtime's own FerretDB arguments, its own port and data dir) and connects to it. */
async function startStore(variant: Variant, index: number, log: (line: string) => void): Promise<Store> {
  const name = `bench-store-ceiling-${variant.name}`;
  const binary = binaryFor(variant, testRuntimeConfig(name, 'bench', { shift: index }), log);
  const ferret = await startFerretDb(name, 'bench', { shift: index, binary, sqliteParams: variant.sqliteParams });
  const client = await MongoClient.connect(ferret.uri, { maxPoolSize: 16 });
  log(`${variant.name}: ${binary} on ${ferret.uri}`);
  return { variant, record: ferret.record, client, stop: async () => { await client.close(); await ferret.stop(); } };
}

/** CPU seconds (user + system) the process has used so far, from /proc (Linux; 0 elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/** One repetition: every grid cell on fresh `_id`s (each an insert, as first deliveries are); the best cell is the headline. */
async function runGrid(env: Env, store: Store, round: number): Promise<Sample> {
  const db = store.client.db('store_ceiling');
  const grid: { batchSize: number; parallelism: number; ordered?: boolean; perSecond: number; storeCpuMicrosPerDoc: number }[] = [];
  for (const [i, shape] of env.shapes.entries()) {
    const loads = withFreshIds(env.base, round * env.cells + i);
    const cpuBefore = cpuSeconds(store.record.pid);
    const result = await upsertAll(db, loads, shape);
    const cpu = cpuSeconds(store.record.pid) - cpuBefore;
    if (result.upserted !== result.documents) throw new Error(`${store.variant.name}: ${result.upserted} of ${result.documents} documents upserted`);
    grid.push({ ...shape, perSecond: Math.round(result.perSecond), storeCpuMicrosPerDoc: Math.round((cpu * 1e6) / result.documents) });
  }
  const best = grid.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  const at16 = grid.filter((g) => g.batchSize === 16).map((g) => g.perSecond);
  return {
    // The store's own CPU per document is what a loaded shared machine cannot blur: 1e6 / it is the
    // rate one free core would reach.
    metrics: { best: best.perSecond, storeCpu: best.storeCpuMicrosPerDoc, ...(at16.length ? { batch16: Math.max(...at16) } : {}) },
    notes: { best, grid },
  };
}

const benchmark: Benchmark<Env> = {
  name: 'store-ceiling',
  description: 'documents like ours upserted by _id into the embedded store (node driver, unordered bulk writes), best batch size x parallelism',
  metrics: [
    { name: 'best', unit: 'docs/s', better: 'higher' },
    { name: 'storeCpu', unit: 'µs CPU/doc', better: 'lower' },
    { name: 'batch16', unit: 'docs/s', better: 'higher' },
  ],
  async setup(options: RunOptions): Promise<Env> {
    const s = options.settings;
    const users = Number(s.users ?? (options.quick ? 100 : 1000));
    const shapes = numbers(s.batches, options.quick ? '100' : '16,100,500,1000').flatMap((batchSize) =>
      numbers(s.parallelism, options.quick ? '1,2' : '1,2,4').flatMap((parallelism) =>
        list(s.ordered, 'false').map((ordered) => ({ batchSize, parallelism, ordered: ordered === 'true' })),
      ),
    );
    const names = list(s.contenders, options.quick ? 'patched' : 'patched,id-fix,patched-sync-normal');
    const unknown = names.filter((n) => !(n in VARIANTS));
    if (unknown.length) throw new Error(`unknown store-ceiling contender(s) ${unknown.join(', ')}; known: ${Object.keys(VARIANTS).join(', ')}`);
    const stores: Store[] = [];
    try {
      for (const [i, name] of names.entries()) {
        const store = await startStore(VARIANTS[name]!, i, options.log);
        stores.push(store);
        await ensureCollections(store.client, 'store_ceiling', userCollectionsPlan());
      }
    } catch (e) {
      await Promise.all(stores.map((st) => st.stop()));
      throw e;
    }
    options.log(`${users} users (${users * 4} documents) per grid cell, ${shapes.length} cells per repetition`);
    return { stores, base: userDocuments(users), shapes, cells: shapes.length };
  },
  async teardown(env) {
    await Promise.all(env.stores.map((s) => s.stop()));
  },
  contenders: (env): Contender<Env>[] =>
    env.stores.map((store) => ({ name: store.variant.name, run: (e, rep) => runGrid(e, store, rep.index) })),
  ratios: [
    ['patched', 'id-fix'],
    ['patched-sync-normal', 'patched'],
  ],
};

export default benchmark;
