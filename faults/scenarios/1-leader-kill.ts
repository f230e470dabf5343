export { leaderKill } from './broker-fault.js';
