// Resident memory of `ember serve` around sign-ins (docs/performance.md, "Memory"): each sign-in
// runs argon2id with a 19 MiB working area, which src/app/main.cc makes glibc unmap after use.
// Prints VmRSS after start-up and after each round of sequential sign-ins through the real
// authorization flow. The "before" column in the docs is a build of commit dedb7c1 (no mallopt
// call); GLIBC_TUNABLES cannot stand in for it, since main.cc's mallopt overrides the tunable.
//   EMBER_BIN=build/ember node bench/signin_memory.mjs
// Environment (defaults): SIGNIN_ROUNDS=3 SIGNIN_PER_ROUND=4
import { readFileSync } from 'node:fs';
import { startEmber } from '../tests/e2e/lib/server.js';
import { authorizeAndExchange } from '../tests/e2e/lib/oauth.js';

const rounds = Number(process.env.SIGNIN_ROUNDS || 3);
const perRound = Number(process.env.SIGNIN_PER_ROUND || 4);
const REDIRECT = 'http://127.0.0.1:1/cb';
const rssMiB = (pid) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;

const ember = await startEmber({
  patients: 5,
  args: ['--no-access-log'],
  clients: [{ id: 'mem-app', type: 'public', redirectUris: [REDIRECT], scope: 'launch/patient patient/*.rs' }],
});
try {
  console.log(`after start-up: ${rssMiB(ember.proc.pid).toFixed(1)} MiB`);
  for (let r = 1; r <= rounds; r++) {
    // Sequential: the sign-in limiter answers 429 to concurrent sign-ins of one account.
    for (let i = 0; i < perRound; i++) {
      await authorizeAndExchange({ base: ember.base, clientId: 'mem-app', redirectUri: REDIRECT,
        username: 'alice', scope: 'launch/patient patient/*.rs' });
    }
    await new Promise((res) => setTimeout(res, 500));
    console.log(`after ${r * perRound} sign-ins: ${rssMiB(ember.proc.pid).toFixed(1)} MiB`);
  }
} finally {
  ember.proc.kill('SIGTERM');
}
