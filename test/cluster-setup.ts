import { runtimeTierSetup } from '../harness/global-setup.js';
import { clusterTestConfig } from './cluster/config.js';

/**
 * Starts the cluster once for the `cluster` project: 3 KRaft brokers, a Spark master with 2 workers,
 * the Connect server as driver and FerretDB, in its own state dir on its own ports.
 */
export default runtimeTierSetup({
  label: 'cluster-setup',
  starting: '3 Kafka brokers, Spark master + 2 workers, Spark Connect, FerretDB',
  config: clusterTestConfig,
});
