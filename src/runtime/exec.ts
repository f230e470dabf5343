import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { ServiceFailedError } from '../core/errors.js';

/** Runs a short-lived helper command (e.g. storage format), appending its output to a log file. */
export function runToCompletion(command: string, args: string[], opts: { what: string; logFile: string; cwd?: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (e) => reject(new ServiceFailedError(`could not ${opts.what}: ${command}: ${e.message}`)));
    child.on('close', (code) => {
      appendFileSync(opts.logFile, output);
      if (code === 0) resolve();
      else reject(new ServiceFailedError(`could not ${opts.what} (exit code ${code})`, { details: output.trim().split('\n').slice(-15).join('\n') }));
    });
  });
}
