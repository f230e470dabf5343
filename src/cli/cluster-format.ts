import type { StreamlineConfig } from '../config/index.js';
import { kafkaClusterView, sparkClusterView } from '../runtime/index.js';
import { table } from './format.js';

/** The cluster part of `status`: brokers and ISR of the pipeline's topics, workers and the executors on them. */
export async function printClusterDetails(config: StreamlineConfig, topics: readonly string[]): Promise<string> {
  const out: string[] = [''];
  try {
    const kafka = await kafkaClusterView(config, topics);
    out.push(`Kafka: brokers in cluster metadata ${kafka.brokers.join(', ') || 'none'} (active controller ${kafka.controllerId}); topics RF ${config.kafka.replicationFactor}, min ISR ${config.kafka.minInsyncReplicas}`);
    if (kafka.topics.length) {
      out.push(table(
        ['TOPIC', 'PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'HEALTH'],
        kafka.topics.flatMap((t) => t.partitions.map((p) => [t.topic, p.partition, p.leader, p.replicas.join(','), p.isr.join(','), p.isr.length < p.replicas.length ? 'under-replicated' : 'in sync'])),
      ));
    } else out.push('(no topic of ours exists yet)');
  } catch (e) {
    out.push(`Kafka: no broker answered (${(e as Error).message})`);
  }
  try {
    const spark = await sparkClusterView(config);
    if (spark) {
      out.push('', `Spark master ${spark.masterStatus}: ${spark.aliveWorkers} ALIVE worker(s); applications: ${spark.apps.map((a) => `${a.id} ${a.name} (${a.cores} cores, ${a.state})`).join('; ') || 'none'}`);
      out.push(table(['WORKER', 'STATE', 'CORES USED', 'EXECUTORS'], spark.workers.map((w) => [w.name, w.state, `${w.coresUsed}/${w.cores}`, w.executors.join(' ') || '-'])));
    }
  } catch (e) {
    out.push('', `Spark master: not answering (${(e as Error).message})`);
  }
  return out.join('\n');
}
