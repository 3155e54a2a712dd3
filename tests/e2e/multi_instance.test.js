// Two Ember instances on one PostgreSQL database behind nginx (issue 6): every piece of OAuth
// state — codes, refresh-token families, revocations, sign-in sessions, signing keys — lives in
// the shared store, so it does not matter which instance a request reaches. A and B listen on
// their own loopback ports and advertise nginx's port as --base-url (so iss and aud agree);
// nginx round-robins over both.
// "At A" means every request of that step goes to A's port, as behind a sticky load balancer: the
// URLs stay public (nginx's origin, which Ember's redirects and forms use) and pinnedTo() sends
// them to A. Needs PostgreSQL: EMBER_TEST_PG (scripts/with-pg.sh; `make e2e` runs it so).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { startEmber, freePort, EMBER_BIN } from './lib/server.js';
import { startNginx } from './lib/nginx.js';
import {
  authorizeViaHttp, authorizeAndExchange, exchangeCode, refresh, revoke, decodeJwt, CookieJar,
} from './lib/oauth.js';

const SKIP = process.env.EMBER_TEST_PG
  ? false
  : 'needs PostgreSQL: EMBER_TEST_PG is unset (run it under scripts/with-pg.sh, as `make e2e` does)';

const CB = 'http://127.0.0.1:1/cb';
const SCOPE = 'launch/patient openid fhirUser offline_access patient/*.rs';
const APP = { id: 'multi-app', name: 'Multi-instance App', type: 'public', redirectUris: [CB], scope: SCOPE };
const REVOCATION_VISIBLE_MS = 1_000;  // issue 6: a revocation at A is honoured by B within 1 s
const KEY_RELOAD_WAIT_MS = 15_000;    // instances reload the key set every few seconds

let publicBase;  // nginx's origin, the one URL both instances advertise
let a;
let b;
let proxy;

before(async () => {
  if (SKIP) return;
  const proxyPort = await freePort();
  publicBase = `http://127.0.0.1:${proxyPort}`;
  a = await startEmber({ storeKind: 'postgres', baseUrl: publicBase, clients: [APP] });
  b = await startEmber({ storeKind: 'postgres', baseUrl: publicBase, dir: a.dir });
  proxy = await startNginx({ port: proxyPort, upstreams: [a.port, b.port] });
});
after(async () => {
  await proxy?.stop();
  await b?.stop();
  await a?.stop();
});

// Runs fn with fetch sending every request for the public origin to `server`'s own port instead.
// Tests in a file run one after another, so swapping the global for the duration is safe.
async function pinnedTo(server, fn) {
  const realFetch = globalThis.fetch;
  const pub = new URL(publicBase).origin;
  globalThis.fetch = (input, init) => {
    const u = new URL(input instanceof Request ? input.url : String(input));
    if (u.origin !== pub) return realFetch(input, init);
    return realFetch(new URL(`${u.pathname}${u.search}`, server.base), init);
  };
  try {
    return await fn();
  } finally {
    globalThis.fetch = realFetch;
  }
}

const authorize = (o = {}) => authorizeViaHttp({
  base: publicBase, clientId: APP.id, redirectUri: CB, scope: SCOPE, username: 'alice', ...o,
});
const fhirRead = (server, token, path = 'Patient/alice') => fetch(`${server.base}/fhir/${path}`, {
  headers: { accept: 'application/fhir+json', authorization: `Bearer ${token}` },
});
function assertCode(auth, what) {
  assert.equal(auth.kind, 'redirect', `${what}: got a ${auth.status} page "${auth.title}" (${auth.steps?.join(', ')})`);
  assert.ok(auth.code, `${what}: ${auth.location}`);
}
const kidsOf = async (server) => {
  const r = await fetch(`${server.base}/oauth/jwks`);
  assert.equal(r.status, 200);
  return new Set((await r.json()).keys.map((k) => k.kid));
};

test('nginx passes Host and X-Forwarded-* to the upstreams, round-robin', async () => {
  const seen = [];
  const echo = (name) => createServer((req, res) => {
    seen.push({ name, url: req.url, headers: req.headers });
    res.end('ok');
  });
  const up = [echo('one'), echo('two')];
  const ports = await Promise.all(up.map((s) => new Promise((res) => s.listen(0, '127.0.0.1', () => res(s.address().port)))));
  const p = await startNginx({ upstreams: ports, healthPath: '/' });
  try {
    seen.length = 0;
    for (let i = 0; i < 4; i += 1) assert.equal(await (await fetch(`${p.base}/x?i=${i}`)).text(), 'ok');
    assert.deepEqual(new Set(seen.map((s) => s.name)), new Set(['one', 'two']), 'both upstreams served');
    const h = seen[0].headers;
    assert.equal(h.host, `127.0.0.1:${p.port}`);
    assert.equal(h['x-forwarded-host'], `127.0.0.1:${p.port}`);
    assert.equal(h['x-forwarded-proto'], 'http');
    assert.equal(h['x-forwarded-for'], '127.0.0.1');
  } finally {
    await p.stop();
    for (const s of up) s.close();
  }
});

