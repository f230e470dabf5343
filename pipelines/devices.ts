/**
 * Device status updates from NDJSON files (`file` source), merged into one document per device with the
 * `update` write model: each line carries only what changed, and `$set` merges it.
 */
import { boolean, definePipeline, file, nullable, number, object, optional, string, timestamp } from '../src/pipeline/index.js';

export default definePipeline({
  name: 'devices',
  source: file({
    // Relative to this file's directory, as every file source path is.
    path: '../examples/devices/*.ndjson',
    format: 'ndjson',
    record: {
      device_id: string({ minLength: 1 }),
      at: timestamp(),
      battery: optional(number({ minimum: 0, maximum: 100 })),
      online: optional(boolean()),
      location: optional(object({ lat: number({ minimum: -90, maximum: 90 }), lon: number({ minimum: -180, maximum: 180 }) })),
      label: optional(nullable(string())),
    },
  }),
  key: 'device_id',
  topics: {
    // No projection: the topic is the record's own fields (a pick), so this checks that they all exist.
    'devices.status': {
      fields: {
        at: timestamp(),
        battery: optional(number({ minimum: 0, maximum: 100 })),
        online: optional(boolean()),
        location: optional(object({ lat: number({ minimum: -90, maximum: 90 }), lon: number({ minimum: -180, maximum: 180 }) })),
      },
    },
  },
  sink: { collections: { 'devices.status': { collection: 'devices', write: 'update', indexes: [{ key: { online: 1, at: -1 } }] } } },
});
