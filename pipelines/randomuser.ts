/**
 * The Random User pipeline, written only with the public pipeline API: what `npm start` runs, and the
 * default when no streamline.pipeline.ts, --pipeline, STREAMLINE_PIPELINE or config key names another. Same
 * topics, fields, projections, collections and indexes as src/model/topics.ts + src/sink/collections.ts had on
 * main 8045832 (test/unit/pipeline/randomuser-parity.test.ts holds them to that).
 */
import { definePipeline, integer, number, object, randomUser, string, timestamp } from '../src/pipeline/index.js';

// Shared descriptors, each written once.
const dated = object({ date: timestamp(), age: integer({ minimum: 0 }) });
const name = object({ title: string(), first: string(), last: string() });
const picture = object({ large: string({ format: 'uri' }), medium: string({ format: 'uri' }), thumbnail: string({ format: 'uri' }) });

export default definePipeline({
  name: 'randomuser',
  description: 'Random User API -> four topics, one collection each',
  source: randomUser(),
  key: 'login.uuid',
  pii: { email: 'email', phone: 'phone', cell: 'phone', 'national_id.value': 'id' },
  secrets: ['login.password', 'login.salt', 'login.md5', 'login.sha1', 'login.sha256'],
  topics: {
    'users.profile': {
      fields: {
        name,
        gender: string({ enum: ['male', 'female'] }),
        dob: dated,
        nat: string({ pattern: '^[A-Z]{2}$', description: 'nationality, ISO 3166-1 alpha-2 as the API uses it' }),
        picture,
      },
      project: (user, make) => make({ name: { ...user.name }, gender: user.gender, dob: { ...user.dob }, nat: user.nat, picture: { ...user.picture } }),
    },
    'users.location': {
      fields: {
        street: object({ number: integer(), name: string() }),
        city: string(),
        state: string(),
        country: string(),
        postcode: string({ description: 'always a string: some countries have letters ("EC1A 1BB")' }),
        coordinates: object({ latitude: number({ minimum: -90, maximum: 90 }), longitude: number({ minimum: -180, maximum: 180 }) }),
        timezone: object({ offset: string(), description: string() }),
      },
      project: ({ location }, make) =>
        make({
          street: { number: location.street.number, name: location.street.name },
          city: location.city,
          state: location.state,
          country: location.country,
          postcode: location.postcode,
          coordinates: { latitude: location.coordinates.latitude, longitude: location.coordinates.longitude },
          timezone: { offset: location.timezone.offset, description: location.timezone.description },
        }),
    },
    'users.contact': {
      fields: { email: string({ minLength: 1 }), phone: string(), cell: string() },
      // No projection needed: the topic is a pick of the record's own fields (email, phone, cell).
    },
    'users.account': {
      fields: { username: string({ minLength: 1 }), registered: dated },
      project: (user, make) => make({ username: user.login.username, registered: { ...user.registered } }),
    },
  },
  sink: {
    collections: {
      'users.profile': { indexes: [{ name: 'name_last_first', key: { 'name.last': 1, 'name.first': 1 } }, { name: 'nat', key: { nat: 1 } }] },
      'users.location': { indexes: [{ name: 'country_city', key: { country: 1, city: 1 } }, { name: 'postcode', key: { postcode: 1 } }] },
      'users.contact': { indexes: [{ name: 'email', key: { email: 1 } }] },
      'users.account': { indexes: [{ name: 'username', key: { username: 1 } }] },
    },
  },
});
