import { MongoClient, type Db, type Document, type Filter } from 'mongodb';
import { accountForQueries } from '../app/expected-queries.js';
import { runningSupervisor } from '../app/status.js';
import { attachPipeline, countCollections } from '../app/streaming.js';
import { configuredKafkaAdmin, endOffsets, type KafkaAdmin } from '../kafka/index.js';
import { mongoUri, type StreamlineConfig } from '../config/index.js';
import { DEAD_LETTER_TIME, type DeadLetter, type DeadLetterField } from '../model/index.js';
import { isRunning, localServices, readRecord, status } from '../runtime/index.js';
import { DEAD_LETTERS } from '../sink/index.js';
import { expectedQueries, loadPipelineSession, queryReport, type QueryReport, type TopicBinding } from '../stream/index.js';
import { withTimeout } from '../core/clock.js';
import { noAnswer, Poller } from './poller.js';
import { historyPoint, perSecond, withLag, type AccountedQuery, type CollectionView, type DashboardSnapshot, type HistoryPoint, type LatestView, deadLetterView, type ServiceView, type SupervisorView, type TopicView } from './views.js';

export interface CollectorOptions {
  /** The topics, queries and collections of the pipeline the services run. */
  bindings: TopicBinding[];
  /** The local Random User API, shown as a service when the caller runs one (demo). */
  apiUrl?: string;
  /** Whether the pipeline's source has a local API to show (randomuser; default true): otherwise apiUrl and showApi are ignored. */
  localApi?: boolean;
}

const SERVICE_PROBE_MS = 5_000;
const LATEST_MIN_MS = 10_000;

