import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeRecords, rawUserSchema } from '../../../src/source/index.js';
import {
  API_FIELDS,
  NATIONALITY_CODES,
  ageAt,
  buildApiResponse,
  parseApiQuery,
  serbianLatinToCyrillic,
  startApiServer,
  toAscii,
  type ApiServer,
} from '../../../src/source/index.js';

const FIXTURE = new URL('../../fixtures/randomuser-1.4-sample.json', import.meta.url);
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { results: Record<string, unknown>[]; info: Record<string, unknown> };
const NOW = new Date('2025-06-01T12:00:00Z');
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type User = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Body {
  results: User[];
  info?: { seed: string; results: number; page: number; version: string };
  error?: string;
}

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer({ port: 0, now: () => NOW });
});
afterAll(() => server.close());

async function get(query: string, path = ''): Promise<{ status: number; body: Body }> {
  const response = await fetch(new URL(`${path}?${query}`, server.url));
  return { status: response.status, body: (await response.json()) as Body };
}

/** Key structure of a value: nested objects become their sorted keys. */
function shape(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value === null ? 'null' : typeof value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, shape((value as Record<string, unknown>)[key])]),
  );
}

describe('response format', () => {
  it('has the fixture shape: results + info {seed, results, page, version 1.4}', async () => {
    const { status, body } = await get('results=2&seed=shape&nat=UA');
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['results', 'info']);
    expect(body.info).toEqual({ seed: 'shape', results: 2, page: 1, version: '1.4' });
    // Same nationality as the fixture, so the quirky types (number postcode, null id.value) line up too.
    expect(shape(body.results[0])).toEqual(shape(fixture.results[0]));
    expect(Object.keys(body.results[0] as User)).toEqual(Object.keys(fixture.results[0] as User));
  });

  it('serves /api/1.4/ too, and answers other paths and methods with {error}', async () => {
    expect((await get('results=1', '1.4/')).status).toBe(200);
    const missing = await fetch(new URL('/nope', server.url));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: expect.stringContaining('/nope') });
    const post = await fetch(server.url, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('every generated record is a valid API record and normalises', async () => {
    const { body } = await get('results=500&seed=valid');
    expect(body.results.filter((record) => !rawUserSchema.safeParse(record).success)).toEqual([]);
    expect(normalizeRecords(body.results, { pii: 'keep' }).invalid).toEqual([]);
  });
});

describe('determinism', () => {
  it('same seed + page + nat gives the same users', async () => {
    const a = await get('results=20&seed=abc&page=2&nat=gb,ua');
    const b = await get('results=20&seed=abc&page=2&nat=GB,UA');
    expect(a.body).toEqual(b.body);
  });

  it('user i does not depend on how many were asked for', async () => {
    const few = await get('results=3&seed=prefix');
    const many = await get('results=10&seed=prefix');
    expect(many.body.results.slice(0, 3)).toEqual(few.body.results);
  });

  it('different pages or seeds give different users; uuids are valid v4 and unique', async () => {
    const pages = await Promise.all([1, 2, 3].map((page) => get(`results=500&seed=abc&page=${page}`)));
    const other = await get('results=500&seed=abd');
    const uuids = [...pages, other].flatMap(({ body }) => body.results.map((user) => user.login.uuid as string));
    expect(uuids.every((uuid) => UUID_V4.test(uuid))).toBe(true);
    expect(new Set(uuids).size).toBe(2000);
  });

  it('without a seed, a random one is reported and reproduces the page', async () => {
    const first = await get('results=5');
    const second = await get('results=5');
    expect(first.body.info?.seed).toMatch(/^[0-9a-f]{16}$/);
    expect(first.body.info?.seed).not.toBe(second.body.info?.seed);
    const again = await get(`results=5&seed=${first.body.info?.seed}`);
    expect(again.body.results).toEqual(first.body.results);
  });

  it('ages follow the injected clock, dates only the seed', () => {
    const query = parseApiQuery(new URLSearchParams('results=3&seed=clock'));
    if (!query.ok) throw new Error(query.error);
    const now = buildApiResponse(query.query, NOW);
    const later = buildApiResponse(query.query, new Date('2035-06-01T12:00:00Z'));
    expect(later.results.map((user) => user.dob?.date)).toEqual(now.results.map((user) => user.dob?.date));
    expect(later.results.map((user) => (user.dob?.age ?? 0) - 10)).toEqual(now.results.map((user) => user.dob?.age));
    expect(ageAt(new Date('2000-06-02T00:00:00Z'), NOW)).toBe(24);
    expect(ageAt(new Date('2000-06-01T00:00:00Z'), NOW)).toBe(25);
  });
});

