import { createHash } from 'node:crypto';
import { Faker } from '@faker-js/faker';
import type { RawUserInput } from './raw.js';
import { NATIONALITIES, TIMEZONES, nationality, type Nationality } from './nationalities.js';
import { digest, uuidFromBytes } from '../random.js';
import { serbianLatinToCyrillic, toAscii } from './transliterate.js';

export type Gender = 'male' | 'female';

/** A generated record: the API's full shape, secrets included (the real API sends them too). */
export type GeneratedUser = RawUserInput & {
  login: { password: string; salt: string; md5: string; sha1: string; sha256: string };
};

export interface GenerateOptions {
  readonly seed: string;
  readonly page: number;
  readonly results: number;
  /** Nationality codes to draw from; empty means all supported. */
  readonly nats?: readonly string[];
  readonly gender?: Gender;
  /** Ages are computed against this instant; dates themselves depend only on the seed. */
  readonly now: Date;
}

/**
 * Dates are drawn relative to this fixed instant, not the clock, so the same seed gives the same dates
 * forever; only the derived ages move with `now`.
 */
const DATE_REFERENCE = Date.UTC(2025, 0, 1);
const YEAR_MS = 365.2425 * 24 * 3600 * 1000;

const ADJECTIVES = ['happy', 'sad', 'angry', 'lazy', 'heavy', 'tiny', 'big', 'black', 'white', 'red', 'blue', 'green', 'yellow', 'purple', 'brown', 'orange', 'silver', 'golden', 'crazy', 'organic', 'ticklish', 'beautiful'];
const ANIMALS = ['swan', 'bird', 'cat', 'dog', 'tiger', 'lion', 'bear', 'rabbit', 'panda', 'frog', 'goose', 'koala', 'leopard', 'peacock', 'butterfly', 'fish', 'gorilla', 'elephant', 'wolf', 'snake', 'duck', 'ladybug', 'meercat', 'mouse', 'ostrich', 'zebra'];
const MALE_TITLES = ['Mr'];
const FEMALE_TITLES = ['Mrs', 'Ms', 'Miss'];
const FRENCH_TITLES: Record<Gender, string[]> = { male: ['Monsieur'], female: ['Madame', 'Mademoiselle'] };

const fakers = new Map<string, Faker>();

/** One Faker per nationality, reused and re-seeded per user; safe because generation is synchronous. */
function fakerFor(nat: Nationality): Faker {
  let faker = fakers.get(nat.code);
  if (!faker) {
    faker = new Faker({ locale: [...nat.locales] });
    fakers.set(nat.code, faker);
  }
  return faker;
}

/** Full years from `date` to `now`. */
export function ageAt(date: Date, now: Date): number {
  let age = now.getUTCFullYear() - date.getUTCFullYear();
  const beforeBirthday =
    now.getUTCMonth() < date.getUTCMonth() || (now.getUTCMonth() === date.getUTCMonth() && now.getUTCDate() < date.getUTCDate());
  if (beforeBirthday) age -= 1;
  return Math.max(0, age);
}

const hex = (algorithm: string, text: string): string => createHash(algorithm).update(text).digest('hex');

function title(faker: Faker, nat: Nationality, gender: Gender): string {
  const french = (nat.code === 'FR' || nat.code === 'CH') && faker.datatype.boolean({ probability: 0.5 });
  if (french) return faker.helpers.arrayElement(FRENCH_TITLES[gender]);
  return faker.helpers.arrayElement(gender === 'male' ? MALE_TITLES : FEMALE_TITLES);
}

function postcode(faker: Faker, nat: Nationality): number | string {
  const spec = nat.postcode;
  if (spec.kind === 'string') return faker.helpers.replaceSymbols(faker.helpers.arrayElement(spec.patterns));
  // No leading zero: a JSON number could not keep it, and the real API never sends one.
  return faker.number.int({ min: 10 ** (spec.digits - 1), max: 10 ** spec.digits - 1 });
}

function dated(faker: Faker, minYears: number, maxYears: number, now: Date): { date: string; age: number } {
  const date = faker.date.between({ from: DATE_REFERENCE - maxYears * YEAR_MS, to: DATE_REFERENCE - minYears * YEAR_MS });
  return { date: date.toISOString(), age: ageAt(date, now) };
}

