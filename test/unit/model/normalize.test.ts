import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PII_SALT, hashPii, maskEmail, maskKeepingShape, piiSaltFromEnv } from '../../../src/model/index.js';
import { classifyApiBody, normalizeRecord, normalizeRecords, normalizeUser, rawUserSchema, type RandomUserRecord } from '../../../src/source/index.js';
import { BUILTIN_TOPICS as TOPIC_NAMES, builtinEnvelope, builtinTopic } from '../../../harness/builtin-pipeline.js';

const FIXTURE = new URL('../../fixtures/randomuser-1.4-sample.json', import.meta.url);
const fixtureBody = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { results: Record<string, unknown>[] };
const fixtureRecord = (): Record<string, unknown> => structuredClone(fixtureBody.results[0] as Record<string, unknown>);

/** Returns a copy of the fixture record with `path` set to `value`. */
function withField(path: string, value: unknown): Record<string, unknown> {
  const record = fixtureRecord();
  const keys = path.split('.');
  const last = keys.pop() as string;
  const parent = keys.reduce((node, key) => node[key] as Record<string, unknown>, record);
  parent[last] = value;
  return record;
}

const SECRET_KEYS = ['password', 'salt', 'md5', 'sha1', 'sha256'];
const SECRET_VALUES = ['kathy', 'oXzL1cSS', '801aef5988f82af79e9d3945893e21ad', '90880d9a24ce0981c202b2b973edafea910f0899', '2738615385aefd1c004195b8e7a9c9548c6876f919840069b10f6c3567a79788'];

function expectNoSecrets(value: unknown): void {
  const json = JSON.stringify(value);
  for (const key of SECRET_KEYS) expect(json).not.toContain(`"${key}"`);
  for (const secret of SECRET_VALUES) expect(json).not.toContain(secret);
}

describe('the real fixture', () => {
  const { users, invalid } = normalizeRecords(fixtureBody.results, { pii: 'keep' });
  const user = users[0] as RandomUserRecord;

  it('normalises into the expected canonical record', () => {
    expect(invalid).toEqual([]);
    expect(users).toHaveLength(1);
    expect(user).toEqual({
      gender: 'female',
      name: { title: 'Mrs', first: 'Antonida', last: 'Kaminska' },
      location: {
        street: { number: 7812, name: 'Provulok Pushkina' },
        city: 'Chistyakove',
        state: 'Ternopilska',
        country: 'Ukraine',
        postcode: '68140',
        coordinates: { latitude: 77.9446, longitude: 154.7317 },
        timezone: { offset: '+1:00', description: 'Brussels, Copenhagen, Madrid, Paris' },
      },
      email: 'antonida.kaminska@example.com',
      login: { uuid: '1577ccfc-a3c6-49d0-bb86-ddca8faf0d11', username: 'happyswan852' },
      dob: { date: '1990-04-17T04:05:46.280Z', age: 33 },
      registered: { date: '2015-05-24T00:39:35.317Z', age: 8 },
      phone: '(099) R90-8000',
      cell: '(099) X16-6755',
      national_id: { name: '', value: null },
      picture: {
        large: 'https://randomuser.me/api/portraits/women/51.jpg',
        medium: 'https://randomuser.me/api/portraits/med/women/51.jpg',
        thumbnail: 'https://randomuser.me/api/portraits/thumb/women/51.jpg',
      },
      nat: 'UA',
    });
    expect(typeof user.location.postcode).toBe('string');
  });

  it('keeps no secret in the user, any projection or any envelope, under every PII policy', () => {
    for (const pii of ['keep', 'mask', 'hash'] as const) {
      const normalized = normalizeRecords(fixtureBody.results, { pii, piiSalt: 's' }).users[0] as RandomUserRecord;
      expectNoSecrets(normalized);
      for (const topic of TOPIC_NAMES) {
        expectNoSecrets(builtinTopic(topic).toRecords?.(normalized));
        expectNoSecrets(builtinEnvelope(topic, normalized, { source: 'test', fetchedAt: new Date(0), producedAt: new Date(1) }));
      }
    }
  });
});