describe('query parameters', () => {
  it.each(['0', '5001', 'abc', '2.5', '-1'])('results=%s is a 400 with {error}', async (results) => {
    const { status, body } = await get(`results=${results}`);
    expect(status).toBe(400);
    expect(body.error).toContain('results must be an integer from 1 to 5000');
  });

  it('results defaults to 1 and allows 5000', async () => {
    expect((await get('seed=x')).body.results).toHaveLength(1);
    expect((await get('seed=x&results=5000&inc=nat')).body.results).toHaveLength(5000);
  });

  it('nat restricts nationalities; an unsupported one is named in the error', async () => {
    const { body } = await get('results=200&seed=n&nat=br,tr');
    expect(new Set(body.results.map((user) => user.nat))).toEqual(new Set(['BR', 'TR']));
    const bad = await get('nat=us,xx');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/unsupported nationality XX; supported: AU, BR/);
  });

  it('supports at least the 20 documented nationalities', () => {
    const documented = 'AU BR CA CH DE DK ES FI FR GB IE IN IR MX NL NO NZ RS TR UA US'.split(' ');
    expect(NATIONALITY_CODES).toEqual(expect.arrayContaining(documented));
  });

  it('gender restricts gender and picture folder', async () => {
    const { body } = await get('results=50&seed=g&gender=female');
    expect(body.results.every((user) => user.gender === 'female' && user.picture.large.includes('/women/'))).toBe(true);
    expect((await get('gender=robot')).status).toBe(400);
  });

  it('inc and exc select top-level fields', async () => {
    const inc = await get('results=2&seed=f&inc=name,nat,login');
    expect(inc.body.results.map((user) => Object.keys(user))).toEqual([
      ['name', 'login', 'nat'],
      ['name', 'login', 'nat'],
    ]);
    const exc = await get('results=1&seed=f&exc=login,id');
    expect(Object.keys(exc.body.results[0] as User)).toEqual(API_FIELDS.filter((field) => field !== 'login' && field !== 'id'));
    expect((await get('inc=name,shoe')).body.error).toMatch(/unknown field\(s\) shoe/);
  });

  it('noinfo drops info', async () => {
    const { body } = await get('results=1&seed=x&noinfo');
    expect(Object.keys(body)).toEqual(['results']);
  });
});

describe('quirks of the real API', () => {
  let users: User[];
  beforeAll(async () => {
    users = (await get('results=3000&seed=quirks')).body.results;
  });
  const of = (nat: string) => users.filter((user) => user.nat === nat);

  it('postcode is a number for US, DE, FR, UA and a string with letters for GB, CA', () => {
    for (const nat of ['US', 'DE', 'FR', 'UA']) {
      expect(of(nat).length).toBeGreaterThan(0);
      expect(of(nat).every((user) => Number.isInteger(user.location.postcode))).toBe(true);
    }
    expect(of('GB').every((user) => /^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$/.test(user.location.postcode))).toBe(true);
    expect(of('CA').every((user) => /^[A-Z]\d[A-Z] \d[A-Z]\d$/.test(user.location.postcode))).toBe(true);
  });

  it('coordinates are numeric strings within range', () => {
    for (const { location } of users) {
      expect(typeof location.coordinates.latitude).toBe('string');
      expect(Math.abs(Number(location.coordinates.latitude))).toBeLessThanOrEqual(90);
      expect(Math.abs(Number(location.coordinates.longitude))).toBeLessThanOrEqual(180);
    }
  });

  it('id.value is null for some nationalities and set for others', () => {
    expect(of('UA').every((user) => user.id.value === null && user.id.name === '')).toBe(true);
    expect(of('US').every((user) => /^\d{3}-\d{2}-\d{4}$/.test(user.id.value) && user.id.name === 'SSN')).toBe(true);
  });

  it('secrets are present, as the real API sends them', () => {
    for (const { login } of users.slice(0, 50)) {
      expect(Object.keys(login)).toEqual(['uuid', 'username', 'password', 'salt', 'md5', 'sha1', 'sha256']);
      expect(login.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('names come in several scripts', () => {
    const script = (nat: string, pattern: RegExp) => of(nat).every((user) => pattern.test(user.name.first) && pattern.test(user.name.last));
    expect(script('UA', /\p{Script=Cyrillic}/u)).toBe(true);
    expect(script('RS', /\p{Script=Cyrillic}/u)).toBe(true);
    expect(script('IR', /\p{Script=Arabic}/u)).toBe(true);
    expect(script('IN', /\p{Script=Devanagari}/u)).toBe(true);
    expect(script('US', /^[\p{Script=Latin}' -]+$/u)).toBe(true);
  });

  it('emails are ASCII, transliterated from Cyrillic names', () => {
    expect(users.every((user) => /^[a-z0-9.]+@example\.com$/.test(user.email))).toBe(true);
    expect(serbianLatinToCyrillic('Ljubomir Đorđević')).toBe('Љубомир Ђорђевић');
    expect(toAscii('Гнатишина')).toBe('hnatyshyna');
    expect(toAscii('نوروزی')).toBeUndefined();
  });
});
