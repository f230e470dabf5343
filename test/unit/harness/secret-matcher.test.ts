import { describe, expect, it } from 'vitest';
import { MIN_SUBSTRING_LENGTH, secretMatcher } from '../../../harness/secret-matcher.js';
import { appendSecretsLog, parseSecretsLog, servedSecrets } from '../../../src/source/randomuser/secrets-log.js';
import { generateUsers } from '../../../src/source/randomuser/generate.js';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sha256 = 'a3f1c0de9b8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a392817060000';

describe('secretMatcher', () => {
  it('finds long secrets anywhere, even glued to other characters', () => {
    const m = secretMatcher([sha256]);
    expect(m.find(Buffer.from(`{"x":"${sha256}"}`))).toEqual([sha256]);
    expect(m.find(Buffer.from(`prefix${sha256}suffix`))).toEqual([sha256]);
    expect(m.find(Buffer.from(sha256.slice(0, 40)))).toEqual([]);
  });

  it('finds short secrets only as a whole word, so a password inside an unrelated word is no hit', () => {
    const m = secretMatcher(['tiger', 'Xy7kQ2pa']);
    expect(m.find('{"password":"tiger"}')).toEqual(['tiger']);
    expect(m.find('lazytiger12 and tigers')).toEqual([]);
    expect(m.find('salt=Xy7kQ2pa;')).toEqual(['Xy7kQ2pa']);
  });

  it('scans binary and invalid UTF-8 bytes; reports each secret once per buffer', () => {
    const m = secretMatcher([sha256, 'tiger']);
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), Buffer.from(`${sha256} tiger tiger`), Buffer.from([0xc3])]);
    expect(m.find(bytes).sort()).toEqual([sha256, 'tiger'].sort());
  });

  it('handles secrets with punctuation and non-ASCII characters', () => {
    const m = secretMatcher(['p@ss!', 'contraseña']);
    expect(m.find(Buffer.from('{"v":"p@ss!"}'))).toEqual(['p@ss!']);
    expect(m.find(Buffer.from('xp@ss!'))).toEqual([]);
    expect(m.find(Buffer.from('{"v":"contraseña"}', 'utf8'))).toEqual(['contraseña']);
  });

  it('the substring rule starts at the documented length', () => {
    const exact = 'b'.repeat(MIN_SUBSTRING_LENGTH);
    expect(secretMatcher([exact]).find(`a${exact}a`)).toEqual([exact]);
    expect(secretMatcher([exact.slice(1)]).find(`a${exact}a`)).toEqual([]);
  });
});

describe('secrets log', () => {
  it('logs every secret field of the served records and reads them back, distinct', () => {
    const users = generateUsers({ seed: 'secrets-log', page: 1, results: 3, nats: [], now: new Date('2025-01-01T00:00:00Z') });
    const lines = servedSecrets(users);
    expect(lines).toHaveLength(15);
    expect(new Set(lines.map((l) => l.field))).toEqual(new Set(['password', 'salt', 'md5', 'sha1', 'sha256']));
    expect(servedSecrets([{ name: 'no login' }, null])).toEqual([]);

    const file = join(mkdtempSync(join(tmpdir(), 'secrets-log-')), 'secrets.jsonl');
    appendSecretsLog(file, users);
    appendSecretsLog(file, users);
    expect(statSync(file).mode & 0o077).toBe(0);
    const values = parseSecretsLog(readFileSync(file, 'utf8'));
    expect(values.sort()).toEqual([...new Set(lines.map((l) => l.value))].sort());
    expect(values).toContain(users[0]?.login.sha256);
  });
});