describe('API quirks', () => {
  const normalize = (record: unknown) => normalizeRecord(record, { pii: 'keep' });
  const ok = (record: unknown): RandomUserRecord => {
    const outcome = normalize(record);
    if (!outcome.ok) throw new Error(`expected a valid record: ${outcome.reason}`);
    return outcome.user;
  };

  it('keeps a postcode with letters as the string it is', () => {
    expect(ok(withField('location.postcode', 'EC1A 1BB')).location.postcode).toBe('EC1A 1BB');
  });

  it('turns numeric coordinate strings (and numbers) into numbers', () => {
    expect(ok(withField('location.coordinates', { latitude: '-33.8650', longitude: 151 })).location.coordinates).toEqual({ latitude: -33.865, longitude: 151 });
  });

  it('accepts a street number sent as a string', () => {
    expect(ok(withField('location.street.number', '12')).location.street.number).toBe(12);
  });

  it('keeps names in any script', () => {
    const user = ok(withField('name', { title: 'Mr', first: 'Ярополк', last: 'نوروزی' }));
    expect(user.name).toEqual({ title: 'Mr', first: 'Ярополк', last: 'نوروزی' });
  });

  it('keeps a present national id and a null one', () => {
    expect(ok(withField('id', { name: 'SSN', value: '405-29-0984' })).national_id).toEqual({ name: 'SSN', value: '405-29-0984' });
    expect(ok(fixtureRecord()).national_id.value).toBeNull();
  });

  it('turns dates with an offset into ISO-8601 UTC', () => {
    expect(ok(withField('dob.date', '1990-04-17T06:05:46.280+02:00')).dob.date).toBe('1990-04-17T04:05:46.280Z');
  });

  it('drops fields the API may add later (allow-list)', () => {
    const user = ok({ ...fixtureRecord(), token: 'abc', login: { ...(fixtureRecord().login as object), apiKey: 'k' } });
    expect(JSON.stringify(user)).not.toMatch(/token|apiKey/);
  });

  it.each([
    ['login.uuid', undefined, /login\.uuid/],
    ['login.uuid', 'not-a-uuid', /login\.uuid/],
    ['dob.age', 'thirty', /dob\.age/],
    ['location.coordinates.latitude', 'north', /location\.coordinates\.latitude: expected a decimal number/],
    ['registered.date', 'yesterday', /registered\.date: expected a parseable date/],
    ['gender', 'other', /gender/],
    ['location', null, /location/],
  ])('rejects %s = %j with a reason naming the field', (path, value, reason) => {
    const outcome = normalize(withField(path, value));
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? '' : outcome.reason).toMatch(reason);
  });

  it('rejects a coordinate out of range after conversion', () => {
    const outcome = normalize(withField('location.coordinates.latitude', '123.5'));
    expect(outcome).toEqual({ ok: false, reason: expect.stringMatching(/^after normalisation: location\.coordinates\.latitude/) });
  });

  it('normalizeUser throws where normalizeRecord reports', () => {
    const raw = rawUserSchema.parse(withField('location.coordinates.latitude', '123.5'));
    expect(() => normalizeUser(raw, { pii: 'keep' })).toThrow(/latitude/);
  });

  it('reports bad records by index and keeps the good ones', () => {
    const records = [fixtureRecord(), withField('email', 42), 'not an object', withField('login.uuid', '5d1b1d0e-5e3a-4c4e-9a8d-0f2b8c1d2e3f')];
    const { users, invalid } = normalizeRecords(records, { pii: 'keep' });
    expect(users.map((user) => user.login.uuid)).toEqual(['1577ccfc-a3c6-49d0-bb86-ddca8faf0d11', '5d1b1d0e-5e3a-4c4e-9a8d-0f2b8c1d2e3f']);
    expect(invalid.map((entry) => entry.index)).toEqual([1, 2]);
    expect(invalid[0]?.reason).toMatch(/^email:/);
  });
});

describe('response bodies', () => {
  it('classifies users, {error} answers and anything else', () => {
    expect(classifyApiBody(fixtureBody)).toMatchObject({ kind: 'users', info: { seed: '4b371ec2f2f42f0b', version: '1.4' } });
    expect(classifyApiBody({ error: 'Uh oh' })).toEqual({ kind: 'api-error', message: 'Uh oh' });
    expect(classifyApiBody({ results: 'nope' })).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('results') });
    expect(classifyApiBody({ results: [] })).toEqual({ kind: 'users', results: [], info: undefined });
  });
});

describe('PII policy', () => {
  it('masks keeping the shape', () => {
    expect(maskEmail('antonida.kaminska@example.com')).toBe('a***@example.com');
    expect(maskKeepingShape('(099) R90-8000')).toBe('(0**) ***-**00');
    expect(maskKeepingShape('405-29-0984')).toBe('4**-**-**84');
    expect(maskKeepingShape('12')).toBe('**');
  });

  it('applies mask to email, phone, cell and national id', () => {
    const user = normalizeRecord(withField('id', { name: 'SSN', value: '405-29-0984' }), { pii: 'mask' });
    expect(user).toMatchObject({
      ok: true,
      user: { email: 'a***@example.com', phone: '(0**) ***-**00', cell: '(0**) ***-**55', national_id: { value: '4**-**-**84' } },
    });
  });

  it('hashes deterministically with the salt, and the salt matters', () => {
    const hashed = (salt: string) => normalizeRecords([fixtureRecord()], { pii: 'hash', piiSalt: salt }).users[0] as RandomUserRecord;
    const a = hashed('pepper');
    expect(a.email).toMatch(/^[0-9a-f]{64}$/);
    expect(a.email).toBe(hashPii('antonida.kaminska@example.com', 'pepper'));
    expect(hashed('pepper')).toEqual(a);
    expect(hashed('other').email).not.toBe(a.email);
    expect(a.phone).not.toBe(a.cell);
  });

  it('reads the salt from STREAMLINE_PII_SALT with a documented default', () => {
    expect(piiSaltFromEnv({ STREAMLINE_PII_SALT: 'from-env' })).toBe('from-env');
    expect(piiSaltFromEnv({})).toBe(DEFAULT_PII_SALT);
    expect(piiSaltFromEnv({ STREAMLINE_PII_SALT: '' })).toBe(DEFAULT_PII_SALT);
  });
});
