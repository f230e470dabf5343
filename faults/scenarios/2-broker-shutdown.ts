export { brokerControlledShutdown } from './broker-fault.js';
