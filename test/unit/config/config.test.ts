import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { ConfigError } from '../../../src/core/errors.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'streamline-config-'));

describe('loadConfig', () => {
  it('applies defaults < file < env < flags', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'streamline.config.json'), JSON.stringify({ kafka: { port: 1111, heap: '1g' }, spark: { port: 2222 } }));
    const config = loadConfig({
      cwd: dir,
      env: { STREAMLINE_KAFKA_PORT: '3333', STREAMLINE_TOPICS: 'a, b', STREAMLINE_SPARK_DRIVER_MEMORY: '3g' },
      overrides: { kafka: { port: 4444 } },
    });
    expect(config.kafka.port).toBe(4444);
    expect(config.kafka.heap).toBe('1g');
    expect(config.spark.port).toBe(2222);
    expect(config.spark.driverMemory).toBe('3g');
    expect(config.topics).toEqual(['a', 'b']);
    expect(config.mongo.port).toBe(27017);
    expect(config.stateDir).toBe(join(dir, '.streamline'));
    expect(config.artifactsDir).toBe(config.stateDir);
  });

  it('defaults topics to none named: every topic of the pipeline', () => {
    expect(loadConfig({ cwd: scratch(), env: {} }).topics).toEqual([]);
  });

  it('refuses the renamed produce.dedupeWindowUsers, in a file or the environment, naming produce.dedupeWindowKeys', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'streamline.config.json'), JSON.stringify({ produce: { dedupeWindowUsers: 500 } }));
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrowError(/config key produce\.dedupeWindowUsers was renamed produce\.dedupeWindowKeys \(env STREAMLINE_PRODUCE_DEDUPE_WINDOW_KEYS\)/);
    expect(() => loadConfig({ cwd: scratch(), env: { STREAMLINE_PRODUCE_DEDUPE_WINDOW_USERS: '500' } })).toThrowError(/env STREAMLINE_PRODUCE_DEDUPE_WINDOW_USERS was renamed produce\.dedupeWindowKeys/);
    expect(loadConfig({ cwd: scratch(), env: { STREAMLINE_PRODUCE_DEDUPE_WINDOW_KEYS: '500' } }).produce.dedupeWindowKeys).toBe(500);
  });

  it('reads optional external endpoints from env', () => {
    const config = loadConfig({ cwd: scratch(), env: { STREAMLINE_MONGO_URI: 'mongodb://db:27017', STREAMLINE_SPARK_REMOTE: 'sc://spark:15002' } });
    expect(config.mongo.uri).toBe('mongodb://db:27017');
    expect(config.spark.remote).toBe('sc://spark:15002');
  });

  it('names the offending key, its env variable and the value', () => {
    expect(() => loadConfig({ cwd: scratch(), env: { STREAMLINE_KAFKA_PORT: 'abc' } })).toThrowError(
      /kafka\.port \(env STREAMLINE_KAFKA_PORT\).*got "abc"/,
    );
    expect(() => loadConfig({ cwd: scratch(), env: {}, overrides: { spark: { master: 'yarn' } } })).toThrowError(/spark\.master.*local\[\*\]/);
  });

  it('stream.writeTasks: one write task per query and batch unless set; 0 keeps one per Kafka partition', () => {
    expect(loadConfig({ cwd: scratch(), env: {} }).stream.writeTasks).toBe(1);
    expect(loadConfig({ cwd: scratch(), env: { STREAMLINE_STREAM_WRITE_TASKS: '0' } }).stream.writeTasks).toBe(0);
    expect(() => loadConfig({ cwd: scratch(), env: { STREAMLINE_STREAM_WRITE_TASKS: '-1' } })).toThrowError(/stream\.writeTasks \(env STREAMLINE_STREAM_WRITE_TASKS\)/);
  });

  it('rejects unknown keys in the config file', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'streamline.config.json'), JSON.stringify({ kafka: { prot: 1 } }));
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrowError(ConfigError);
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrowError(/prot/);
  });

  it('explains a missing or broken config file', () => {
    const dir = scratch();
    expect(() => loadConfig({ cwd: dir, env: {}, configFile: join(dir, 'nope.json') })).toThrowError(/nope\.json: not found/);
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    expect(() => loadConfig({ cwd: dir, env: {}, configFile: join(dir, 'bad.json') })).toThrowError(/not valid JSON/);
  });
});
