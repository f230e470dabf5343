#!/usr/bin/env -S npx tsx
// The Docker side of the deployment, from our own code and from package registries only (nothing is
// ever pulled from a container registry): a Docker engine (Debian's docker.io, started when none runs),
// the Compose v2 CLI (built from the Go module proxy, deploy/compose-cli/go.mod), the Debian base image
// every image of ours builds FROM (debootstrap + `docker import`, tagged with the dated tag BASE_IMAGE of
// deploy/compose.yaml), then our images, built by Compose from deploy/compose.yaml. Each step is
// idempotent and cached by its inputs, like scripts/setup.mjs: a second run only checks.
//
//   npx tsx scripts/docker.ts [engine|compose|base|build] [--help]
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pidAlive } from '../src/runtime/index.js';

const root = resolve(import.meta.dirname, '..');
const stateDir = resolve(root, process.env.STREAMLINE_STATE_DIR ?? '.streamline');
export const composeBinary = join(stateDir, 'bin', 'docker-compose');
export const composeFile = join(root, 'deploy', 'compose.yaml');
export const testComposeFile = join(root, 'deploy', 'compose.test.yaml');
const composeCliDir = join(root, 'deploy', 'compose-cli');

export class DockerSetupError extends Error {}

export type Log = (line: string) => void;
const defaultLog: Log = (line) => process.stdout.write(`[docker] ${line}\n`);

const sha = (...parts: (string | Buffer)[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest('hex').slice(0, 16);

function sh(command: string, args: string[], options: Omit<SpawnSyncOptions, 'encoding'> = {}) {
  return spawnSync(command, args, { ...options, encoding: 'utf8' });
}

/** Runs a command to completion with its output on our stdout/stderr (apt, debootstrap and builds show progress). */
function runVisible(command: string, args: string[], what: string, env: NodeJS.ProcessEnv = {}, cwd = root): void {
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
  if (result.error || result.status !== 0) {
    throw new DockerSetupError(`${what} failed: \`${command} ${args.join(' ')}\` ${result.error ? result.error.message : `exited ${result.status}`}`);
  }
}

/** The dated tag of our Debian base image, from deploy/compose.yaml (its one place). */
export function baseImageTag(): string {
  const tag = /^\s+BASE_IMAGE:\s*(\S+)\s*$/m.exec(readFileSync(composeFile, 'utf8'))?.[1];
  if (!tag) throw new DockerSetupError(`no BASE_IMAGE build arg in ${composeFile}`);
  return tag;
}

const engineAnswers = () => sh('docker', ['version', '--format', '{{.Server.Version}}'], { timeout: 15_000 });

/** Where Debian's dockerd and the containerd it starts record their pids (the defaults we start them with). */
const DOCKERD_PID_FILE = '/var/run/docker.pid';
const CONTAINERD_PID_FILE = '/var/run/docker/containerd/containerd.pid';

/**
 * What a daemon's pid file means when no engine answers. A dockerd or container killed with the machine's
 * processes leaves its pid file behind; once that pid is recycled (a JVM of ours, say), dockerd believes
 * containerd "is still running", waits on a socket nobody serves and gives up after 60 s ("timeout waiting
 * for containerd to start"): the file must go. A live process of the daemon's own name is an orphan
 * (containerd outliving its dockerd) or a daemon still starting (dockerd).
 */
export type PidFileVerdict = { kind: 'absent' } | { kind: 'stale' } | { kind: 'alive'; pid: number };

export function judgePidFile(content: string | undefined, daemon: string, commandOf: (pid: number) => string | undefined): PidFileVerdict {
  if (content === undefined) return { kind: 'absent' };
  const text = content.trim();
  const pid = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(pid) || pid <= 0) return { kind: 'stale' };
  return commandOf(pid) === daemon ? { kind: 'alive', pid } : { kind: 'stale' };
}

const readIfExists = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);
const commandOf = (pid: number) => readIfExists(`/proc/${pid}/comm`)?.trim();

/**
 * Clears what a killed engine left behind before dockerd is started: stale pid files are removed and a
 * containerd orphaned by its dockerd is stopped. Returns the pid of a dockerd that is still starting, if
 * any: then we wait for it instead of starting a second one.
 */
