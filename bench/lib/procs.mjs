// Child processes of the benchmark (Ember, oidc-provider, wrk, openssl): every one is tracked
// and killed when the harness exits for any reason, and every wait is bounded. Also reads a
// process's CPU time and memory from /proc.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';

const children = new Set();

export function track(proc) {
  children.add(proc);
  proc.on('exit', () => children.delete(proc));
  return proc;
}

export function killAll(signal = 'SIGKILL') {
  for (const p of children) {
    try { p.kill(signal); } catch { /* already gone */ }
  }
}

// Kill the children whatever ends the harness: normal exit, an exception, Ctrl-C, a timeout.
export function installCleanup(timeoutS) {
  process.on('exit', () => killAll());
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => { console.error(`\nbench: ${sig}, stopping`); killAll(); process.exit(130); });
  }
  const t = setTimeout(() => {
    console.error(`bench: the whole run exceeded BENCH_TIMEOUT=${timeoutS}s, aborting`);
    killAll();
    process.exit(124);
  }, timeoutS * 1000);
  t.unref();
}

// Runs a command to completion with a time limit; returns {status, stdout, stderr}.
export function runSync(cmd, args, { timeoutS = 120, env } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutS * 1000, env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  return r;
}

// Like runSync but asynchronous (so the caller can sample other processes meanwhile).
export function run(cmd, args, { timeoutS = 120, env } = {}) {
  return new Promise((resolve, reject) => {
    const p = track(spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutS * 1000);
    p.on('error', (e) => { clearTimeout(t); reject(e); });
    p.on('exit', (status, signal) => { clearTimeout(t); resolve({ status, signal, stdout, stderr }); });
  });
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Stops a server: SIGTERM, then SIGKILL after graceS.
export async function stop(proc, graceS = 10) {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const t = setTimeout(() => proc.kill('SIGKILL'), graceS * 1000);
  await exited;
  clearTimeout(t);
}

const CLK_TCK = Number(runSync('getconf', ['CLK_TCK']).stdout.trim()) || 100;

// User + system CPU time of a process, in milliseconds (/proc/<pid>/stat fields 14 and 15).
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

// {rss, hwm} in MiB from /proc/<pid>/status (VmRSS = now, VmHWM = peak so far).
export function memMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number((status.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm')) || [])[1] || 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}
