// Starts a real `ember serve` on a free loopback port with a throwaway database, waits until
// /healthz answers, and stops it afterwards. Every e2e test file uses this.
// The database is SQLite (a file in a fresh temp folder) unless EMBER_TEST_STORE=postgres: then
// it is a fresh PostgreSQL database on the cluster EMBER_TEST_PG names (scripts/with-pg.sh sets
// it), one per store folder, dropped again by stop().
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const EMBER_BIN = process.env.EMBER_BIN || resolve(here, '../../../build/ember');

export async function freePort() {
  return new Promise((res, rej) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL mode. EMBER_TEST_PG is a libpq URL of a database on a throwaway cluster on which we
// may create databases (superuser), e.g. postgresql:///postgres?host=/tmp/ember-pg.X&user=postgres.
export const STORE_KIND = process.env.EMBER_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';
const PSQL = process.env.PSQL || 'psql';

// Runs one SQL statement on the cluster's maintenance database; returns psql's stdout.
export function pgAdmin(sql) {
  const admin = process.env.EMBER_TEST_PG;
  if (!admin) throw new Error('EMBER_TEST_PG is not set (run under scripts/with-pg.sh)');
  const r = spawnSync(PSQL, [admin, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql],
    { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) {
    throw new Error(`psql failed (${r.status ?? r.signal ?? r.error}) on: ${sql}\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  }
  return r.stdout.trim();
}

// The libpq URL of database `name` on the EMBER_TEST_PG cluster (same host, user, options).
export function pgDatabaseUrl(name) {
  const admin = process.env.EMBER_TEST_PG;
  if (!admin) throw new Error('EMBER_TEST_PG is not set (run under scripts/with-pg.sh)');
  const u = new URL(admin);
  if (u.protocol !== 'postgresql:' && u.protocol !== 'postgres:') {
    throw new Error(`EMBER_TEST_PG must be a postgresql:// URL, got ${admin}`);
  }
  u.pathname = `/${name}`;
  return u.toString();
}

// The database that belongs to a store folder: its name is derived from the folder's path, so
// a second server started on the same `dir` gets the same database. Created when missing.
export function pgDatabaseFor(dir) {
  const name = `ember_e2e_${createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 16)}`;
  if (pgAdmin(`SELECT count(*) FROM pg_database WHERE datname = '${name}'`) === '0') {
    pgAdmin(`CREATE DATABASE ${name}`);
  }
  return { name, url: pgDatabaseUrl(name) };
}

// Best effort: the cluster is thrown away at the end anyway.
export function pgDropDatabase(name) {
  try {
    pgAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } catch (e) {
    process.stderr.write(`warning: ${e.message}\n`);
  }
}

// A shared PostgreSQL store is run as in production: the signing keys sealed at rest (production
// mode refuses to start without it, and `ember keys rotate` then needs it too). Every server and
// admin command on a PostgreSQL test database gets this environment (the caller's wins).
export const TEST_KEY_ENCRYPTION_KEY = 'ember-e2e-key-encryption-secret-0123456789';
export function storeEnv(kind = STORE_KIND) {
  if (kind !== 'postgres' || process.env.EMBER_KEY_ENCRYPTION_KEY) return {};
  return { EMBER_KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY };
}

// The store URL for a store folder: sqlite:DIR/ember.db, or that folder's PostgreSQL database.
function storeFor(dir, kind) {
  if (kind === 'postgres') {
    const db = pgDatabaseFor(dir);
    return { store: db.url, dropStore: () => pgDropDatabase(db.name) };
  }
  return { store: `sqlite:${join(dir, 'ember.db')}`, dropStore: () => {} };
}

// Registers OAuth clients in the store with `ember clients add` (before the server starts).
// Each client: { id, name, type, redirectUris: [...], scope, secret?, origins: [...], jwks?, jwksUri?,
// launchUrl?, autoApprove? }
// (jwks: a JWKS object or JSON string, for confidential-asymmetric / backend clients).
export function addClients(store, clients = [], env = {}) {
  for (const c of clients) {
    const argv = ['clients', 'add', '--store', store, '--id', c.id, '--name', c.name || c.id,
      '--type', c.type || 'public', '--scope', c.scope];
    for (const u of c.redirectUris || []) argv.push('--redirect-uri', u);
    for (const o of c.origins || []) argv.push('--origin', o);
    if (c.secret) argv.push('--secret', c.secret);
    if (c.jwks) argv.push('--jwks', typeof c.jwks === 'string' ? c.jwks : JSON.stringify(c.jwks));
    if (c.jwksUri) argv.push('--jwks-uri', c.jwksUri);
    if (c.launchUrl) argv.push('--launch-url', c.launchUrl);
    if (c.autoApprove) argv.push('--auto-approve');
    const r = spawnSync(EMBER_BIN, argv, { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) {
      throw new Error(`ember clients add ${c.id} failed (${r.status ?? r.signal ?? r.error}):\n${r.stdout ?? ''}${r.stderr ?? ''}`);
    }
  }
}

// Options: args (extra `serve` flags), env, patients, clients (registered first, see addClients),
// dir (reuse an existing store directory, e.g. a second server on the same database; it — and,
// with PostgreSQL, its database — is then not deleted by stop()), baseUrl (the advertised
// --base-url, e.g. https://ember.test for production mode; requests still go to the loopback
// `base`, the advertised one is returned as publicBase), storeKind ('sqlite' | 'postgres';
// default from EMBER_TEST_STORE, see STORE_KIND).
export async function startEmber({
  args = [], env: callerEnv = {}, patients, clients = [], dir: sharedDir, baseUrl, storeKind = STORE_KIND,
} = {}) {
  const env = { ...storeEnv(storeKind), ...callerEnv };
  const port = await freePort();
  const dir = sharedDir || mkdtempSync(join(tmpdir(), 'ember-e2e-'));
  const ownsDir = !sharedDir;
  const base = `http://127.0.0.1:${port}`;
  let store;
  let dropStore;
  // Removes what this server created (the folder and its database) unless the store is shared.
  const cleanup = () => {
    if (!ownsDir) return;
    dropStore?.();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    ({ store, dropStore } = storeFor(dir, storeKind));
    addClients(store, clients, env);
  } catch (e) {
    cleanup();
    throw e;
  }
  const argv = ['serve', '--listen', `127.0.0.1:${port}`, '--base-url', baseUrl || base,
    '--store', store, ...args];
  if (patients !== undefined) argv.push('--sample-patients', String(patients));
  const proc = spawn(EMBER_BIN, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => { output += d; });
  proc.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) {
      cleanup();
      throw new Error(`ember exited early:\n${output}`);
    }
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      await exited;
      cleanup();
      throw new Error(`ember did not become healthy in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    publicBase: baseUrl || base,
    fhir: `${base}/fhir`,
    dir,
    store,
    env,  // what the server runs with on top of process.env (e.g. for admin commands on its store)
    port,
    output: () => output,
    proc,
    exited,
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(t);
      }
      cleanup();
    },
  };
}

export async function getJson(url, init = {}) {
  const r = await fetch(url, { ...init, headers: { accept: 'application/fhir+json', ...(init.headers || {}) } });
  const text = await r.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: r.status, headers: r.headers, body, text };
}
