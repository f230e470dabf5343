// Issue 22: every credential form we accept is redacted wherever we write (patterns and known values),
// refused in config files, and kept out of the pipeline's state file.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSparkConnectUrl } from '../../../packages/spark-connect/src/client/url.js';
import { describeConfig, knownSecrets, loadConfig, redactText, redactUri } from '../../../src/config/index.js';
import { savePipelineSession, sessionFile } from '../../../src/stream/session-file.js';

const TOKEN = 'spark-token-9f8e7d6c5b4a';
const dir = () => mkdtempSync(join(tmpdir(), 'streamline-forms-'));

describe('credential forms', () => {
  it('masks a Spark Connect ;token= in --print-config and knows its value', () => {
    const env = { STREAMLINE_SPARK_REMOTE: `sc://spark.example:15002/;use_ssl=true;token=${TOKEN};user_id=me` };
    const config = loadConfig({ cwd: dir(), env });
    const printed = describeConfig(config);
    expect(printed).toContain('sc://spark.example:15002/;use_ssl=true;token=***;user_id=me');
    expect(printed).not.toContain(TOKEN);
    expect(knownSecrets(config, env)).toContain(TOKEN);
  });

  it('redacts each pattern in free text: URI passwords, JAAS, ;token=, ?token=, Bearer', () => {
    const text = [
      'mongodb://app:pw-1234567@mongo:27017/',
      'org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="pw-jaas-999";',
      `sc://h:1/;token=${TOKEN}`,
      `http://127.0.0.1:3000/login?token=${TOKEN}&x=1`,
      `authorization: Bearer ${TOKEN}`,
    ].join('\n');
    const out = redactText(text, []);
    for (const secret of ['pw-1234567', 'pw-jaas-999', TOKEN]) expect(out).not.toContain(secret);
    expect(out).toContain('login?token=***&x=1');
    expect(out).toContain('Bearer ***');
    expect(redactUri(`sc://h:1/;token=${TOKEN}`)).toBe('sc://h:1/;token=***');
  });

  it('the Spark Connect client names a bad URL without its token', () => {
    expect(() => parseSparkConnectUrl(`sc://h:99999/;token=${TOKEN}`)).toThrow(/invalid Spark Connect URL 'sc:\/\/h:99999\/;token=\*\*\*': port 99999 out of range/);
    expect(() => parseSparkConnectUrl(`sc://h:1/;token${TOKEN}`)).toThrow(/is not key=value/);
  });

  it('refuses a token in spark.remote and credentials in api.url inside a config file, naming the key', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'streamline.config.json'), JSON.stringify({ spark: { remote: `sc://h:1/;token=${TOKEN}` }, api: { url: 'https://user:pw-in-url-1@api.example/api/' } }));
    expect(() => loadConfig({ cwd, env: {} })).toThrow(/spark\.remote \(holds a ;token=; set env STREAMLINE_SPARK_REMOTE instead\); api\.url \(holds a password or token/);
  });

  it('the state file run/stream.json keeps the remote without its token, readable only by its owner', () => {
    const stateDir = dir();
    savePipelineSession(stateDir, { sessionId: 's', remote: `sc://h:1/;token=${TOKEN}`, startedAt: 'now', queries: [] });
    const text = readFileSync(sessionFile(stateDir), 'utf8');
    expect(text).not.toContain(TOKEN);
    expect(text).toContain('sc://h:1/;token=***');
    expect(statSync(sessionFile(stateDir)).mode & 0o077).toBe(0);
  });
});
