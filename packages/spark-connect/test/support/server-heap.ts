import { execFileSync } from 'node:child_process';

/**
 * The pid of the local JVM serving Spark Connect on `port`, found among `jcmd -l`'s JVMs by the port
 * setting on its command line; undefined when the server is not a JVM on this machine (SPARK_REMOTE).
 */
export function localServerPid(remote: string): number | undefined {
  const port = /:(\d+)/.exec(remote.replace(/^sc:\/\//, ''))?.[1];
  if (!port) return undefined;
  let listing: string;
  try {
    listing = execFileSync('jcmd', ['-l'], { encoding: 'utf8', timeout: 30_000 });
  } catch {
    return undefined;
  }
  const line = listing.split('\n').find((l) => l.includes(`spark.connect.grpc.binding.port=${port}`));
  return line ? Number(line.split(' ')[0]) : undefined;
}

/** Live instances of `className` in the JVM `pid` (a full GC first: what is left is what is retained). */
export function liveInstances(pid: number, className: string): number {
  const histogram = execFileSync('jcmd', [String(pid), 'GC.class_histogram'], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  const row = histogram.split('\n').find((l) => l.trim().split(/\s+/)[3] === className);
  return row ? Number(row.trim().split(/\s+/)[1]) : 0;
}
