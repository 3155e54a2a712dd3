// Brute-force limits over HTTP (issue 9, "Limits"; negative inputs "login with wrong passwords in
// a loop" and "token endpoint hammering by one client"): growing delays and then a lock on
// sign-in — across both sign-in forms, even for the right password, the same for unknown
// accounts, over again after the lock time — per account and per client address; 429 with
// Retry-After on the token endpoint for one hammering client while others go on and nothing is
// issued; the registration limit; two instances on one database sharing every counter.
// Small limits and times are configured so the test runs in seconds. Client addresses are
// simulated with X-Forwarded-For from a trusted proxy (127.0.0.1), so each test has its own.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { startEmber } from './lib/server.js';
import { authorizeViaHttp, parseForms, tokenRequest, exchangeCode } from './lib/oauth.js';

const CB = 'http://127.0.0.1:1/limits-cb';
const APP = { id: 'lim-app', type: 'public', scope: 'openid fhirUser user/*.rs', redirectUris: [CB] };
const CONF_A = { id: 'lim-conf-a', type: 'confidential-symmetric', secret: 'secret-a-0123456789',
  scope: 'openid fhirUser user/*.rs', redirectUris: [CB] };
const CONF_B = { id: 'lim-conf-b', type: 'confidential-symmetric', secret: 'secret-b-0123456789',
  scope: 'openid fhirUser user/*.rs', redirectUris: [CB] };

// Sign-in: delays of 1 s then 2 s after 3 failures, a 3 s lock after 6; per address a higher
// threshold (delays after 5 failures, whoever they were for).
const SIGN_IN_ARGS = [
  '--trusted-proxy', '127.0.0.1',
  '--signin-account-delay-after', '3', '--signin-account-lock-after', '6',
  '--signin-address-delay-after', '5', '--signin-address-lock-after', '0',
  '--signin-delay', '1s', '--signin-max-delay', '2s', '--signin-lock', '3s', '--signin-forget', '1m',
];
// Token endpoint: 5 requests per 4 s per client; registration: 3 per minute per address.
const RATE_ARGS = [
  '--trusted-proxy', '127.0.0.1',
  '--token-rate-client', '5/4s', '--token-rate-address', '1000/1m',
  '--registration-rate-address', '3/1m',
];

const errorText = (html) => (html.match(/id="sign-in-error">([^<]*)</) || [])[1] || '';

// One sign-in browser: the authorization server's login form (txn, CSRF cookie) and the portal's.
async function loginPage(base, addr) {
  const page = await authorizeViaHttp({ base, clientId: APP.id, redirectUri: CB, scope: APP.scope, stopAt: 'login' });
  assert.equal(page.kind, 'page', JSON.stringify(page.steps));
  const form = parseForms(page.html).find((f) => f.action.endsWith('/oauth/authorize/login'));
  assert.ok(form, 'the sign-in form');
  return { jar: page.jar, form, addr };
}

// Posts the authorization server's sign-in form; {status, retryAfter, text, location, setCookie}.
async function signIn(base, browser, username, password) {
  const body = new URLSearchParams();
  for (const inp of browser.form.inputs) if (inp.type === 'hidden' && inp.name) body.append(inp.name, inp.value ?? '');
  body.append('username', username);
  body.append('password', password);
  const url = new URL(browser.form.action, base).toString();
  const res = await fetch(url, { method: 'POST', redirect: 'manual', body: body.toString(), headers: {
    'content-type': 'application/x-www-form-urlencoded', cookie: browser.jar.header(url) || '',
    'x-forwarded-for': browser.addr } });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text, error: errorText(text),
    location: res.headers.get('location'), setCookie: res.headers.getSetCookie().join('\n') };
}

