import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeConfig, jaasConfig, kafkaSasl, knownSecrets, loadConfig, redactText } from '../../../src/config/index.js';

const dir = () => mkdtempSync(join(tmpdir(), 'streamline-security-'));

describe('kafka.sasl from env and files', () => {
  it('builds the section from STREAMLINE_KAFKA_SASL_* and masks the password in --print-config', () => {
    const config = loadConfig({
      cwd: dir(),
      env: { STREAMLINE_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', STREAMLINE_KAFKA_SASL_USERNAME: 'app', STREAMLINE_KAFKA_SASL_PASSWORD: 'kafka-pw-0123456789' },
    });
    expect(kafkaSasl(config)).toEqual({ mechanism: 'SCRAM-SHA-512', username: 'app', password: 'kafka-pw-0123456789' });
    const printed = describeConfig(config);
    expect(printed).toContain('"username": "app"');
    expect(printed).not.toContain('kafka-pw-0123456789');
  });

  it('reads the password from kafka.sasl.passwordFile; no section without env', () => {
    const cwd = dir();
    const file = join(cwd, 'kafka-password');
    writeFileSync(file, 'from-file-password\n');
    writeFileSync(join(cwd, 'streamline.config.json'), JSON.stringify({ kafka: { sasl: { mechanism: 'SCRAM-SHA-256', username: 'app', passwordFile: file } } }));
    expect(kafkaSasl(loadConfig({ cwd, env: {} }))?.password).toBe('from-file-password');
    expect(loadConfig({ cwd: dir(), env: {} }).kafka.sasl).toBeUndefined();
  });

  it('names the key when the password is missing or the mechanism unknown', () => {
    expect(() => loadConfig({ cwd: dir(), env: { STREAMLINE_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', STREAMLINE_KAFKA_SASL_USERNAME: 'app' } })).toThrow(/kafka\.sasl.*STREAMLINE_KAFKA_SASL_PASSWORD/s);
    expect(() => loadConfig({ cwd: dir(), env: { STREAMLINE_KAFKA_SASL_MECHANISM: 'PLAIN', STREAMLINE_KAFKA_SASL_USERNAME: 'a', STREAMLINE_KAFKA_SASL_PASSWORD: 'b' } })).toThrow(/kafka\.sasl\.mechanism \(env STREAMLINE_KAFKA_SASL_MECHANISM\)/);
  });

  it('escapes the JAAS line', () => {
    expect(jaasConfig({ mechanism: 'SCRAM-SHA-512', username: 'a"b', password: 'p\\q' })).toBe(
      'org.apache.kafka.common.security.scram.ScramLoginModule required username="a\\"b" password="p\\\\q";',
    );
  });
});

describe('unsafe combinations refused', () => {
  it('refuses credentials in a config file, naming the key and not echoing the value', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'streamline.config.json'), JSON.stringify({ kafka: { sasl: { mechanism: 'SCRAM-SHA-512', username: 'app', password: 'in-file-secret' } } }));
    expect(() => loadConfig({ cwd, env: {} })).toThrow(/kafka\.sasl\.password.*STREAMLINE_KAFKA_SASL_PASSWORD/);
    writeFileSync(join(cwd, 'streamline.config.json'), JSON.stringify({ mongo: { uri: 'mongodb://app:in-file-secret@mongo:27017/' } }));
    let message = '';
    try {
      loadConfig({ cwd, env: {} });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/mongo\.uri.*STREAMLINE_MONGO_URI/);
    expect(message).not.toContain('in-file-secret');
    writeFileSync(join(cwd, 'streamline.config.json'), JSON.stringify({ mongo: { uri: 'mongodb://mongo:27017/' } }));
    expect(loadConfig({ cwd, env: {} }).mongo.uri).toBe('mongodb://mongo:27017/');
  });

  it('an invalid URI in env is reported without its password', () => {
    expect(() => loadConfig({ cwd: dir(), env: { STREAMLINE_MONGO_URI: 'mongo://app:env-secret@x' } })).toThrow(/mongo\.uri.*got "mongo:\/\/app:\*\*\*@x"/);
  });
});

describe('redactText', () => {
  it('masks every URI password, JAAS password and known secret, also percent-decoded', () => {
    const env = { STREAMLINE_MONGO_URI: 'mongodb://app:p%40ss-word-1@mongo/', STREAMLINE_DASHBOARD_TOKEN: 'dash-token-abcdef', STREAMLINE_KAFKA_SASL_PASSWORD: 'sasl-secret-xyz' };
    const secrets = knownSecrets(undefined, env);
    expect(secrets).toEqual(expect.arrayContaining(['p%40ss-word-1', 'p@ss-word-1', 'dash-token-abcdef', 'sasl-secret-xyz']));
    const text = 'connect mongodb://other:zzz@h failed; pw p@ss-word-1; token=dash-token-abcdef; jaas password="sasl-secret-xyz"; sasl-secret-xyz';
    const out = redactText(text, secrets);
    for (const s of ['zzz', 'p@ss-word-1', 'dash-token-abcdef', 'sasl-secret-xyz']) expect(out).not.toContain(s);
    expect(out).toContain('mongodb://other:***@h');
  });
});
