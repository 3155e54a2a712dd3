// `make soak` (issue 9): Ember in Release on a seeded store under a mixed load for a set time —
// EHR and standalone launches through the real authorization flow (launcher → /oauth/authorize
// → sign-in/consent → code exchange with PKCE), refresh-token rotations, FHIR reads, searches
// and writes — with a bounded number of workers, every loop bounded by the deadline. Fails on
// any error, and on resident-memory growth after warm-up: the floor of VmRSS (its 10th
// percentile, sampled 4 times a second) in the last window against the floor in the first window
// after the warm-up must grow less than SOAK_MAX_GROWTH. The floor, because a sign-in maps
// argon2id's 19 MiB working area for its duration and unmaps it after (src/app/main.cc): at this
// load one is in flight about half the time, so means and medians jump by 19 MiB with nothing
// leaking, while a leak raises the floor.
// Prints a summary and writes bench/results/soak-latest.json.
//
// Warm-up: growth only means a leak once the server's bounded caches are full. The largest is the
// FHIR side's verified-token cache (`--token-cache`, 4096 entries by default, about 1.2 KiB each,
// cleared when full); at this load it fills in about 4 minutes, hence half the run as warm-up by
// default. Short runs pass a smaller cache in SOAK_SERVE_ARGS (`make soak-smoke`: 256) so that
// it is full before the warm-up ends. The report says how many access tokens had been issued by
// the end of the warm-up.
//
// Environment (defaults): EMBER_BIN=build/ember SOAK_SECONDS=600 SOAK_WARMUP (half the run, or
//   20 s when SOAK_SECONDS < 300) SOAK_WINDOW (min(60, (SOAK_SECONDS - warm-up) / 3) seconds)
//   SOAK_CONCURRENCY=8 (workers) SOAK_PATIENTS=100 (seeded) SOAK_MAX_GROWTH=0.05
//   SOAK_SERVE_ARGS (extra `ember serve` flags, space-separated) SOAK_OUT=bench/results/soak-latest.json
import { mkdtempSync, mkdirSync, rmSync, statSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installCleanup, runSync, sleep, stop, memMiB } from '../lib/procs.mjs';
import { emberCode, postForm } from '../lib/mint.mjs';
import { authorizeViaHttp } from '../../tests/e2e/lib/oauth.js';
import * as emberLib from '../lib/ember.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const num = (k, d) => {
  const v = Number(process.env[k] ?? d);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${k} must be a non-negative number`);
  return v;
};
const seconds = Math.max(10, Math.floor(num('SOAK_SECONDS', 600)));
const warmup = Math.floor(num('SOAK_WARMUP', seconds >= 300 ? seconds / 2 : 20));
const cfg = {
  bin: resolve(ROOT, process.env.EMBER_BIN || 'build/ember'),
  seconds,
  warmup,
  window: Math.max(5, Math.floor(num('SOAK_WINDOW', Math.min(60, (seconds - warmup) / 3)))),
  concurrency: Math.max(1, Math.floor(num('SOAK_CONCURRENCY', 8))),
  patients: Math.max(1, Math.floor(num('SOAK_PATIENTS', 100))),
  maxGrowth: num('SOAK_MAX_GROWTH', 0.05),
  serveArgs: (process.env.SOAK_SERVE_ARGS || '').split(/\s+/).filter(Boolean),
  out: resolve(ROOT, process.env.SOAK_OUT || 'bench/results/soak-latest.json'),
};
if (cfg.warmup + 2 * cfg.window > cfg.seconds) {
  throw new Error(`SOAK_WARMUP + 2 × SOAK_WINDOW (${cfg.warmup} + 2 × ${cfg.window}) exceeds SOAK_SECONDS (${cfg.seconds})`);
}
// The whole run, setup included, is bounded too.
installCleanup(cfg.seconds + 300);

const REQUEST_TIMEOUT_MS = 30_000;
const MAX_OPS_PER_WORKER = 10_000_000;  // a bound besides the deadline
const READS_PER_TOKEN = 6;              // FHIR calls made with each access token
const REFRESHES_PER_SESSION = 2;        // rotations per launch
const WRITE_EVERY = 4;                  // every 4th FHIR call of an EHR session is a create
const MAX_ERROR_SAMPLES = 20;
// VerifiedTokens' default bound (src/oauth/verified_tokens.h): tokens the FHIR API remembers.
// The server's verified-token cache size: --token-cache from SOAK_SERVE_ARGS, else the default.
const kVerifiedTokenCache = (() => {
  const i = cfg.serveArgs.indexOf('--token-cache');
  return i >= 0 ? Number(cfg.serveArgs[i + 1]) : 4096;
})();
// Redirect URIs point at a closed port: the driver reads the code off the redirect.
const CB = 'http://127.0.0.1:1/soak-cb';
const EHR_APP = { clientId: 'soak-ehr', redirectUri: CB,
  scope: 'launch openid fhirUser offline_access patient/*.rs patient/Observation.c user/Patient.rs' };
const STANDALONE_APP = { clientId: 'soak-standalone', redirectUri: CB,
  scope: 'launch/patient openid fhirUser offline_access patient/*.rs' };
// All workers share one address and two clients, so they reach the token endpoint's default rate
// limits (docs/configuration.md, "Limits") within seconds. The limits are raised far above the
// soak's rate rather than switched off: their counters stay on the path being soaked.
const TOKEN_RATE_ARGS = ['--token-rate-client', '1000000/1m', '--token-rate-address', '1000000/1m'];
const STANDALONE_USER = 'alice';  // the sandbox's patient user (password demo); her own record
const EHR_USER = 'dr.smith';

const log = (...a) => console.error('soak:', ...a);

// ---- counters ----------------------------------------------------------------------------------
const counts = {};
const latencies = {};  // kind → ms samples (the run is bounded, so are these)
const errors = { total: 0, byKind: {}, samples: [] };
let opsDone = 0;
let tokensIssued = 0;  // access tokens from launches and refreshes
function ok(kind, ms) {
  opsDone++;
  counts[kind] = (counts[kind] || 0) + 1;
  (latencies[kind] ||= []).push(ms);
  if (kind.startsWith('launch_') || kind === 'refresh') tokensIssued++;
}
function error(kind, e) {
  errors.total++;
  errors.byKind[kind] = (errors.byKind[kind] || 0) + 1;
  if (errors.samples.length < MAX_ERROR_SAMPLES) {
    errors.samples.push({ at_s: round(elapsedS(), 1), kind, message: String(e?.message || e).slice(0, 400) });
  }
}
let loadStart = 0;
const elapsedS = () => (performance.now() - loadStart) / 1000;
const round = (x, d = 2) => (x === null || x === undefined ? null : Number(x.toFixed(d)));

// Times one step; a thrown error or an unexpected status counts as an error of that kind.
async function step(kind, fn) {
  const t0 = performance.now();
  try {
    const v = await fn();
    ok(kind, performance.now() - t0);
    return v;
  } catch (e) {
    error(kind, e);
    return undefined;
  }
}

async function fhir(base, token, path, init = {}) {
  const r = await fetch(`${base}/fhir/${path}`, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    headers: { accept: 'application/fhir+json', authorization: `Bearer ${token}`, ...(init.headers || {}) } });
  const text = await r.text();
  return { status: r.status, text, json: () => JSON.parse(text) };
}
const expect = (r, status, what) => {
  if (r.status !== status) throw new Error(`${what} → ${r.status} ${r.text.slice(0, 300)}`);
  return r;
};

// ---- the server --------------------------------------------------------------------------------
const addClient = (store, argv) => emberLib.addClient(cfg.bin, store, argv);
const startEmber = (store) => emberLib.startEmber(cfg.bin, store, { args: [...TOKEN_RATE_ARGS, ...cfg.serveArgs], pollMs: 20 });

// ---- the flows ---------------------------------------------------------------------------------
// EHR launch: the sandbox launcher makes a launch handle for (user, patient), then the
// authorization flow (auto-approved app) gives a code, exchanged with its PKCE verifier.
async function ehrLaunch(base, patient) {
  return postForm(`${base}/oauth/token`, await emberCode(base, EHR_APP, { user: EHR_USER, patient }));
}

// Sign-ins of one account are serialized by the server (concurrent attempts are refused with
// 429, so that parallel guesses gain nothing: docs/configuration.md, "Limits"). One person does
// not sign in from eight browsers at once either, so the workers take turns.
let signInTurn = Promise.resolve();
function oneSignInAtATime(fn) {
  const run = signInTurn.then(fn, fn);
  signInTurn = run.catch(() => {});
  return run;
}

// Standalone launch: a fresh browser (cookie jar) signs in as the patient user and approves
// the consent page; the code is exchanged.
async function standaloneLaunch(base) {
  const a = await oneSignInAtATime(() => authorizeViaHttp({ base, clientId: STANDALONE_APP.clientId,
    redirectUri: CB, scope: STANDALONE_APP.scope, username: STANDALONE_USER }));
  if (a.kind !== 'redirect' || !a.code) {
    throw new Error(`standalone authorize gave no code: ${a.kind} ${a.status ?? ''} ${a.error ?? ''} ${a.title ?? ''} (${a.steps?.join(', ')})`);
  }
  return postForm(`${base}/oauth/token`, new URLSearchParams({ grant_type: 'authorization_code', code: a.code,
    redirect_uri: CB, code_verifier: a.pkce.verifier, client_id: STANDALONE_APP.clientId }).toString());
}

async function refresh(base, app, refreshToken) {
  const t = await postForm(`${base}/oauth/token`, new URLSearchParams({ grant_type: 'refresh_token',
    refresh_token: refreshToken, client_id: app.clientId }).toString());
  if (!t.access_token || !t.refresh_token) throw new Error('refresh answered without access_token or refresh_token');
  return t;
}

// FHIR calls with one access token: reads, searches, and (EHR sessions) creates read back.
async function useToken(base, token, patient, canWrite, n) {
  for (let i = 0; i < READS_PER_TOKEN; i++) {
    if (elapsedS() >= cfg.seconds) return;
    const k = (n + i) % 4;
    if (canWrite && (n + i) % WRITE_EVERY === 0) {
      await step('fhir_write', async () => {
        const body = JSON.stringify({ resourceType: 'Observation', status: 'final',
          category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
          code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
          subject: { reference: `Patient/${patient}` }, effectiveDateTime: new Date().toISOString(),
          valueQuantity: { value: 60 + (i % 40), unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' } });
        const c = expect(await fhir(base, token, 'Observation', { method: 'POST', body,
          headers: { 'content-type': 'application/fhir+json' } }), 201, 'create Observation');
        const id = c.json().id;
        expect(await fhir(base, token, `Observation/${id}`), 200, `read back Observation/${id}`);
      });
    } else if (k === 0 || k === 1) {
      await step('fhir_read', async () => expect(await fhir(base, token, `Patient/${patient}`), 200, `read Patient/${patient}`));
    } else if (k === 2) {
      await step('fhir_search', async () => {
        const r = expect(await fhir(base, token, `Observation?patient=${patient}&category=laboratory&_count=20`), 200, 'search Observation');
        if (r.json().resourceType !== 'Bundle') throw new Error('search did not answer a Bundle');
      });
    } else {
      await step('fhir_search', async () => expect(await fhir(base, token, `Condition?patient=${patient}`), 200, 'search Condition'));
    }
  }
}

// One worker: launch sessions one after another until the deadline. Every third session is a
// standalone launch; the others are EHR launches for a patient from the seeded list.
async function worker(base, w, patients) {
  let n = w;
  for (let ops = 0; ops < MAX_OPS_PER_WORKER && elapsedS() < cfg.seconds; ops++, n++) {
    const standalone = n % 3 === 2;
    const patient = standalone ? STANDALONE_USER : patients[n % patients.length];
    const app = standalone ? STANDALONE_APP : EHR_APP;
    let t = await step(standalone ? 'launch_standalone' : 'launch_ehr',
      () => (standalone ? standaloneLaunch(base) : ehrLaunch(base, patient)));
    if (!t) { await sleep(100); continue; }  // counted; do not spin on a failing server
    const subject = t.patient || patient;
    await useToken(base, t.access_token, subject, !standalone, n);
    for (let r = 0; r < REFRESHES_PER_SESSION && elapsedS() < cfg.seconds; r++) {
      t = await step('refresh', () => refresh(base, app, t.refresh_token));
      if (!t) break;
      await useToken(base, t.access_token, subject, !standalone, n + r + 1);
    }
  }
}

// ---- memory ------------------------------------------------------------------------------------
function sampler(pid) {
  const samples = [];
  const take = () => {
    try {
      samples.push({ t: round(elapsedS(), 2), rss_mib: round(memMiB(pid).rss, 2), ops: opsDone, tokens: tokensIssued });
    } catch (e) {
      error('rss_sample', e);
    }
  };
  const timer = setInterval(take, 250);
  take();
  return { samples, stop: () => { take(); clearInterval(timer); } };
}

const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
function pctl(xs, p) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

// The growth between the two windows' floors (10th percentiles), and what it could detect: the smallest steady leak
// per operation that would cross the limit between them (the limit over the operations done
// between the windows' midpoints).
function memoryVerdict(samples) {
  const firstS = samples.filter((s) => s.t >= cfg.warmup && s.t < cfg.warmup + cfg.window);
  const lastS = samples.filter((s) => s.t >= cfg.seconds - cfg.window && s.t <= cfg.seconds);
  const first = firstS.map((s) => s.rss_mib);
  const last = lastS.map((s) => s.rss_mib);
  const a = pctl(first, 10);
  const b = pctl(last, 10);
  const growth = a && b ? (b - a) / a : null;
  const opsBetween = (mean(lastS.map((s) => s.ops)) ?? 0) - (mean(firstS.map((s) => s.ops)) ?? 0);
  return {
    warmup_s: cfg.warmup, window_s: cfg.window,
    first_window: [cfg.warmup, cfg.warmup + cfg.window], last_window: [cfg.seconds - cfg.window, cfg.seconds],
    first_window_floor_mib: round(a), last_window_floor_mib: round(b),
    growth_pct: growth === null ? null : round(growth * 100, 2), max_growth_pct: cfg.maxGrowth * 100,
    start_mib: samples[0]?.rss_mib ?? null, end_mib: samples.at(-1)?.rss_mib ?? null,
    samples: first.length + last.length,
    ops_between_windows: Math.round(opsBetween),
    tokens_at_warmup_end: firstS[0]?.tokens ?? null,
    token_cache_full_at_warmup_end: (firstS[0]?.tokens ?? 0) >= kVerifiedTokenCache,
    detectable_leak_bytes_per_op: a && opsBetween > 0 ? Math.round((cfg.maxGrowth * a * 2 ** 20) / opsBetween) : null,
    met: growth !== null && growth < cfg.maxGrowth,
  };
}

// ---- main --------------------------------------------------------------------------------------
async function main() {
  if (!existsSync(cfg.bin)) throw new Error(`${cfg.bin} is missing: build it first (make build)`);
  const dir = mkdtempSync(join(os.tmpdir(), 'ember-soak-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'ember.db');
  const store = `sqlite:${file}`;

  const t0 = performance.now();
  const s = runSync(cfg.bin, ['seed', '--patients', String(cfg.patients), '--store', store], { timeoutS: 1800 });
  if (s.status !== 0) throw new Error(`ember seed failed:\n${s.stdout}${s.stderr}`);
  log(`${s.stdout.trim().split('\n').pop()} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  addClient(store, ['--id', EHR_APP.clientId, '--name', 'Soak EHR app', '--type', 'public', '--redirect-uri', CB,
    '--launch-url', 'http://127.0.0.1:1/soak-launch', '--scope', EHR_APP.scope, '--auto-approve']);
  addClient(store, ['--id', STANDALONE_APP.clientId, '--name', 'Soak standalone app', '--type', 'public',
    '--redirect-uri', CB, '--scope', STANDALONE_APP.scope]);
  const storeStartMiB = statSync(file).size / 2 ** 20;

  const ember = await startEmber(store);
  log(`ember pid ${ember.pid} at ${ember.base}; ${cfg.concurrency} workers for ${cfg.seconds} s ` +
    `(warm-up ${cfg.warmup} s, windows of ${cfg.window} s)`);

  // The patients EHR launches rotate over: the seeded ones, listed with a practitioner's token.
  const first = await ehrLaunch(ember.base, 'alice');
  const list = expect(await fhir(ember.base, first.access_token, `Patient?_count=${Math.min(cfg.patients, 200)}&_elements=id`),
    200, 'list patients').json();
  const patients = (list.entry || []).map((e) => e.resource.id);
  if (!patients.length) throw new Error('no patients in the seeded store');

  loadStart = performance.now();
  const mem = sampler(ember.pid);
  await Promise.all(Array.from({ length: cfg.concurrency }, (_, w) => worker(ember.base, w, patients)));
  const loadS = elapsedS();
  mem.stop();

  // After the load: still healthy, and a clean shutdown.
  await step('healthz', async () => {
    const r = await fetch(`${ember.base}/healthz`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = await r.text();
    if (r.status !== 200) throw new Error(`/healthz → ${r.status} ${body}`);
  });
  const hwm = memMiB(ember.pid).hwm;
  await stop(ember.proc);
  if (ember.proc.exitCode !== 0) error('shutdown', new Error(`ember exited with ${ember.proc.exitCode ?? ember.proc.signalCode}: ${ember.stderr().slice(-500)}`));

  const memory = memoryVerdict(mem.samples);
  memory.peak_mib = round(hwm);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const kinds = ['launch_ehr', 'launch_standalone', 'refresh', 'fhir_read', 'fhir_search', 'fhir_write'];
  const missing = kinds.filter((k) => !counts[k]);
  const results = {
    config: { ...cfg, bin: undefined, out: undefined },
    machine: { cpu: os.cpus()[0]?.model?.trim(), cores: os.cpus().length, node: process.version, kernel: os.release() },
    load_s: round(loadS, 1),
    counts,
    rates_per_s: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, round(v / loadS, 1)])),
    latency_ms: Object.fromEntries(Object.entries(latencies).map(([k, xs]) => [k, { p50: round(pctl(xs, 50)), p99: round(pctl(xs, 99)), max: round(Math.max(...xs)) }])),
    errors,
    memory,
    rss_samples: mem.samples,
    store_mib: { start: round(storeStartMiB, 1), end: round(statSync(file).size / 2 ** 20, 1) },
    finished_at: new Date().toISOString(),
  };
  results.passed = errors.total === 0 && memory.met && missing.length === 0;
  mkdirSync(dirname(cfg.out), { recursive: true });
  writeFileSync(cfg.out, `${JSON.stringify(results, null, 2)}\n`);

  console.log(`soak: ${round(loadS, 0)} s, ${total} operations, ${errors.total} errors`);
  for (const k of Object.keys(counts).sort()) {
    const l = results.latency_ms[k];
    console.log(`  ${k.padEnd(18)} ${String(counts[k]).padStart(8)}  ${String(results.rates_per_s[k]).padStart(7)}/s  p50 ${l.p50} ms  p99 ${l.p99} ms`);
  }
  console.log(`  RSS floor: ${memory.first_window_floor_mib} MiB (10th percentile of ${memory.first_window.join('–')} s) → ` +
    `${memory.last_window_floor_mib} MiB (of ${memory.last_window.join('–')} s): ${memory.growth_pct}% ` +
    `(limit < ${memory.max_growth_pct}%, i.e. a leak of ${memory.detectable_leak_bytes_per_op} bytes per operation), ` +
    `peak ${memory.peak_mib} MiB; store ${results.store_mib.start} → ${results.store_mib.end} MiB`);
  console.log(`wrote ${cfg.out.startsWith(ROOT) ? cfg.out.slice(ROOT.length + 1) : cfg.out}`);
  if (errors.total) {
    console.error(`soak: ${errors.total} errors, e.g.:`);
    for (const e of errors.samples.slice(0, 5)) console.error(`  [${e.at_s} s ${e.kind}] ${e.message}`);
  }
  if (missing.length) console.error(`soak: no successful ${missing.join(', ')}`);
  if (!memory.met && !memory.token_cache_full_at_warmup_end) {
    console.error(`soak: note: ${memory.tokens_at_warmup_end} access tokens by the end of the warm-up, fewer than the ` +
      `server's verified-token cache holds (${kVerifiedTokenCache}); its fill counts as growth`);
  }
  if (!memory.met) console.error(`soak: RSS grew ${memory.growth_pct}% after warm-up (limit ${memory.max_growth_pct}%)`);
  if (!results.passed) process.exitCode = 1;
}

main().then(() => process.exit(process.exitCode ?? 0), (e) => { console.error(`soak: ${e.stack || e}`); process.exit(1); });
