import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseEnvelope } from '../../../src/model/index.js';
import { normalizeUser, rawUserSchema } from '../../../src/source/index.js';
import { builtinEnvelope, builtinTopic } from '../../../harness/builtin-pipeline.js';
import { poisonRecord, POISON_KINDS } from '../../../faults/poison.js';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/randomuser-1.4-sample.json', import.meta.url), 'utf8')) as { results: unknown[] };
const user = normalizeUser(rawUserSchema.parse(fixture.results[0]), { pii: 'keep' });
const envelope = builtinEnvelope('users.profile', user, { source: 'test', fetchedAt: new Date(0), producedAt: new Date(0) });
const valid = { key: user.login.uuid, envelope };
const other = '00000000-0000-4000-8000-000000000000';

describe('poison records', () => {
  it('cycles through every kind, each invalid for the topic: an unparseable envelope, or a key that is not its id', () => {
    const records = POISON_KINDS.map((_, i) => poisonRecord(i, valid, other));
    expect(new Set(records.map((r) => r.kind)).size).toBe(POISON_KINDS.length);
    for (const record of records) {
      const parsed = (() => {
        try {
          return record.value === undefined ? undefined : parseEnvelope(builtinTopic('users.profile').schema, record.value.toString('utf8'));
        } catch {
          return undefined;
        }
      })();
      const isValidRecord = parsed !== undefined && record.key === parsed.id && record.value !== undefined && Buffer.from(record.value.toString('utf8')).equals(record.value);
      expect(isValidRecord, record.kind).toBe(false);
    }
  });

  it('makes the big one 900 KB and the invalid-UTF-8 one really not UTF-8', () => {
    const big = POISON_KINDS.findIndex((k) => k.kind === '900 KB');
    expect(poisonRecord(big, valid, other).value?.length).toBeGreaterThan(900 * 1024);
    const utf8 = POISON_KINDS.findIndex((k) => k.kind === 'invalid UTF-8');
    const bytes = poisonRecord(utf8, valid, other).value as Buffer;
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
  });
});