async function clearLeftoverEngine(log: Log): Promise<number | undefined> {
  const dockerd = judgePidFile(readIfExists(DOCKERD_PID_FILE), 'dockerd', commandOf);
  if (dockerd.kind === 'alive') return dockerd.pid;
  if (dockerd.kind === 'stale') {
    log(`removing the stale ${DOCKERD_PID_FILE} (no dockerd runs under its pid)`);
    rmSync(DOCKERD_PID_FILE, { force: true });
  }
  const containerd = judgePidFile(readIfExists(CONTAINERD_PID_FILE), 'containerd', commandOf);
  if (containerd.kind === 'stale') {
    log(`removing the stale ${CONTAINERD_PID_FILE} (no containerd runs under its pid; dockerd would wait on it for 60 s and give up)`);
    rmSync(CONTAINERD_PID_FILE, { force: true });
  } else if (containerd.kind === 'alive') {
    log(`stopping containerd pid ${containerd.pid}, left running by a dockerd that is gone`);
    process.kill(containerd.pid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (pidAlive(containerd.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    if (pidAlive(containerd.pid)) process.kill(containerd.pid, 'SIGKILL');
    rmSync(CONTAINERD_PID_FILE, { force: true });
  }
  return undefined;
}

/**
 * A Docker engine that answers: the running one, or dockerd started in the background (installed from
 * Debian's docker.io package when missing, as root, like the browser tier installs chromium). It stays
 * running after we exit: images and build cache live in it.
 */
export async function ensureEngine(log: Log = defaultLog): Promise<string> {
  const running = engineAnswers();
  if (running.status === 0) return running.stdout.trim();
  if (sh('dockerd', ['--version']).error) {
    if (process.getuid?.() !== 0) throw new DockerSetupError('no Docker engine answers and dockerd is not installed: run `sudo apt-get install -y docker.io` and start it (`sudo dockerd &` or your init system)');
    log("dockerd is missing: installing Debian's docker.io package with apt-get...");
    runVisible('apt-get', ['update'], 'apt-get update', { DEBIAN_FRONTEND: 'noninteractive' });
    runVisible('apt-get', ['install', '-y', '--no-install-recommends', 'docker.io'], 'installing docker.io', { DEBIAN_FRONTEND: 'noninteractive' });
  }
  if (process.getuid?.() !== 0) throw new DockerSetupError(`no Docker engine answers (\`docker version\`: ${(running.stderr || running.stdout).trim()}); start dockerd as root, or add yourself to the docker group`);
  const logFile = join(stateDir, 'docker', 'dockerd.log');
  mkdirSync(join(stateDir, 'docker'), { recursive: true });
  const starting = await clearLeftoverEngine(log);
  let pid = starting;
  let exited = () => starting !== undefined && !pidAlive(starting);
  if (starting === undefined) {
    log(`starting dockerd in the background (log: ${logFile})...`);
    const out = openSync(logFile, 'a');
    const daemon = spawn('dockerd', [], { detached: true, stdio: ['ignore', out, out] });
    daemon.unref();
    pid = daemon.pid;
    exited = () => daemon.exitCode !== null;
  } else {
    log(`dockerd pid ${starting} is starting: waiting for it to answer`);
  }
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const answer = engineAnswers();
    if (answer.status === 0) {
      log(`dockerd ${answer.stdout.trim()} is up (pid ${pid})`);
      return answer.stdout.trim();
    }
    if (exited()) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter((line) => !line.includes('module=grpc')).slice(-15).join('\n') : '';
  throw new DockerSetupError(`dockerd did not answer within 90 s; last lines of ${logFile} (gRPC reconnect lines left out):\n${tail}`);
}

/** The Compose CLI's version, as deploy/compose-cli/go.mod pins it. */
export function composeVersion(): string {
  const version = /^\s*github\.com\/docker\/compose\/v2 (v\S+)/m.exec(readFileSync(join(composeCliDir, 'go.mod'), 'utf8'))?.[1];
  if (!version) throw new DockerSetupError(`deploy/compose-cli/go.mod does not require github.com/docker/compose/v2`);
  return version;
}

/** <state>/bin/docker-compose, built from the Go module proxy when missing or when go.mod/go.sum changed. */
export function ensureComposeCli(log: Log = defaultLog): string {
  const key = sha(readFileSync(join(composeCliDir, 'go.mod')), readFileSync(join(composeCliDir, 'go.sum')));
  const stampFile = join(stateDir, 'stamps', 'docker-compose.stamp');
  if (existsSync(composeBinary) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === key) return composeBinary;
  const version = composeVersion();
  log(`building the Compose CLI ${version} from the Go module proxy (deploy/compose-cli; a few minutes the first time)...`);
  const t0 = Date.now();
  runVisible('go', ['build', '-trimpath', '-ldflags', `-w -X github.com/docker/compose/v2/internal.Version=${version}`, '-o', composeBinary, 'github.com/docker/compose/v2/cmd'], 'building the Compose CLI', {
    CGO_ENABLED: '0',
    GOFLAGS: '-mod=readonly',
  }, composeCliDir);
  mkdirSync(join(stateDir, 'stamps'), { recursive: true });
  writeFileSync(stampFile, key);
  log(`Compose CLI ${version} built in ${((Date.now() - t0) / 1000).toFixed(0)} s (${composeBinary})`);
  return composeBinary;
}

/** What the base image is made from: a change here rebuilds it (the label records it). */
const BASE_RECIPE = 'debootstrap --variant=minbase trixie http://deb.debian.org/debian; slim v2 (docs, man pages, locales, apt lists out)';
// dpkg and apt settings of Debian's official slim images: later installs skip docs and recommends too.
const DPKG_SLIM = ['path-exclude /usr/share/doc/*', 'path-include /usr/share/doc/*/copyright', 'path-exclude /usr/share/man/*', 'path-exclude /usr/share/info/*', 'path-exclude /usr/share/locale/*', 'path-include /usr/share/locale/locale.alias', ''].join('\n');
const APT_SLIM = 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n';

/** The Debian 13 base image under its dated tag, made with debootstrap when missing or made from another recipe. */
export function ensureBaseImage(log: Log = defaultLog): string {
  const tag = baseImageTag();
  const key = sha(tag, BASE_RECIPE, DPKG_SLIM, APT_SLIM);
  const inspect = sh('docker', ['image', 'inspect', '--format', '{{index .Config.Labels "dev.streamline.base-recipe"}}', tag]);
  if (inspect.status === 0 && inspect.stdout.trim() === key) return tag;
  if (sh('debootstrap', ['--version']).error && !existsSync('/usr/sbin/debootstrap')) {
    if (process.getuid?.() !== 0) throw new DockerSetupError('the base image needs debootstrap: run `sudo apt-get install -y debootstrap`');
    log("debootstrap is missing: installing Debian's debootstrap package with apt-get...");
    runVisible('apt-get', ['install', '-y', '--no-install-recommends', 'debootstrap'], 'installing debootstrap', { DEBIAN_FRONTEND: 'noninteractive' });
  }
  const rootfs = join(stateDir, 'docker', 'rootfs');
  rmSync(rootfs, { recursive: true, force: true });
  mkdirSync(rootfs, { recursive: true });
  log(`making ${tag} with debootstrap (Debian 13 minbase from deb.debian.org, about a minute)...`);
  const t0 = Date.now();
  runVisible('debootstrap', ['--variant=minbase', 'trixie', rootfs, 'http://deb.debian.org/debian'], 'debootstrap');
  // What the official slim image leaves out; the man page dirs stay (Java's postinst links into man1).
  for (const dir of ['var/lib/apt/lists', 'var/cache/apt', 'usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale']) {
    runVisible('find', [join(rootfs, dir), '-mindepth', '1', '(', '-type', 'f', '-o', '-type', 'l', ')', '!', '-name', 'copyright', '!', '-name', 'locale.alias', '-delete'], `slimming ${dir}`);
  }
  writeFileSync(join(rootfs, 'etc', 'dpkg', 'dpkg.cfg.d', 'docker-slim'), DPKG_SLIM);
  writeFileSync(join(rootfs, 'etc', 'apt', 'apt.conf.d', 'docker-slim'), APT_SLIM);
  // `tar | docker import`: the file system becomes a one-layer image, labelled with the recipe it came from.
  runVisible('bash', ['-o', 'pipefail', '-c', 'tar -C "$1" --numeric-owner -c . | docker import --change "LABEL dev.streamline.base-recipe=$2" --change \'CMD ["bash"]\' - "$3"', 'import', rootfs, key, tag], `docker import of ${tag}`);
  rmSync(rootfs, { recursive: true, force: true });
  log(`${tag} made in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return tag;
}

const HELP = `Usage: npx tsx scripts/docker.ts [step] [--help]

Prepares Docker for deploy/compose.yaml from package registries only (nothing is pulled from a
container registry). Steps, all by default, each skipped when its inputs did not change:
  engine   a Docker engine that answers (Debian's docker.io, dockerd started in the background)
  compose  the Compose v2 CLI built from the Go module proxy into ${composeBinary}
  base     the Debian 13 base image (debootstrap + docker import) under the dated tag of deploy/compose.yaml
  build    our images: docker compose build with deploy/.env (Kafka, Spark, app, Airflow and its Postgres; it copies what
           \`npm run setup\` resolved, so run setup first: \`npm run deploy:images\` does)

Exit codes: 0 ready, 1 a step failed (the message names it), 2 usage or \`build\` asked without deploy/.env.`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const steps = ['engine', 'compose', 'base', 'build'];
  const wanted = argv.filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((s) => !steps.includes(s));
  if (unknown.length) {
    process.stderr.write(`unknown step ${unknown.join(', ')} (expected ${steps.join(', ')}); see --help\n`);
    return 2;
  }
  const run = (s: string) => wanted.length === 0 || wanted.includes(s);
  try {
    if (run('engine') || run('base') || run('build')) defaultLog(`engine: Docker ${await ensureEngine()}`);
    if (run('compose') || run('build')) defaultLog(`compose: ${ensureComposeCli()}`);
    if (run('base') || run('build')) defaultLog(`base image: ${ensureBaseImage()}`);
    if (run('build')) {
      const envFile = join(root, 'deploy', '.env');
      if (!existsSync(envFile)) {
        defaultLog('images: not built yet, deploy/.env is missing (cp deploy/.env.example deploy/.env, fill in the credentials, run this again)');
        return wanted.includes('build') ? 2 : 0;
      }
      const t0 = Date.now();
      runVisible(composeBinary, ['-f', composeFile, '--env-file', envFile, 'build'], 'docker compose build');
      defaultLog(`images: built in ${((Date.now() - t0) / 1000).toFixed(0)} s (docker images | grep streamline)`);
    }
    return 0;
  } catch (e) {
    if (e instanceof DockerSetupError) {
      process.stderr.write(`[docker] error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
