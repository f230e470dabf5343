import { runStreamline } from './program.js';

process.exitCode = await runStreamline(process.argv);
