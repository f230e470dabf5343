import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAppEndpoints,
  checkCredentials,
  checkHealth,
  checkImages,
  checkServiceReferences,
  dockerfileBases,
  interpolatedVariables,
  loadStack,
  parseEnvFile,
  pomProperty,
  readText,
  unpinned,
  type ComposeModel,
} from '../../support/compose-stack.js';
import { ROUTED_FOREACH_BATCH_PLUGIN_CLASS } from '@streamline/spark-connect';
import { loadConfig, SPARK_REDACTION_REGEX, sparkKafkaOptions } from '../../../src/config/index.js';
import { loadPipeline, pipelineTopics } from '../../../src/pipeline/load.js';

// deploy/compose.yaml, parsed and validated by compose-go (the loader inside `docker compose`, built
// by setup into <state>/bin/compose-validate) with deploy/.env.example, then cross-checked against
// our configuration schema, runtime/pom.xml and the Dockerfiles. No Docker engine is involved.

const root = resolve(import.meta.dirname, '..', '..', '..');
const stateDir = process.env.STREAMLINE_STATE_DIR ?? resolve(root, '.streamline');
const validator = join(stateDir, 'bin', 'compose-validate');
const hadolint = join(stateDir, 'venvs', 'deploy-lint', 'bin', 'hadolint');
const composeFile = join(root, 'deploy', 'compose.yaml');
const envExample = join(root, 'deploy', '.env.example');
const composeText = readText(composeFile);
const envEntries = parseEnvFile(readText(envExample));
const pom = readText(join(root, 'runtime', 'pom.xml'));
const dockerfiles = { app: join(root, 'deploy', 'Dockerfile'), jvm: join(root, 'deploy', 'jvm', 'Dockerfile'), ferretdb: join(root, 'deploy', 'ferretdb', 'Dockerfile'), postgres: join(root, 'deploy', 'postgres', 'Dockerfile') };

