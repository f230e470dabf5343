// Makes a directory tree read-only for everyone, root included (the tests and the fault suite run as
// root, and chmod does not stop root): a read-only bind mount of the dir onto itself, or where mounting
// is not allowed (no CAP_SYS_ADMIN), the immutable attribute on every file and dir (`chattr -R +i`,
// ext4/xfs/btrfs). Spark notices both at its next checkpoint write (EROFS / EPERM on a .tmp file).
// No vitest import here: the fault suite (faults/, run by tsx) uses it too.
import { execFileSync } from 'node:child_process';

export interface ReadOnlyDir {
  dir: string;
  how: 'read-only bind mount' | 'chattr -R +i';
  /** Makes the tree writable again; safe to call twice. */
  restore(): void;
}

const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });

/**
 * Removes the bind mount even while a process holds a file open under it (Spark writing a checkpoint):
 * a plain `umount` then fails with EBUSY, and a mount left behind makes the dir unremovable (CI saw
 * `rmdir` fail with EBUSY after a remount failed and its `umount` did too). `umount -l` detaches it at once.
 */
function unmount(dir: string): void {
  try {
    run('umount', [dir]);
  } catch {
    run('umount', ['-l', dir]);
  }
}

export function makeReadOnly(dir: string): ReadOnlyDir {
  let restored = false;
  try {
    run('mount', ['--bind', dir, dir]);
    try {
      run('mount', ['-o', 'remount,ro,bind', dir]);
    } catch (e) {
      unmount(dir);
      throw e;
    }
    return {
      dir,
      how: 'read-only bind mount',
      restore: () => {
        if (!restored) unmount(dir);
        restored = true;
      },
    };
  } catch {
    run('chattr', ['-R', '+i', dir]);
    return {
      dir,
      how: 'chattr -R +i',
      restore: () => {
        if (!restored) run('chattr', ['-R', '-i', dir]);
        restored = true;
      },
    };
  }
}
