/**
 * Orders with nested line items from an HTTP JSON API with cursor pagination (locally: the fake of
 * src/source/http/example-orders.ts, served by `streamline example-api orders` on port 3002), into two collections with different write models:
 * `orders` (replace: the latest version of each order) and `order_lines` (insert: one document per line
 * item record, append-only). The source record is declared with zod because it has an array, which the
 * field DSL does not have (yet): source records are only ever checked in TypeScript.
 */
import { z } from 'zod';
import { cursor, definePipeline, env, httpJson, integer, nullable, number, object, optional, string, timestamp } from '../src/pipeline/index.js';

const order = z.object({
  id: z.string().min(1),
  status: z.enum(['placed', 'paid', 'shipped', 'cancelled']),
  placed_at: z.iso.datetime(),
  customer: z.object({ id: z.string(), email: z.string(), country: z.string().length(2) }),
  lines: z.array(z.object({ sku: z.string(), qty: z.number().int().min(1), unit_price: z.number().min(0) })).min(1),
  coupon: z.string().nullable().optional(),
});

export default definePipeline({
  name: 'orders',
  source: httpJson({
    url: env('ORDERS_API_URL', 'http://127.0.0.1:3002/orders'),
    itemsAt: 'data',
    record: order,
    pagination: cursor('cursor', 'next_cursor'),
    headers: { Authorization: env('ORDERS_API_TOKEN', 'Bearer local') },
    rate: 20,
    retries: { attempts: 5, initialBackoff: '250ms' },
  }),
  key: 'id',
  pii: { 'customer.email': 'email' },
  topics: {
    orders: {
      fields: {
        status: string({ enum: ['placed', 'paid', 'shipped', 'cancelled'] }),
        placed_at: timestamp(),
        customer: object({ id: string({ minLength: 1 }), email: string(), country: string({ pattern: '^[A-Z]{2}$' }) }),
        line_count: integer({ minimum: 1 }),
        total: number({ minimum: 0 }),
        coupon: optional(nullable(string())),
      },
      project: (o, make) =>
        make({
          status: o.status,
          placed_at: o.placed_at,
          customer: { id: o.customer.id, email: o.customer.email, country: o.customer.country },
          line_count: o.lines.length,
          total: o.lines.reduce((sum, line) => sum + line.qty * line.unit_price, 0),
          ...(o.coupon === undefined ? {} : { coupon: o.coupon }),
        }),
    },
    'orders.lines': {
      fields: { order_id: string({ minLength: 1 }), line: integer({ minimum: 0 }), sku: string({ minLength: 1 }), qty: integer({ minimum: 1 }), unit_price: number({ minimum: 0 }) },
      // Several records per order: each line is its own Kafka record, keyed order_id/line.
      key: ['order_id', 'line'],
      explode: (o, make) => o.lines.map((line, i) => make({ order_id: o.id, line: i, sku: line.sku, qty: line.qty, unit_price: line.unit_price })),
    },
    'orders.history': {
      fields: { order_id: string({ minLength: 1 }), status: string({ enum: ['placed', 'paid', 'shipped', 'cancelled'] }), seen_at: timestamp() },
      project: (o, make) => make({ order_id: o.id, status: o.status, seen_at: o.placed_at }),
    },
  },
  sink: {
    database: 'shop',
    collections: {
      orders: { write: 'replace', indexes: [{ key: { 'customer.id': 1, placed_at: -1 } }, { key: { status: 1 } }] },
      'orders.lines': { collection: 'order_lines', indexes: [{ key: { order_id: 1, line: 1 } }, { key: { sku: 1 } }] },
      'orders.history': { collection: 'order_history', write: 'insert', ordered: false, indexes: [{ key: { order_id: 1, 'kafka.offset': 1 } }] },
    },
  },
  tests: [
    {
      name: 'an order becomes one order document and one document per line',
      input: [
        {
          id: 'o-1',
          status: 'paid',
          placed_at: '2026-12-01T10:00:00.000Z',
          customer: { id: 'c-9', email: 'ann@example.com', country: 'GB' },
          lines: [
            { sku: 'A', qty: 2, unit_price: 5 },
            { sku: 'B', qty: 1, unit_price: 7.5 },
          ],
        },
      ],
      expect: {
        orders: [{ _id: 'o-1', status: 'paid', placed_at: '2026-12-01T10:00:00.000Z', customer: { id: 'c-9', email: 'ann@example.com', country: 'GB' }, line_count: 2, total: 17.5 }],
        'orders.lines': [
          { _id: 'o-1/0', order_id: 'o-1', line: 0, sku: 'A', qty: 2, unit_price: 5 },
          { _id: 'o-1/1', order_id: 'o-1', line: 1, sku: 'B', qty: 1, unit_price: 7.5 },
        ],
        // insert: the _id is topic/partition/offset, which a test does not pin.
        'orders.history': [{ order_id: 'o-1', status: 'paid', seen_at: '2026-12-01T10:00:00.000Z' }],
      },
    },
    { name: 'an order without lines is rejected at the source', input: [{ id: 'o-2', status: 'paid', placed_at: '2026-12-01T10:00:00.000Z', customer: { id: 'c', email: 'e', country: 'FR' }, lines: [] }], rejected: [{ index: 0, reason: /lines/ }] },
    { name: 'a message without its fields is a dead letter', messages: { orders: [{ key: 'o-3', value: '{"schema_version":1}' }] }, deadLetters: [{ topic: 'orders', reason: /missing or invalid field/ }] },
  ],
});
