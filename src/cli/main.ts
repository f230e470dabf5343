import { installRedaction } from './redaction.js';
import { runStreamline } from './program.js';

installRedaction();
process.exitCode = await runStreamline(process.argv);
