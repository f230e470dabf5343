import { describe, expect, it } from 'vitest';
import { judgePidFile } from '../../../scripts/docker.js';

describe('judgePidFile: what a daemon pid file means when no Docker engine answers', () => {
  const processes = new Map<number, string>([
    [100, 'containerd'],
    [200, 'java'],
    [300, 'dockerd'],
  ]);
  const commandOf = (pid: number) => processes.get(pid);

  it('no file: nothing to clear', () => {
    expect(judgePidFile(undefined, 'containerd', commandOf)).toEqual({ kind: 'absent' });
  });

  it('a pid nobody runs under is stale', () => {
    expect(judgePidFile('4242', 'containerd', commandOf)).toEqual({ kind: 'stale' });
  });

  it('a pid recycled by another program is stale (dockerd would otherwise wait 60 s on it and fail)', () => {
    expect(judgePidFile('200', 'containerd', commandOf)).toEqual({ kind: 'stale' });
    expect(judgePidFile('200\n', 'dockerd', commandOf)).toEqual({ kind: 'stale' });
  });

  it("a live process of the daemon's own name is reported with its pid, trailing newline or not", () => {
    expect(judgePidFile('100', 'containerd', commandOf)).toEqual({ kind: 'alive', pid: 100 });
    expect(judgePidFile('300\n', 'dockerd', commandOf)).toEqual({ kind: 'alive', pid: 300 });
  });

  it('garbage, zero and negative pids are stale', () => {
    for (const content of ['', 'abc', '0', '-1', '12 34', '1e3']) expect(judgePidFile(content, 'containerd', commandOf)).toEqual({ kind: 'stale' });
  });
});
