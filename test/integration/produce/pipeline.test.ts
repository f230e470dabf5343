// `streamline produce --pipeline <file>` end to end on the shared broker, the CLI as a user runs it with a
// pipeline file outside the repository (importing 'streamline/pipeline'): a file source, a run stopped by
// its count and a second run resuming at the stored source position (every record once on every topic);
// and a pipeline of its own on the randomUser source (the local API started for the run).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../harness/cli.js';
import { readTopicLogs } from '../../support/kafka-log.js';
import { testServices, uniqueName } from '../../support/services.js';

const dir = mkdtempSync(join(tmpdir(), 'streamline-produce-pipeline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ITEMS = 23;
const BAD_LINE = 9;

function writePipeline(items: string, parts: string): string {
  const lines = Array.from({ length: ITEMS }, (_, i) => (i + 1 === BAD_LINE ? '{"id": "r9", "n": "nine"}' : JSON.stringify({ id: `r${i + 1}`, n: i + 1, token: 'secret-value' })));
  writeFileSync(join(dir, 'items.ndjson'), `${lines.join('\n')}\n`);
  const file = join(dir, 'items.pipeline.ts');
  writeFileSync(
    file,
    `import { definePipeline, file, integer, string } from 'streamline/pipeline';

export default definePipeline({
  name: 'items',
  source: file({ path: 'items.ndjson', format: 'ndjson', record: { id: string(), n: integer() } }),
  key: 'id',
  topics: {
    '${items}': { fields: { id: string(), n: integer() } },
    '${parts}': {
      fields: { id: string(), part: integer() },
      key: ['id', 'part'],
      explode: (record, make) => Array.from({ length: record.n % 3 }, (_, part) => make({ id: record.id, part })),
    },
  },
  sink: { collections: { '${parts}': { write: 'insert' } } },
});
`,
  );
  return file;
}

describe('streamline produce --pipeline (a file source)', () => {
  it('stops at its count, resumes at the stored position, and sends every valid record once', async () => {
    const items = uniqueName('pipeline_items');
    const parts = uniqueName('pipeline_parts');
    const file = writePipeline(items, parts);
    const stateDir = join(dir, 'state');
    const args = ['produce', '--pipeline', file, '--kafka', testServices().kafkaBootstrap, '--state-dir', stateDir, '--batch-size', '5'];

    const first = await runCli([...args, '--count', '12'], {}, 120_000);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('position kept in');
    expect(first.stdout).toMatch(/count reached/);
    expect(first.stderr).toContain(`items.ndjson:${BAD_LINE}: n:`);
    const position = JSON.parse(readFileSync(join(stateDir, 'items', 'source-position.json'), 'utf8')) as unknown;
    // 12 valid records are the first 13 lines (line 9 is rejected): pages of five, the third read to its third line.
    expect(position).toEqual({ from: { kind: 'file', file: 'items.ndjson', line: 10 }, skip: 3 });

    const second = await runCli(args, {}, 120_000);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('resuming at');
    expect(second.stdout).toContain('the source has no more records');

    const valid = Array.from({ length: ITEMS }, (_, i) => i + 1).filter((n) => n !== BAD_LINE);
    const logs = await readTopicLogs(testServices().kafkaBootstrap, [items, parts]);
    const keys = (topic: string) => (logs.get(topic)?.messages ?? []).map((m) => m.key).sort();
    expect(keys(items)).toEqual(valid.map((n) => `r${n}`).sort());
    expect(keys(parts)).toEqual(valid.flatMap((n) => Array.from({ length: n % 3 }, (_, part) => `r${n}/${part}`)).sort());
    const values = (logs.get(items)?.messages ?? []).map((m) => JSON.parse(m.value ?? '{}') as { id: string; source: string; data: unknown });
    expect(values.find((v) => v.id === 'r1')).toMatchObject({ source: 'file:items.ndjson', data: { id: 'r1', n: 1 } });
    expect(JSON.stringify(values)).not.toContain('secret-value');
  }, 300_000);
});

describe('streamline produce --pipeline (a randomUser source of its own)', () => {
  it('produces its own topics from the local API, started for the run, keyed by the pipeline key', async () => {
    const profile = uniqueName('people_profile');
    const account = uniqueName('people_account');
    const file = join(dir, 'people.pipeline.ts');
    writeFileSync(
      file,
      `import { definePipeline, integer, object, randomUser, string, timestamp } from 'streamline/pipeline';

export default definePipeline({
  name: 'people',
  source: randomUser(),
  key: 'login.uuid',
  pii: { email: 'email' },
  topics: {
    '${profile}': {
      fields: { name: object({ first: string(), last: string() }), email: string({ minLength: 1 }) },
      project: (person, make) => make({ name: { first: person.name.first, last: person.name.last }, email: person.email }),
    },
    '${account}': {
      fields: { username: string({ minLength: 1 }), registered: object({ date: timestamp(), age: integer({ minimum: 0 }) }) },
      project: (person, make) => make({ username: person.login.username, registered: { ...person.registered } }),
    },
  },
});
`,
    );
    const stateDir = join(dir, 'people-state');
    const run = await runCli(['produce', '--pipeline', file, '--kafka', testServices().kafkaBootstrap, '--state-dir', stateDir, '--count', '30', '--seed', 'people', '--pii', 'mask'], {}, 120_000);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/from randomUser GET http:\/\/127\.0\.0\.1:\d+\/api\/ \(seed people/);
    expect(run.stdout).toContain('count reached');
    expect(existsSync(join(stateDir, 'people', 'source-position.json'))).toBe(false);
    const logs = await readTopicLogs(testServices().kafkaBootstrap, [profile, account]);
    const keys = (topic: string) => (logs.get(topic)?.messages ?? []).map((m) => m.key);
    expect(new Set(keys(profile)).size).toBe(30);
    expect(keys(account).sort()).toEqual(keys(profile).sort());
    for (const key of keys(profile)) expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const emails = (logs.get(profile)?.messages ?? []).map((m) => (JSON.parse(m.value ?? '{}') as { data: { email: string } }).data.email);
    expect(emails.every((email) => /^.\*\*\*@/.test(email))).toBe(true);
  }, 300_000);
});
