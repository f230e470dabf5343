import { runtimeTierSetup } from '../../harness/global-setup.js';
import { ALWAYS_ON_RUNTIME, alwaysOnConfig } from './runtime.js';

/**
 * The always-on tier's own single-node runtime (Kafka, Spark Connect, FerretDB): its test kills the
 * broker and the driver and stops the store, which must not disturb any other tier. `down` at the end
 * also stops the stream supervisor the test left (it is a recorded process like the services).
 */
export default runtimeTierSetup({
  label: 'always-on-setup',
  starting: `the ${ALWAYS_ON_RUNTIME} runtime (Kafka, Spark Connect, FerretDB)`,
  config: alwaysOnConfig,
});
