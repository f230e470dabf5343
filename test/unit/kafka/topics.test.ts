import { MultipleErrors, NetworkError, ProtocolError, type CreateTopicsOptions } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { bootstrapList, ensureTopics, isKafkaUnreachable, type TopicAdmin } from '../../../src/kafka/index.js';
import { metadataFor } from './client-fakes.js';

describe('ensureTopics', () => {
  function fakeAdmin(existing: Record<string, number>, options: { raceOn?: string; leaderlessPolls?: number } = {}) {
    const created: CreateTopicsOptions[] = [];
    const topics = { ...existing };
    let polls = 0;
    const admin: TopicAdmin = {
      listTopics: async () => Object.keys(topics),
      createTopics: async (request) => {
        created.push(request);
        const name = request.topics[0] as string;
        if (name === options.raceOn) {
          topics[name] = 3;
          throw new MultipleErrors('Received response with error while executing API CreateTopics(v7)', [new ProtocolError('TOPIC_ALREADY_EXISTS')]);
        }
        topics[name] = request.partitions as number;
        return [];
      },
      metadata: async ({ topics: wanted }) => {
        polls++;
        const leader = polls <= (options.leaderlessPolls ?? 0) ? -1 : 1;
        return metadataFor(Object.fromEntries(wanted.map((t) => [t, topics[t] ?? 0])), leader);
      },
    };
    return {
      admin,
      created,
      get polls() {
        return polls;
      },
    };
  }
  const settings = { partitions: 3, replicationFactor: 1, minInsyncReplicas: 1 };
  const quiet = { warn: () => {} };

  it('creates missing topics with min.insync.replicas and keeps existing ones', async () => {
    const fake = fakeAdmin({ 'users.profile': 3 });
    const report = await ensureTopics(fake.admin, ['users.profile', 'users.contact'], settings, quiet);
    expect(report).toEqual({ created: ['users.contact'], existing: ['users.profile'], warnings: [] });
    expect(fake.created).toEqual([{ topics: ['users.contact'], partitions: 3, replicas: 1, configs: [{ name: 'min.insync.replicas', value: '1' }] }]);
  });

  it('tolerates a topic created concurrently by someone else', async () => {
    const fake = fakeAdmin({}, { raceOn: 'users.profile' });
    const report = await ensureTopics(fake.admin, ['users.profile'], settings, quiet);
    expect(report).toMatchObject({ created: [], existing: ['users.profile'] });
  });

  it('warns when an existing topic has other partitions', async () => {
    const warnings: string[] = [];
    const fake = fakeAdmin({ 'users.profile': 1 });
    const report = await ensureTopics(fake.admin, ['users.profile'], settings, { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual(['topic users.profile exists with 1 partitions, configured 3; using it as it is']);
    expect(report.warnings).toEqual(warnings);
  });

  it('waits until every partition has a leader', async () => {
    const fake = fakeAdmin({}, { leaderlessPolls: 2 });
    await ensureTopics(fake.admin, ['users.profile'], settings, quiet);
    expect(fake.polls).toBe(3);
  });

  it('refuses settings where acks=all could never succeed', async () => {
    const fake = fakeAdmin({});
    await expect(ensureTopics(fake.admin, ['t'], { partitions: 3, replicationFactor: 1, minInsyncReplicas: 2 })).rejects.toThrow(
      /minInsyncReplicas \(2\) must not exceed replicationFactor \(1\)/,
    );
    await expect(ensureTopics(fake.admin, ['t'], { partitions: 0, replicationFactor: 1, minInsyncReplicas: 1 })).rejects.toThrow(/partitions/);
  });
});

describe('Kafka connection helpers', () => {
  it('bootstrapList splits and trims, and rejects nothing', () => {
    expect(bootstrapList('a:1, b:2')).toEqual(['a:1', 'b:2']);
    expect(bootstrapList(['a:1'])).toEqual(['a:1']);
    expect(() => bootstrapList(' , ')).toThrow(/bootstrap servers/);
  });

  it('isKafkaUnreachable: network failures anywhere in the client error, not protocol errors or other errors', () => {
    expect(isKafkaUnreachable(new MultipleErrors('listTopics failed 4 times.', [new NetworkError('Connection failed')]))).toBe(true);
    expect(isKafkaUnreachable(new ProtocolError('TOPIC_AUTHORIZATION_FAILED'))).toBe(false);
    expect(isKafkaUnreachable(new Error('connect ECONNREFUSED'))).toBe(false);
  });
});
