// Port blocks as code: every tier's global setup, test file with services of its own, the benchmarks
// and the fault suite take their ports from a block here, so two of them never listen on one port when
// they run at the same time (all global setups start at the beginning of a run). A block is an offset
// added to the base ports below; `STREAMLINE_TEST_PORT_OFFSET` moves every block of a checkout at once,
// so two checkouts can run their suites side by side on one machine.

/** A base port a block offsets, and how many ports from it a runtime may take (cluster brokers at +0, 2, 4). */
interface BasePort {
  readonly port: number;
  readonly span: number;
}

/** What a test runtime listens on (harness/runtime.ts): dashboard and API, Kafka, Spark UI and Connect, FerretDB. */
const RUNTIME_PORTS: readonly BasePort[] = [
  { port: 13000, span: 2 }, // dashboard, api
  { port: 19092, span: 2 }, // kafka, its controller
  { port: 24040, span: 1 }, // spark ui
  { port: 25002, span: 1 }, // spark connect
  { port: 37017, span: 1 }, // ferretdb
];
/** Cluster mode adds brokers at +2 and +4 (controllers likewise), a Spark master and two workers. */
const CLUSTER_PORTS: readonly BasePort[] = [
  { port: 19092, span: 6 },
  { port: 17077, span: 4 }, // master, workers at 17078 + 0, 2
  { port: 18080, span: 4 }, // master ui, worker uis at 18081 + 0, 2
];
/** Airflow's API server and log server (test/airflow). */
const AIRFLOW_PORTS: readonly BasePort[] = [
  { port: 28080, span: 1 },
  { port: 28793, span: 1 },
];

export const BASE_PORTS = {
  dashboard: 13000,
  api: 13001,
  sparkMaster: 17077,
  sparkWorker: 17078,
  sparkMasterUi: 18080,
  sparkWorkerUi: 18081,
  kafka: 19092,
  kafkaController: 19093,
  sparkUi: 24040,
  sparkConnect: 25002,
  airflowApi: 28080,
  airflowLogs: 28793,
  mongo: 37017,
} as const;

interface PortBlock {
  /** Added to every base port. */
  readonly offset: number;
  /** Consecutive offsets the block may use (the benchmarks shift theirs by STREAMLINE_BENCH_PORT_SHIFT). */
  readonly size: number;
  readonly ports: readonly BasePort[];
}

const runtime = (offset: number, size = 1): PortBlock => ({ offset, size, ports: RUNTIME_PORTS });
const cluster = (offset: number, size = 1): PortBlock => ({ offset, size, ports: [...RUNTIME_PORTS, ...CLUSTER_PORTS] });

/** Who listens where: one block per tier, per test file with services of its own, and per tool. */
export const PORT_BLOCKS = {
  /** The integration tier's shared Kafka, Spark Connect and FerretDB (test/global-setup.ts). */
  integration: runtime(0),
  lifecycle: runtime(100),
  'busy-port': runtime(200),
  airflow: { offset: 300, size: 1, ports: [...RUNTIME_PORTS, ...AIRFLOW_PORTS] },
  recovery: runtime(400),
  cli: runtime(500),
  browser: runtime(600),
  cluster: cluster(700),
  /** bench/: its services and the store ceiling's FerretDBs (800 + variant), shifted by the CI smoke (50). */
  bench: cluster(800, 60),
  ferretdb: runtime(900),
  /** The broker test/integration/produce/outage.test.ts kills. */
  'producer-outage': runtime(950),
  'always-on': runtime(1000),
  /** bench/soak.ts. */
  soak: cluster(1050),
  /** The host ports of the Docker stack of test/compose (its Airflow at the Spark master UI's base). */
  compose: cluster(1150),
  /** faults/run.ts's cluster. */
  faults: cluster(1200),
  /** The lone broker of faults/scenarios/10-single-node-kill.ts. */
  'faults-single-node': runtime(1260),
  /** The Spark Connect server the client package's tests start when no `sparkRemote` is handed to them. */
  'spark-connect': runtime(1300),
  /** The SCRAM broker of test/integration/security/kafka-sasl.test.ts: client, controller, replication listeners. */
  'kafka-sasl': { offset: 1350, size: 1, ports: [{ port: 19092, span: 3 }] },
} as const satisfies Record<string, PortBlock>;

export type PortBlockName = keyof typeof PORT_BLOCKS;

/** This checkout's shift of every block (STREAMLINE_TEST_PORT_OFFSET), so two checkouts can test side by side. */
export function checkoutPortOffset(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.STREAMLINE_TEST_PORT_OFFSET ?? '0';
  if (!/^\d+$/.test(text.trim())) throw new Error(`STREAMLINE_TEST_PORT_OFFSET must be a whole number >= 0, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** The offset to add to the base ports for block `name` (plus `shift` within the block), in this checkout. */
export function portOffset(name: PortBlockName, shift = 0): number {
  const block: PortBlock = PORT_BLOCKS[name];
  if (!Number.isInteger(shift) || shift < 0 || shift >= block.size) throw new Error(`port block ${name} has ${block.size} offset(s); shift ${shift} is outside it`);
  return block.offset + shift + checkoutPortOffset();
}

/** The port a block gives one of the base ports, e.g. `blockPort('kafka-sasl', 'kafka')`. */
export const blockPort = (name: PortBlockName, base: keyof typeof BASE_PORTS, shift = 0): number => BASE_PORTS[base] + portOffset(name, shift);

/** Every port range [first, last] a block may listen on (before the checkout offset, which moves all alike). */
export function blockPortRanges(block: PortBlock): Array<readonly [number, number]> {
  return block.ports.map(({ port, span }) => [port + block.offset, port + block.offset + block.size - 1 + span - 1] as const);
}

/** Pairs of blocks that share a port, with one port they share (none in PORT_BLOCKS: a unit test holds this). */
export function overlappingBlocks(blocks: Readonly<Record<string, PortBlock>>): Array<{ blocks: [string, string]; port: number }> {
  const entries = Object.entries(blocks);
  const overlaps: Array<{ blocks: [string, string]; port: number }> = [];
  for (const [i, [a, blockA]] of entries.entries()) {
    for (const [b, blockB] of entries.slice(i + 1)) {
      const shared = blockPortRanges(blockA).flatMap(([firstA, lastA]) =>
        blockPortRanges(blockB).filter(([firstB, lastB]) => firstA <= lastB && firstB <= lastA).map(([firstB]) => Math.max(firstA, firstB)),
      );
      if (shared.length) overlaps.push({ blocks: [a, b], port: Math.min(...shared) });
    }
  }
  return overlaps;
}