/** The credentials .env must set: empty in the example, marked required. */
const requiredSecrets = envEntries.filter((e) => e.value === '' && /\(required/.test(e.comment)).map((e) => e.name);
/** Fresh values per run, standing in for a user's deploy/.env. */
const secrets = Object.fromEntries(requiredSecrets.map((name) => [name, `s${randomBytes(12).toString('hex')}`]));

/** Every cross-check on one model; an empty list means the stack agrees with the app. */
const crossCheck = (model: ComposeModel) => [...checkAppEndpoints(model), ...checkServiceReferences(model), ...checkImages(model), ...checkHealth(model)];

let scratch: string;
let model: ComposeModel;

/** The services whose environment sets `variable`, sorted: who must report a broken endpoint. */
const servicesSetting = (variable: string) =>
  Object.entries(model.services)
    .filter(([, s]) => s.environment?.[variable])
    .map(([name]) => name)
    .sort();

/** compose.yaml with an override file of deploy/ on top, as `docker compose -f compose.yaml -f <file>` reads them. */
function overlaid(file: string, vars: Record<string, string> = {}): ComposeModel {
  const args = ['-f', composeFile, '-f', join(root, 'deploy', file), '--env-file', envExample, ...Object.entries({ ...secrets, ...vars }).flatMap(([k, v]) => ['-e', `${k}=${v}`])];
  return JSON.parse(execFileSync(validator, args, { encoding: 'utf8' })) as ComposeModel;
}

/** A deliberately broken copy of compose.yaml, validated the same way (relative paths kept valid). */
function brokenCopy(edit: (text: string) => string): ComposeModel {
  const edited = edit(composeText);
  expect(edited).not.toBe(composeText);
  const file = join(scratch, 'deploy', 'compose.yaml');
  writeFileSync(file, edited);
  const result = loadStack(validator, file, [envExample], secrets);
  if (!result.ok) throw new Error(`the broken copy did not load: ${result.error}`);
  return result.model;
}

beforeAll(() => {
  if (!existsSync(validator)) throw new Error(`${validator} is missing: run \`npm run setup\` (it builds deploy/validate)`);
  scratch = mkdtempSync(join(tmpdir(), 'streamline-deploy-'));
  mkdirSync(join(scratch, 'deploy'));
  const result = loadStack(validator, composeFile, [envExample], secrets);
  if (!result.ok) throw new Error(`compose-go rejected deploy/compose.yaml: ${result.error}`);
  model = result.model;
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('deploy/compose.yaml, as compose-go reads it', () => {
  it('has the pipeline topology: 3 KRaft brokers (RF 3, min ISR 2), Spark master + scalable workers + Connect, MongoDB, Airflow, the app', () => {
    const brokers = Object.entries(model.services).filter(([, s]) => s.build?.target === 'kafka' && s.environment?.KAFKA_NODE_ID);
    expect(brokers.map(([n]) => n)).toEqual(['kafka-1', 'kafka-2', 'kafka-3']);
    for (const [name, broker] of brokers) {
      expect(broker.environment, name).toMatchObject({ KAFKA_PROCESS_ROLES: 'broker,controller', KAFKA_DEFAULT_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' });
      expect(broker.volumes?.some((v) => v.type === 'volume' && v.target === broker.environment?.KAFKA_LOG_DIRS), `${name} keeps its log dir in a named volume`).toBe(true);
    }
    expect(model.services['streamline-stream']?.environment).toMatchObject({ STREAMLINE_KAFKA_REPLICATION_FACTOR: '3', STREAMLINE_KAFKA_MIN_INSYNC_REPLICAS: '2' });
    const worker = model.services['spark-worker']!;
    expect(worker.ports ?? [], 'published host ports would collide under --scale').toEqual([]);
    expect(worker.command).toContain('spark://spark-master:7077');
    expect(model.services['spark-connect']?.command).toContain('spark://spark-master:7077');
    expect(model.services.mongo?.image).toMatch(/^mongo:[78]\./);
    expect(model.services['airflow-scheduler']?.build?.target).toBe('airflow');
    expect(model.services['airflow-scheduler']?.environment?.STREAMLINE_KAFKA_BOOTSTRAP_SERVERS, 'the DAG produces to the stack').toBe('kafka-1:19092,kafka-2:19092,kafka-3:19092');
    expect(model.services['airflow-scheduler']?.volumes?.some((v) => v.type === 'bind' && v.source === join(root, 'dags') && v.target === '/opt/airflow/dags')).toBe(true);
  });

  it('agrees with the app configuration, pins every image, health-checks every long-running service', () => {
    expect(crossCheck(model)).toEqual([]);
  });

  it('without the airflow profile the rest of the stack stands on its own', () => {
    const result = loadStack(validator, composeFile, [envExample], { ...secrets, COMPOSE_PROFILES: '' });
    if (!result.ok) throw new Error(result.error);
    expect(Object.keys(result.model.services).filter((n) => n.startsWith('airflow'))).toEqual([]);
    expect(Object.keys(result.model.services).length).toBeGreaterThanOrEqual(12);
    expect(crossCheck(result.model)).toEqual([]);
  });

  it('every published port binds to PUBLISH_ADDRESS (127.0.0.1 unless .env opens it)', () => {
    const published = Object.entries(model.services).flatMap(([name, s]) => (s.ports ?? []).map((p) => `${name}:${p.host_ip}`));
    expect(published.length).toBeGreaterThan(0);
    expect(published.filter((p) => !p.endsWith(':127.0.0.1'))).toEqual([]);
  });

  it('takes every credential from .env and refuses to start without it (no default passwords)', () => {
    expect(requiredSecrets.length).toBeGreaterThanOrEqual(5);
    expect(checkCredentials(model, new Set(Object.values(secrets)))).toEqual([]);
    const withoutSecrets = loadStack(validator, composeFile, [envExample]);
    expect(withoutSecrets.ok).toBe(false);
    for (const name of requiredSecrets) expect(withoutSecrets.ok ? '' : withoutSecrets.error).toContain(`required variable ${name} is missing a value`);
    expect(execFileSync('git', ['check-ignore', 'deploy/.env'], { cwd: root, encoding: 'utf8' }).trim()).toBe('deploy/.env');
  });

  it('Kafka clients authenticate with SASL/SCRAM: every listener but replication and the controller, every app service, Kafka UI', () => {
    const brokers = ['kafka-1', 'kafka-2', 'kafka-3'].map((n) => model.services[n]!);
    for (const broker of brokers) {
      const protocols = Object.fromEntries((broker.environment?.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP ?? '').split(',').map((p) => p.split(':') as [string, string]));
      expect(protocols).toEqual({ REPLICATION: 'PLAINTEXT', INTERNAL: 'SASL_PLAINTEXT', CONTROLLER: 'PLAINTEXT', EXTERNAL: 'SASL_PLAINTEXT' });
      expect(broker.environment?.KAFKA_SASL_ENABLED_MECHANISMS).toBe('SCRAM-SHA-512');
      // Only the SASL listener is published to the host.
      expect(broker.ports?.map((p) => p.target)).toEqual([9092]);
    }
    const user = secrets.KAFKA_APP_PASSWORD;
    expect(user, 'KAFKA_APP_PASSWORD is a required .env credential').toBeDefined();
    const clients = Object.entries(model.services).filter(([, s]) => s.environment?.STREAMLINE_KAFKA_BOOTSTRAP_SERVERS);
    expect(clients.length).toBeGreaterThanOrEqual(4);
    for (const [name, s] of clients) {
      expect(s.environment, name).toMatchObject({ STREAMLINE_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', STREAMLINE_KAFKA_SASL_USERNAME: 'streamline', STREAMLINE_KAFKA_SASL_PASSWORD: user });
      const config = loadConfig({ env: Object.fromEntries(Object.entries(s.environment ?? {}).filter(([k]) => k.startsWith('STREAMLINE_'))) as Record<string, string>, cwd: scratch });
      expect(sparkKafkaOptions(config)['kafka.security.protocol'], name).toBe('SASL_PLAINTEXT');
    }
    // Kafka UI has a user of its own (read-only ACLs), never the app's.
    expect(model.services['kafka-ui']?.environment?.KAFKA_CLUSTERS_0_PROPERTIES_SASL_JAAS_CONFIG).toContain(`password="${secrets.KAFKA_READONLY_PASSWORD}"`);
    expect(model.services['kafka-ui']?.environment?.KAFKA_CLUSTERS_0_READONLY).toBe('true');
    expect(model.services['kafka-scram-init']?.environment).toMatchObject({ KAFKA_APP_PASSWORD: user, KAFKA_READONLY_PASSWORD: secrets.KAFKA_READONLY_PASSWORD });
    expect(model.services['spark-connect']?.command).toContain(`spark.redaction.string.regex=${SPARK_REDACTION_REGEX}`);
    // The routed foreachBatch the streaming queries use lives in our server plugin, loaded as locally.
    expect(model.services['spark-connect']?.command).toContain(`spark.connect.extensions.command.classes=${ROUTED_FOREACH_BATCH_PLUGIN_CLASS}`);
  });

  it('Kafka authorizes with ACLs; replication and the quorum stay on a network only the brokers join', () => {
    const brokers = ['kafka-1', 'kafka-2', 'kafka-3'];
    for (const name of brokers) {
      const env = model.services[name]!.environment!;
      expect(env.KAFKA_AUTHORIZER_CLASS_NAME, name).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer');
      expect(env.KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND, name).toBe('false');
      expect(env.KAFKA_SUPER_USERS, name).toBe(`User:ANONYMOUS;User:${envEntries.find((e) => e.name === 'KAFKA_ADMIN_USER')?.value}`);
      // The plaintext listeners bind to the broker's address on kafka-replication only.
      expect(env.KAFKA_LISTENERS, name).toBe(`REPLICATION://${name}-replication:19091,INTERNAL://:19092,CONTROLLER://${name}-replication:9093,EXTERNAL://:9092`);
      expect(model.services[name]!.networks?.['kafka-replication']?.aliases, name).toEqual([`${name}-replication`]);
    }
    const members = Object.entries(model.services).filter(([, s]) => s.networks && 'kafka-replication' in s.networks).map(([n]) => n);
    expect(members).toEqual(brokers);
    expect((model as { networks?: Record<string, { internal?: boolean }> }).networks?.['kafka-replication']?.internal).toBe(true);
  });

  it('nothing that executes code is published by default: Spark Connect and the Spark UIs only with compose.spark-ui.yaml', () => {
    for (const name of ['spark-master', 'spark-worker', 'spark-connect']) expect(model.services[name]?.ports ?? [], name).toEqual([]);
    const withUi = overlaid('compose.spark-ui.yaml');
    expect(withUi.services['spark-connect']?.ports?.map((p) => `${p.host_ip}:${p.target}`)).toEqual(['127.0.0.1:15002', '127.0.0.1:4040']);
    expect(withUi.services['spark-master']?.ports?.map((p) => `${p.host_ip}:${p.target}`)).toEqual(['127.0.0.1:8080']);
  });

  it('the test override swaps only mongo (our FerretDB image, built from the same base) and parks Kafka UI in a profile', () => {
    const test = overlaid('compose.test.yaml', { STREAMLINE_TEST_BASE_IMAGE: 'debian:trixie-20261204-slim' });
    expect(Object.keys(test.services).sort()).toEqual(Object.keys(model.services).filter((n) => n !== 'kafka-ui').sort());
    expect(test.services.mongo?.image).toBe('streamline-ferretdb:local');
    expect(test.services.mongo?.build?.dockerfile).toBe('deploy/ferretdb/Dockerfile');
    for (const name of Object.keys(test.services).filter((n) => n !== 'mongo')) expect(test.services[name]?.image, name).toBe(model.services[name]?.image);
  });

  it('runs the pipeline file of the mounted pipelines directory (#23), whose topics are the ones the app may use', async () => {
    const streamline = Object.keys(model.services).filter((n) => n.startsWith('streamline-'));
    const airflow = Object.keys(model.services).filter((n) => n.startsWith('airflow-') && model.services[n]?.build?.target === 'airflow');
    expect(streamline.length).toBeGreaterThanOrEqual(4);
    expect(airflow.length).toBeGreaterThanOrEqual(3);
    const mounts = (name: string, target: string) => model.services[name]?.volumes?.some((v) => v.type === 'bind' && v.source === join(root, 'pipelines') && v.target === target && v.read_only === true);
    for (const name of streamline) {
      expect(model.services[name]?.environment?.STREAMLINE_PIPELINE, name).toBe('/app/pipelines/randomuser.ts');
      expect(mounts(name, '/app/pipelines'), `${name} mounts pipelines/ read-only`).toBe(true);
    }
    // The Airflow image keeps the CLI in /opt/streamline (deploy/Dockerfile): the same file, there.
    for (const name of airflow) {
      expect(model.services[name]?.environment?.STREAMLINE_PIPELINE, name).toBe('/opt/streamline/pipelines/randomuser.ts');
      expect(mounts(name, '/opt/streamline/pipelines'), `${name} mounts pipelines/ read-only`).toBe(true);
    }
    // Without the mount the image still has the built-in pipeline.
    expect(readText(dockerfiles.app)).toMatch(/^COPY pipelines pipelines$/m);

    // What `streamline pipeline topics` prints for the default file is what the ACLs (KAFKA_APP_TOPICS) and the app (STREAMLINE_TOPICS) get.
    const loaded = await loadPipeline({ file: join(root, 'pipelines', 'randomuser.ts'), origin: 'flag' });
    const topics = pipelineTopics(loaded.pipeline).join(',');
    expect(model.services['kafka-scram-init']?.environment?.KAFKA_APP_TOPICS).toBe(topics);
    for (const name of [...streamline, ...airflow]) expect(model.services[name]?.environment?.STREAMLINE_TOPICS, name).toBe(topics);

    // Another pipeline: its file name and directory from .env, the same mount everywhere.
    const other = loadStack(validator, composeFile, [envExample], { ...secrets, STREAMLINE_PIPELINE_FILE: 'orders.ts', STREAMLINE_PIPELINES_DIR: scratch });
    if (!other.ok) throw new Error(other.error);
    expect(other.model.services['streamline-stream']?.environment?.STREAMLINE_PIPELINE).toBe('/app/pipelines/orders.ts');
    expect(other.model.services['streamline-stream']?.volumes?.find((v) => v.target === '/app/pipelines')?.source).toBe(scratch);
    expect(other.model.services['airflow-scheduler']?.environment?.STREAMLINE_PIPELINE).toBe('/opt/streamline/pipelines/orders.ts');
  });

  it('.env.example lists every variable the stack reads, each with a comment', () => {
    const listed = new Map(envEntries.map((e) => [e.name, e]));
    const missing = interpolatedVariables(composeText).filter((name) => !listed.has(name));
    expect(missing).toEqual([]);
    expect(envEntries.filter((e) => e.comment === '').map((e) => e.name)).toEqual([]);
  });
});

describe('the cross-check fails on a broken stack, naming exactly the problem', () => {
  it('a renamed service: the app still points at spark-connect', () => {
    const broken = brokenCopy((t) => t.replace(/^(\s+)spark-connect:/gm, '$1spark-driver:'));
    const problems = crossCheck(broken);
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(servicesSetting('STREAMLINE_SPARK_REMOTE'));
    for (const p of problems) expect(p).toMatch(/: spark\.remote sc:\/\/spark-connect:15002 names spark-connect:15002, but no service, hostname or alias "spark-connect" in the stack$/);
  });

  it('a renamed service the others reach by URL: spark://spark-master:7077', () => {
    const problems = crossCheck(brokenCopy((t) => t.replace(/^(\s+)spark-master:/gm, '$1spark-leader:')));
    expect(problems.sort()).toEqual([
      'spark-connect: refers to spark-master:7077, but no service, hostname or alias "spark-master" in the stack',
      'spark-worker: refers to spark-master:7077, but no service, hostname or alias "spark-master" in the stack',
    ]);
  });

  it('a port changed on the app side only: kafka-3:19093', () => {
    const problems = crossCheck(brokenCopy((t) => t.replace('kafka-2:19092,kafka-3:19092}', 'kafka-2:19092,kafka-3:19093}')));
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(servicesSetting('STREAMLINE_KAFKA_BOOTSTRAP_SERVERS'));
    for (const p of problems) expect(p).toMatch(/^[a-z-]+: kafka\.bootstrapServers kafka-1:19092,kafka-2:19092,kafka-3:19093 names kafka-3:19093, but kafka-3 listens on 19091, 19092, 9093, 9092, not 19093$/);
  });

  it('a port changed on the stack side only: mongo exposes 27018', () => {
    const problems = crossCheck(brokenCopy((t) => t.replace('expose: ["27017"]', 'expose: ["27018"]').replace('}:27017"]', '}:27018"]')));
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(servicesSetting('STREAMLINE_MONGO_URI'));
    for (const p of problems) expect(p).toMatch(/: mongo\.uri mongodb:\/\/streamline:\*\*\*@mongo:27017\/\?authSource=admin names mongo:27017, but mongo listens on 27018, 27018, not 27017$/);
  });

  it('an unpinned image, a dropped health check, a dependency that does not wait', () => {
    expect(crossCheck(brokenCopy((t) => t.replace('image: mongo:8.0.12', 'image: mongo:latest')))).toEqual(['mongo: image mongo:latest is not pinned to a version tag']);
    expect(crossCheck(brokenCopy((t) => t.replace(/(\n {2}spark-master:[\s\S]*?)\n {4}healthcheck:\n(?: {6}.*\n)+/, '$1\n'))).sort()).toEqual([
      'spark-connect: waits for spark-master to be healthy, which has no health check',
      'spark-master: long-running but has no health check',
      'spark-worker: waits for spark-master to be healthy, which has no health check',
    ]);
    expect(crossCheck(brokenCopy((t) => t.replace('mongo: { condition: service_healthy }', 'mongo: { condition: service_started }')))).toEqual([
      'streamline-setup: depends on mongo with service_started, expected service_healthy',
    ]);
  });

  it('a default password: compose-go loads it, the credential check names it', () => {
    const broken = brokenCopy((t) => t.replace('${AIRFLOW_DB_PASSWORD:?set AIRFLOW_DB_PASSWORD in deploy/.env}\n', 'airflow\n'));
    expect(checkCredentials(broken, new Set(Object.values(secrets)))).toEqual(['airflow-postgres: POSTGRES_PASSWORD has a default password']);
  });
});

describe('images and Dockerfiles', () => {
  it('our images: every one built FROM the one pinned base (BASE_IMAGE, a dated debian:trixie-slim tag), never pulled', () => {
    const built = Object.entries(model.services).filter(([, s]) => s.build);
    expect(built.map(([n]) => n)).toEqual(expect.arrayContaining(['kafka-1', 'spark-master', 'spark-worker', 'spark-connect', 'streamline-setup', 'airflow-scheduler', 'airflow-postgres']));
    for (const [name, s] of built) {
      expect((s.build as { args?: Record<string, string> }).args?.BASE_IMAGE, name).toMatch(/^debian:trixie-\d{8}-slim$/);
      expect((s as { pull_policy?: string }).pull_policy, name).toBe('never');
    }
    // Every Dockerfile starts FROM the build arg: the tag is written in deploy/compose.yaml only.
    for (const file of Object.values(dockerfiles)) expect(dockerfileBases(readText(file)), file).toEqual(['${BASE_IMAGE}']);
    expect(Object.values(model.services).map((s) => s.image).filter((i) => i && unpinned(i))).toEqual([]);
  });

  it("the JVM images take runtime/pom.xml's jars as setup resolved them, with no version repeated in a Dockerfile", () => {
    const dockerfile = readText(dockerfiles.jvm);
    expect(dockerfile).toMatch(/^COPY \.streamline\/kafka\/libs /m);
    expect(dockerfile).toMatch(/^COPY \.streamline\/spark\/jars /m);
    for (const file of Object.values(dockerfiles)) {
      const nonComment = readText(file).split('\n').filter((l) => !/^\s*#/.test(l));
      expect(nonComment.filter((l) => /\d+\.\d+(\.\d+)?/.test(l)), file).toEqual([]);
    }
    // Setup ran the Maven resolution of the local SPARK_HOME: those are the jars the image copies.
    const jars = readdirSync(join(stateDir, 'spark', 'jars'));
    const scala = pomProperty(pom, 'scala.binary.version');
    expect(jars).toContain(`spark-sql-kafka-0-10_${scala}-${pomProperty(pom, 'spark.version')}.jar`);
    expect(jars).toContain(`spark-connect_${scala}-${pomProperty(pom, 'spark.version')}.jar`);
    expect(jars).toContain(`mongo-spark-connector_${scala}-${pomProperty(pom, 'mongo.spark.version')}.jar`);
    expect(jars.filter((j) => j.startsWith('mongodb-driver-sync-')).length).toBe(1);
  });

  it('every Dockerfile passes hadolint; every image runs as a non-root user', () => {
    const output = execFileSync(hadolint, ['--no-color', ...Object.values(dockerfiles)], { encoding: 'utf8' });
    expect(output).toBe('');
    const stages = readText(dockerfiles.app).split(/^FROM /m);
    expect(stages.at(-1)?.trim(), 'the default target is the app').toBe('app');
    const runnable = [...readText(dockerfiles.app).split(/^FROM /m).filter((s) => / AS (app|airflow)\n/.test(s)), ...readText(dockerfiles.jvm).split(/^FROM /m).filter((s) => / AS (kafka|spark)\n/.test(s)), readText(dockerfiles.ferretdb), readText(dockerfiles.postgres)];
    for (const stage of runnable) expect(stage, stage.split('\n')[0]).toMatch(/^USER [1-9]\d*$/m);
  });
});
