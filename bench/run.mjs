// `make bench` (issue 8): Ember in Release on a seeded store, each scenario driven by wrk on
// loopback for a bounded time (or a bounded pool of single-use inputs), oidc-provider side by side
// for discovery, refresh and client_credentials, and the machine's crypto ceilings measured in the
// same run. Prints one table and writes bench/results/latest.json.
//
// Environment (defaults): EMBER_BIN=build/ember BENCH_PATIENTS=1000 BENCH_SECONDS=10
//   BENCH_CONNECTIONS=64 BENCH_THREADS=2 BENCH_WARMUP=3 (seconds per scenario)
//   BENCH_TOKENS=4000 (single-use inputs per Ember token scenario) BENCH_OIDC_TOKENS=1500
//   BENCH_SEED_PATIENTS=200 (the `ember seed` rate run) BENCH_SCALE_PATIENTS=0 (e.g. 10000:
//   also measure the search on a 10× store; seeding it the first time takes minutes)
//   BENCH_TIMEOUT=900 (seconds for the whole run) BENCH_OUT=bench/results/latest.json
//   BENCH_STORES=sqlite,postgres: the FHIR and token scenarios run again on a PostgreSQL store
//   (server label `ember-pg`) when EMBER_TEST_PG names a cluster — bench/run.sh starts a
//   throwaway one with scripts/with-pg.sh; BENCH_STORES=sqlite skips it.
//   BENCH_ONLY=name,name: run only these scenarios (the names in the table), e.g. to profile one.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync,
  statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installCleanup, track, runSync, run, freePort, sleep, stop, memMiB } from './lib/procs.mjs';
import { wrk, round } from './lib/wrk.mjs';
import { pooled, emberCode, emberTokens, emberRefresh, oidcCode, oidcRefresh, backendKey,
  clientCredentialsBody, postForm } from './lib/mint.mjs';
import { printTable, targets } from './lib/report.mjs';
import * as emberLib from './lib/ember.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// BENCH_SMOKE=1: a few seconds per scenario on a small store, to prove the suite still runs
// (CI); explicit BENCH_* settings still win. Speed is not judged from it.
const SMOKE = process.env.BENCH_SMOKE === '1';
const SMOKE_DEFAULTS = { BENCH_PATIENTS: 25, BENCH_SECONDS: 1, BENCH_WARMUP: 0, BENCH_TOKENS: 100,
  BENCH_OIDC_TOKENS: 100, BENCH_SEED_PATIENTS: 10, BENCH_OUT: 'bench/results/smoke.json' };
const int = (k, d) => { const v = Number(process.env[k] ?? (SMOKE && k in SMOKE_DEFAULTS ? SMOKE_DEFAULTS[k] : d)); if (!Number.isFinite(v) || v < 0) throw new Error(`${k} must be a number`); return Math.floor(v); };
const cfg = {
  bin: resolve(ROOT, process.env.EMBER_BIN || 'build/ember'),
  patients: int('BENCH_PATIENTS', 1000),
  seconds: Math.max(1, int('BENCH_SECONDS', 10)),
  warmup: int('BENCH_WARMUP', 3),
  connections: Math.max(1, int('BENCH_CONNECTIONS', 64)),
  threads: Math.max(1, int('BENCH_THREADS', 2)),
  tokens: Math.max(10, int('BENCH_TOKENS', 4000)),
  oidcTokens: Math.max(10, int('BENCH_OIDC_TOKENS', 1500)),
  seedPatients: Math.max(1, int('BENCH_SEED_PATIENTS', 200)),
  scalePatients: int('BENCH_SCALE_PATIENTS', 0),
  timeout: Math.max(60, int('BENCH_TIMEOUT', 900)),
  out: resolve(ROOT, process.env.BENCH_OUT || (SMOKE ? SMOKE_DEFAULTS.BENCH_OUT : 'bench/results/latest.json')),
  smoke: SMOKE,
  stores: (process.env.BENCH_STORES || 'sqlite,postgres').split(',').map((x) => x.trim()),
  // BENCH_ONLY=client_credentials,refresh: only the named scenarios (e.g. while profiling one);
  // the table then reports the others as not run.
  only: (process.env.BENCH_ONLY || '').split(',').map((x) => x.trim()).filter(Boolean),
  pg: process.env.EMBER_TEST_PG || '',
};
// The key that seals signing keys on PostgreSQL (required there in production; harmless here).
const PG_ENV = { EMBER_KEY_ENCRYPTION_KEY: 'bench-only key encryption key, 32+ characters long' };
cfg.connections = Math.max(cfg.connections, cfg.threads);
installCleanup(cfg.timeout);

