import { z } from 'zod';

/** Port numbers: 1..65535. */
const port = z.number().int().min(1).max(65535);
const host = z.string().min(1);
/** JVM-style memory sizes: 512m, 1g, 2048m. */
const memory = z.string().regex(/^\d+[mMgG]$/, 'expected a JVM memory size like 512m or 2g');

/** What the brokers may offer; SCRAM-SHA-512 is what the Compose stack uses. */
// No PLAIN: without TLS it would send the password in clear text on every connection.
const KAFKA_SASL_MECHANISMS = ['SCRAM-SHA-512', 'SCRAM-SHA-256'] as const;

export const DEFAULT_TOPICS = ['users.profile', 'users.location', 'users.contact', 'users.account'] as const;

export const configSchema = z
  .object({
    /** Where services keep data, logs, pid files, checkpoints; git-ignored. */
    stateDir: z.string().min(1),
    /** Where setup put the jars and binaries (kafka/libs, spark/jars, bin/ferretdb); defaults to stateDir. */
    artifactsDir: z.string().min(1).optional(),
    kafka: z
      .object({
        host,
        port,
        controllerPort: port,
        heap: memory,
        /**
         * Listen on a non-loopback address (kafka.host etc.). Off: the embedded broker has no authentication (anyone who reaches it reads and writes every topic), so anything but loopback is
         * refused at start unless this says so (src/runtime/bind.ts).
         */
        allowRemote: z.boolean(),
        /** Partitions for topics we create. */
        partitions: z.number().int().min(1),
        replicationFactor: z.number().int().min(1),
        minInsyncReplicas: z.number().int().min(1),
        /** Set to use an external cluster (host:port,host:port); embedded broker is not started then. */
        bootstrapServers: z.string().optional(),
        /**
         * SASL between our clients (producer, admin, Spark's Kafka source) and the brokers, e.g. the
         * Compose stack's SCRAM listener. The password comes from env STREAMLINE_KAFKA_SASL_PASSWORD or
         * passwordFile, never from a config file (refused, see src/config/safety.ts).
         */
        sasl: z
          .object({
            mechanism: z.enum(KAFKA_SASL_MECHANISMS),
            username: z.string().min(1),
            password: z.string().min(1).optional(),
            passwordFile: z.string().min(1).optional(),
          })
          .strict()
          .refine((s) => s.password !== undefined || s.passwordFile !== undefined, {
            message: 'needs a password: set STREAMLINE_KAFKA_SASL_PASSWORD or kafka.sasl.passwordFile',
          })
          .optional(),
      })
      .strict(),
    spark: z
      .object({
        host,
        port,
        /** `local[*]` or `spark://host:port`, passed through to the Connect server. */
        master: z.string().regex(/^(local(\[(\*|\d+)\])?|spark:\/\/.+)$/, 'expected local[*], local[N] or spark://host:port'),
        driverMemory: memory,
        uiPort: port,
        /**
         * Listen on a non-loopback address (kafka.host etc.). Off: Spark Connect executes whatever plan a client sends (code execution as this user) and its UI shows every query, so anything but loopback is
         * refused at start unless this says so (src/runtime/bind.ts).
         */
        allowRemote: z.boolean(),
        /** Server-side idle timeout for Connect sessions; long so detached queries survive (SPARK-44432). */
        sessionTimeout: z.string().regex(/^\d+(ms|s|m|h)$/, 'expected a duration like 30s, 10m or 24h'),
        /** Set to use an external Spark Connect server (sc://host:port); embedded server is not started then. */
        remote: z.string().regex(/^sc:\/\/.+/, 'expected sc://host:port').optional(),
      })
      .strict(),
    mongo: z
      .object({
        host,
        port,
        database: z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected a MongoDB database name'),
        /**
         * Listen on a non-loopback address (kafka.host etc.). Off: the embedded FerretDB has no authentication (anyone who reaches it reads and rewrites every collection), so anything but loopback is
         * refused at start unless this says so (src/runtime/bind.ts).
         */
        allowRemote: z.boolean(),

        /** Set to use an external MongoDB (mongodb://...); embedded FerretDB is not started then. */
        uri: z.string().regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// URI').optional(),
        /**
         * Documents per bulk write of the streaming queries (the MongoDB Spark connector's maxBatchSize).
         * 512, the connector's default, suits MongoDB and our patched embedded FerretDB; an unpatched
         * FerretDB 1.x behind mongo.uri hangs on a bulk of more than 100 matched upserts: use 16 there.
         */
        maxBatchSize: z.number().int().min(1, 'expected at least 1').max(100_000, 'expected at most 100000'),
      })
      .strict(),
    api: z
      .object({
        host,
        port,
        /** Where the producer fetches users; defaults to our local randomuser-compatible server. */
        url: z.string().url().optional(),
        /** Log the raw secrets the local API serves (JSON Lines) to this file, for the secret scan; off by default. */
        secretsLog: z.string().min(1).optional(),
        /** The secrets log stops growing at this many bytes (it says so once on stderr); 0 = no cap. */
        secretsLogMaxBytes: z.number().int().min(0),
        /**
         * Listen on a non-loopback address (kafka.host etc.). Off: the local API serves generated users and, with api.secretsLog, their passwords, so anything but loopback is
         * refused at start unless this says so (src/runtime/bind.ts).
         */
        allowRemote: z.boolean(),
        /** Requests the local API serves at once; more get 503 with Retry-After (it never queues without bound). */
        maxConcurrentRequests: z.number().int().min(1).max(1_000),
        /** Most bytes of one API response body the producer reads; past it the fetch fails naming the URL and the cap. */
        maxResponseBytes: z.number().int().min(1_024).max(1_073_741_824),
      })
      .strict(),
    stream: z
      .object({
        /** Micro-batch trigger interval, as Spark reads it: "1 second", "500 milliseconds". */
        trigger: z.string().regex(/^\d+\s*(millisecond|milliseconds|ms|second|seconds|s|minute|minutes)$/, 'expected an interval like "1 second" or "500 milliseconds"'),
        /** Where query checkpoints live; default <stateDir>/checkpoints. */
        checkpointDir: z.string().min(1).optional(),
        /** Where a query with no checkpoint starts reading. */
        startingOffsets: z.enum(['earliest', 'latest']),
        /** Upper bound of Kafka records per micro-batch and topic (keeps batches short). */
        maxOffsetsPerTrigger: z.number().int().min(1),
        /**
         * Write tasks per query and micro-batch: the batch's Kafka partitions are merged (no shuffle) into
         * this many before the MongoDB sink; 0 keeps one task per Kafka partition. Each task writes its own
         * bulks, so on a store that commits one bulk at a time per database (FerretDB) fewer tasks mean
         * fewer commits queueing: 1 halved the p99 latency at 100 users/s (docs/decisions.md).
         */
        writeTasks: z.number().int().min(0).max(1_000),
        /**
         * How topics map to streaming queries: `per-topic` (one query per topic, each writing its valid
         * records and its dead letters in the same micro-batch) or `one` (one query reading every topic).
         * Either way each record is read and parsed once (docs/decisions.md, "One read per record").
         */
        queries: z.enum(['per-topic', 'one']),
        /** How the foreground `stream start` recovers from failures (see docs/decisions.md, Recovery). */
        restart: z
          .object({
            /** Restarts allowed in one streak of failures; 0 = stop at the first failure. */
            maxRestarts: z.number().int().min(0),
            /** Backoff before the first restart, doubled for each further one up to maxBackoffMs. */
            initialBackoffMs: z.number().int().min(0),
            maxBackoffMs: z.number().int().min(0),
            /** A pipeline that has run this long since its last restart gets its whole budget back. */
            healthyAfterMs: z.number().int().min(1_000),
            /** How long to wait for a gone Spark Connect server or store, or an unwritable checkpoint dir. */
            waitMs: z.number().int().min(1_000),
            /** Restart the local Spark Connect server (driver) when its process died. */
            restartDriver: z.boolean(),
          })
          .strict(),
      })
      .strict(),
    dashboard: z
      .object({
        /** Address the dashboard listens on; anything but loopback needs --host and an access token. */
        host,
        port,
        /** How often each collector (services, Kafka, Spark, MongoDB) refreshes, in ms. */
        refreshMs: z.number().int().min(250).max(60_000),
        /** How much history the charts keep, in minutes. */
        historyMinutes: z.number().int().min(1).max(240),
        /** File holding the access token (the env STREAMLINE_DASHBOARD_TOKEN wins); never printed. */
        tokenFile: z.string().min(1).optional(),
        /**
         * Host names (or addresses) the dashboard answers to besides its bound address, localhost and
         * 127.0.0.1; any other Host or Origin header gets 403 (DNS rebinding, other web pages).
         */
        allowedHosts: z.array(z.string().regex(/^[A-Za-z0-9.:[\]-]+$/, 'expected a host name or address')),
        /** Show personal data (names, addresses, emails...) in the latest documents; masked by default. */
        showPii: z.boolean(),
      })
      .strict(),
    /**
     * Cluster mode: N KRaft brokers and a Spark standalone master with N workers, all local processes.
     * Node i (1-based) of a kind takes its base port + (i - 1) * portStep, see src/config/cluster.ts.
     */
    cluster: z
      .object({
        enabled: z.boolean(),
        kafkaBrokers: z.number().int().min(1).max(9),
        sparkWorkers: z.number().int().min(1).max(8),
        /** Cores each worker offers (and each executor takes). */
        workerCores: z.number().int().min(1),
        /** Memory each worker offers; its one executor gets all of it as heap. */
        workerMemory: memory,
        /** Heap of the master and worker daemons (they only schedule; executors do the work). */
        daemonHeap: memory,
        masterPort: port,
        masterUiPort: port,
        /** Worker i: RPC workerPort + (i-1)*portStep, web UI workerUiPort + (i-1)*portStep. */
        workerPort: port,
        workerUiPort: port,
        /** Distance between the ports of consecutive nodes of one kind (brokers: kafka.port, kafka.controllerPort). */
        portStep: z.number().int().min(1).max(100),
      })
      .strict(),
    /** The producer (`streamline produce`, the demo, the DAG). */
    produce: z
      .object({
        /**
         * How long a record may wait for Kafka's acknowledgement, counted from when it was handed to the
         * producer, before it is given up on (Kafka's delivery.timeout.ms; same default, 2 minutes).
         * While Kafka is away, fetching pauses and the records in hand are held and re-sent.
         */
        deliveryTimeoutMs: z.number().int().min(1000).max(86_400_000),
        /** The most records held unacknowledged (the memory bound); fetching waits above it. */
        maxPendingRecords: z.number().int().min(1).max(1_000_000),
        /**
         * Produce requests in flight at once, each from its own idempotent producer; one key's records
         * always share one, so they stay in order (src/produce/kafka-producer.ts).
         */
        inFlightRequests: z.number().int().min(1).max(16),
        /**
         * Failed fetches in a row (each already retried by the API client; an oversized body is one) after
         * which the producer stops, reporting the URL and the reason; fewer and it goes on with the next fetch.
         */
        maxConsecutiveFetchFailures: z.number().int().min(1).max(1_000_000),
        /**
         * Upper bound in users per second (each user is one record per topic); unset: as fast as the
         * API and Kafka allow. The Compose producer sets 20 (STREAMLINE_PRODUCE_RATE), what the stack absorbs.
         */
        rate: z.number().positive().max(1_000_000).optional(),
        /**
         * The duplicate check's window: the latest this many user ids are remembered (about 100 bytes
         * each), so a run that never ends holds flat memory. A user served again within it is dropped;
         * one served again later is sent again and the store's upsert by _id absorbs it.
         */
        dedupeWindowUsers: z.number().int().min(1).max(10_000_000),
        /** Also forget remembered ids after this many ms; unset: by count only. */
        dedupeWindowMs: z.number().int().min(1_000).optional(),
      })
      .strict(),
    topics: z.array(z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected a Kafka topic name')).min(1),
  })
  .strict();

export type StreamlineConfig = z.infer<typeof configSchema>;