async function probeApi(url: string, timeoutMs: number): Promise<ServiceView> {
  const base = { name: 'api', title: 'Random User API (local)', address: url };
  try {
    const response = await fetch(`${url}?results=1`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return { ...base, health: 'unhealthy', up: false, detail: `HTTP ${response.status}` };
    return { ...base, health: 'healthy', up: true };
  } catch (e) {
    return { ...base, health: 'stopped', up: false, detail: (e as Error).message };
  }
}

type Attached = NonNullable<Awaited<ReturnType<typeof attachPipeline>>>;

/**
 * Reads the pipeline through the same modules as the CLI (runtime status, Kafka admin, the stream
 * query reports, collection counts), each on its own refresh loop, and keeps a short history.
 */
export class Collector {
  private readonly bindings: TopicBinding[];
  private readonly deadLetters: string;
  private readonly admin: KafkaAdmin;
  private readonly mongo: MongoClient;
  private attached?: Attached;
  private readonly history: HistoryPoint[] = [];
  private readonly pollers: {
    services: Poller<ServiceView[]>;
    liveness: Poller<Record<string, boolean>>;
    topics: Poller<TopicView[]>;
    queries: Poller<AccountedQuery[]>;
    supervisor: Poller<SupervisorView | null>;
    collections: Poller<CollectionView[]>;
    latest: Poller<LatestView>;
  };
  private historyTimer?: NodeJS.Timeout;
  private readonly scanLimitMs: number;
  private apiUrl?: string;
  private readonly localApi: boolean;

  constructor(
    private readonly config: StreamlineConfig,
    opts: CollectorOptions,
  ) {
    this.bindings = opts.bindings;
    this.deadLetters = opts.bindings[0]?.deadLetters ?? DEAD_LETTERS;
    this.localApi = opts.localApi ?? true;
    if (this.localApi) this.apiUrl = opts.apiUrl;
    this.admin = configuredKafkaAdmin(config, 'streamline-dashboard');
    const timeoutMs = Math.max(1_000, Math.min(5_000, config.dashboard.refreshMs * 2));
    this.mongo = new MongoClient(mongoUri(config), { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
    const every = config.dashboard.refreshMs;
    const deadline = Math.max(5_000, every * 4);
    // Driver 6.x ignores a client-wide timeoutMS (it warns "has no effect"): the scans of latest() carry
    // maxTimeMS themselves, so the server abandons one the poller has already given up on.
    this.scanLimitMs = deadline;
    this.pollers = {
      // Health probes cost a new Spark Connect session each, so at most every 5 s; a process that exited
      // shows on the next refresh through the pid check of `liveness`.
      services: new Poller('service status', () => this.services(), Math.max(every, SERVICE_PROBE_MS), deadline),
      liveness: new Poller('service processes', async () => this.liveness(), every, deadline),
      topics: new Poller('Kafka topics', () => this.topics(), every, deadline),
      queries: new Poller('streaming queries', () => this.queries(), every, deadline),
      supervisor: new Poller('stream supervisor', async () => runningSupervisor(this.config) ?? null, every, deadline),
      collections: new Poller('MongoDB collections', () => this.collections(), every, deadline),
      // Sorted finds and a group over dead letters scan whole collections on FerretDB: less often.
      latest: new Poller('latest documents', () => this.latest(), Math.max(every * 5, LATEST_MIN_MS), deadline),
    };
  }

  /** Starts every collector; the page is served at once and fills in as each first refresh lands. */
  start(): void {
    for (const poller of Object.values(this.pollers)) void poller.start();
    const keep = Math.ceil((this.config.dashboard.historyMinutes * 60_000) / this.config.dashboard.refreshMs);
    const sample = () => {
      this.history.push(historyPoint(this.snapshot()));
      if (this.history.length > keep) this.history.splice(0, this.history.length - keep);
    };
    this.historyTimer = setInterval(sample, this.config.dashboard.refreshMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.historyTimer);
    await Promise.all(Object.values(this.pollers).map((p) => p.stop()));
    this.attached?.spark.close();
    // A client whose server is gone may never finish closing; the process must still get on.
    await withTimeout(Promise.allSettled([this.admin.close(), this.mongo.close()]), 5_000, noAnswer('closing the dashboard clients', 5_000)).catch(() => undefined);
  }

  /** Adds the local Random User API to the services once the caller has started it. */
  showApi(url: string): void {
    if (this.localApi) this.apiUrl = url;
  }

  snapshot(): DashboardSnapshot {
    const { services, liveness, topics, queries, supervisor, collections, latest } = this.pollers;
    const alive = liveness.section.value ?? {};
    return {
      at: new Date().toISOString(),
      refreshMs: this.config.dashboard.refreshMs,
      services: { ...services.section, value: services.section.value?.map((s) => (alive[s.name] === false ? { ...s, health: 'stopped', up: false, uptimeMs: undefined, detail: 'process exited' } : s)) },
      topics: topics.section,
      queries: { ...queries.section, value: queries.section.value?.map((q) => withLag(q, topics.section.value)) },
      supervisor: supervisor.section,
      collections: collections.section,
      latest: latest.section,
    };
  }

  historyPoints(): HistoryPoint[] {
    return [...this.history];
  }

  private async services(): Promise<ServiceView[]> {
    const probeMs = SERVICE_PROBE_MS;
    const [runtime, api] = await Promise.all([status(this.config, probeMs), this.apiUrl ? probeApi(this.apiUrl, probeMs) : undefined]);
    const views: ServiceView[] = runtime.map((s) => ({
      name: s.name,
      title: s.title,
      address: s.address,
      health: s.health,
      up: s.health === 'healthy' || s.health === 'external',
      pid: s.pid,
      uptimeMs: s.uptimeMs,
      detail: s.detail,
    }));
    return api ? [...views, api] : views;
  }

  /** Whether each supervised process is still there (a pid check, cheap enough for every refresh). */
  private liveness(): Record<string, boolean> {
    return Object.fromEntries(
      localServices(this.config).map((spec) => {
        const record = readRecord(this.config, spec.name);
        return [spec.name, record !== undefined && isRunning(record)];
      }),
    );
  }

  private previousTopics?: { at: number; produced: Map<string, number> };

  private async topics(): Promise<TopicView[]> {
    const { endOffsets: ends, partitions } = await endOffsets(this.admin, this.bindings.map((b) => b.topic));
    const at = Date.now();
    const previous = this.previousTopics;
    const views = Object.entries(ends).map(([topic, endOffsets]): TopicView => {
      const produced = Object.values(endOffsets).reduce((a, b) => a + b, 0);
      return { topic, partitions: partitions[topic] ?? 0, endOffsets, produced, producedPerSecond: previous && perSecond(produced, previous.produced.get(topic), at - previous.at) };
    });
    this.previousTopics = { at, produced: new Map(views.map((v) => [v.topic, v.produced])) };
    return views;
  }

  /** Every expected query (a dead one as failed, restarting or missing, with its last error), then any other running one. */
  private async queries(): Promise<AccountedQuery[]> {
    let reports: QueryReport[] = [];
    let unreachable: string | undefined;
    try {
      reports = await this.runningQueries();
    } catch (e) {
      // Spark Connect not answering: no query can be shown active (stale "active" rows would hide the outage).
      unreachable = `Spark Connect did not answer: ${(e as Error).message.split('\n')[0]}`;
    }
    const accounted = accountForQueries(expectedQueries(this.bindings, this.config.stream.queries), reports, runningSupervisor(this.config)?.status).map((q) => (unreachable && !q.lastError ? { ...q, lastError: unreachable } : q));
    const byName = new Map(reports.map((r) => [r.name, r]));
    return [
      ...accounted.map((e): AccountedQuery => ({ ...(byName.get(e.name) ?? { name: e.name, id: '', active: false }), state: e.state, ...(e.lastError ? { lastError: e.lastError } : {}) })),
      ...reports.filter((r) => !accounted.some((e) => e.name === r.name)),
    ];
  }

  /** Reuses one reattached Spark Connect session while the recorded pipeline session stays the same. */
  private async runningQueries(): Promise<QueryReport[]> {
    const session = loadPipelineSession(this.config.stateDir);
    if (this.attached && this.attached.session.sessionId !== session?.sessionId) this.detach();
    if (!session) return [];
    this.attached ??= await attachPipeline(this.config, this.bindings);
    if (!this.attached) return [];
    try {
      // A query that stopped since we attached is reported as such (isActive false), then re-read next time.
      const reports = await Promise.all(this.attached.queries.map(queryReport));
      if (reports.some((r) => !r.active)) this.detach();
      return reports;
    } catch (e) {
      this.detach();
      throw e;
    }
  }

  private detach(): void {
    this.attached?.spark.close();
    this.attached = undefined;
  }

  private previousCounts?: { at: number; documents: Map<string, number> };

  private async collections(): Promise<CollectionView[]> {
    const counts = await countCollections(this.mongo.db(this.config.mongo.database), this.bindings);

    const at = Date.now();
    const previous = this.previousCounts;
    this.previousCounts = { at, documents: new Map(counts.map((c) => [c.collection, c.documents])) };
    return counts.map((c) => ({ ...c, growthPerSecond: previous && perSecond(c.documents, previous.documents.get(c.collection), at - previous.at) }));
  }

  /** The newest document seen per collection: later polls ask only for newer ones (see newestDocument). */
  private readonly newestSeen = new Map<string, Document>();

  private async latest(): Promise<LatestView> {
    const db = this.mongo.db(this.config.mongo.database);
    const documents = await Promise.all(this.bindings.map(async (b) => ({ collection: b.collection, document: await this.newestDocument(db, b.collection) })));
    const dead = await db.collection<Partial<DeadLetter>>(this.deadLetters).find({}, { sort: { [DEAD_LETTER_TIME]: -1 }, limit: 5, maxTimeMS: this.scanLimitMs }).toArray();
    const byTopic = await db.collection(this.deadLetters).aggregate<{ _id: string; n: number }>([{ $group: { _id: `$${'topic' satisfies DeadLetterField}`, n: { $sum: 1 } } }], { maxTimeMS: this.scanLimitMs }).toArray();
    return {
      deadLettersByTopic: Object.fromEntries(byTopic.map((t) => [String(t._id), t.n])),
      documents,
      deadLetters: dead.map(deadLetterView),
    };
  }

  /**
   * The collection's newest document by ingested_at. Only the first poll asks the whole collection; later
   * ones ask for documents newer than the newest seen, which MongoDB answers from the ingested_at index and
   * FerretDB (no index use for a sort) by a scan that keeps only the few matches. Sorting the whole
   * collection on every poll held all of it in the store's memory each time (2 h soak: 39,000 documents,
   * 29 s and +500 MB of FerretDB per find; with the bound: +40 MB).
   */
  private async newestDocument(db: Db, collection: string): Promise<Document | undefined> {
    const seen = this.newestSeen.get(collection);
    const [newer] = await db.collection(collection).find(newerThan(seen), { sort: { ingested_at: -1 }, limit: 1, maxTimeMS: this.scanLimitMs }).toArray();
    if (newer) this.newestSeen.set(collection, newer);
    return newer ?? seen;
  }
}

/** The filter for documents ingested after `seen` (all documents before one is seen). */
export function newerThan(seen: Document | undefined): Filter<Document> {
  return seen?.ingested_at instanceof Date ? { ingested_at: { $gt: seen.ingested_at } } : {};
}