// The apps, the same on both servers. Redirect URIs point at a closed port: the harness reads
// the code off the redirect and never follows it.
const CB = 'http://127.0.0.1:1/bench-cb';
const LAUNCH_URL = 'http://127.0.0.1:1/bench-launch';
const EHR_APP = { clientId: 'bench-ehr', redirectUri: CB, scope: 'launch openid fhirUser offline_access patient/*.rs' };
const BACKEND = 'bench-backend';
const SYSTEM_READ = 'system/Patient.rs';
const SYSTEM_WRITE = 'system/Observation.c';
const LAUNCH = { user: 'dr.smith', patient: 'alice' };
// Ember's refresh grant issues an access token only (no id_token); oidc-provider issues an
// id_token on refresh whenever `openid` was granted, so its refresh tokens are minted without
// it to keep the two grants doing the same work (one ES256 JWT access token and a rotation).
const OIDC_REFRESH_SCOPE = 'offline_access patient/*.rs';
const MINT_CONCURRENCY = 16;

const log = (...a) => console.error('bench:', ...a);
const results = { scenarios: [], ceilings: {}, startup: {}, seed: {}, notes: [] };

function check() {
  if (!existsSync(cfg.bin)) throw new Error(`${cfg.bin} is missing: build it first (make build)`);
  for (const tool of ['wrk', 'openssl']) {
    if (runSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is missing: run scripts/install-deps.sh`);
  }
  if (!existsSync(join(ROOT, 'node_modules/oidc-provider'))) throw new Error('oidc-provider is missing: run npm ci');
}

function machine() {
  const cpus = os.cpus();
  const tool = (cmd, args) => { try { return runSync(cmd, args, { timeoutS: 10 }).stdout.split('\n')[0].trim(); } catch { return ''; } };
  return {
    cpu: cpus[0]?.model?.trim(), cores: cpus.length, memory_gib: round(os.totalmem() / 2 ** 30, 1),
    kernel: os.release(), node: process.version, openssl: tool('openssl', ['version']),
    wrk: tool('sh', ['-c', 'wrk -v 2>&1 | head -1']),
  };
}

// ---- crypto ceilings -----------------------------------------------------------------------
// `openssl speed` on every core: what the machine can sign/verify at most, the limit a token
// endpoint that signs one JWT per request cannot pass.
async function cryptoCeilings() {
  const cores = os.cpus().length;
  const r = await run('openssl', ['speed', '-seconds', '2', '-multi', String(cores), 'rsa2048', 'ecdsap256'], { timeoutS: 120 });
  const rsa = r.stdout.match(/rsa\s+2048 bits\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)/);
  const ec = r.stdout.match(/256 bits ecdsa \(nistp256\)\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)/);
  if (!rsa || !ec) throw new Error(`could not read openssl speed output:\n${r.stdout}\n${r.stderr}`);
  results.ceilings = { cores, rs256_sign_per_s: Number(rsa[1]), rs256_verify_per_s: Number(rsa[2]),
    es256_sign_per_s: Number(ec[1]), es256_verify_per_s: Number(ec[2]) };
  log('crypto ceilings', JSON.stringify(results.ceilings));
}

// ---- stores --------------------------------------------------------------------------------
// The seeded store is cached in var/bench/, keyed by patient count and by the sources that decide
// its content and schema (src/seed, src/store), so a change there reseeds.
function sourceKey() {
  const h = createHash('sha256');
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p); else h.update(p.slice(ROOT.length)).update(readFileSync(p));
    }
  };
  for (const d of ['src/seed', 'src/store']) if (existsSync(join(ROOT, d))) walk(join(ROOT, d));
  return h.digest('hex').slice(0, 12);
}

function seed(storeUrl, patients, timeoutS, env = {}) {
  const t0 = performance.now();
  const r = runSync(cfg.bin, ['seed', '--patients', String(patients), '--store', storeUrl], { timeoutS, env });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`ember seed failed:\n${r.stdout}\n${r.stderr}`);
  const m = r.stdout.match(/seeded (\d+) resources/);
  return { resources: m ? Number(m[1]) : null, seconds, line: r.stdout.trim().split('\n').pop() };
}

function cachedStore(patients) {
  const dir = join(ROOT, 'var/bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `store-${patients}-${sourceKey()}.db`);
  if (!existsSync(file)) {
    log(`seeding ${patients} patients into ${file} (once; cached for later runs)`);
    const tmp = `${file}.tmp-${process.pid}`;
    const s = seed(`sqlite:${tmp}`, patients, 3600);
    // A cleanly closed SQLite store has no -wal left; should one remain, it travels with the file.
    for (const suffix of ['-wal', '']) if (existsSync(tmp + suffix)) renameSync(tmp + suffix, file + suffix);
    rmSync(`${tmp}-shm`, { force: true });
    log(s.line);
  }
  return file;
}

function copyStore(from, to) {
  for (const suffix of ['', '-wal']) if (existsSync(from + suffix)) copyFileSync(from + suffix, to + suffix);
}

// ---- servers -------------------------------------------------------------------------------
function addClient(storeUrl, argv, env = {}) {
  emberLib.addClient(cfg.bin, storeUrl, argv, env);
}

// One client hammers the token endpoint from one address on purpose: the rate limits
// (docs/configuration.md, "Limits") would answer 429. Switched off, as documented in
// docs/performance.md.
const NO_TOKEN_LIMITS = ['--token-rate-client', 'off', '--token-rate-address', 'off'];
const startEmber = (storeUrl, env = {}) => emberLib.startEmber(cfg.bin, storeUrl, { args: NO_TOKEN_LIMITS, env });

async function startOidcProvider(dir, backendJwk) {
  const port = await freePort();
  const file = join(dir, 'oidc-provider.json');
  const resource = `http://127.0.0.1:${port}/fhir`;
  writeFileSync(file, JSON.stringify({ port, redirectUri: CB, resource, publicClientId: EHR_APP.clientId,
    backendClientId: BACKEND, backendJwks: { keys: [backendJwk] }, scope: 'openid offline_access patient/*.rs',
    resourceScope: 'patient/*.rs', systemScope: SYSTEM_READ }));
  const t0 = performance.now();
  const proc = track(spawn(process.execPath, [join(ROOT, 'bench/oidc-provider/server.mjs'), file],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } }));
  let out = '';
  const ready = new Promise((res, rej) => {
    proc.stdout.on('data', (d) => { out += d; if (out.includes('ready ')) res(); });
    proc.stderr.on('data', (d) => { out = (out + d).slice(-4000); });
    proc.on('exit', () => rej(new Error(`oidc-provider exited:\n${out}`)));
    setTimeout(() => rej(new Error(`oidc-provider did not start within 30 s:\n${out}`)), 30_000).unref();
  });
  await ready;
  return { proc, base: `http://127.0.0.1:${port}`, pid: proc.pid, startupMs: round(performance.now() - t0, 1) };
}

