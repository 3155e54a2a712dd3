// Starts a real `ember serve` on a free loopback port with a throwaway SQLite database, waits
// until /healthz answers, and stops it afterwards. Every e2e test file uses this.
import { spawn } from 'node:child_process';
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

export async function startEmber({ args = [], env = {}, patients } = {}) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ember-e2e-'));
  const base = `http://127.0.0.1:${port}`;
  const argv = ['serve', '--listen', `127.0.0.1:${port}`, '--base-url', base,
    '--store', `sqlite:${join(dir, 'ember.db')}`, ...args];
  if (patients !== undefined) argv.push('--sample-patients', String(patients));
  const proc = spawn(EMBER_BIN, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => { output += d; });
  proc.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`ember exited early:\n${output}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`ember did not become healthy in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    fhir: `${base}/fhir`,
    dir,
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
      rmSync(dir, { recursive: true, force: true });
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