// The portal's sign-in form (/ehr/login) with its pre-session CSRF cookie.
async function portalSignIn(base, addr, username, password) {
  const first = await fetch(`${base}/ehr/login`, { headers: { 'x-forwarded-for': addr } });
  const cookie = first.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const form = parseForms(await first.text()).find((f) => f.method === 'post' && f.action.endsWith('/ehr/login'));
  assert.ok(form, 'the portal sign-in form');
  const body = new URLSearchParams();
  for (const inp of form.inputs) if (inp.type === 'hidden' && inp.name) body.append(inp.name, inp.value ?? '');
  body.append('username', username);
  body.append('password', password);
  const res = await fetch(`${base}/ehr/login`, { method: 'POST', redirect: 'manual', body: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'x-forwarded-for': addr } });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text, error: errorText(text),
    location: res.headers.get('location'), setCookie: res.headers.getSetCookie().join('\n') };
}

const waitFor = (r) => sleep(Number(r.retryAfter) * 1000 + 50);

function assertThrottled(r, what) {
  assert.equal(r.status, 429, `${what}: ${r.status} ${r.error}`);
  assert.match(r.retryAfter ?? '', /^[1-9][0-9]*$/, `${what}: Retry-After`);
  assert.match(r.text, /Too many sign-in attempts/, what);
  assert.doesNotMatch(r.setCookie, /ember_session=[^;]+/, `${what}: no session`);
}

describe('sign-in limits', () => {
  let ember;
  before(async () => { ember = await startEmber({ patients: 0, clients: [APP], args: SIGN_IN_ARGS }); });
  after(async () => { await ember?.stop(); });

  test('wrong passwords in a loop: growing delays, then a lock even for the right password, then it works again', async () => {
    const b = await loginPage(ember.base, '203.0.113.10');
    for (let i = 0; i < 3; i += 1) {
      const r = await signIn(ember.base, b, 'dr.smith', `wrong-${i}`);
      assert.equal(r.status, 401, r.error);
      assert.match(r.text, /do not match/);
    }
    // The 4th attempt comes too soon: refused without looking at the password (the right one).
    let r = await signIn(ember.base, b, 'dr.smith', 'demo');
    assertThrottled(r, '4th attempt');
    assert.equal(r.retryAfter, '1');
    await waitFor(r);
    r = await signIn(ember.base, b, 'dr.smith', 'wrong-3');
    assert.equal(r.status, 401);
    r = await signIn(ember.base, b, 'dr.smith', 'wrong-4');
    assertThrottled(r, 'after 4 failures');
    assert.equal(r.retryAfter, '2');  // the delay grew
    await waitFor(r);
    r = await signIn(ember.base, b, 'dr.smith', 'wrong-4');
    assert.equal(r.status, 401);
    r = await signIn(ember.base, b, 'dr.smith', 'demo');
    await waitFor(r);
    r = await signIn(ember.base, b, 'dr.smith', 'wrong-5');  // the 6th failure: locked
    assert.equal(r.status, 401);
    r = await signIn(ember.base, b, 'dr.smith', 'demo');
    assertThrottled(r, 'locked');
    assert.equal(r.retryAfter, '3');
    await sleep(1200);
    r = await signIn(ember.base, b, 'dr.smith', 'demo');
    assertThrottled(r, 'still locked, right password');
    await waitFor(r);
    r = await signIn(ember.base, b, 'dr.smith', 'demo');
    assert.equal(r.status, 303, `after the lock: ${r.status} ${r.error}`);
    assert.match(r.setCookie, /ember_session=[^;]+/);
    // The success cleared the account's counter (not the address's, which is delayed by now
    // too): from another address, three more failures before the next delay.
    const b2 = await loginPage(ember.base, '203.0.113.11');
    for (let i = 0; i < 3; i += 1) assert.equal((await signIn(ember.base, b2, 'dr.smith', 'nope')).status, 401);
    assertThrottled(await signIn(ember.base, b2, 'dr.smith', 'nope'), 'counting again');
  });

  test('unknown accounts get the same answers as known ones', async () => {
    const known = await loginPage(ember.base, '203.0.113.20');
    const unknown = await loginPage(ember.base, '203.0.113.21');
    const seq = async (b, user) => {
      const out = [];
      for (let i = 0; i < 4; i += 1) {
        const r = await signIn(ember.base, b, user, 'wrong');
        out.push([r.status, r.retryAfter, r.error.replace(/\s+/g, ' ').trim()]);
      }
      return out;
    };
    const a = await seq(known, 'nurse.lee');
    const u = await seq(unknown, 'no-such-user-xyz');
    assert.deepEqual(u, a);
    assert.equal(a[3][0], 429);
  });

  test('both sign-in forms share the counters', async () => {
    const addr = '203.0.113.30';
    const b = await loginPage(ember.base, addr);
    assert.equal((await signIn(ember.base, b, 'dr.jones', 'bad')).status, 401);
    assert.equal((await portalSignIn(ember.base, addr, 'dr.jones', 'bad')).status, 401);
    assert.equal((await signIn(ember.base, b, 'dr.jones', 'bad')).status, 401);
    // Three failures over the two forms: the portal refuses the 4th, the right password too.
    const r = await portalSignIn(ember.base, addr, 'dr.jones', 'demo');
    assertThrottled(r, 'portal after failures on both forms');
    assert.equal(r.retryAfter, '1');
    await waitFor(r);
    const ok = await portalSignIn(ember.base, addr, 'dr.jones', 'demo');
    assert.equal(ok.status, 303, ok.error);
    assert.match(ok.setCookie, /ember_session=[^;]+/);
  });

  test('per address: failures for many accounts from one address delay everyone there', async () => {
    const addr = '203.0.113.40';
    const b = await loginPage(ember.base, addr);
    for (let i = 0; i < 5; i += 1) assert.equal((await signIn(ember.base, b, `guess-${i}`, 'x')).status, 401);
    // Another account (never failed) from that address waits; from another address it does not.
    assertThrottled(await signIn(ember.base, b, 'alice', 'demo'), 'same address');
    const elsewhere = await loginPage(ember.base, '203.0.113.41');
    assert.equal((await signIn(ember.base, elsewhere, 'alice', 'demo')).status, 303);
  });

  test('refusals are counted in /metrics', async () => {
    const m = await (await fetch(`${ember.base}/metrics`)).text();
    const line = m.split('\n').find((l) => l.startsWith('ember_limit_refusals_total{limit="sign_in"}'));
    assert.ok(line && Number(line.split(' ')[1]) > 0, line);
  });
});