// ---- scenarios -----------------------------------------------------------------------------
const wanted = (name) => cfg.only.length === 0 || cfg.only.includes(name);

async function scenario(name, server, target, opts = {}, extra = {}) {
  if (!wanted(name)) return null;
  const { lua = {}, warmup = cfg.warmup, warmupLua } = opts;
  if (warmup > 0) {
    await wrk({ url: target, seconds: warmup, connections: cfg.connections, threads: cfg.threads, lua: warmupLua ?? lua });
  }
  const r = await wrk({ url: target, seconds: cfg.seconds, connections: cfg.connections, threads: cfg.threads, lua,
    pid: server.pid });
  const row = { name, server: server.label, ...extra, ...r };
  results.scenarios.push(row);
  log(`${name} [${server.label}]: ${r.rps} req/s, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, non-2xx ${r.non2xx}` +
    `${r.first_error ? ` (first: ${r.first_error.slice(0, 160)})` : ''}`);
  return row;
}

// A token scenario: `count` single-use bodies minted by make(), of which a tenth warms up.
async function poolScenario(name, server, url, dir, count, make, extra = {}) {
  if (!wanted(name)) return null;
  const warm = Math.max(cfg.connections, Math.floor(count / 10));
  const t0 = performance.now();
  const bodies = await pooled(count + warm, MINT_CONCURRENCY, make);
  const mintS = (performance.now() - t0) / 1000;
  log(`${name} [${server.label}]: minted ${count + warm} inputs in ${mintS.toFixed(1)} s`);
  const warmFile = join(dir, `${name}-${server.label}-warm.txt`);
  const poolFile = join(dir, `${name}-${server.label}.txt`);
  writeFileSync(warmFile, `${bodies.slice(0, warm).join('\n')}\n`);
  writeFileSync(poolFile, `${bodies.slice(warm).join('\n')}\n`);
  const lua = { method: 'POST', ctype: 'application/x-www-form-urlencoded' };
  // wrk always runs for its whole -d, so -d is sized from the warm-up's rate: the pool should be
  // used up well within it, and BENCH_SECONDS stays the bound.
  let seconds = cfg.seconds;
  if (cfg.warmup > 0) {
    const w = await wrk({ url, seconds: cfg.warmup, connections: cfg.connections, threads: cfg.threads,
      lua: { ...lua, pool: warmFile } });
    if (w.rps > 0) seconds = Math.min(cfg.seconds, Math.max(2, Math.ceil((count / w.rps) * 1.5) + 1));
  }
  const r = await wrk({ url, seconds, connections: cfg.connections, threads: cfg.threads,
    lua: { ...lua, pool: poolFile }, pid: server.pid });
  const row = { name, server: server.label, pool: count, mint_s: round(mintS, 1), ...extra, ...r };
  results.scenarios.push(row);
  log(`${name} [${server.label}]: ${r.rps} req/s over ${r.seconds} s, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, ` +
    `non-2xx ${r.non2xx}${r.first_error ? ` (first: ${r.first_error.slice(0, 160)})` : ''}`);
  if (r.ok + r.non2xx < count * 0.95) log(`${name} [${server.label}]: only ${r.ok + r.non2xx} of ${count} inputs answered within ${seconds} s`);
  return row;
}

