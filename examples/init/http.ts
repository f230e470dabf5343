/**
 * Your pipeline: one typed definition from which streamline derives the producer's validation, Spark's
 * schema and checks, the dead-letter reasons and MongoDB's validators and indexes.
 *
 * Written by `streamline init --source http` (from examples/init/http.ts in the streamline repository, which
 * its own type-check and tests compile). It reads orders from an HTTP JSON API with cursor pagination: as it
 * is, the local fake that `streamline example-api orders` serves on port 3002. Point ORDERS_API_URL (or `url`)
 * at your own API and describe its records below. Next: `streamline check`.
 */
import { cursor, definePipeline, env, httpJson, integer, object, string, timestamp } from 'streamline/pipeline';

const STATUSES = ['placed', 'paid', 'shipped', 'cancelled'] as const;

export default definePipeline({
  // [a-z][a-z0-9-]*: names the checkpoints, the queries and the metrics of this pipeline.
  name: 'shop',
  description: 'orders API -> shop.orders',
  source: httpJson({
    // env(NAME, default): read when the pipeline starts, never printed.
    url: env('ORDERS_API_URL', 'http://127.0.0.1:3002/orders'),
    // Where the records are in each response body ({ data: [...], next_cursor }), and how to ask for the next page:
    // page(), offset(), cursor() or linkHeader().
    itemsAt: 'data',
    pagination: cursor('cursor', 'next_cursor'),
    // The source record. Keys it does not declare (an order's `lines`, a `coupon`) are dropped on arrival, so a
    // secret the API sends is never forwarded unless you declare it. A record that does not match is rejected,
    // with its reason, before it reaches Kafka.
    record: {
      id: string({ minLength: 1 }),
      status: string({ enum: STATUSES }),
      placed_at: timestamp(),
      customer: object({ id: string({ minLength: 1 }), email: string(), country: string({ pattern: '^[A-Z]{2}$' }) }),
    },
    // Requests per second, and retries of a failed request with a growing backoff.
    rate: 20,
    retries: { attempts: 5, initialBackoff: '250ms' },
  }),
  // The record's key: a path to a required string. It becomes the Kafka message key and the documents' _id.
  key: 'id',
  // String fields to mask or hash (as `--pii mask|hash` says), by path.
  pii: { 'customer.email': 'email' },
  topics: {
    orders: {
      // The topic's schema. A projection that misses a field, adds one or gets a type wrong does not compile.
      fields: {
        status: string({ enum: STATUSES }),
        placed_at: timestamp(),
        customer_id: string({ minLength: 1 }),
        email: string(),
        country: string({ pattern: '^[A-Z]{2}$' }),
        // A field the projection computes: the hour of the day the order was placed (UTC).
        hour: integer({ minimum: 0, maximum: 23 }),
      },
      project: (order, make) =>
        make({
          status: order.status,
          placed_at: order.placed_at,
          customer_id: order.customer.id,
          email: order.customer.email,
          country: order.customer.country,
          hour: new Date(order.placed_at).getUTCHours(),
        }),
    },
  },
  sink: {
    database: 'shop',
    // `replace` (the default): one document per order, the latest version wins; a replayed micro-batch
    // rewrites the same documents. `update` merges partial records, `insert` appends one document per message.
    collections: { orders: { write: 'replace', indexes: [{ key: { customer_id: 1, placed_at: -1 } }, { key: { status: 1 } }] } },
  },
  // `streamline test` runs these through the same code as the producer and the Spark checks.
  tests: [
    {
      name: 'an order becomes one document keyed by its id',
      input: [{ id: 'o-1', status: 'paid', placed_at: '2026-12-01T10:15:00.000Z', customer: { id: 'c-9', email: 'ann@example.com', country: 'GB' }, lines: [] }],
      expect: { orders: [{ _id: 'o-1', status: 'paid', placed_at: '2026-12-01T10:15:00.000Z', customer_id: 'c-9', email: 'ann@example.com', country: 'GB', hour: 10 }] },
    },
    {
      name: 'an order with an unknown status is rejected at the source',
      input: [{ id: 'o-2', status: 'lost', placed_at: '2026-12-01T10:15:00.000Z', customer: { id: 'c-9', email: 'ann@example.com', country: 'GB' } }],
      rejected: [{ index: 0, reason: /status/ }],
    },
  ],
});
