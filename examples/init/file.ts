/**
 * Your pipeline: one typed definition from which streamline derives the producer's validation, Spark's
 * schema and checks, the dead-letter reasons and MongoDB's validators and indexes.
 *
 * Written by `streamline init --source file` (from examples/init/file.ts in the streamline repository, which
 * its own type-check and tests compile), with a few sample lines in data/readings.ndjson. It reads sensor
 * readings from NDJSON files (one JSON object per line; `json` and `csv` work too) into one topic and one
 * MongoDB collection. Drop more files into data/ and describe your records below. Next: `streamline check`.
 */
import { definePipeline, file, nullable, number, object, optional, string, timestamp } from 'streamline/pipeline';

export default definePipeline({
  // [a-z][a-z0-9-]*: names the checkpoints, the queries and the metrics of this pipeline.
  name: 'sensors',
  description: 'data/*.ndjson -> sensors.readings',
  source: file({
    // A path or a glob, relative to this file; the files are read in name order, each line once.
    path: 'data/*.ndjson',
    format: 'ndjson',
    // The source record. Keys it does not declare are dropped on arrival; a line that does not match is
    // rejected with its file:line and reason, before it reaches Kafka.
    record: {
      id: string({ minLength: 1 }),
      sensor: string({ minLength: 1 }),
      at: timestamp(),
      celsius: number({ minimum: -80, maximum: 150 }),
      humidity: optional(number({ minimum: 0, maximum: 100 })),
      site: optional(nullable(object({ name: string(), floor: number() }))),
    },
  }),
  // The record's key: a path to a required string. It becomes the Kafka message key and the documents' _id.
  key: 'id',
  topics: {
    'sensors.readings': {
      // The topic's schema. A projection that misses a field, adds one or gets a type wrong does not compile.
      fields: {
        sensor: string({ minLength: 1 }),
        at: timestamp(),
        celsius: number({ minimum: -80, maximum: 150 }),
        fahrenheit: number(),
        humidity: optional(number({ minimum: 0, maximum: 100 })),
        site: nullable(string()),
      },
      project: (reading, make) =>
        make({
          sensor: reading.sensor,
          at: reading.at,
          celsius: reading.celsius,
          fahrenheit: Math.round((reading.celsius * 9) / 5 + 32),
          ...(reading.humidity === undefined ? {} : { humidity: reading.humidity }),
          site: reading.site?.name ?? null,
        }),
    },
  },
  sink: {
    // One collection per topic (default name: the topic's, dots made underscores: sensors_readings), written
    // with `replace` (an upsert by _id: a replayed micro-batch rewrites the same documents).
    collections: { 'sensors.readings': { indexes: [{ key: { sensor: 1, at: -1 } }] } },
  },
  // `streamline test` runs these through the same code as the producer and the Spark checks.
  tests: [
    {
      name: 'a reading becomes one document, in both units',
      input: [{ id: 'r-1', sensor: 'hall', at: '2026-12-01T10:00:00.000Z', celsius: 20, site: { name: 'hq', floor: 1 } }],
      expect: { 'sensors.readings': [{ _id: 'r-1', sensor: 'hall', at: '2026-12-01T10:00:00.000Z', celsius: 20, fahrenheit: 68, site: 'hq' }] },
    },
    { name: 'a reading without a temperature is rejected at the source', input: [{ id: 'r-2', sensor: 'hall', at: '2026-12-01T10:00:00.000Z' }], rejected: [{ index: 0, reason: /celsius/ }] },
  ],
});
