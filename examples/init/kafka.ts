/**
 * Your pipeline: one typed definition from which streamline derives Spark's schema and checks, the
 * dead-letter reasons and MongoDB's validators and indexes.
 *
 * Written by `streamline init --source kafka` (from examples/init/kafka.ts in the streamline repository,
 * which its own type-check and tests compile). A kafka() source reads topics that someone else already
 * feeds: there is no producer, only the streaming side runs (`streamline stream start`). Rename the topic
 * to yours and describe its JSON values below. Next: `streamline check`.
 */
import { definePipeline, integer, kafka, nullable, object, optional, string, timestamp } from 'streamline/pipeline';

export default definePipeline({
  // [a-z][a-z0-9-]*: names the checkpoints, the queries and the metrics of this pipeline.
  name: 'clicks',
  description: 'web.clicks (fed by others) -> clicks',
  // `bare` (the default): each Kafka value is the record itself, as JSON. `envelope`: values written by
  // another streamline producer ({ schema_version, id, data, ... }).
  source: kafka({ values: 'bare' }),
  topics: {
    'web.clicks': {
      // The values' schema: a message that does not match becomes a dead letter with the reason.
      fields: {
        click_id: string({ minLength: 1 }),
        at: timestamp(),
        page: string({ pattern: '^/' }),
        session: string({ minLength: 1 }),
        referrer: optional(nullable(string())),
        viewport: optional(object({ width: integer({ minimum: 0 }), height: integer({ minimum: 0 }) })),
      },
      // A kafka() source has no source record, so each topic names its key: a path to a required string of
      // its values. It becomes the documents' _id.
      key: 'click_id',
    },
  },
  sink: {
    database: 'web',
    // `replace` (the default): a replayed micro-batch rewrites the same documents, so each click is stored once.
    collections: { 'web.clicks': { collection: 'clicks', indexes: [{ key: { session: 1, at: 1 } }, { key: { page: 1 } }] } },
  },
  // `streamline test` runs raw Kafka values through the same checks the streaming queries apply.
  tests: [
    {
      name: 'a click becomes one document, keyed by its click_id',
      messages: { 'web.clicks': [{ value: '{"click_id":"c-1","at":"2026-12-01T10:00:00.000Z","page":"/home","session":"s-1"}' }] },
      expect: { 'web.clicks': [{ _id: 'c-1', click_id: 'c-1', at: '2026-12-01T10:00:00.000Z', page: '/home', session: 's-1' }] },
    },
    {
      name: 'a value without its click_id is a dead letter',
      messages: { 'web.clicks': [{ value: '{"at":"2026-12-01T10:00:00.000Z","page":"/home","session":"s-1"}' }] },
      deadLetters: [{ topic: 'web.clicks', reason: /click_id/ }],
    },
  ],
});
