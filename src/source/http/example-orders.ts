import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deriveSeed, seededRandom, type RandomSource } from '../random.js';

// The fake orders API of the `orders` example pipeline (pipelines/orders.ts): `GET /orders?cursor=` returns
// `{ data: [...], next_cursor }`, deterministic for a seed. Like a real feed it re-serves some orders on
// later pages with a newer status (what `replace` keeps the latest of) and sends a few malformed orders
// (what the source rejects). The CLI command that serves it (`streamline example-api orders`) is phase 2.

const COUNTRIES = ['GB', 'FR', 'DE', 'NL', 'UA', 'US'] as const;
const SKUS = ['SKU-APPLE', 'SKU-BREAD', 'SKU-CHEESE', 'SKU-DATES', 'SKU-EGGS', 'SKU-FLOUR'] as const;
const START = Date.UTC(2026, 11, 1);

/** Ways an order is malformed; each breaks one rule of the record pipelines/orders.ts declares. */
const MALFORMATIONS = ['no lines', 'unknown status', 'no customer', 'bad placed_at', 'zero quantity'] as const;
export type Malformation = (typeof MALFORMATIONS)[number];

export interface ExampleOrdersOptions {
  readonly seed?: number;
  /** Distinct orders (the feed is longer: re-served versions come on top). Default 300. */
  readonly orders?: number;
  /** Orders per page. Default 50. */
  readonly pageSize?: number;
}

export interface FeedEntry {
  /** The order as served (a malformed one does not match the declared record). */
  readonly order: Record<string, unknown>;
  /** Set for a later version of an order served before. */
  readonly version: number;
  readonly malformed?: Malformation;
}

const pick = <T>(random: RandomSource, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const int = (random: RandomSource, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

function makeOrder(i: number, random: RandomSource): Record<string, unknown> {
  const customer = int(random, 1, Math.max(10, i));
  const lines = Array.from({ length: int(random, 1, 4) }, () => ({ sku: pick(random, SKUS), qty: int(random, 1, 5), unit_price: int(random, 50, 5000) / 100 }));
  const coupon = random();
  return {
    id: `o-${String(i + 1).padStart(5, '0')}`,
    status: 'placed',
    placed_at: new Date(START + i * 60_000 + int(random, 0, 59_999)).toISOString(),
    customer: { id: `c-${customer}`, email: `customer${customer}@example.com`, country: pick(random, COUNTRIES) },
    lines,
    ...(coupon < 0.1 ? { coupon: 'WELCOME10' } : coupon < 0.2 ? { coupon: null } : {}),
  };
}

function malform(order: Record<string, unknown>, how: Malformation): Record<string, unknown> {
  switch (how) {
    case 'no lines':
      return { ...order, lines: [] };
    case 'unknown status':
      return { ...order, status: 'lost' };
    case 'no customer': {
      const { customer: _customer, ...rest } = order;
      return rest;
    }
    case 'bad placed_at':
      return { ...order, placed_at: 'yesterday' };
    case 'zero quantity':
      return { ...order, lines: [{ sku: 'SKU-APPLE', qty: 0, unit_price: 1 }] };
  }
}

/**
 * Every order the API serves, in order: the pure heart of the fake. About 1 in 40 orders is malformed
 * (each kind in turn); about 1 in 5 valid ones of the feed's early part comes again on a later page as
 * paid or cancelled, and some paid ones a third time as shipped; a later version is always at least one
 * page after the previous one.
 */
export function exampleOrdersFeed(options: ExampleOrdersOptions = {}): FeedEntry[] {
  const count = options.orders ?? 300;
  const pageSize = options.pageSize ?? 50;
  const random = seededRandom(deriveSeed('example-orders', options.seed ?? 1));
  const keyed: Array<{ key: number; entry: FeedEntry }> = [];
  let malformed = 0;
  for (let i = 0; i < count; i += 1) {
    const order = makeOrder(i, random);
    if (random() < 0.025) {
      const how = MALFORMATIONS[malformed % MALFORMATIONS.length] as Malformation;
      malformed += 1;
      keyed.push({ key: i, entry: { order: malform(order, how), version: 1, malformed: how } });
      continue;
    }
    keyed.push({ key: i, entry: { order, version: 1 } });
    // Only where pageSize orders follow each version, so a later version is always on a later page.
    if (random() >= 0.2 || i + 4 * pageSize > count) continue;
    // A later page says what became of the order: paid (and maybe shipped after that) or cancelled.
    const later = (after: number): number => after + pageSize + int(random, 0, pageSize);
    const paidOrCancelled = random() < 0.25 ? 'cancelled' : 'paid';
    const second = later(i);
    keyed.push({ key: second, entry: { order: { ...order, status: paidOrCancelled }, version: 2 } });
    if (paidOrCancelled === 'paid' && random() < 0.3) keyed.push({ key: later(second), entry: { order: { ...order, status: 'shipped' }, version: 3 } });
  }
  // Stable: equal keys keep the order they were made in.
  return keyed.sort((a, b) => a.key - b.key).map(({ entry }) => entry);
}

const encodeCursor = (offset: number): string => Buffer.from(`orders:${offset}`).toString('base64url');
function decodeCursor(cursor: string): number | undefined {
  const match = /^orders:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

export interface ExampleOrdersServerOptions extends ExampleOrdersOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** When set, a request without `Authorization: <token>` gets 401. */
  readonly token?: string;
}

export interface ExampleOrdersServer {
  /** The orders endpoint, e.g. http://127.0.0.1:41234/orders. */
  readonly url: string;
  readonly feed: readonly FeedEntry[];
  close(): Promise<void>;
}

const send = (res: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

/** Serves `exampleOrdersFeed(options)` on `GET /orders?cursor=`; the first page is the request without a cursor. */
export async function startExampleOrdersApi(options: ExampleOrdersServerOptions = {}): Promise<ExampleOrdersServer> {
  const feed = exampleOrdersFeed(options);
  const pageSize = options.pageSize ?? 50;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || url.pathname !== '/orders') return send(res, 404, { error: 'not found: GET /orders?cursor= is the only route' });
    if (options.token !== undefined && req.headers.authorization !== options.token) return send(res, 401, { error: 'missing or wrong Authorization header' });
    const cursor = url.searchParams.get('cursor');
    const offset = cursor === null || cursor === '' ? 0 : decodeCursor(cursor);
    if (offset === undefined || offset > feed.length) return send(res, 400, { error: `unknown cursor ${JSON.stringify(cursor)}` });
    const end = Math.min(feed.length, offset + pageSize);
    send(res, 200, { data: feed.slice(offset, end).map((entry) => entry.order), next_cursor: end < feed.length ? encodeCursor(end) : null });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/orders`,
    feed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
