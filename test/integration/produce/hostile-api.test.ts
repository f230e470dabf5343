// Issue 22, hostile inputs: an API that answers a 50 MB body, ten times the results asked for, or a body
// that never ends. `streamline produce` (the CLI as a user runs it, against the shared broker) must stay
// under its memory cap, name the URL and the reason, go on or stop as configured
// (produce.maxConsecutiveFetchFailures), and never publish part of a page: a page is used whole or not at all.
// Peak RSS is the kernel's high-water mark (VmHWM) of the producer's process, read while it runs.
import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_TOPICS as TOPIC_NAMES } from '../../../harness/builtin-pipeline.js';
import { buildApiResponse, parseApiQuery } from '../../../src/source/index.js';
import { readTopicLogs } from '../../support/kafka-log.js';
import { testServices, uniqueName } from '../../support/services.js';
import { spawnCli } from '../../../harness/cli.js';

const log = (message: string) => process.stdout.write(`[hostile-api] ${message}\n`);
const MiB = 1024 * 1024;
/** The producer's memory cap under hostile input: a Node process plus the 16 MiB body cap and its parse, with room. */
const RSS_CAP_BYTES = 350 * MiB;

type Mode = 'normal' | 'huge' | 'endless' | 'surplus' | 'huge-once';

/** A randomuser-shaped API whose answers a test chooses per request. */
class HostileApi {
  private server?: Server;
  requests = 0;
  mode: Mode = 'normal';
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.requests += 1;
      const params = new URL(req.url ?? '/', 'http://x').searchParams;
      const parsed = parseApiQuery(params);
      if (!parsed.ok) return res.writeHead(400).end(JSON.stringify({ error: parsed.error }));
      const mode = this.mode === 'huge-once' ? (this.requests === 1 ? 'huge' : 'normal') : this.mode;
      if (mode === 'huge') return void flood(res, 50 * MiB);
      if (mode === 'endless') return void flood(res, Number.POSITIVE_INFINITY);
      const results = mode === 'surplus' ? parsed.query.results * 10 : parsed.query.results;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(buildApiResponse({ ...parsed.query, results }, new Date())));
    });
    await new Promise<void>((done) => this.server?.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/api/`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((done) => this.server?.close(done));
  }
}

/** A chunked (no Content-Length) body of valid-looking user records, `bytes` long or until the client hangs up. */
async function flood(res: ServerResponse, bytes: number): Promise<void> {
  const user = JSON.stringify(buildApiResponse({ results: 1, page: 1, nats: [], noinfo: true, pretty: false, seed: 'flood' }, new Date()).results[0]);
  const chunk = Buffer.from(`${user},`.repeat(Math.ceil(64 * 1024 / (user.length + 1))));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"results":[');
  let sent = 0;
  while (sent < bytes && !res.destroyed) {
    sent += chunk.length;
    if (!res.write(chunk)) await new Promise((done) => res.once('drain', done).once('close', done));
  }
  if (!res.destroyed) res.end(`${user}]}`);
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  peakRssBytes: number;
}

/** `streamline produce` to unique topics, its peak RSS sampled from /proc while it runs. */
function produce(apiUrl: string, topics: string[], args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    const topicFlag = TOPIC_NAMES.map((t, i) => `${t}=${topics[i]}`).join(',');
    const child = spawnCli(['produce', '--api-url', apiUrl, '--topics', TOPIC_NAMES.join(','), '--publish-as', topicFlag, '--interval', '0ms..0ms', ...args], {
      env: { ...process.env, NO_COLOR: '1', STREAMLINE_KAFKA_BOOTSTRAP_SERVERS: testServices().kafkaBootstrap, ...env },
    });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    const sample = () => {
      try {
        const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        if (kb) peak = Math.max(peak, Number(kb) * 1024);
      } catch {
        // exited between two samples: VmHWM is a high-water mark, the last sample holds the peak so far
      }
    };
    const timer = setInterval(sample, 50);
    const killer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.stdout.on('data', (d: Buffer) => ((stdout += d), sample()));
    child.stderr.on('data', (d: Buffer) => ((stderr += d), sample()));
    child.on('close', (code) => {
      clearInterval(timer);
      clearTimeout(killer);
      done({ code, stdout, stderr, peakRssBytes: peak });
    });
  });
}

const uniqueTopics = (label: string) => TOPIC_NAMES.map((t) => uniqueName(`${label}_${t.split('.')[1]}`));
const recordsIn = async (topics: string[]) => [...(await readTopicLogs(testServices().kafkaBootstrap, topics)).values()].map((l) => l.inLog);
const mb = (bytes: number) => `${(bytes / MiB).toFixed(0)} MB`;

describe('the producer against a hostile API (issue 22)', () => {
  const api = new HostileApi();
  const peaks: Record<string, number> = {};
  beforeAll(() => api.start());
  afterAll(async () => {
    log(`peak RSS of the producer: ${Object.entries(peaks).map(([k, v]) => `${k} ${mb(v)}`).join(', ')}`);
    await api.stop();
  });

  it('baseline: a well-behaved API, 200 users', async () => {
    api.mode = 'normal';
    const topics = uniqueTopics('hostile_base');
    const run = await produce(api.url, topics, ['--count', '200', '--batch-size', '50']);
    expect(run.code, run.stderr).toBe(0);
    peaks.baseline = run.peakRssBytes;
    expect(await recordsIn(topics)).toEqual([200, 200, 200, 200]);
  });

  for (const mode of ['huge', 'endless'] as const) {
    it(`${mode === 'huge' ? 'a 50 MB body' : 'a body that never ends'}: stops after the configured failures, names the URL and the cap, publishes nothing`, async () => {
      api.mode = mode;
      const before = api.requests;
      const topics = uniqueTopics(`hostile_${mode}`);
      const run = await produce(api.url, topics, ['--count', '100', '--batch-size', '50'], { STREAMLINE_PRODUCE_MAX_CONSECUTIVE_FETCH_FAILURES: '2' });
      peaks[mode] = run.peakRssBytes;
      log(`${mode}: exit ${run.code}, peak RSS ${mb(run.peakRssBytes)}; stderr: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(run.stderr).toContain(`${api.url}?results=50`);
      expect(run.stderr).toMatch(/cap of 16777216 bytes \(api\.maxResponseBytes\)/);
      expect(api.requests - before, 'two fetches, no retries of an oversized body inside one').toBe(2);
      expect(run.peakRssBytes).toBeGreaterThan(0);
      expect(run.peakRssBytes).toBeLessThan(RSS_CAP_BYTES);
      expect(await recordsIn(topics)).toEqual([0, 0, 0, 0]);
    });
  }

  it('one oversized page among good ones: goes on and produces exactly the count, the bad page never half-sent', async () => {
    api.mode = 'huge-once';
    api.requests = 0;
    const topics = uniqueTopics('hostile_once');
    const run = await produce(api.url, topics, ['--count', '100', '--batch-size', '50']);
    peaks['huge-once'] = run.peakRssBytes;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toMatch(/cap of 16777216 bytes/);
    expect(run.peakRssBytes).toBeLessThan(RSS_CAP_BYTES);
    expect(await recordsIn(topics)).toEqual([100, 100, 100, 100]);
  });

  it('ten times the results asked for: the surplus is dropped and counted, exactly the count is produced', async () => {
    api.mode = 'surplus';
    const topics = uniqueTopics('hostile_surplus');
    const run = await produce(api.url, topics, ['--count', '100', '--batch-size', '50']);
    peaks.surplus = run.peakRssBytes;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toMatch(/answered 500 results for 50 asked: dropped 450 \(900 dropped in this run\)/);
    expect(await recordsIn(topics)).toEqual([100, 100, 100, 100]);
  });
});
