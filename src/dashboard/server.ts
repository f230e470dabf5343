import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { StreamlineConfig } from '../config/index.js';
import { checkBinding, requestToken, tokenMatches } from './auth.js';
import { Collector, type CollectorOptions } from './collect.js';
import { createMetrics } from './metrics.js';

export interface DashboardOptions extends CollectorOptions {
  /** The host came from --host (a non-loopback address is refused otherwise). */
  explicitHost?: boolean;
  /** Required for any non-loopback address; every request must then carry it. */
  token?: string;
}

export interface Dashboard {
  url: string;
  collector: Collector;
  close(): Promise<void>;
}

const pageDir = join(import.meta.dirname, 'page');
const uplotDir = join(createRequire(import.meta.url).resolve('uplot/package.json'), '..', 'dist');

/** Page files and the charting library, read once and served from memory (no CDN). */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: join(pageDir, 'index.html'), type: 'text/html; charset=utf-8' },
  '/app.js': { file: join(pageDir, 'app.js'), type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: join(pageDir, 'app.css'), type: 'text/css; charset=utf-8' },
  '/vendor/uPlot.iife.min.js': { file: join(uplotDir, 'uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  '/vendor/uPlot.min.css': { file: join(uplotDir, 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

function routes(app: FastifyInstance, collector: Collector, token: string | undefined): void {
  if (token) {
    app.addHook('onRequest', async (request, reply) => {
      if (!tokenMatches(requestToken(request.headers, request.query), token)) {
        await reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'missing or wrong access token (Authorization: Bearer <token>, or ?token= in the page URL)' });
      }
    });
  }
  for (const [path, asset] of Object.entries(ASSETS)) {
    const body = readFileSync(asset.file);
    app.get(path, async (_request, reply) => reply.type(asset.type).header('cache-control', 'no-cache').send(body));
  }
  app.get('/api/snapshot', async () => collector.snapshot());
  app.get('/api/history', async () => collector.historyPoints());
  const registry = createMetrics(() => collector.snapshot());
  app.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
}

/**
 * Serves the live page, its JSON under /api/ and Prometheus /metrics. Loopback by default; any
 * other address needs an explicit --host and a token (checked before anything starts).
 */
export async function startDashboard(config: StreamlineConfig, opts: DashboardOptions = {}): Promise<Dashboard> {
  const { host, port } = config.dashboard;
  checkBinding({ host, port, explicitHost: opts.explicitHost ?? false, token: opts.token });
  const collector = new Collector(config, opts);
  // The request log would carry ?token=, so fastify's logger stays off.
  const app = Fastify({ logger: false });
  routes(app, collector, opts.token);
  try {
    await app.listen({ host, port });
  } catch (e) {
    await collector.stop();
    await app.close();
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`dashboard: port ${port} on ${host} is already in use; choose another with --port or dashboard.port (env STREAMLINE_DASHBOARD_PORT)`, { cause: e });
    }
    throw e;
  }
  collector.start();
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${actualPort}/`,
    collector,
    async close() {
      await app.close();
      await collector.stop();
    },
  };
}
