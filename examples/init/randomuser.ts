/**
 * Your pipeline: one typed definition from which streamline derives the producer's validation, Spark's
 * schema and checks, the dead-letter reasons and MongoDB's validators and indexes.
 *
 * Written by `streamline init --source randomuser` (from examples/init/randomuser.ts in the streamline
 * repository, which its own type-check and tests compile). It reads the Random User API (our local copy,
 * started for you) into two topics, one MongoDB collection each. Next: `streamline check`.
 */
import { definePipeline, integer, object, randomUser, string, timestamp } from 'streamline/pipeline';

export default definePipeline({
  // [a-z][a-z0-9-]*: names the checkpoints, the queries and the metrics of this pipeline.
  name: 'people',
  description: 'Random User API -> people.profile and people.account',
  // Where the records come from. randomUser() without a url starts the local API in-process.
  source: randomUser(),
  // The record's key: a path to a required string. It becomes the Kafka message key and the documents' _id.
  key: 'login.uuid',
  // String fields to mask or hash (as `--pii mask|hash` says), and fields that must never leave the source.
  pii: { email: 'email' },
  secrets: ['login.password', 'login.salt', 'login.md5', 'login.sha1', 'login.sha256'],
  topics: {
    'people.profile': {
      // The topic's schema. A projection that misses a field, adds one or gets a type wrong does not compile.
      fields: {
        name: object({ first: string(), last: string() }),
        email: string({ minLength: 1 }),
        nat: string({ pattern: '^[A-Z]{2}$' }),
      },
      project: (person, make) => make({ name: { first: person.name.first, last: person.name.last }, email: person.email, nat: person.nat }),
    },
    'people.account': {
      fields: { username: string({ minLength: 1 }), registered: object({ date: timestamp(), age: integer({ minimum: 0 }) }) },
      project: (person, make) => make({ username: person.login.username, registered: { ...person.registered } }),
    },
  },
  sink: {
    // One collection per topic (default name: the topic's, dots made underscores), written with `replace`
    // (an upsert by _id: a replayed micro-batch rewrites the same documents).
    collections: {
      'people.profile': { indexes: [{ name: 'name_last_first', key: { 'name.last': 1, 'name.first': 1 } }] },
      'people.account': { indexes: [{ name: 'username', key: { username: 1 } }] },
    },
  },
});
