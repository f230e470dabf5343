#!/usr/bin/env node
// A pinned Apache Airflow 3 for the DAG in dags/: its own virtualenv in the git-ignored state dir,
// installed from airflow/requirements.lock with --no-deps --require-hashes (the lock is the whole resolved set, so pip
// resolves nothing), AIRFLOW_HOME next to it, and the metadata DB migrated. Stamps keyed on the lock
// make a second run a no-op. Plain Node (no dependencies), like setup.mjs.
//
//   node scripts/airflow.mjs            install if needed, migrate the DB, print progress
//   node scripts/airflow.mjs --env      ... then print `export K=V` lines for a shell (eval "$(...)")
//   node scripts/airflow.mjs --json     ... then print {"airflow": <bin>, "env": {...}} for tools and tests
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const stateDir = resolve(root, process.env.STREAMLINE_STATE_DIR ?? '.streamline');
const airflowDir = join(stateDir, 'airflow');
const venv = join(airflowDir, 'venv');
const home = process.env.STREAMLINE_AIRFLOW_HOME ?? join(airflowDir, 'home');
const lockFile = join(root, 'airflow', 'requirements.lock');
const wantedPython = [3, 11];
const args = process.argv.slice(2);
const output = args.includes('--json') ? 'json' : args.includes('--env') ? 'env' : undefined;

const started = Date.now();
// Progress goes to stderr when stdout carries machine-readable output.
const log = (msg) => (output ? process.stderr : process.stdout).write(`[airflow] ${msg}\n`);
class AirflowSetupError extends Error {}
const fail = (msg) => { throw new AirflowSetupError(msg); };

const sha = (...parts) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest('hex').slice(0, 16);
const stampPath = (name) => join(airflowDir, `${name}.stamp`);
const isFresh = (name, key) => existsSync(stampPath(name)) && readFileSync(stampPath(name), 'utf8') === key;
const stamp = (name, key) => writeFileSync(stampPath(name), key);

/** The environment every airflow command of this project runs with. */
export function airflowEnv() {
  return {
    AIRFLOW_HOME: home,
    AIRFLOW__CORE__DAGS_FOLDER: join(root, 'dags'),
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    PATH: `${join(venv, 'bin')}:${process.env.PATH ?? ''}`,
  };
}

function findPython() {
  const candidates = [process.env.STREAMLINE_PYTHON, 'python3.11', 'python3'].filter(Boolean);
  for (const cmd of candidates) {
    const r = spawnSync(cmd, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], { encoding: 'utf8' });
    if (r.error || r.status !== 0) continue;
    const version = r.stdout.trim();
    const [major, minor] = version.split('.').map(Number);
    if (major === wantedPython[0] && minor === wantedPython[1]) return { cmd, version };
  }
  fail(`Python ${wantedPython.join('.')} not found (tried ${candidates.join(', ')}); airflow/requirements.lock was resolved on it. Install it (e.g. pyenv install 3.11) or set STREAMLINE_PYTHON=/path/to/python3.11`);
}

/** Runs a command; prints a line every few seconds while it counts matching output lines. */
function run(cmd, cmdArgs, { env = {}, label, countPattern } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, cmdArgs, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail = [];
    let count = 0;
    // A heartbeat, also while pip installs silently after its downloads.
    const ticker = setInterval(() => log(`${label}: ${countPattern ? `${count} packages fetched, ` : ''}${Math.round((Date.now() - started) / 1000)}s...`), 10_000);
    const onData = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (countPattern?.test(line)) count++;
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => clearInterval(ticker) || reject(new AirflowSetupError(`${label}: could not run ${cmd}: ${e.message}`)));
    child.on('close', (code) => {
      clearInterval(ticker);
      if (code === 0) resolvePromise(count);
      else reject(new AirflowSetupError(`${label}: \`${cmd} ${cmdArgs.join(' ')}\` exited with ${code}; last output:\n${tail.join('\n')}`));
    });
  });
}

async function virtualenv() {
  const lock = readFileSync(lockFile);
  const python = findPython();
  const key = sha(lock, python.version);
  const airflowBin = join(venv, 'bin', 'airflow');
  if (isFresh('venv', key) && existsSync(airflowBin)) return log(`venv: up to date (${venv})`);
  const packages = lock.toString().split('\n').filter((l) => /^[A-Za-z0-9]/.test(l)).length;
  log(`venv: installing ${packages} pinned packages from airflow/requirements.lock with Python ${python.version} (first run: a few minutes)...`);
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(airflowDir, { recursive: true });
  await run(python.cmd, ['-m', 'venv', venv], { label: 'venv' });
  // --require-hashes: every file pip fetches must match the lock's SHA-256 (pip would also switch it on by itself, seeing hashes).
  await run(join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--no-deps', '--require-hashes', '-r', lockFile], {
    label: 'pip install',
    countPattern: /^(Collecting|Using cached|Downloading) /,
  });
  stamp('venv', key);
  rmSync(stampPath('db'), { force: true });
  log(`venv: installed (${venv})`);
}

async function metadataDb() {
  const key = sha(readFileSync(lockFile), home);
  if (isFresh('db', key) && existsSync(join(home, 'airflow.db'))) return log(`metadata DB: up to date (${home})`);
  mkdirSync(home, { recursive: true });
  log(`metadata DB: airflow db migrate (AIRFLOW_HOME=${home})...`);
  await run(join(venv, 'bin', 'airflow'), ['db', 'migrate'], { label: 'db migrate', env: airflowEnv() });
  stamp('db', key);
  log('metadata DB: migrated');
}

async function main() {
  await virtualenv();
  await metadataDb();
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const env = airflowEnv();
  if (output === 'json') process.stdout.write(`${JSON.stringify({ airflow: join(venv, 'bin', 'airflow'), env })}\n`);
  if (output === 'env') for (const [k, v] of Object.entries(env)) process.stdout.write(`export ${k}=${JSON.stringify(v)}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await main();
  } catch (e) {
    process.stderr.write(`[airflow] error: ${e instanceof AirflowSetupError ? e.message : e?.stack ?? e}\n`);
    process.exitCode = 1;
  }
}
