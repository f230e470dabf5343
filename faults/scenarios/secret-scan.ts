// Security check of the suite (issue 13): a pipeline run whose users come from a local API that logs
// every password, salt and hash it serves (--secrets-log); once the store holds every acknowledged
// record, every topic (keys, values, headers) and every collection is scanned for those raw values.
// Any hit fails the scenario. The delivery invariant is checked by the runner as for every scenario.
import { join } from 'node:path';
import { kafkaBootstrap, kafkaSasl, mongoUri } from '../../src/config/index.js';
import { startApiServer } from '../../src/source/index.js';
import { eventually } from '../../harness/poll.js';
import { missingFromStore } from '../checker.js';
import { readSecretsLog, scanForSecrets } from '../../harness/secrets.js';
import type { Scenario, ScenarioContext, ScenarioOutcome } from '../scenario.js';
import { readAckLog, readStore } from '../store.js';
import { producerExitCheck } from './checks.js';

/** Hits quoted in the result line; the count says how many there were in all. */
const QUOTED_HITS = 5;

async function secretScanRun(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const secretsLog = join(ctx.workDir, 'served-secrets.jsonl');
  const api = await startApiServer({ host: '127.0.0.1', port: 0, secretsLog });
  try {
    await ctx.startStreaming();
    const producer = ctx.startProducer({ apiUrl: api.url });
    const exit = await producer.exited;
    const acks = readAckLog(ctx.ackLog);
    // Scan only once everything acknowledged is stored: an empty store would pass vacuously.
    await eventually(async () => missingFromStore(acks, await readStore(ctx.config, ctx.bindings)) === 0, {
      timeoutMs: 360_000,
      intervalMs: 2_000,
      what: `all ${acks.length} acknowledged records in the store before the scan`,
    });
    const secrets = readSecretsLog(secretsLog);
    const t0 = Date.now();
    const sasl = kafkaSasl(ctx.config);
    const result = await scanForSecrets({
      kafkaBootstrap: kafkaBootstrap(ctx.config),
      topics: ctx.bindings.map((b) => b.topic),
      mongoUri: mongoUri(ctx.config),
      database: ctx.config.mongo.database,
      secrets,
      ...(sasl ? { sasl } : {}),
    });
    const scanMs = Date.now() - t0;
    ctx.log(`scanned ${result.scanned.messages} messages and ${result.scanned.documents} documents for ${secrets.length} served secrets in ${scanMs} ms: ${result.hits.length} hits`);
    const failedChecks = [...producerExitCheck(exit, producer)];
    if (secrets.length === 0) failedChecks.push(`the API logged no secret to ${secretsLog}: the scan would prove nothing`);
    if (result.scanned.messages < acks.length) failedChecks.push(`scanned ${result.scanned.messages} Kafka records, fewer than the ${acks.length} acknowledged`);
    if (result.hits.length > 0) {
      const quoted = result.hits.slice(0, QUOTED_HITS).map((h) => `${h.where} (${h.secret.slice(0, 6)}...)`);
      failedChecks.push(`${result.hits.length} served secret value(s) found: ${quoted.join('; ')}`);
    }
    return {
      measurements: { secrets: secrets.length, scannedMessages: result.scanned.messages, scannedDocuments: result.scanned.documents, hits: result.hits.length, scanMs },
      failedChecks,
    };
  } finally {
    await api.close();
  }
}

export const secretScan: Scenario = {
  id: 'secrets',
  name: 'secret scan: no served password, salt or hash in any topic or collection after a run',
  inQuick: true,
  run: secretScanRun,
};
