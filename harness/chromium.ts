import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const findChromium = (): string | undefined => CANDIDATES.find((p) => existsSync(p));

function run(command: string, args: string[]): void {
  process.stdout.write(`[browser-setup] $ ${command} ${args.join(' ')}\n`);
  // Inherit stdout/stderr so apt's progress shows while it downloads (~100 MB).
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.error || result.status !== 0) {
    throw new Error(
      `could not install Debian's chromium package (\`${command} ${args.join(' ')}\` ${result.error ? `failed: ${result.error.message}` : `exited ${result.status}`}); ` +
        'install it yourself as root (`apt-get update && apt-get install -y chromium`) and run the tests again',
    );
  }
}

/**
 * Debian's chromium, installed with apt when missing (idempotent: nothing happens when it is there).
 * playwright-core drives it through `executablePath`, so no browser is downloaded from elsewhere.
 */
export function ensureChromium(): string {
  const found = findChromium();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error("the browser tests need Debian's chromium package: run `sudo apt-get update && sudo apt-get install -y chromium`");
  }
  process.stdout.write("[browser-setup] chromium is missing: installing Debian's chromium package with apt-get...\n");
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
  const installed = findChromium();
  if (!installed) throw new Error(`apt-get installed chromium, but none of ${CANDIDATES.join(', ')} exists`);
  return installed;
}