// Scenarios 3 to 8 on one Ember (labelled by its store: ember on SQLite, ember-pg on PostgreSQL);
// oidc-provider runs its side of 7 and 8 only when given.
async function storeScenarios(ember, oidc, key, dir) {
  // 3, 4: FHIR read and search with a patient-scoped token from the real EHR launch flow.
  const patientToken = (await emberTokens(ember.base, EHR_APP, LAUNCH)).access_token;
  const bearer = { bearer: patientToken, accept: 'application/fhir+json' };
  await scenario('fhir_read', ember, `${ember.base}/fhir/Patient/alice`, { lua: bearer });
  await scenario('fhir_search', ember, `${ember.base}/fhir/Observation?patient=alice&category=laboratory`, { lua: bearer },
    { patients: cfg.patients });

  // 6: authorization-code exchange (PKCE, openid → RS256 id_token).
  await poolScenario('code_exchange', ember, `${ember.base}/oauth/token`, dir, cfg.tokens,
    () => emberCode(ember.base, EHR_APP, LAUNCH));
  // 7: refresh-token grant (rotating), on both servers.
  await poolScenario('refresh', ember, `${ember.base}/oauth/token`, dir, cfg.tokens,
    () => emberRefresh(ember.base, EHR_APP, LAUNCH));
  if (oidc) await poolScenario('refresh', oidc, `${oidc.base}/token`, dir, cfg.oidcTokens,
    () => oidcRefresh(oidc.base, { ...EHR_APP, scope: OIDC_REFRESH_SCOPE }));
  // 8: client_credentials with an RS384 private_key_jwt, on both servers.
  await poolScenario('client_credentials', ember, `${ember.base}/oauth/token`, dir, cfg.tokens,
    async () => clientCredentialsBody(key, BACKEND, `${ember.base}/oauth/token`, SYSTEM_READ));
  if (oidc) await poolScenario('client_credentials', oidc, `${oidc.base}/token`, dir, cfg.oidcTokens,
    async () => clientCredentialsBody(key, BACKEND, `${oidc.base}/token`, SYSTEM_READ, { withClientId: true }));

  // 5: FHIR create (last: it adds Observations), with a system token that may create them.
  const ccBody = clientCredentialsBody(key, BACKEND, `${ember.base}/oauth/token`, SYSTEM_WRITE);
  const writer = (await postForm(`${ember.base}/oauth/token`, ccBody)).access_token;
  const obs = join(dir, 'observation.json');
  writeFileSync(obs, JSON.stringify({ resourceType: 'Observation', status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: 'Patient/alice' }, effectiveDateTime: '2024-01-01T00:00:00Z',
    valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' } }));
  await scenario('fhir_create', ember, `${ember.base}/fhir/Observation`,
    { lua: { method: 'POST', bearer: writer, ctype: 'application/fhir+json', accept: 'application/fhir+json', body: obs } });
}

// The two apps every benchmark store has.
function addApps(storeUrl, key, env = {}) {
  addClient(storeUrl, ['--id', EHR_APP.clientId, '--name', 'Bench EHR app', '--type', 'public', '--redirect-uri', CB,
    '--launch-url', LAUNCH_URL, '--scope', EHR_APP.scope, '--auto-approve'], env);
  addClient(storeUrl, ['--id', BACKEND, '--name', 'Bench backend', '--type', 'backend', '--jwks',
    JSON.stringify({ keys: [key.jwk] }), '--scope', `${SYSTEM_READ} ${SYSTEM_WRITE}`], env);
}

// A fresh database on the EMBER_TEST_PG cluster; returns its URL.
function pgDatabase(name) {
  for (const sql of [`DROP DATABASE IF EXISTS ${name}`, `CREATE DATABASE ${name}`]) {
    const r = runSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', cfg.pg, '-c', sql], { timeoutS: 60 });
    if (r.status !== 0) throw new Error(`psql ${sql} failed:\n${r.stdout}${r.stderr}`);
  }
  const u = new URL(cfg.pg);
  u.pathname = `/${name}`;
  return u.toString();
}

// The FHIR and token scenarios again with PostgreSQL as the store (issue 6), seeded afresh.
async function postgresPass(key, dir) {
  const url = pgDatabase('ember_bench');
  const s = seed(url, cfg.patients, 3600, PG_ENV);
  results.seed_postgres = { patients: cfg.patients, resources: s.resources, seconds: round(s.seconds, 2),
    resources_per_s: s.resources ? round(s.resources / s.seconds, 0) : null };
  log(`postgres: ${s.line}`);
  addApps(url, key, PG_ENV);
  const first = await startEmber(url, PG_ENV);  // makes the signing keys
  await stop(first.proc);
  const ember = await startEmber(url, PG_ENV);
  ember.label = 'ember-pg';
  await sleep(1000);
  results.startup.ember_pg = { restart_ms: ember.startupMs, idle_rss_mib: round(memMiB(ember.pid).rss, 1) };
  await scenario('ceiling_healthz', ember, `${ember.base}/healthz`);
  await storeScenarios(ember, null, key, dir);
  results.startup.ember_pg.peak_rss_mib = round(memMiB(ember.pid).hwm, 1);
  await stop(ember.proc);
}

async function main() {
  const started = performance.now();
  check();
  results.machine = machine();
  results.config = { ...cfg, bin: undefined, out: undefined };
  const dir = mkdtempSync(join(os.tmpdir(), 'ember-bench-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

  await cryptoCeilings();

  // Scenario 10: the seeding rate, on a fresh store every run.
  const s = seed(`sqlite:${join(dir, 'seed-rate.db')}`, cfg.seedPatients, 600);
  results.seed = { patients: cfg.seedPatients, resources: s.resources, seconds: round(s.seconds, 2),
    resources_per_s: s.resources ? round(s.resources / s.seconds, 0) : null };
  log(s.line);

  // The benchmark store: a copy of the cached seeded one (the run writes to it), with the apps.
  const file = join(dir, 'ember.db');
  copyStore(cachedStore(cfg.patients), file);
  results.store_mib = round(statSync(file).size / 2 ** 20, 1);
  const store = `sqlite:${file}`;
  const key = backendKey('bench-rs384');
  addApps(store, key);

  // Scenario 9: start-up. The first start on a store also makes the signing keys; the second is
  // an ordinary restart and is the server measured from here on.
  const first = await startEmber(store);
  await stop(first.proc);
  const ember = await startEmber(store);
  ember.label = 'ember';
  await sleep(1000);
  results.startup.ember = { first_start_ms: first.startupMs, restart_ms: ember.startupMs, idle_rss_mib: round(memMiB(ember.pid).rss, 1) };
  const oidc = await startOidcProvider(dir, key.jwk);
  oidc.label = 'oidc-provider';
  await sleep(1000);
  results.startup.oidc_provider = { start_ms: oidc.startupMs, idle_rss_mib: round(memMiB(oidc.pid).rss, 1) };
  log('start-up', JSON.stringify(results.startup));

  // 1, 2: the ceiling and discovery.
  await scenario('ceiling_healthz', ember, `${ember.base}/healthz`);
  await scenario('discovery', ember, `${ember.base}/.well-known/openid-configuration`);
  await scenario('discovery', oidc, `${oidc.base}/.well-known/openid-configuration`);

  await storeScenarios(ember, oidc, key, dir);

  const m = memMiB(ember.pid);
  results.startup.ember.loaded_rss_mib = round(Math.max(m.rss, ...results.scenarios.filter((x) => x.server === 'ember').map((x) => x.rss_max_mib)), 1);
  results.startup.ember.peak_rss_mib = round(m.hwm, 1);
  const om = memMiB(oidc.pid);
  results.startup.oidc_provider.peak_rss_mib = round(om.hwm, 1);
  await stop(ember.proc);
  await stop(oidc.proc);

  if (cfg.stores.includes('postgres')) {
    if (cfg.pg) await postgresPass(key, dir);
    else results.notes.push('PostgreSQL pass skipped: EMBER_TEST_PG is not set (bench/run.sh starts a cluster)');
  }

  // Optional: the same search on a bigger store (the "10× data" target).
  if (cfg.scalePatients > 0) {
    const bigFile = join(dir, 'scale.db');
    copyStore(cachedStore(cfg.scalePatients), bigFile);
    const big = `sqlite:${bigFile}`;
    addClient(big, ['--id', EHR_APP.clientId, '--name', 'Bench EHR app', '--type', 'public', '--redirect-uri', CB,
      '--launch-url', LAUNCH_URL, '--scope', EHR_APP.scope, '--auto-approve']);
    const e2 = await startEmber(big);
    e2.label = 'ember';
    const tok = (await emberTokens(e2.base, EHR_APP, LAUNCH)).access_token;
    await scenario('fhir_search_scaled', e2, `${e2.base}/fhir/Observation?patient=alice&category=laboratory`,
      { lua: { bearer: tok, accept: 'application/fhir+json' } }, { patients: cfg.scalePatients });
    await stop(e2.proc);
  }

  results.targets = targets(results, cfg);
  results.finished_at = new Date().toISOString();
  results.elapsed_s = round((performance.now() - started) / 1000, 1);
  mkdirSync(dirname(cfg.out), { recursive: true });
  writeFileSync(cfg.out, `${JSON.stringify(results, null, 2)}\n`);
  printTable(results, cfg);
  console.log(`\nwrote ${cfg.out.slice(ROOT.length + 1)}`);
  // A scenario that answered nothing, or answered errors, is a broken suite (what the CI smoke
  // run exists to catch), whatever the speed.
  const broken = results.scenarios.filter((x) => !(x.ok > 0) || x.non2xx > 0 || x.socket_errors > 0);
  if (broken.length) {
    console.error(`bench: failing scenarios: ${broken.map((x) => `${x.name} [${x.server}]`).join(', ')}`);
    process.exitCode = 1;
  }
}

main().then(() => process.exit(process.exitCode ?? 0), (e) => { console.error(`bench: ${e.stack || e}`); process.exit(1); });