function email(first: string, last: string, username: string): string {
  const asciiFirst = toAscii(first);
  const asciiLast = toAscii(last);
  // Persian or Devanagari names: fall back to the username rather than transliterate badly.
  return asciiFirst && asciiLast ? `${asciiFirst}.${asciiLast}@example.com` : `${username}@example.com`;
}

/** Per-user entropy: everything about user `index` follows from these 32 bytes. */
function userBytes(options: GenerateOptions, index: number): Buffer {
  const natsKey = [...(options.nats ?? [])].map((code) => code.toUpperCase()).sort().join(',');
  return digest('randomuser', options.seed, options.page, index, natsKey, options.gender ?? '');
}

function candidates(nats: readonly string[] | undefined): readonly Nationality[] {
  if (!nats || nats.length === 0) return NATIONALITIES;
  return nats.map((code) => {
    const found = nationality(code);
    if (!found) throw new Error(`unsupported nationality ${JSON.stringify(code)}`);
    return found;
  });
}

/** User number `index` (0-based) of the page; a pure function of the options and the index. */
function generateUser(options: GenerateOptions, index: number): GeneratedUser {
  const bytes = userBytes(options, index);
  const pool = candidates(options.nats);
  const nat = pool[bytes.readUInt32BE(16) % pool.length] as Nationality;
  const gender: Gender = options.gender ?? ((bytes[31] as number) & 1 ? 'female' : 'male');
  const faker = fakerFor(nat);
  faker.seed([bytes.readUInt32BE(20), bytes.readUInt32BE(24), bytes.readUInt32BE(28)]);

  const latinFirst = faker.person.firstName(gender);
  const latinLast = faker.person.lastName(gender);
  const script = nat.nameScript === 'latin-to-cyrillic' ? serbianLatinToCyrillic : (name: string) => name;
  const username = `${faker.helpers.arrayElement(ADJECTIVES)}${faker.helpers.arrayElement(ANIMALS)}${faker.number.int({ min: 100, max: 999 })}`;
  const password = faker.internet.password({ length: faker.number.int({ min: 5, max: 10 }), memorable: true });
  const salt = faker.string.alphanumeric(8);
  const portrait = faker.number.int({ min: 0, max: 99 });
  const folder = gender === 'female' ? 'women' : 'men';

  return {
    gender,
    name: { title: title(faker, nat, gender), first: script(latinFirst), last: script(latinLast) },
    location: {
      street: { number: faker.number.int({ min: 1, max: 9999 }), name: faker.location.street() },
      city: nat.cities ? faker.helpers.arrayElement(nat.cities) : faker.location.city(),
      state: nat.states ? faker.helpers.arrayElement(nat.states) : faker.location.state(),
      country: nat.country,
      postcode: postcode(faker, nat),
      // The API sends coordinates as strings; keep that quirk.
      coordinates: {
        latitude: String(faker.location.latitude({ precision: 4 })),
        longitude: String(faker.location.longitude({ precision: 4 })),
      },
      timezone: { ...faker.helpers.arrayElement(TIMEZONES) },
    },
    email: email(latinFirst, latinLast, username),
    login: {
      uuid: uuidFromBytes(bytes),
      username,
      password,
      salt,
      md5: hex('md5', password + salt),
      sha1: hex('sha1', password + salt),
      sha256: hex('sha256', password + salt),
    },
    dob: dated(faker, 18, 80, options.now),
    registered: dated(faker, 0, 21, options.now),
    phone: faker.helpers.replaceSymbols(faker.helpers.arrayElement(nat.phone)),
    cell: faker.helpers.replaceSymbols(faker.helpers.arrayElement(nat.phone)),
    id: nat.nationalId
      ? { name: nat.nationalId.name, value: faker.helpers.replaceSymbols(nat.nationalId.pattern) }
      : { name: '', value: null },
    picture: {
      large: `https://randomuser.me/api/portraits/${folder}/${portrait}.jpg`,
      medium: `https://randomuser.me/api/portraits/med/${folder}/${portrait}.jpg`,
      thumbnail: `https://randomuser.me/api/portraits/thumb/${folder}/${portrait}.jpg`,
    },
    nat: nat.code,
  };
}

/** A page of users, deterministic in (seed, page, nats, gender): user i does not depend on `results`. */
export function generateUsers(options: GenerateOptions): GeneratedUser[] {
  return Array.from({ length: options.results }, (_, index) => generateUser(options, index));
}
