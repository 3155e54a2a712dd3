// The cost of the audit trail on the FHIR read path: the same Release binary, the same seeded
// store layout, `--audit off` vs `--audit all` (and `auth`), each serving GET /fhir/Patient/alice
// to wrk with a patient-scoped token from the real authorization flow. Prints requests/s per
// setting and the audit writer's counters (written / dropped) from /metrics.
//
//   EMBER_BIN=build/ember node bench/audit_overhead.mjs
//   Environment (defaults): AUDIT_BENCH_SECONDS=10 AUDIT_BENCH_CONNECTIONS=32 AUDIT_BENCH_THREADS=2
//   AUDIT_BENCH_ROUNDS=2 (alternating off/all rounds, to average out a noisy machine)
import { spawnSync } from 'node:child_process';
import { startEmber } from '../tests/e2e/lib/server.js';
import { authorizeAndExchange } from '../tests/e2e/lib/oauth.js';

const seconds = Number(process.env.AUDIT_BENCH_SECONDS || 10);
const connections = Number(process.env.AUDIT_BENCH_CONNECTIONS || 32);
const threads = Number(process.env.AUDIT_BENCH_THREADS || 2);
const rounds = Number(process.env.AUDIT_BENCH_ROUNDS || 2);
const REDIRECT = 'http://127.0.0.1:1/cb';

async function measure(level) {
  const ember = await startEmber({
    patients: 25,
    args: ['--audit', level, '--no-access-log'],
    clients: [{ id: 'bench-app', type: 'public', redirectUris: [REDIRECT],
      scope: 'launch/patient openid fhirUser patient/*.rs' }],
  });
  try {
    const { token } = await authorizeAndExchange({ base: ember.base, clientId: 'bench-app',
      redirectUri: REDIRECT, username: 'alice', scope: 'launch/patient patient/*.rs' });
    const url = `${ember.fhir}/Patient/alice`;
    const hdr = `Authorization: Bearer ${token.body.access_token}`;
    spawnSync('wrk', ['-t', String(threads), '-c', String(connections), '-d', '2s', '-H', hdr, url]);  // warm-up
    const r = spawnSync('wrk', ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`,
      '--latency', '-H', hdr, url], { encoding: 'utf8' });
    const rps = Number((r.stdout.match(/Requests\/sec:\s+([\d.]+)/) || [])[1]);
    const non2xx = Number((r.stdout.match(/Non-2xx or 3xx responses:\s+(\d+)/) || [0, 0])[1]);
    const p99 = (r.stdout.match(/99%\s+(\S+)/) || [])[1];
    await new Promise((res) => setTimeout(res, 1000));  // let the writer drain
    const metrics = await (await fetch(`${ember.base}/metrics`)).text();
    const fate = (f) => Number((metrics.match(new RegExp(`ember_audit_events_total\\{fate="${f}"\\} (\\d+)`)) || [0, 0])[1]);
    return { level, rps, p99, non2xx, written: fate('written'), dropped: fate('dropped'), failed: fate('failed') };
  } finally {
    await ember.stop();
  }
}

const results = [];
for (let i = 0; i < rounds; i += 1) {
  for (const level of ['off', 'all', 'auth']) results.push(await measure(level));
}
for (const r of results) {
  console.log(`${r.level.padEnd(5)} ${r.rps.toFixed(0).padStart(7)} req/s  p99 ${r.p99}  non-2xx ${r.non2xx}  ` +
    `audit written ${r.written} dropped ${r.dropped} failed ${r.failed}`);
}
const avg = (l) => { const xs = results.filter((r) => r.level === l).map((r) => r.rps); return xs.reduce((a, b) => a + b, 0) / xs.length; };
const off = avg('off');
for (const l of ['all', 'auth']) {
  console.log(`--audit ${l}: ${avg(l).toFixed(0)} req/s vs off ${off.toFixed(0)} req/s: ${((avg(l) / off - 1) * 100).toFixed(1)}%`);
}
