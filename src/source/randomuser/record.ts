import type { z } from 'zod';
import { integer, nullable, number, object, string, timestamp, type InferFields } from '../../model/fields.js';
import { applyPiiPolicy, type PiiOptions } from '../../model/pii.js';
import { fieldsToZod } from '../../model/to-zod.js';
import { describeZodError } from '../../model/zod-error.js';
import { rawUserSchema, type RawUser } from './raw.js';

/**
 * The Random User record, after normalisation at the producer: what a randomUser() source hands to the
 * pipeline's projections (pipelines/randomuser.ts describes its topics' fields with the same shapes).
 */
const nameFields = object({ title: string(), first: string(), last: string() });
const datedFields = object({ date: timestamp(), age: integer({ minimum: 0 }) });
const pictureFields = object({
  large: string({ format: 'uri' }),
  medium: string({ format: 'uri' }),
  thumbnail: string({ format: 'uri' }),
});
const streetFields = object({ number: integer(), name: string() });
const coordinatesFields = object({
  latitude: number({ minimum: -90, maximum: 90 }),
  longitude: number({ minimum: -180, maximum: 180 }),
});
const timezoneFields = object({ offset: string(), description: string() });
const genderField = string({ enum: ['male', 'female'] });
const natField = string({ pattern: '^[A-Z]{2}$', description: 'nationality, ISO 3166-1 alpha-2 as the API uses it' });

const locationFields = {
  street: streetFields,
  city: string(),
  state: string(),
  country: string(),
  postcode: string({ description: 'always a string: some countries have letters ("EC1A 1BB")' }),
  coordinates: coordinatesFields,
  timezone: timezoneFields,
};

export const randomUserRecordFields = {
  gender: genderField,
  name: nameFields,
  location: object(locationFields),
  email: string({ minLength: 1 }),
  login: object({ uuid: string({ format: 'uuid' }), username: string({ minLength: 1 }) }),
  dob: datedFields,
  registered: datedFields,
  phone: string(),
  cell: string(),
  /** The API's `id` (a national id such as SSN); renamed so it is never confused with the user id. */
  national_id: object({ name: string(), value: nullable(string()) }),
  picture: pictureFields,
  nat: natField,
};

export type RandomUserRecord = InferFields<typeof randomUserRecordFields>;
const normalizedUserSchema: z.ZodType<RandomUserRecord> = fieldsToZod(randomUserRecordFields);

export type NormalizeOptions = PiiOptions;

const toIso = (date: string): string => new Date(date).toISOString();
const toNumber = (value: number | string): number => (typeof value === 'number' ? value : Number(value));

/**
 * Raw API record -> canonical shape, without the final check. Built from an allow-list, so
 * `login.password`, `salt`, `md5`, `sha1`, `sha256` (and any field the API adds later) never make it out.
 */
function toCanonicalShape(raw: RawUser, options: NormalizeOptions): RandomUserRecord {
  const { location } = raw;
  return {
    gender: raw.gender,
    name: { title: raw.name.title, first: raw.name.first, last: raw.name.last },
    location: {
      street: { number: toNumber(location.street.number), name: location.street.name },
      city: location.city,
      state: location.state,
      country: location.country,
      postcode: String(location.postcode),
      coordinates: {
        latitude: toNumber(location.coordinates.latitude),
        longitude: toNumber(location.coordinates.longitude),
      },
      timezone: { offset: location.timezone.offset, description: location.timezone.description },
    },
    email: applyPiiPolicy(raw.email, 'email', options),
    login: { uuid: raw.login.uuid, username: raw.login.username },
    dob: { date: toIso(raw.dob.date), age: raw.dob.age },
    registered: { date: toIso(raw.registered.date), age: raw.registered.age },
    phone: applyPiiPolicy(raw.phone, 'phone', options),
    cell: applyPiiPolicy(raw.cell, 'phone', options),
    national_id: {
      name: raw.id.name,
      value: raw.id.value === null ? null : applyPiiPolicy(raw.id.value, 'id', options),
    },
    picture: { large: raw.picture.large, medium: raw.picture.medium, thumbnail: raw.picture.thumbnail },
    nat: raw.nat,
  };
}

/**
 * Raw API record -> canonical user: postcode a string, coordinates numbers, dates ISO-8601 UTC, PII per
 * policy, secrets dropped. The result is validated, so e.g. an out-of-range coordinate throws (a ZodError)
 * here rather than reaching Kafka.
 */
export function normalizeUser(raw: RawUser, options: NormalizeOptions): RandomUserRecord {
  return normalizedUserSchema.parse(toCanonicalShape(raw, options));
}

export interface InvalidRecord {
  /** Position of the record in the response's `results`. */
  readonly index: number;
  readonly reason: string;
}

export interface NormalizedRecords {
  readonly users: RandomUserRecord[];
  readonly invalid: InvalidRecord[];
}

export type RecordOutcome = { readonly ok: true; readonly user: RandomUserRecord } | { readonly ok: false; readonly reason: string };

/** Validates and normalises one record; never throws. */
export function normalizeRecord(record: unknown, options: NormalizeOptions): RecordOutcome {
  const parsed = rawUserSchema.safeParse(record);
  if (!parsed.success) return { ok: false, reason: describeZodError(parsed.error) };
  const normalized = normalizedUserSchema.safeParse(toCanonicalShape(parsed.data, options));
  if (!normalized.success) return { ok: false, reason: `after normalisation: ${describeZodError(normalized.error)}` };
  return { ok: true, user: normalized.data };
}

/** Every record of a response's `results`, each validated on its own: bad ones are reported, not thrown. */
export function normalizeRecords(records: readonly unknown[], options: NormalizeOptions): NormalizedRecords {
  const users: RandomUserRecord[] = [];
  const invalid: InvalidRecord[] = [];
  records.forEach((record, index) => {
    const outcome = normalizeRecord(record, options);
    if (outcome.ok) users.push(outcome.user);
    else invalid.push({ index, reason: outcome.reason });
  });
  return { users, invalid };
}