test('a code issued by A is redeemed at B; the token works at both; the code stays single-use', { skip: SKIP }, async () => {
  const auth = await pinnedTo(a, () => authorize());
  assertCode(auth, 'authorize at A');
  const token = await exchangeCode({
    base: b.base, code: auth.code, redirectUri: CB, codeVerifier: auth.pkce.verifier, clientId: APP.id,
  });
  assert.equal(token.status, 200, token.text);
  const claims = decodeJwt(token.body.access_token).payload;
  assert.equal(claims.iss, publicBase);
  assert.equal(claims.aud, `${publicBase}/fhir`);
  assert.equal((await fhirRead(b, token.body.access_token)).status, 200, 'at B');
  assert.equal((await fhirRead(a, token.body.access_token)).status, 200, 'at A');
  const again = await exchangeCode({
    base: a.base, code: auth.code, redirectUri: CB, codeVerifier: auth.pkce.verifier, clientId: APP.id,
  });
  assert.equal(again.status, 400, again.text);
  assert.equal(again.body?.error, 'invalid_grant', 'the code was used at B');
});

test('refresh at B, then the new refresh token at A; the rotated-out token is refused at either', { skip: SKIP }, async () => {
  const { token } = await pinnedTo(a, () => authorizeAndExchange({
    base: publicBase, clientId: APP.id, redirectUri: CB, scope: SCOPE, username: 'alice',
  }));
  assert.equal(token.status, 200, token.text);
  const rt1 = token.body.refresh_token;
  assert.ok(rt1, 'offline_access gives a refresh token');

  const atB = await refresh({ base: b.base, refreshToken: rt1, clientId: APP.id });
  assert.equal(atB.status, 200, atB.text);
  const rt2 = atB.body.refresh_token;
  assert.ok(rt2 && rt2 !== rt1, 'B rotated the refresh token');
  assert.equal((await fhirRead(a, atB.body.access_token)).status, 200, "B's access token at A");

  const atA = await refresh({ base: a.base, refreshToken: rt2, clientId: APP.id });
  assert.equal(atA.status, 200, atA.text);
  const rt3 = atA.body.refresh_token;
  assert.ok(rt3 && rt3 !== rt2, 'A rotated it again');
  assert.equal((await fhirRead(b, atA.body.access_token)).status, 200, "A's access token at B");

  for (const [name, server] of [['A', a], ['B', b]]) {
    const reuse = await refresh({ base: server.base, refreshToken: rt1, clientId: APP.id });
    assert.equal(reuse.status, 400, `reuse at ${name}: ${reuse.text}`);
    assert.equal(reuse.body?.error, 'invalid_grant', `reuse at ${name}`);
  }
  // Reuse revokes the family everywhere, the newest member included.
  const newest = await refresh({ base: b.base, refreshToken: rt3, clientId: APP.id });
  assert.equal(newest.status, 400, newest.text);
  assert.equal(newest.body?.error, 'invalid_grant');
});

test(`a token revoked at A is refused by B within ${REVOCATION_VISIBLE_MS} ms`, { skip: SKIP }, async () => {
  const { token } = await pinnedTo(a, () => authorizeAndExchange({
    base: publicBase, clientId: APP.id, redirectUri: CB, scope: SCOPE, username: 'alice',
  }));
  assert.equal(token.status, 200, token.text);
  const at = token.body.access_token;
  assert.equal((await fhirRead(b, at)).status, 200, 'valid at B before revocation');

  const r = await revoke(a.base, at, { clientId: APP.id }, { token_type_hint: 'access_token' });
  assert.equal(r.status, 200, r.text);
  const revokedAt = Date.now();
  let status;
  do {
    status = (await fhirRead(b, at)).status;
    if (status === 401) break;
    await new Promise((res) => setTimeout(res, 50));
  } while (Date.now() - revokedAt < REVOCATION_VISIBLE_MS);
  assert.equal(status, 401, `B still accepted the token ${Date.now() - revokedAt} ms after the revocation at A`);
  assert.equal((await fhirRead(a, at)).status, 401, 'and A refuses it');
});

