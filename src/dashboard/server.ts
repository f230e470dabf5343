import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { knownSecrets, redactText, type StreamlineConfig } from '../config/index.js';
import { PortInUseError } from '../core/errors.js';
import {
  allowedHostNames,
  bearerToken,
  checkBinding,
  cookieValue,
  FailureThrottle,
  hostRefusal,
  loginToken,
  newSessionKey,
  SECURITY_HEADERS,
  SESSION_COOKIE,
  sessionCookie,
  sessionValue,
  tokenMatches,
  type ThrottleOptions,
} from './auth.js';
import { Collector, type CollectorOptions } from './collect.js';
import { redactedJson, snapshotForDisplay } from './display.js';
import { createMetrics } from './metrics.js';
import { pipelineStreaming } from '../app/streaming.js';
import { builtinPipeline, pipelineView, type PipelineView, type WatchedPipeline } from './pipeline.js';

export interface DashboardOptions extends Omit<CollectorOptions, 'localApi' | 'bindings'> {
  /** The pipeline the services run: its topics, queries and collections are what the collectors watch, and it names the page (`/api/pipeline`, the header, streamline_pipeline_info); default: the built-in Random User one. */
  pipeline?: WatchedPipeline;
  /** The host came from --host (a non-loopback address is refused otherwise). */
  explicitHost?: boolean;
  /** Required for any non-loopback address; every request must then carry it (cookie from /login, or Bearer). */
  token?: string;
  /** Failed-token throttling; tests shorten the window. */
  throttle?: ThrottleOptions;
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

const LOGIN_PATH = '/login';

/** Host/Origin allow-list and security headers on every request, answered or refused. */
function guardHosts(app: FastifyInstance, config: StreamlineConfig): void {
  const allowed = allowedHostNames(config.dashboard.host, config.dashboard.allowedHosts);
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(SECURITY_HEADERS);
    const refusal = hostRefusal(request.headers, allowed);
    if (refusal) await reply.code(403).type('text/plain; charset=utf-8').send(`forbidden: ${refusal}\n`);
  });
}

/**
 * With a token: `/login?token=` (the only place a token in a URL is accepted) checks it and sets an
 * HttpOnly, SameSite=Strict session cookie, so the page and every asset it loads work; scripts and
 * Prometheus send `Authorization: Bearer`. Failed attempts are throttled per client address.
 */
function guardToken(app: FastifyInstance, token: string, throttleOptions?: ThrottleOptions): void {
  const key = newSessionKey();
  const session = sessionValue(token, key);
  const throttle = new FailureThrottle(throttleOptions);
  const refuseThrottled = async (request: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    const waitMs = throttle.blockedForMs(request.ip);
    if (waitMs <= 0) return false;
    await reply.code(429).header('retry-after', String(Math.ceil(waitMs / 1000))).send({ error: `too many failed attempts with a wrong token; try again in ${Math.ceil(waitMs / 1000)} s` });
    return true;
  };

  app.get(LOGIN_PATH, async (request, reply) => {
    if (await refuseThrottled(request, reply)) return reply;
    if (!tokenMatches(loginToken(request.query), token)) {
      throttle.fail(request.ip);
      return reply.code(401).type('text/plain; charset=utf-8').send('wrong or missing token: open /login?token=<token> (the value of STREAMLINE_DASHBOARD_TOKEN or dashboard.tokenFile)\n');
    }
    throttle.succeed(request.ip);
    // 303 to the page: the token leaves the address bar (and the history entry the page is shown under).
    return reply.code(303).header('set-cookie', sessionCookie(session)).header('location', '/').send();
  });

  app.addHook('onRequest', async (request, reply) => {
    if (reply.sent || request.url.split('?')[0] === LOGIN_PATH) return;
    const cookie = cookieValue(request.headers.cookie, SESSION_COOKIE);
    if (tokenMatches(cookie, session) || tokenMatches(bearerToken(request.headers), token)) return;
    if (await refuseThrottled(request, reply)) return;
    // A wrong credential counts against the client; a request with none (a first visit) does not.
    if (cookie !== undefined || request.headers.authorization !== undefined) throttle.fail(request.ip);
    await reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .send({ error: 'missing or wrong access token: open /login?token=<token> in the browser, or send Authorization: Bearer <token>' });
  });
}

function routes(app: FastifyInstance, config: StreamlineConfig, collector: Collector, pipeline: PipelineView, token: string | undefined): void {
  for (const [path, asset] of Object.entries(ASSETS)) {
    const body = readFileSync(asset.file);
    app.get(path, async (_request, reply) => reply.type(asset.type).header('cache-control', 'no-cache').send(body));
  }
  // The JSON is built from driver errors and stored values: it goes through the same redaction as the
  // CLI's output (URI passwords, JAAS, sc://...;token=, the known secret values), and never is cached.
  const secrets = [...knownSecrets(config), ...(token ? [token] : [])];
  const json = (reply: FastifyReply, value: unknown) => reply.type('application/json; charset=utf-8').header('cache-control', 'no-store').send(redactedJson(value, secrets));
  app.get('/api/snapshot', async (_request, reply) => json(reply, snapshotForDisplay(collector.snapshot(), config.dashboard.showPii)));
  app.get('/api/history', async (_request, reply) => json(reply, collector.historyPoints()));
  app.get('/api/pipeline', async (_request, reply) => json(reply, pipeline));
  const registry = createMetrics(() => collector.snapshot(), pipeline);
  app.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(redactText(await registry.metrics(), secrets)));
}

/**
 * Serves the live page, its JSON under /api/ and Prometheus /metrics. Loopback by default; any
 * other address needs an explicit --host and a token (checked before anything starts).
 */
export async function startDashboard(config: StreamlineConfig, opts: DashboardOptions = {}): Promise<Dashboard> {
  const { host, port } = config.dashboard;
  checkBinding({ host, port, explicitHost: opts.explicitHost ?? false, token: opts.token });
  const watched = opts.pipeline ?? (await builtinPipeline(config.topics));
  const pipeline = pipelineView(watched.resolved, watched.file, config.mongo.database);
  // The collectors read the pipeline's database when it names one, as its streaming queries write there.
  const streaming = pipelineStreaming(config, watched.resolved);
  // The local Random User API is a service of the randomuser source only.
  const collector = new Collector(streaming.config, { ...opts, bindings: streaming.bindings, localApi: pipeline.source.kind === 'randomuser' });
  // The request log would carry /login?token=, so fastify's logger stays off.
  const app = Fastify({ logger: false });
  guardHosts(app, config);
  if (opts.token) guardToken(app, opts.token, opts.throttle);
  routes(app, config, collector, pipeline, opts.token);
  try {
    await app.listen({ host, port });
  } catch (e) {
    await collector.stop();
    await app.close();
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(`dashboard: port ${port} on ${host} is already in use`, { hint: 'choose another with --port or dashboard.port (env STREAMLINE_DASHBOARD_PORT)', cause: e });
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
