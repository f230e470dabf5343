import { z } from 'zod';
import { describeZodError } from '../../model/zod-error.js';

/**
 * The Random User API's own format, version 1.4, validated as it comes, quirks included:
 * postcode is a number for some nationalities and a string for others, coordinates are strings,
 * `id.value` may be null, names come in many scripts. Unknown keys are stripped (not rejected) so a new
 * API field cannot break ingestion; normalisation then builds its output from an allow-list.
 */

export const RANDOMUSER_FORMAT_VERSION = '1.4';

const text = z.string();
const nonEmpty = z.string().min(1);

/** A number, or a string holding a finite decimal number (the API sends coordinates as strings). */
const numeric = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/, 'expected a decimal number in a string'),
]);

/** An integer, or a string holding one. */
const integral = z.union([z.number().int(), z.string().trim().regex(/^[-+]?\d+$/, 'expected an integer in a string')]);

/** Any date string `Date` can parse; normalisation turns it into ISO-8601 UTC. */
const dateText = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'expected a parseable date');

const dated = z.object({ date: dateText, age: z.number().int().min(0) });

export const rawUserSchema = z.object({
  gender: z.enum(['male', 'female']),
  name: z.object({ title: text, first: text, last: text }),
  location: z.object({
    street: z.object({ number: integral, name: text }),
    city: text,
    state: text,
    country: text,
    postcode: z.union([z.number().int(), z.string()]),
    coordinates: z.object({ latitude: numeric, longitude: numeric }),
    timezone: z.object({ offset: text, description: text }),
  }),
  email: nonEmpty,
  login: z.object({
    uuid: z.uuid(),
    username: nonEmpty,
    // Secrets: accepted so we can recognise a full record, and always dropped by normalisation.
    password: text.optional(),
    salt: text.optional(),
    md5: text.optional(),
    sha1: text.optional(),
    sha256: text.optional(),
  }),
  dob: dated,
  registered: dated,
  phone: text,
  cell: text,
  id: z.object({ name: text, value: z.string().nullable() }),
  picture: z.object({ large: text, medium: text, thumbnail: text }),
  nat: z.string().regex(/^[A-Z]{2}$/, 'expected a two-letter nationality code'),
});

/** One user record as the API sends it (after validation). */
export type RawUser = z.infer<typeof rawUserSchema>;
/** One user record as it may appear on the wire, before validation (e.g. in fixtures and generators). */
export type RawUserInput = z.input<typeof rawUserSchema>;

const apiInfoSchema = z.object({
  seed: z.string(),
  results: z.number().int().min(0),
  page: z.number().int().min(1),
  version: z.string(),
});
export type ApiInfo = z.infer<typeof apiInfoSchema>;

const apiErrorBodySchema = z.object({ error: z.string() });

/** The response envelope; records are validated one by one later, so one bad record can't sink a batch. */
const apiResponseSchema = z.object({ results: z.array(z.unknown()), info: apiInfoSchema.optional() });

export type ApiBody =
  | { readonly kind: 'users'; readonly results: unknown[]; readonly info: ApiInfo | undefined }
  | { readonly kind: 'api-error'; readonly message: string }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Classifies a parsed JSON response body: users, an `{error}` answer, or something else. */
export function classifyApiBody(body: unknown): ApiBody {
  const asError = apiErrorBodySchema.safeParse(body);
  if (asError.success) return { kind: 'api-error', message: asError.data.error };
  const asUsers = apiResponseSchema.safeParse(body);
  if (asUsers.success) return { kind: 'users', results: asUsers.data.results, info: asUsers.data.info };
  return { kind: 'invalid', reason: `not a Random User API response: ${describeZodError(asUsers.error)}` };
}