test('a sign-in on A is valid on B: no sign-in page there', { skip: SKIP }, async () => {
  const jar = new CookieJar();
  const first = await pinnedTo(a, () => authorize({ jar }));
  assertCode(first, 'sign-in at A');
  assert.ok(jar.get(publicBase, 'ember_session'), 'A set the session cookie');

  const atB = await pinnedTo(b, () => authorize({ jar, username: undefined, stopAt: 'consent' }));
  assert.equal(atB.kind, 'page', atB.steps?.join(', '));
  assert.equal(atB.stage, 'consent', `B knows the session: straight to consent (${atB.steps.join(', ')})`);

  const done = await pinnedTo(b, () => authorize({ jar, username: undefined }));
  assertCode(done, 'authorize at B with A\'s session');
  assert.ok(!done.steps.some((s) => s.includes('/login')), done.steps.join(', '));
  const token = await exchangeCode({
    base: a.base, code: done.code, redirectUri: CB, codeVerifier: done.pkce.verifier, clientId: APP.id,
  });
  assert.equal(token.status, 200, token.text);
  assert.equal(token.body.patient, 'alice');
});

test('keys rotated on A are published by B, and B accepts tokens A signs with them', { skip: SKIP }, async () => {
  const before = await kidsOf(b);
  // `ember keys rotate` writes to the shared store, as an operator would next to instance A.
  const out = spawnSync(EMBER_BIN, ['keys', 'rotate', '--store', a.store],
    { env: { ...process.env, ...a.env }, encoding: 'utf8', timeout: 60_000 });
  assert.equal(out.status, 0, `${out.stdout}${out.stderr}`);
  const active = out.stdout.split('\n').map((l) => l.split('\t')).filter((f) => f[2] === 'active').map((f) => f[0]);
  assert.ok(active.length >= 1, out.stdout);
  for (const kid of active) assert.ok(!before.has(kid), `${kid} is new`);

  const deadline = Date.now() + KEY_RELOAD_WAIT_MS;
  const published = async (server) => {
    for (;;) {
      const kids = await kidsOf(server);
      if (active.every((k) => kids.has(k))) return kids;
      if (Date.now() > deadline) return kids;
      await new Promise((res) => setTimeout(res, 250));
    }
  };
  const atB = await published(b);
  for (const kid of active) assert.ok(atB.has(kid), `B publishes ${kid} (has ${[...atB].join(', ')})`);
  for (const kid of before) assert.ok(atB.has(kid), `the retired ${kid} stays published`);
  const atA = await published(a);
  for (const kid of active) assert.ok(atA.has(kid), `A publishes ${kid}`);

  const { token } = await pinnedTo(a, () => authorizeAndExchange({
    base: publicBase, clientId: APP.id, redirectUri: CB, scope: SCOPE, username: 'alice',
  }));
  assert.equal(token.status, 200, token.text);
  const kid = decodeJwt(token.body.access_token).header.kid;
  assert.ok(active.includes(kid), `A signs with a new key (${kid})`);
  assert.equal((await fhirRead(b, token.body.access_token)).status, 200, 'B verifies it');
});

test('the whole flow through nginx (round-robin over A and B)', { skip: SKIP }, async () => {
  const proxied = { base: publicBase };
  const logStart = proxy.upstreamLog().length;
  const disco = await (await fetch(`${publicBase}/fhir/.well-known/smart-configuration`)).json();
  assert.equal(disco.token_endpoint, `${publicBase}/oauth/token`);

  const jar = new CookieJar();
  const { auth, token } = await authorizeAndExchange({
    base: publicBase, clientId: APP.id, redirectUri: CB, scope: SCOPE, username: 'alice', jar,
  });
  assert.equal(token.status, 200, `${token.text} (${auth.steps.join(', ')})`);
  assert.equal((await fhirRead(proxied, token.body.access_token)).status, 200);
  const again = await authorize({ jar, username: undefined });
  assertCode(again, 'second authorization on the same session');

  const r1 = await refresh({ base: publicBase, refreshToken: token.body.refresh_token, clientId: APP.id });
  assert.equal(r1.status, 200, r1.text);
  const r2 = await refresh({ base: publicBase, refreshToken: r1.body.refresh_token, clientId: APP.id });
  assert.equal(r2.status, 200, r2.text);
  for (let i = 0; i < 2; i += 1) {
    assert.equal((await fhirRead(proxied, r2.body.access_token)).status, 200, `read ${i}`);
  }
  assert.equal((await revoke(publicBase, r2.body.access_token, { clientId: APP.id })).status, 200);
  const revokedAt = Date.now();
  let status;
  do {
    status = (await fhirRead(proxied, r2.body.access_token)).status;
    if (status === 401) break;
    await new Promise((res) => setTimeout(res, 50));
  } while (Date.now() - revokedAt < REVOCATION_VISIBLE_MS);
  assert.equal(status, 401, 'revoked through the proxy');

  const used = new Set(proxy.upstreamLog().slice(logStart).map((l) => l.split(' ')[0]));
  assert.ok(used.has(`127.0.0.1:${a.port}`) && used.has(`127.0.0.1:${b.port}`),
    `both instances served requests (${[...used].join(', ')})`);
});