describe('token endpoint and registration rate limits', () => {
  let ember;
  before(async () => {
    ember = await startEmber({ patients: 0, clients: [APP, CONF_A, CONF_B], args: RATE_ARGS });
  });
  after(async () => { await ember?.stop(); });

  const bogusCode = (client, addr = '198.51.100.7') => tokenRequest(ember.base,
    { grant_type: 'authorization_code', code: 'not-a-code', redirect_uri: CB, code_verifier: 'v'.repeat(43) },
    { clientId: client.id, clientSecret: client.secret, headers: { 'x-forwarded-for': addr } });

  test('one client hammering: 429 with Retry-After, other clients unaffected, nothing issued', async () => {
    // A real code for client A, to present while A is limited.
    const auth = await authorizeViaHttp({ base: ember.base, clientId: CONF_A.id, redirectUri: CB,
      scope: 'openid fhirUser', username: 'dr.smith' });
    assert.equal(auth.kind, 'redirect', JSON.stringify(auth.steps));
    assert.ok(auth.code);

    const statuses = [];
    let limited;
    for (let i = 0; i < 7; i += 1) {
      const r = await bogusCode(CONF_A);
      statuses.push(r.status);
      if (r.status === 429) limited = r;
    }
    assert.deepEqual(statuses, [400, 400, 400, 400, 400, 429, 429]);
    assert.match(limited.headers.get('retry-after'), /^[1-9][0-9]*$/);
    assert.equal(limited.headers.get('cache-control'), 'no-store');
    assert.equal(limited.body.error, 'temporarily_unavailable');
    assert.match(limited.body.error_description, /retry after/);

    // While limited, even a valid code gets nothing (and is not used up).
    const blocked = await exchangeCode({ base: ember.base, code: auth.code, redirectUri: CB,
      codeVerifier: auth.pkce.verifier, clientId: CONF_A.id, clientSecret: CONF_A.secret });
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.access_token, undefined);
    // Another client from the same address goes on.
    assert.equal((await bogusCode(CONF_B)).status, 400);

    // After Retry-After the client is served again, and its code still works.
    await sleep(Number(blocked.headers.get('retry-after')) * 1000 + 100);
    const ok = await exchangeCode({ base: ember.base, code: auth.code, redirectUri: CB,
      codeVerifier: auth.pkce.verifier, clientId: CONF_A.id, clientSecret: CONF_A.secret });
    assert.equal(ok.status, 200, ok.text);
    assert.ok(ok.body.access_token);
  });

  test('registration: 429 past the per-address limit', async () => {
    const register = () => fetch(`${ember.base}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-forwarded-for': '198.51.100.50' },
      body: JSON.stringify({ client_name: 'Limits test', redirect_uris: [CB], token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'], response_types: ['code'], scope: 'openid fhirUser' }),
    });
    for (let i = 0; i < 3; i += 1) {
      const r = await register();
      assert.equal(r.status, 201, await r.text());
    }
    const r = await register();
    assert.equal(r.status, 429);
    assert.match(r.headers.get('retry-after'), /^[1-9][0-9]*$/);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal((await r.json()).error, 'temporarily_unavailable');
    // Another address is not affected.
    const other = await fetch(`${ember.base}/oauth/register`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.51' },
      body: JSON.stringify({ client_name: 'Other', redirect_uris: [CB], token_endpoint_auth_method: 'none' }),
    });
    assert.equal(other.status, 201, await other.text());
  });

  test('the right-most X-Forwarded-For entry counts, not what a client put before it', async () => {
    // The test itself is the trusted proxy (127.0.0.1); what a client sends *to* the proxy is
    // the left part of the list and never chosen as the address.
    const r = await fetch(`${ember.base}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.50, 198.51.100.52' },
      body: JSON.stringify({ client_name: 'Spoof', redirect_uris: [CB], token_endpoint_auth_method: 'none' }),
    });
    assert.equal(r.status, 201, 'counted on the right-most (proxy-appended) address, not the spoofed one');
  });
});

