// Starts a real `ember serve` on a free loopback port with a throwaway SQLite database, waits
// until /healthz answers, and stops it afterwards. Every e2e test file uses this.
import { spawn, spawnSync } from 'node:child_process';
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
// dir (reuse an existing store directory, e.g. a second server on the same database; it is then
// not deleted by stop()), baseUrl (the advertised --base-url, e.g. https://ember.test for production
// mode; requests still go to the loopback `base`, the advertised one is returned as publicBase).
export async function startEmber({ args = [], env = {}, patients, clients = [], dir: sharedDir, baseUrl } = {}) {
  const port = await freePort();
  const dir = sharedDir || mkdtempSync(join(tmpdir(), 'ember-e2e-'));
  const ownsDir = !sharedDir;
  const base = `http://127.0.0.1:${port}`;
  const store = `sqlite:${join(dir, 'ember.db')}`;
  try {
    addClients(store, clients, env);
  } catch (e) {
    if (ownsDir) rmSync(dir, { recursive: true, force: true });
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
      if (ownsDir) rmSync(dir, { recursive: true, force: true });
      throw new Error(`ember exited early:\n${output}`);
    }
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      await exited;
      if (ownsDir) rmSync(dir, { recursive: true, force: true });
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
      if (ownsDir) rmSync(dir, { recursive: true, force: true });
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
