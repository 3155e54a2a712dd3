// Drives one scenario with wrk and bench/lua/bench.lua, sampling the server's CPU time and memory
// while it runs. Returns the figures of one measured run.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, cpuMs, memMiB } from './procs.mjs';

const LUA = join(dirname(fileURLToPath(import.meta.url)), '..', 'lua', 'bench.lua');

// opts: url, seconds, connections, threads, lua (settings for bench.lua: {method, bearer, ctype,
// body, pool}), pid (the server, sampled; optional).
export async function wrk({ url, seconds, connections, threads, lua = {}, pid }) {
  const settings = Object.entries({ ...lua, threads }).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--timeout', '5s',
    '-s', LUA, url, '--', ...settings];
  const cpu0 = pid ? cpuMs(pid) : 0;
  let rssMax = 0;
  const sample = () => { if (pid) { try { rssMax = Math.max(rssMax, memMiB(pid).rss); } catch { /* gone */ } } };
  sample();
  const timer = setInterval(sample, 100);
  let r;
  try {
    r = await run('wrk', args, { timeoutS: seconds + 30 });
  } finally {
    clearInterval(timer);
  }
  sample();
  const cpu1 = pid ? cpuMs(pid) : 0;
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCHJSON '));
  if (r.status !== 0 || !line) {
    throw new Error(`wrk failed (${r.status ?? r.signal}) for ${url}:\n${r.stdout}\n${r.stderr}`);
  }
  const j = JSON.parse(line.slice('BENCHJSON '.length));
  // A pool run is timed from its first request to its last response (see bench.lua).
  const secondsRun = (lua.pool && j.active_us > 0 ? j.active_us : j.duration_us) / 1e6;
  return {
    requests: j.requests,
    seconds: round(secondsRun, 2),
    ok: j.ok,
    non2xx: j.non2xx,
    socket_errors: j.socket_errors,
    timeouts: j.timeouts,
    rps: round(j.ok / secondsRun, 0), // successful (2xx) responses per second
    p50_ms: round(j.p50_us / 1000, 2),
    p90_ms: round(j.p90_us / 1000, 2),
    p99_ms: round(j.p99_us / 1000, 2),
    max_ms: round(j.max_us / 1000, 2),
    cpu_us_per_req: pid && j.requests ? round(((cpu1 - cpu0) * 1000) / j.requests, 0) : null,
    rss_max_mib: pid ? round(rssMax, 1) : null,
    first_error: j.first_error || undefined,
  };
}

export function round(x, digits) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
