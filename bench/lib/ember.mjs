// Ember under the benchmark and the soak: registering clients in a store with `ember clients add`
// and starting `ember serve` on a free loopback port, ready once /healthz answers 200. Every
// process is tracked (procs.mjs), so it dies with the harness; every wait is bounded.
import { spawn } from 'node:child_process';
import { track, runSync, freePort, sleep } from './procs.mjs';

export function addClient(bin, storeUrl, argv, env = {}) {
  const r = runSync(bin, ['clients', 'add', '--store', storeUrl, ...argv], { timeoutS: 60, env });
  if (r.status !== 0) throw new Error(`ember clients add failed:\n${r.stdout}${r.stderr}`);
}

// Starts `ember serve --store storeUrl` with the flags every harness uses (FHIR auth required,
// sandbox mode, no access log) plus `args`. Resolves once /healthz answers 200, with the process,
// its base URL, its pid, the last 8 KB of its stderr and the time from spawn to that first answer.
export async function startEmber(bin, storeUrl, { args = [], env = {}, pollMs = 2 } = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const proc = track(spawn(bin, ['serve', '--listen', `127.0.0.1:${port}`, '--base-url', base,
    '--store', storeUrl, '--no-access-log', '--fhir-auth', 'required', '--mode', 'sandbox', ...args],
  { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } }));
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-8000); });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`ember exited early:\n${stderr}`);
    try {
      const r = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`ember did not answer /healthz within 60 s:\n${stderr}`);
    await sleep(pollMs);
  }
  const startupMs = Number((performance.now() - t0).toFixed(1));
  return { proc, base, pid: proc.pid, startupMs, stderr: () => stderr };
}
