// `npm run bench -- produce-long [--set users=1000000]`: `streamline produce` at full speed (no rate,
// no interval, pages of 500) for a million users into fresh topics of one broker, as a child process
// of its own, its RSS read from /proc at 100k users and at the end: flat memory means the two are
// about the same (the duplicate window, the fetch-gap lists and the feed are bounded; issue 18).
// The local API runs in this process, so its memory is not counted in the producer's.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApiServer, type ApiServer } from '../src/source/index.js';
import { sampleProcess } from '../harness/process-sampler.js';
import { wholeSetting, type Benchmark, type Contender, type Sample } from './harness.js';
import { startBenchServices, type BenchServices } from './services.js';
import { spawnCli } from '../harness/cli.js';

interface Env {
  services: BenchServices;
  api: ApiServer;
  users: number;
  configFile: string;
  runs: number;
}

const CHECKPOINT_USERS = 100_000;

/** Users fetched so far, from the producer's latest progress line ("12.3s  fetched 1,200 ..."; every 5 s when not a terminal). */
export function usersFromProgress(text: string): number | undefined {
  const matches = [...text.matchAll(/fetched ([\d,]+)/g)];
  const last = matches.at(-1)?.[1];
  return last === undefined ? undefined : Number(last.replace(/,/g, ''));
}

const ours: Contender<Env> = {
  name: 'streamline produce (1 process)',
  async run(env, rep): Promise<Sample> {
    const canonical = ['users.profile', 'users.location', 'users.contact', 'users.account'];
    const run = ++env.runs;
    const publishAs = canonical.map((t) => `${t}=bench.long.${rep.index}.${run}.${t}`).join(',');
    const users = rep.warmup ? Math.min(env.users, 20_000) : env.users;
    const t0 = Date.now();
    const child = spawnCli(['produce', '--count', String(users), '--batch-size', '500', '--api-url', env.api.url, '--topics', canonical.join(','), '--publish-as', publishAs, '-c', env.configFile]);
    let tail = '';
    let rssAtCheckpoint: number | undefined;
    let peakRss = 0;
    let lastRss = 0;
    const onOutput = (d: Buffer) => {
      tail = (tail + d.toString()).slice(-4_000);
      const s = sampleProcess(child.pid as number);
      if (!s) return;
      peakRss = Math.max(peakRss, s.rssMb);
      lastRss = s.rssMb;
      const done = usersFromProgress(tail);
      if (rssAtCheckpoint === undefined && done !== undefined && done >= CHECKPOINT_USERS) rssAtCheckpoint = s.rssMb;
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    // Progress lines come about every 500 ms; sample in between too, so the peak is not missed by much.
    const timer = setInterval(() => {
      const s = sampleProcess(child.pid as number);
      if (s) {
        peakRss = Math.max(peakRss, s.rssMb);
        lastRss = s.rssMb;
      }
    }, 1_000);
    const code = await new Promise<number | null>((done) => child.on('close', done));
    clearInterval(timer);
    if (code !== 0) throw new Error(`streamline produce exited ${code}: ${tail.slice(-1_000)}`);
    const seconds = (Date.now() - t0) / 1000;
    return {
      metrics: {
        users_per_s: users / seconds,
        rss_at_100k_mb: Math.round(rssAtCheckpoint ?? Number.NaN),
        rss_at_end_mb: Math.round(lastRss),
        peak_rss_mb: Math.round(peakRss),
      },
      notes: { users, seconds },
    };
  },
};

const bench: Benchmark<Env> = {
  name: 'produce-long',
  description: '`streamline produce` at full speed for 1,000,000 users (one process): RSS at 100k users and at the end, flat',
  metrics: [
    { name: 'rss_at_end_mb', unit: 'MB', better: 'lower' },
    { name: 'rss_at_100k_mb', unit: 'MB', better: 'lower' },
    { name: 'peak_rss_mb', unit: 'MB', better: 'lower' },
    { name: 'users_per_s', unit: 'users/s', better: 'higher' },
  ],
  async setup(options) {
    const users = wholeSetting(options.settings, 'users', options.quick ? 2_000 : 1_000_000);
    const services = await startBenchServices('produce-long', { only: ['kafka'], log: options.log });
    const configFile = join(services.config.stateDir, 'streamline.config.json');
    writeFileSync(configFile, JSON.stringify(services.config, null, 2));
    const api = await startApiServer({ host: '127.0.0.1', port: 0 });
    options.log(`produce-long: ${users} users x 4 topics at full speed`);
    return { services, api, users, configFile, runs: 0 };
  },
  async teardown(env) {
    await env.api.close();
    await env.services.stop();
  },
  contenders: () => [ours],
};

export default bench;
