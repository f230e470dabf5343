import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { workerNodes, type StreamlineConfig } from '../config/index.js';
import { MemoryBudgetError } from '../core/errors.js';

/**
 * Worst-case memory of the processes we start: each JVM's maximum heap plus what a JVM of that kind
 * uses beside its heap (metaspace, code cache, threads, direct buffers), measured on this stack.
 * Checked against the memory the kernel says is available before any JVM starts.
 */
const NON_HEAP_MB = { kafka: 200, daemon: 150, executor: 300, driver: 400, ferretdb: 100 } as const;

/** Memory the OS keeps for everything else (the CLI, tests, page cache). */
const RESERVE_MB = 1024;

export function memoryMb(size: string): number {
  const n = Number.parseInt(size, 10);
  return /g$/i.test(size) ? n * 1024 : n;
}

export interface BudgetLine {
  /** Service name as `up` starts it (kafka-1, spark-worker-2, ...). */
  service: string;
  what: string;
  mb: number;
}

/** One line per process this config starts locally (executors counted with their worker). */
export function memoryBudget(c: StreamlineConfig): BudgetLine[] {
  const lines: BudgetLine[] = [];
  const kafkaMb = memoryMb(c.kafka.heap) + NON_HEAP_MB.kafka;
  if (!c.mongo.uri) lines.push({ service: 'ferretdb', what: 'FerretDB', mb: NON_HEAP_MB.ferretdb });
  if (!c.kafka.bootstrapServers) {
    if (!c.cluster.enabled) lines.push({ service: 'kafka', what: `Kafka broker (heap ${c.kafka.heap})`, mb: kafkaMb });
    else for (let i = 1; i <= c.cluster.kafkaBrokers; i++) lines.push({ service: `kafka-${i}`, what: `Kafka broker (heap ${c.kafka.heap})`, mb: kafkaMb });
  }
  if (c.spark.remote) return lines;
  const daemonMb = memoryMb(c.cluster.daemonHeap) + NON_HEAP_MB.daemon;
  if (c.cluster.enabled && c.spark.master.startsWith('spark://')) {
    lines.push({ service: 'spark-master', what: `Spark master (heap ${c.cluster.daemonHeap})`, mb: daemonMb });
    for (const w of workerNodes(c)) {
      lines.push({ service: w.name, what: `Spark worker (heap ${c.cluster.daemonHeap}) + its executor (heap ${c.cluster.workerMemory})`, mb: daemonMb + memoryMb(c.cluster.workerMemory) + NON_HEAP_MB.executor });
    }
  }
  lines.push({ service: 'spark', what: `Spark Connect driver (heap ${c.spark.driverMemory})`, mb: memoryMb(c.spark.driverMemory) + NON_HEAP_MB.driver });
  return lines;
}

/** MemAvailable from /proc/meminfo (what can be used without swapping), else Node's free memory. */
function availableMemoryMb(): number {
  try {
    const match = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (match) return Math.floor(Number(match[1]) / 1024);
  } catch {
    /* not Linux */
  }
  return Math.floor(freemem() / 1024 / 1024);
}

/** The refusal, or undefined when the processes about to start fit. Pure, for tests. */
export function budgetProblem(lines: BudgetLine[], availableMb: number, c: StreamlineConfig): string | undefined {
  const needed = lines.reduce((sum, l) => sum + l.mb, 0) + RESERVE_MB;
  if (needed <= availableMb) return undefined;
  const perWorker = memoryMb(c.cluster.daemonHeap) + NON_HEAP_MB.daemon + memoryMb(c.cluster.workerMemory) + NON_HEAP_MB.executor;
  const workers = lines.filter((l) => l.service.startsWith('spark-worker-')).length;
  const fit = workers ? Math.max(0, workers - Math.ceil((needed - availableMb) / perWorker)) : undefined;
  return [
    `not enough memory: these processes need about ${needed} MB (${lines.map((l) => `${l.service} ${l.mb}`).join(', ')}, ${RESERVE_MB} MB reserve), only ${availableMb} MB is available`,
    fit !== undefined ? `at most ${fit} worker(s) of ${c.cluster.workerMemory} fit (each needs about ${perWorker} MB)` : '',
  ].filter(Boolean).join('; ');
}

/** Refuses to start when the services about to start cannot fit in the available memory. */
export function checkMemoryBudget(c: StreamlineConfig, starting: string[], availableMb = availableMemoryMb()): void {
  const lines = memoryBudget(c).filter((l) => starting.includes(l.service));
  const problem = budgetProblem(lines, availableMb, c);
  if (problem) {
    throw new MemoryBudgetError(problem, { hint: 'lower cluster.sparkWorkers, cluster.workerMemory, kafka.heap or spark.driverMemory, or free memory' });
  }
}
