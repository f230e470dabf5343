import { z } from 'zod';

// Every key's `.describe()` text is its entry in docs/configuration-reference.md (npm run docs:config).

/** Port numbers: 1..65535. */
const port = z.number().int().min(1).max(65535);
const host = z.string().min(1);
/** JVM-style memory sizes: 512m, 1g, 2048m. */
const memory = z.string().regex(/^\d+[mMgG]$/, 'expected a JVM memory size like 512m or 2g');
/** The three local services that listen on kafka.host etc.; one sentence on why loopback is the default. */
const allowRemote = (risk: string) =>
  z.boolean().describe(`Listen on a non-loopback \`host\`. Off: ${risk}, so anything but loopback is refused at start unless this says so (src/runtime/bind.ts).`);

/** What the brokers may offer; SCRAM-SHA-512 is what the Compose stack uses. */
// No PLAIN: without TLS it would send the password in clear text on every connection.
const KAFKA_SASL_MECHANISMS = ['SCRAM-SHA-512', 'SCRAM-SHA-256'] as const;

export const configSchema = z
  .object({
    stateDir: z.string().min(1).describe('Where services keep data, logs (`logs/<service>.log`), pid records (`run/`) and checkpoints; git-ignored.'),
    artifactsDir: z.string().min(1).optional().describe('Where setup put the jars and binaries (kafka/libs, spark/jars, bin/ferretdb); defaults to stateDir.'),
    kafka: z
      .object({
        host: host.describe('Address the embedded broker listens on.'),
        port: port.describe('Broker listener of the embedded Kafka.'),
        controllerPort: port.describe('KRaft controller listener of the embedded Kafka.'),
        heap: memory.describe('Broker heap.'),
        allowRemote: allowRemote('the embedded broker has no authentication (anyone who reaches it reads and writes every topic)'),
        partitions: z.number().int().min(1).describe('Partitions for the topics we create.'),
        replicationFactor: z.number().int().min(1).describe('Replication factor of the topics we create (cluster mode derives min(3, brokers)).'),
        minInsyncReplicas: z.number().int().min(1).describe('min.insync.replicas of the topics we create (cluster mode derives it from the replication factor).'),
        bootstrapServers: z.string().optional().describe('Use an external Kafka (host:port,host:port) instead of the embedded broker, which is not started then.'),
        sasl: z
          .object({
            mechanism: z.enum(KAFKA_SASL_MECHANISMS).describe('SASL mechanism the brokers offer.'),
            username: z.string().min(1).describe('SASL username of our clients.'),
            password: z.string().min(1).optional().describe('SASL password: from the environment only, never from a config file (refused, see src/config/safety.ts).'),
            passwordFile: z.string().min(1).optional().describe('File holding the SASL password (instead of the environment variable).'),
          })
          .strict()
          .refine((s) => s.password !== undefined || s.passwordFile !== undefined, {
            message: 'needs a password: set STREAMLINE_KAFKA_SASL_PASSWORD or kafka.sasl.passwordFile',
          })
          .optional()
          .describe("SASL between our clients (producer, admin, Spark's Kafka source) and the brokers, e.g. the Compose stack's SCRAM listener; unset: no SASL."),
      })
      .strict(),
    spark: z
      .object({
        host: host.describe('Address the embedded Spark Connect server listens on.'),
        port: port.describe('Spark Connect gRPC port.'),
        master: z
          .string()
          .regex(/^(local(\[(\*|\d+)\])?|spark:\/\/.+)$/, 'expected local[*], local[N] or spark://host:port')
          .describe('`local[*]` or `spark://host:port`, passed through to the Connect server.'),
        driverMemory: memory.describe('Memory of the Connect server (the driver).'),
        uiPort: port.describe('Spark UI port.'),
        allowRemote: allowRemote('Spark Connect executes whatever plan a client sends (code execution as the account running it) and its UI shows every query'),
        sessionTimeout: z
          .string()
          .regex(/^\d+(ms|s|m|h)$/, 'expected a duration like 30s, 10m or 24h')
          .describe('Server-side idle timeout of Connect sessions; long so detached queries survive (SPARK-44432).'),
        remote: z.string().regex(/^sc:\/\/.+/, 'expected sc://host:port').optional().describe('Use an external Spark Connect server (sc://host:port); the embedded server is not started then.'),
      })
      .strict(),
    mongo: z
      .object({
        host: host.describe('Address the embedded FerretDB listens on.'),
        port: port.describe('Port of the embedded FerretDB.'),
        database: z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected a MongoDB database name').describe('Database the collections live in.'),
        allowRemote: allowRemote('the embedded FerretDB has no authentication (anyone who reaches it reads and rewrites every collection)'),
        uri: z.string().regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// URI').optional().describe('Use an external MongoDB (mongodb://...); the embedded FerretDB is not started then.'),
        maxBatchSize: z
          .number()
          .int()
          .min(1, 'expected at least 1')
          .max(100_000, 'expected at most 100000')
          .describe(
            "Documents per bulk write of the streaming queries (the MongoDB Spark connector's maxBatchSize). 512, the connector's default, suits MongoDB and our patched embedded FerretDB; an unpatched FerretDB 1.x behind mongo.uri hangs on a bulk of more than 100 matched upserts: use 16 there.",
          ),
      })
      .strict(),
    api: z
      .object({
        host: host.describe('Address our local randomuser-compatible API listens on.'),
        port: port.describe('Port of our local randomuser-compatible API.'),
        url: z.string().url().optional().describe('The Random User API a randomUser() source reads when its pipeline names no url; defaults to our local randomuser-compatible server, started for the run.'),
        secretsLog: z.string().min(1).optional().describe('Log the raw secrets the local API serves (JSON Lines) to this file, for the secret scan; off by default.'),
        secretsLogMaxBytes: z.number().int().min(0).describe('The secrets log stops growing at this many bytes (it says so once on stderr); 0 = no cap.'),
        allowRemote: allowRemote('the local API serves generated people and, with api.secretsLog, their passwords'),
        maxConcurrentRequests: z.number().int().min(1).max(1_000).describe('Requests the local API serves at once; more get 503 with Retry-After (it never queues without bound).'),
        maxResponseBytes: z
          .number()
          .int()
          .min(1_024)
          .max(1_073_741_824)
          .describe('Most bytes of one API response body the producer reads; past it the fetch fails naming the URL and the cap.'),
      })
      .strict(),
    stream: z
      .object({
        trigger: z
          .string()
          .regex(/^\d+\s*(millisecond|milliseconds|ms|second|seconds|s|minute|minutes)$/, 'expected an interval like "1 second" or "500 milliseconds"')
          .describe('Micro-batch trigger interval, as Spark reads it: "1 second", "500 milliseconds".'),
        checkpointDir: z.string().min(1).optional().describe('Where query checkpoints live; default `<stateDir>/checkpoints`.'),
        startingOffsets: z.enum(['earliest', 'latest']).describe('Where a query with no checkpoint starts reading.'),
        maxOffsetsPerTrigger: z.number().int().min(1).describe('Upper bound of Kafka records per micro-batch and topic (keeps batches short).'),
        writeTasks: z
          .number()
          .int()
          .min(0)
          .max(1_000)
          .describe(
            "Write tasks per query and micro-batch: the batch's Kafka partitions are merged (no shuffle) into this many before the MongoDB sink; 0 keeps one task per Kafka partition. Each task writes its own bulks, so on a store that commits one bulk at a time per database (FerretDB) fewer tasks mean fewer commits queueing: 1 halved the p99 latency at 100 source records/s, 400 messages/s (docs/decisions.md).",
          ),
        queries: z
          .enum(['per-topic', 'one'])
          .describe(
            'How topics map to streaming queries: `per-topic` (one query per topic, each writing its valid records and its dead letters in the same micro-batch) or `one` (one query reading every topic). Either way each record is read and parsed once (Spark Connect plugin, runtime/connect-plugin; docs/decisions.md, "One read per record").',
          ),
        restart: z
          .object({
            maxRestarts: z.number().int().min(0).describe('Restarts allowed in one streak of failures; 0 = stop at the first failure.'),
            initialBackoffMs: z.number().int().min(0).describe('Backoff before the first restart, in ms, doubled for each further one up to maxBackoffMs.'),
            maxBackoffMs: z.number().int().min(0).describe('Longest backoff between two restarts, in ms.'),
            healthyAfterMs: z.number().int().min(1_000).describe('A pipeline that has run this long (ms) since its last restart gets its whole budget back.'),
            waitMs: z.number().int().min(1_000).describe('How long (ms) to wait for a gone Spark Connect server or store, or an unwritable checkpoint dir.'),
            restartDriver: z.boolean().describe('Restart the local Spark Connect server (driver) when its process died.'),
          })
          .strict()
          .describe('How the foreground `stream start` recovers from failures (docs/recovery.md, docs/decisions.md "Recovery").'),
      })
      .strict(),
    dashboard: z
      .object({
        host: host.describe('Address the dashboard listens on; anything but loopback needs --host and an access token.'),
        port: port.describe('Port the dashboard listens on.'),
        refreshMs: z.number().int().min(250).max(60_000).describe('How often each collector (services, Kafka, Spark, MongoDB) refreshes, in ms.'),
        historyMinutes: z.number().int().min(1).max(240).describe('How much history the charts keep, in minutes.'),
        tokenFile: z.string().min(1).optional().describe('File holding the access token (the env STREAMLINE_DASHBOARD_TOKEN wins); never printed.'),
        allowedHosts: z
          .array(z.string().regex(/^[A-Za-z0-9.:[\]-]+$/, 'expected a host name or address'))
          .describe('Host names (or addresses) the dashboard answers to besides its bound address, localhost and 127.0.0.1; any other Host or Origin header gets 403 (DNS rebinding, other web pages).'),
        showPii: z.boolean().describe('Show personal data (names, addresses, emails...) unmasked on the page and in /api/snapshot; masked by default.'),
      })
      .strict(),
    cluster: z
      .object({
        enabled: z.boolean().describe('Cluster mode (`--cluster`).'),
        kafkaBrokers: z.number().int().min(1).max(9).describe('KRaft nodes (broker + controller each).'),
        sparkWorkers: z.number().int().min(1).max(8).describe('Spark standalone workers.'),
        workerCores: z.number().int().min(1).describe('Cores each worker offers (and each executor takes).'),
        workerMemory: memory.describe('Memory each worker offers; its one executor gets all of it as heap.'),
        daemonHeap: memory.describe('Heap of the master and worker daemons (they only schedule; executors do the work).'),
        masterPort: port.describe('Spark master RPC port.'),
        masterUiPort: port.describe('Spark master web UI port.'),
        workerPort: port.describe('RPC port of the first worker; worker i takes workerPort + (i-1)*portStep.'),
        workerUiPort: port.describe('Web UI port of the first worker; worker i takes workerUiPort + (i-1)*portStep.'),
        portStep: z.number().int().min(1).max(100).describe('Distance between the ports of consecutive nodes of one kind (brokers: kafka.port, kafka.controllerPort).'),
      })
      .strict()
      .describe(
        'Cluster mode: N KRaft brokers and a Spark standalone master with N workers, all local processes. Node i (1-based) of a kind takes its base port + (i - 1) * portStep, see src/config/cluster.ts.',
      ),
    produce: z
      .object({
        deliveryTimeoutMs: z
          .number()
          .int()
          .min(1000)
          .max(86_400_000)
          .describe(
            "How long (ms) a record may wait for Kafka's acknowledgement, counted from when it was handed to the producer, before it is given up on (Kafka's delivery.timeout.ms; same default, 2 minutes). While Kafka is away, fetching pauses and the records in hand are held and re-sent.",
          ),
        maxPendingRecords: z.number().int().min(1).max(1_000_000).describe('The most records held unacknowledged (the memory bound); fetching waits above it.'),
        inFlightRequests: z
          .number()
          .int()
          .min(1)
          .max(16)
          .describe("Produce requests in flight at once, each from its own idempotent producer; one key's records always share one, so they stay in order (src/produce/kafka-producer.ts)."),
        maxConsecutiveFetchFailures: z
          .number()
          .int()
          .min(1)
          .max(1_000_000)
          .describe(
            'Failed fetches in a row (each already retried by the API client; an oversized body is one) after which the producer stops, reporting the URL and the reason; fewer and it goes on with the next fetch.',
          ),
        rate: z
          .number()
          .positive()
          .max(1_000_000)
          .optional()
          .describe('Upper bound in source records per second (each makes its records on every topic); unset: as fast as the API and Kafka allow. The Compose producer sets 20 (STREAMLINE_PRODUCE_RATE), what the stack absorbs.'),
        dedupeWindowKeys: z
          .number()
          .int()
          .min(1)
          .max(10_000_000)
          .describe(
            "The duplicate check's window, for sources that may serve a record twice (randomUser): the latest this many record keys are remembered (about 100 bytes each), so a run that never ends holds flat memory. A record served again within it is dropped; one served again later is sent again and the store's upsert by _id absorbs it.",
          ),
        dedupeWindowMs: z.number().int().min(1_000).optional().describe('Also forget remembered ids after this many ms; unset: by count only.'),
      })
      .strict()
      .describe('The producer (`streamline produce`, the demo, the DAG).'),
    pipeline: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The pipeline file (TypeScript, `export default definePipeline({...})`), relative to the working directory. Wins over ./streamline.pipeline.ts and the built-in pipelines/randomuser.ts; `--pipeline` wins over it.',
      ),
    topics: z
      .array(z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected a Kafka topic name'))
      .describe("The pipeline's topics to act on (each lands in its collection); empty, the default: every topic of the pipeline."),
  })
  .strict();

export type StreamlineConfig = z.infer<typeof configSchema>;
