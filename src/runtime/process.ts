import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/** What we remember about a process we started, so `down` can stop exactly it and nothing else. */
export interface ProcessRecord {
  pid: number;
  /** Kernel start time of the process (jiffies since boot, from /proc); guards against pid reuse. */
  kernelStartTime?: string;
  startedAt: string;
  command: string[];
  logFile: string;
}

export interface StartProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
}

/** Kernel start time from /proc/<pid>/stat field 22 (Linux); undefined elsewhere or if gone. */
function kernelStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

const threadState = (statFile: string): string => {
  const stat = readFileSync(statFile, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
};

/**
 * True once every thread of the process is dead (zombie or gone). The thread-group leader of a killed
 * JVM turns zombie within milliseconds while its other threads still tear down, and they hold the
 * process's sockets until the last one exits: a restart that trusted the leader alone found the
 * broker's port still bound.
 */
function isZombie(pid: number): boolean {
  try {
    if (threadState(`/proc/${pid}/stat`) !== 'Z') return false;
    const threads = readdirSync(`/proc/${pid}/task`);
    return threads.every((tid) => {
      try {
        return ['Z', 'X'].includes(threadState(`/proc/${pid}/task/${tid}/stat`));
      } catch {
        return true;
      }
    });
  } catch {
    return false;
  }
}

/** True if a process with this pid exists (and is not a zombie). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** True if the recorded process is still the one we started (same pid and same kernel start time). */
export function isRunning(record: ProcessRecord): boolean {
  if (!pidAlive(record.pid)) return false;
  if (!record.kernelStartTime || !existsSync('/proc/self/stat')) return true;
  return kernelStartTime(record.pid) === record.kernelStartTime;
}

/**
 * Starts a detached process in its own process group with stdout+stderr appended to a log file,
 * so it outlives the CLI and can be stopped as a group.
 */
export function startProcess(opts: StartProcessOptions): ProcessRecord {
  const fd = openSync(opts.logFile, 'a');
  try {
    const child = spawn(opts.command, opts.args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    if (child.pid === undefined) throw new Error(`could not start ${opts.command}`);
    // Reap it if it exits while we are still around; otherwise it would linger as a zombie.
    child.on('error', () => undefined);
    child.unref();
    return {
      pid: child.pid,
      kernelStartTime: kernelStartTime(child.pid),
      startedAt: new Date().toISOString(),
      command: [opts.command, ...opts.args],
      logFile: opts.logFile,
    };
  } finally {
    closeSync(fd);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}


async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) return true;
    await delay(100);
  }
  return !pidAlive(pid);
}

/**
 * Stops a recorded process group: SIGTERM, then SIGKILL after the grace period.
 * Returns true when the process is verifiably gone. A pid that now belongs to someone else is left alone.
 */
export async function stopProcess(record: ProcessRecord, graceMs = 15_000): Promise<boolean> {
  if (!isRunning(record)) return true;
  signalGroup(record.pid, 'SIGTERM');
  if (await waitForExit(record.pid, graceMs)) return true;
  signalGroup(record.pid, 'SIGKILL');
  return waitForExit(record.pid, 5_000);
}

/** The last lines of a log file, for error messages. */
export function tailFile(path: string, lines = 20): string {
  try {
    const text = readFileSync(path, 'utf8');
    return text.split('\n').filter((l) => l.trim()).slice(-lines).join('\n');
  } catch {
    return '(no log output)';
  }
}