describe('two instances on one database share the counters', () => {
  let a; let b;
  before(async () => {
    a = await startEmber({ patients: 0, clients: [APP, CONF_A], args: [...SIGN_IN_ARGS, ...RATE_ARGS.slice(2)] });
    b = await startEmber({ dir: a.dir, args: [...SIGN_IN_ARGS, ...RATE_ARGS.slice(2)] });
  });
  after(async () => { await b?.stop(); await a?.stop(); });

  test('sign-in failures on one instance delay the next attempt on the other', async () => {
    const onA = await loginPage(a.base, '192.0.2.10');
    for (let i = 0; i < 3; i += 1) assert.equal((await signIn(a.base, onA, 'dr.smith', 'bad')).status, 401);
    assertThrottled(await portalSignIn(b.base, '192.0.2.10', 'dr.smith', 'demo'), 'instance B');
  });

  test('token requests on both instances count against one limit', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i += 1) {
      const base = i % 2 ? b.base : a.base;
      const r = await tokenRequest(base, { grant_type: 'refresh_token', refresh_token: 'nope' },
        { clientId: CONF_A.id, clientSecret: CONF_A.secret, headers: { 'x-forwarded-for': '192.0.2.20' } });
      statuses.push(r.status);
    }
    assert.deepEqual(statuses, [400, 400, 400, 400, 400, 429]);
  });
});
