// Negative-input suite, authorization server and portal (issue 9): look-alike and fragment
// redirect URIs (registration and authorize), open redirects through every redirecting endpoint,
// CSRF on every POST form, session fixation at both sign-in forms, NUL bytes and repeated
// parameters in form fields, hostile registration bodies, and hostile JWTs (alg none, HS256 MACed
// with the public key, kid path tricks, exp far out, crit, typ) at the FHIR API, at userinfo, at
// introspection and as client assertions.
// Already covered elsewhere and not repeated: unknown client / unregistered redirect_uri at
// authorize (smart_negative ERR-01/02), fragment and http redirect URIs at registration
// (smart_registration "invalid client metadata"), alg none / expired / header-swapped HS256
// access tokens (smart_negative ERR-27), and the assertion cases of smart_backend BSV-06/07 (alg
// none, HS256 with the public key as PEM/JWK/modulus, exp 7 and 10 min ahead, expired, unknown or
// missing kid, typ at+jwt, foreign jku).
// Sign-in lockout and token-endpoint rate limits are tested by the "limits" suite.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import { createHmac, createPrivateKey, createPublicKey, randomBytes, sign as cryptoSign } from 'node:crypto';
import { exportJWK } from 'jose';
import { startEmber, EMBER_BIN } from './lib/server.js';
import {
  authorizeViaHttp, authorizeAndExchange, tokenRequest, decodeJwt, editJwt, pkcePair, b64url, parseForms,
  makeClientKey, signAssertion, assertionFields, introspect, formPost,
} from './lib/oauth.js';
import { assertAlive, assertOAuthJsonError, Browser } from './lib/negative.js';

const CB = 'http://127.0.0.1:1/cb';
const ALLOWED = 'launch launch/patient launch/encounter openid fhirUser profile offline_access patient/*.rs user/*.rs';
const PATIENT_SCOPE = 'launch/patient openid fhirUser patient/*.rs';
const SECRET = 'negative-oauth-secret';
const SYS_SCOPE = 'system/Patient.rs';
let PUB; let CONF; let BE; let KEY; let ROGUE;
let ember; let TOKEN;
let trap; // a loopback listener that records every request: what Ember must never fetch

async function startTrap() {
  const hits = [];
  const srv = http.createServer((req, res) => { hits.push(req.url); res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"keys":[]}'); });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${srv.address().port}`, hits, stop: () => new Promise((r) => { srv.closeAllConnections?.(); srv.close(r); }) };
}

before(async () => {
  [KEY, ROGUE] = await Promise.all([makeClientKey('RS384', 'neg-rs'), makeClientKey('RS384', 'neg-rs')]);
  PUB = { id: 'neg-oauth', name: 'Negative OAuth App', type: 'public', redirectUris: [CB], scope: ALLOWED, launchUrl: 'http://127.0.0.1:1/launch' };
  CONF = { id: 'neg-oauth-conf', type: 'confidential-symmetric', redirectUris: [CB], scope: ALLOWED, secret: SECRET };
  BE = { id: 'neg-backend', type: 'backend', scope: SYS_SCOPE, jwks: { keys: [KEY.jwk] } };
  trap = await startTrap();
  ember = await startEmber({ patients: 3, clients: [PUB, CONF, BE] });
  TOKEN = `${ember.base}/oauth/token`;
});
after(async () => {
  await ember?.stop();
  await trap?.stop();
});

// The registered clients, counted with `ember clients list` (each client starts a line).
function clientCount() {
  const r = spawnSync(EMBER_BIN, ['clients', 'list', '--store', ember.store], { env: { ...process.env, ...ember.env }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l && !/^\s/.test(l)).length;
}
const authorizeUrl = (o = {}) => {
  const p = pkcePair();
  const q = { response_type: 'code', client_id: PUB.id, redirect_uri: CB, scope: PATIENT_SCOPE, state: 'st', aud: ember.fhir,
    code_challenge: p.challenge, code_challenge_method: 'S256', ...o };
  const u = new URL(`${ember.base}/oauth/authorize`);
  for (const [k, v] of Object.entries(q)) if (v !== null) u.searchParams.set(k, v);
  return u.toString();
};
async function rawAuthorize(o) {
  const r = await fetch(authorizeUrl(o), { redirect: 'manual' });
  return { status: r.status, location: r.headers.get('location'), text: await r.text() };
}
// A Location that leaves Ember must go to a registered redirect URI.
function assertStaysOrRegistered(location, what) {
  if (!location) return;
  const u = new URL(location, ember.base);
  if (u.origin === ember.base) return;
  assert.ok(location.startsWith(`${CB}?`), `${what}: redirected to ${location}`);
}

// ---------------------------------------------------------------------------------------------
describe('redirect URIs: look-alikes and fragments', () => {
  test('registration refuses look-alike, userinfo, control-character and non-web redirect URIs; nothing is stored', async () => {
    const before = clientCount();
    const bad = [
      'https://app.example@evil.example/cb', 'http://127.0.0.1@evil.example/cb', 'https://user:pass@app.example/cb',
      'http://127.0.0.1.evil.example/cb', 'http://localhost.evil.example/cb', 'https://app.example\\@evil.example/cb',
      'https://app.example/cb\r\nSet-Cookie: a=b', 'https://app.example/cb\u0000.evil.example', 'https://app.example/c b',
      'javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'https:///cb', '//evil.example/cb',
      'https://app.example/cb#', 'https://app.example/cb#frag', `https://app.example/${'a'.repeat(10_000)}`, '',
    ];
    for (const uri of bad) {
      const r = await formPostJson(`${ember.base}/oauth/register`, { client_name: 'x', token_endpoint_auth_method: 'none', redirect_uris: [uri] });
      assertOAuthJsonError(r, 400, ['invalid_redirect_uri', 'invalid_client_metadata'], JSON.stringify(uri).slice(0, 80));
      assert.equal(r.body.client_id, undefined);
    }
    assert.equal(clientCount(), before, 'no client registered');
  });

  test('registration bodies: nested, non-UTF-8, NUL, huge or numerous members → 400 invalid_client_metadata, nothing stored', async () => {
    // smart_registration covers truncated JSON, non-objects and the wrong Content-Type.
    const before = clientCount();
    const meta = (o) => JSON.stringify({ client_name: 'x', token_endpoint_auth_method: 'none', redirect_uris: [CB], ...o });
    const bodies = [
      ['100 000 nested arrays', `{"client_name":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
      ['invalid UTF-8', Buffer.concat([Buffer.from('{"client_name":"a'), Buffer.from([0xc3, 0x28]), Buffer.from(`","redirect_uris":["${CB}"]}`)])],
      ['raw NUL', Buffer.from(`{"client_name":"a\0b","redirect_uris":["${CB}"]}`)],
      ['escaped NUL in the name', meta({ client_name: 'a\u0000b' })],
      ['escaped NUL in a scope', meta({ scope: 'openid\u0000 patient/*.rs' })],
      ['NUL in jwks_uri', JSON.stringify({ client_name: 'x', token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'],
        scope: SYS_SCOPE, jwks_uri: 'https://app.example/jwks\u0000.json' })],
      ['1 MB client_name', meta({ client_name: 'n'.repeat(1024 * 1024) })],
      ['10 000 redirect URIs', meta({ redirect_uris: Array.from({ length: 10_000 }, (_, i) => `http://127.0.0.1:1/cb${i}`) })],
      ['redirect_uris not an array', meta({ redirect_uris: CB })],
      ['client_name an object', meta({ client_name: { $ne: null } })],
      ['duplicate redirect_uris member', `{"client_name":"x","token_endpoint_auth_method":"none","redirect_uris":["${CB}"],"redirect_uris":["https://evil.example/cb"]}`],
    ];
    for (const [what, body] of bodies) {
      const r = await fetch(`${ember.base}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
      const text = await r.text();
      let json; try { json = JSON.parse(text); } catch { json = undefined; }
      assert.ok([400, 413].includes(r.status), `${what}: ${r.status} ${text.slice(0, 200)}`);
      if (r.status === 400) assert.ok(['invalid_client_metadata', 'invalid_redirect_uri'].includes(json?.error), `${what}: ${text.slice(0, 200)}`);
    }
    assert.equal(clientCount(), before, 'nothing stored');
  });

  test('portal app form: NUL and look-alike redirect URIs are refused like at registration', async () => {
    const doc = new Browser(ember.base);
    await doc.signIn('dr.smith');
    const csrf = Browser.csrfOf((await doc.get('/ehr/apps/new')).text);
    const before = clientCount();
    for (const redirect of ['https://app.example@evil.example/cb', 'http://127.0.0.1:9/cb\u0000x', 'javascript:alert(1)', 'https://app.example/cb#x',
      'http://localhost.evil.example/cb']) {
      const r = await doc.post('/ehr/apps', { csrf, name: 'Form App', type: 'public', redirect_uris: redirect,
        scope: 'launch openid patient/*.rs' });
      assert.equal(r.status, 400, `${JSON.stringify(redirect)}: ${r.status}`);
      assert.equal(r.location, null);
    }
    assert.equal(clientCount(), before);
  });

  test('a registered "wildcard" URI is a literal string, not a pattern', async () => {
    const r = await formPostJson(`${ember.base}/oauth/register`, { client_name: 'wild', token_endpoint_auth_method: 'none', redirect_uris: ['https://*.example/cb'] });
    if (r.status !== 201) return; // refusing it is fine too
    for (const uri of ['https://evil.example/cb', 'https://a.example/cb']) {
      const a = await rawAuthorize({ client_id: r.body.client_id, redirect_uri: uri });
      assert.equal(a.status, 400, uri);
      assert.equal(a.location, null, uri);
    }
  });

  test('authorize: every look-alike of the registered http://127.0.0.1:1/cb → 400 page, no Location', async () => {
    // smart_negative ERR-02 covers other ports, paths, case and a trailing slash or query.
    const lookAlikes = [
      `${CB}#frag`, `${CB}#`, 'http://127.0.0.1:1@evil.example/cb', 'http://127.0.0.1:1.evil.example/cb', 'http://evil.example#@127.0.0.1:1/cb',
      `${CB}/../evil`, `${CB}%2f..%2fevil`, `${CB}/%2e%2e/evil`, 'http://127.0.0.1:01/cb', 'http://0x7f.0.0.1:1/cb', 'http://127.1:1/cb',
      'http://2130706433:1/cb', 'http://[::ffff:127.0.0.1]:1/cb', 'http://localhost:1/cb', `${CB}\r\nX-Injected: 1`, `${CB}\u0000`,
      ` ${CB}`, `${CB} `, `${CB}\\@evil.example`, 'http:/127.0.0.1:1/cb', 'http:127.0.0.1:1/cb', '//127.0.0.1:1/cb', '/cb',
    ];
    for (const uri of lookAlikes) {
      for (const method of ['GET', 'POST']) {
        let r;
        if (method === 'GET') {
          r = await rawAuthorize({ redirect_uri: uri });
        } else {
          const body = new URL(authorizeUrl({ redirect_uri: uri })).searchParams.toString();
          const res = await fetch(`${ember.base}/oauth/authorize`, { method: 'POST', redirect: 'manual', body,
            headers: { 'content-type': 'application/x-www-form-urlencoded' } });
          r = { status: res.status, location: res.headers.get('location'), text: await res.text() };
        }
        assert.equal(r.status, 400, `${method} ${JSON.stringify(uri)}: ${r.status} ${r.location}`);
        assert.equal(r.location, null, `${method} ${JSON.stringify(uri)}`);
        assert.ok(!r.text.includes('evil.example/'), 'the unverified URI is not offered as a link');
      }
    }
  });

  test('other errors never redirect to an unverified redirect_uri (client and redirect_uri are checked first)', async () => {
    const evil = 'https://evil.example/cb';
    for (const o of [{ response_type: 'token' }, { scope: null }, { code_challenge: null }, { code_challenge_method: 'plain' }, { aud: 'https://evil.example/fhir' },
      { client_id: null }, { client_id: 'no-such-client' }, { client_id: `${PUB.id}\u0000` }]) {
      const r = await rawAuthorize({ redirect_uri: evil, ...o });
      assert.equal(r.status, 400, JSON.stringify(o));
      assert.equal(r.location, null, JSON.stringify(o));
    }
  });
});

async function formPostJson(url, json) {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(json) });
  const text = await r.text();
  let body; try { body = JSON.parse(text); } catch { body = undefined; }
  return { status: r.status, headers: r.headers, body, text };
}

// ---------------------------------------------------------------------------------------------
describe('open redirects through every redirecting endpoint', () => {
  // grep "redirect(" src/: the authorize flow (continue, login, patient, encounter, consent, error
  // redirects), the portal (sign-in next, logout, home, require_session, chart launch, launcher,
  // apps save/delete) and the sample app's add-slash redirect (negative_http.test.js).
  const nexts = [
    '//evil.example', '///evil.example', 'https://evil.example/ehr', '/\\evil.example', '\\\\evil.example', '/ehr//evil.example', '/ehr/..//evil.example',
    '/ehr\\@evil.example', '/ehr/\\evil.example', 'javascript:alert(1)', '/ehr/%0d%0aLocation:%20https://evil.example', '/ehr/\r\nLocation: https://evil.example',
    '/ehrevil', '/ehr@evil.example', 'http:evil.example', '/ehr/\u0000//evil.example', `/ehr/${'a'.repeat(5000)}`, '%2F%2Fevil.example', ' //evil.example',
  ];

  test('portal sign-in `next`: only paths under /ehr on this origin, whatever is asked', async () => {
    for (const next of nexts) {
      const b = new Browser(ember.base);
      const page = await b.get(`/ehr/login?next=${encodeURIComponent(next)}`);
      assert.equal(page.status, 200);
      const hidden = parseForms(page.text).flatMap((f) => f.inputs).find((i) => i.name === 'next')?.value ?? '/ehr';
      const r = await b.signIn('dr.smith', 'demo', next);
      const loc = new URL(r.location, ember.base);
      assert.equal(loc.origin, ember.base, `${JSON.stringify(next)} → ${r.location}`);
      assert.ok(r.location === '/ehr' || r.location.startsWith('/ehr/') || r.location.startsWith('/ehr?'), `${JSON.stringify(next)} → ${r.location}`);
      assert.doesNotMatch(r.location, /\/\/|\\|[\r\n\0]/, `${JSON.stringify(next)} → ${r.location}`);
      assert.ok(hidden === '/ehr' || hidden.startsWith('/ehr/'), `hidden next ${hidden}`);
    }
    // A legitimate deep link still works.
    const ok = await new Browser(ember.base).signIn('dr.smith', 'demo', '/ehr/patients/alice');
    assert.equal(ok.location, '/ehr/patients/alice');
  });

  test('signed-out portal pages send the browser to /ehr/login with the page as a relative `next`', async () => {
    const r = await new Browser(ember.base).get('/ehr/patients//evil.example');
    if (r.status === 303) {
      assert.ok(r.location.startsWith('/ehr/login?next='), r.location);
      assert.equal(new URL(r.location, ember.base).origin, ember.base);
    }
  });

  test('logout and home ignore any target parameter', async () => {
    const b = new Browser(ember.base);
    await b.signIn('dr.smith');
    const home = await b.get('/ehr?next=https://evil.example&redirect=https://evil.example');
    assert.equal(home.status, 303);
    assert.equal(home.location, '/ehr/patients');
    const csrf = Browser.csrfOf((await b.get('/ehr/patients')).text);
    const out = await b.post('/ehr/logout', { csrf, next: 'https://evil.example', redirect_uri: 'https://evil.example' });
    assert.equal(out.status, 303);
    assert.equal(out.location, '/ehr/login');
  });

  test('chart launch and the launcher only open the app\'s registered launch URL', async () => {
    const b = new Browser(ember.base);
    await b.signIn('dr.smith');
    const csrf = Browser.csrfOf((await b.get('/ehr/patients/alice')).text);
    const r = await b.post('/ehr/launch', { csrf, client_id: PUB.id, patient: 'alice', view: 'window',
      launch_url: 'https://evil.example/launch', url: 'https://evil.example/', iss: 'https://evil.example/fhir' });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    const loc = new URL(r.location);
    assert.equal(`${loc.origin}${loc.pathname}`, PUB.launchUrl);
    assert.equal(loc.searchParams.get('iss'), ember.fhir);
    // An unknown app → an error page, no redirect.
    const unknown = await b.post('/ehr/launch', { csrf, client_id: 'no-such-app', patient: 'alice', view: 'window' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.location, null);
    // The sandbox launcher's direct link: unknown parameters and unknown apps → 400 page.
    for (const q of [`client_id=${PUB.id}&user=dr.smith&redirect_uri=https://evil.example`, `client_id=${PUB.id}&user=dr.smith&launch_url=https://evil.example`,
      'client_id=no-such-app&user=dr.smith', `client_id=${PUB.id}&user=dr.smith&iss=https://evil.example`]) {
      const d = await new Browser(ember.base).get(`/ehr/launcher/launch?${q}`);
      assert.equal(d.status, 400, q);
      assert.equal(d.location, null, q);
    }
    const good = await new Browser(ember.base).get(`/ehr/launcher/launch?client_id=${PUB.id}&user=dr.smith&patient=alice`);
    assert.equal(good.status, 303);
    assert.ok(good.location.startsWith(`${PUB.launchUrl}?`), good.location);
  });

  test('authorize/continue with a bogus, foreign or missing txn → an error page, never an outside redirect', async () => {
    const a = await authorizeViaHttp({ base: ember.base, clientId: PUB.id, redirectUri: CB, scope: PATIENT_SCOPE, username: 'alice', stopAt: 'consent' });
    const txn = parseForms(a.html).flatMap((f) => f.inputs).find((i) => i.name === 'txn').value;
    const other = new Browser(ember.base);
    await other.signIn('nurse.lee');
    for (const [what, b, q] of [['bogus', other, 'txn=bogus'], ['none', other, ''], ['another session\'s txn', other, `txn=${encodeURIComponent(txn)}`],
      ['signed out, real txn', new Browser(ember.base), `txn=${encodeURIComponent(txn)}&redirect_uri=https://evil.example`]]) {
      const r = await b.get(`/oauth/authorize/continue?${q}`);
      assertStaysOrRegistered(r.location, what);
      if (r.location) assert.ok(!r.location.startsWith(CB) || what === 'signed out, real txn', `${what}: ${r.location}`);
    }
  });

  test('still alive', async () => { await assertAlive(ember, 'after open redirects'); });
});

// ---------------------------------------------------------------------------------------------
describe('CSRF: every POST form refuses a missing or foreign token', () => {
  // Another signed-in browser whose session CSRF token an attacker could know (their own).
  let mallory; let malloryCsrf;
  before(async () => {
    mallory = new Browser(ember.base);
    await mallory.signIn('nurse.lee');
    malloryCsrf = Browser.csrfOf((await mallory.get('/ehr/patients')).text);
    assert.ok(malloryCsrf);
  });

  test('pre-session forms (/ehr/login, /oauth/authorize/login): no token, a token without its cookie, another browser\'s token → 403, no session', async () => {
    const other = new Browser(ember.base);
    const otherToken = Browser.csrfOf((await other.get('/ehr/login')).text);
    for (const [what, fields, cookie] of [['no token', {}, undefined], ['token of another browser', { csrf: otherToken }, undefined],
      ['token without any cookie', { csrf: otherToken }, ''], ['session token of mallory', { csrf: malloryCsrf }, undefined]]) {
      const b = new Browser(ember.base);
      await b.get('/ehr/login');
      const r = await b.post('/ehr/login', { username: 'dr.smith', password: 'demo', ...fields }, { cookie });
      assert.equal(r.status, 403, `/ehr/login ${what}`);
      assert.equal(b.cookie('ember_session'), undefined, `/ehr/login ${what}: no session`);

      const a = await authorizeViaHttp({ base: ember.base, clientId: PUB.id, redirectUri: CB, scope: PATIENT_SCOPE, stopAt: 'login' });
      const f = parseForms(a.html).find((x) => x.action.endsWith('/oauth/authorize/login'));
      const txn = f.inputs.find((i) => i.name === 'txn').value;
      const post = await new Browser(ember.base).post('/oauth/authorize/login', { txn, username: 'alice', password: 'demo', ...fields },
        { cookie: cookie ?? a.jar.header(ember.base) });
      assert.equal(post.status, 403, `/oauth/authorize/login ${what}`);
      assert.equal(post.location, null);
      assert.ok(!(post.headers.getSetCookie?.() || []).some((c) => c.startsWith('ember_session=') && !/max-age=0/i.test(c)), 'no session cookie');
    }
  });

  test('authorization steps (patient, encounter, consent): missing token, mallory\'s token, or mallory\'s session with the txn → refused, no code', async () => {
    const picker = await authorizeViaHttp({ base: ember.base, clientId: PUB.id, redirectUri: CB, scope: 'launch/patient launch/encounter openid fhirUser patient/*.rs',
      username: 'dr.smith', stopAt: 'patient' });
    const enc = await authorizeViaHttp({ base: ember.base, clientId: PUB.id, redirectUri: CB, scope: 'launch/patient launch/encounter openid fhirUser patient/*.rs',
      username: 'dr.smith', patient: 'alice', stopAt: 'encounter' });
    const consent = await authorizeViaHttp({ base: ember.base, clientId: PUB.id, redirectUri: CB, scope: PATIENT_SCOPE, username: 'alice', stopAt: 'consent' });
    const cases = [
      ['/oauth/authorize/patient', picker, { patient: 'alice' }],
      ['/oauth/authorize/encounter', enc, { encounter: enc.choices?.[0]?.value ?? 'x' }],
      ['/oauth/authorize/consent', consent, { decision: 'allow', scope: 'launch/patient' }],
    ];
    for (const [action, page, fields] of cases) {
      assert.equal(page.kind, 'page', action);
      const form = parseForms(page.html).find((f) => f.action.endsWith(action));
      assert.ok(form, `${action} form shown`);
      const txn = form.inputs.find((i) => i.name === 'txn').value;
      const csrf = form.inputs.find((i) => i.name === 'csrf').value;
      const victim = page.jar.header(ember.base);
      const attempts = [
        ['no token', { txn, ...fields }, victim],
        ['empty token', { txn, csrf: '', ...fields }, victim],
        ['mallory\'s token in the victim\'s browser', { txn, csrf: malloryCsrf, ...fields }, victim],
        ['the victim\'s token and txn in mallory\'s browser', { txn, csrf, ...fields }, mallory.jar.header(ember.base)],
        ['mallory\'s own token with the victim\'s txn', { txn, csrf: malloryCsrf, ...fields }, mallory.jar.header(ember.base)],
        ['no cookie', { txn, csrf, ...fields }, ''],
      ];
      for (const [what, body, cookie] of attempts) {
        const r = await new Browser(ember.base).post(action, body, { cookie });
        assert.ok([400, 403].includes(r.status), `${action} ${what}: ${r.status} ${r.location}`);
        assert.equal(r.location, null, `${action} ${what}`);
      }
      // Control: the real form still goes through.
      const ok = await new Browser(ember.base).post(action, { txn, csrf, ...fields }, { cookie: victim });
      assert.equal(ok.status, 303, `${action} with the right token`);
    }
  });

  test('portal forms (logout, chart launch, apps create/edit/secret/delete, launcher): missing or mallory\'s token → 403, nothing changes', async () => {
    const doc = new Browser(ember.base);
    await doc.signIn('dr.smith');
    const before = clientCount();
    const app = { name: 'CSRF App', type: 'public', redirect_uris: 'http://127.0.0.1:9/cb', scope: 'launch openid patient/*.rs' };
    const forms = [
      ['/ehr/logout', {}],
      ['/ehr/launch', { client_id: PUB.id, patient: 'alice', view: 'window' }],
      ['/ehr/apps', app],
      [`/ehr/apps/${CONF.id}`, { ...app, name: 'Renamed by CSRF' }],
      [`/ehr/apps/${CONF.id}/secret`, {}],
      [`/ehr/apps/${CONF.id}/delete`, {}],
      ['/ehr/launcher', { app: PUB.id, user: 'dr.smith', patient: 'alice' }],
    ];
    for (const [path, fields] of forms) {
      for (const [what, csrf] of [['no token', undefined], ['empty token', ''], ['mallory\'s token', malloryCsrf], ['a guessed token', 'A'.repeat(43)]]) {
        const r = await doc.post(path, csrf === undefined ? fields : { ...fields, csrf });
        assert.equal(r.status, 403, `${path} ${what}: ${r.status} ${r.location}`);
        assert.equal(r.location, null, `${path} ${what}`);
        assert.doesNotMatch(r.text, /client_secret|Client secret/i, `${path} ${what}: no new secret shown`);
      }
    }
    // Nothing changed: still signed in, no client added, none renamed, deleted or re-keyed.
    assert.equal((await doc.get('/ehr/patients')).status, 200, 'the session survived the forged logouts');
    assert.equal(clientCount(), before);
    const conf = await doc.get(`/ehr/apps/${CONF.id}`);
    assert.equal(conf.status, 200);
    assert.doesNotMatch(conf.text, /Renamed by CSRF/);
    const basic = await tokenRequest(ember.base, { grant_type: 'authorization_code', code: 'x', redirect_uri: CB, code_verifier: 'y'.repeat(43) },
      { clientId: CONF.id, clientSecret: SECRET });
    assert.equal(basic.body?.error, 'invalid_grant', 'the old secret still authenticates (not rotated)');
  });

  test('still alive', async () => { await assertAlive(ember, 'after CSRF'); });
});

// ---------------------------------------------------------------------------------------------
describe('session fixation: a new session id at every sign-in', () => {
  test('portal: a planted cookie value and a planted real session are both replaced, the planted session ends', async () => {
    // 1. An id the attacker made up.
    const b = new Browser(ember.base);
    b.jar.byHost.set(new URL(ember.base).host, new Map([['ember_session', 'attacker-chosen-session-id-0123456789abcdef']]));
    await b.signIn('dr.smith');
    assert.notEqual(b.cookie('ember_session'), 'attacker-chosen-session-id-0123456789abcdef');
    // 2. The attacker's own valid session planted in the victim's browser after the sign-in page
    //    was shown (the pre-session CSRF cookie is the victim's).
    const attacker = new Browser(ember.base);
    await attacker.signIn('nurse.lee');
    const planted = attacker.cookie('ember_session');
    const victim = new Browser(ember.base);
    const csrf = Browser.csrfOf((await victim.get('/ehr/login')).text);
    victim.jar.byHost.get(new URL(ember.base).host).set('ember_session', planted);
    const r = await victim.post('/ehr/login', { csrf, username: 'dr.smith', password: 'demo' });
    assert.equal(r.status, 303);
    assert.ok(victim.cookie('ember_session'), 'a session cookie');
    assert.notEqual(victim.cookie('ember_session'), planted, 'a new id after sign-in');
    assert.equal((await victim.get('/ehr/patients')).status, 200, 'the victim is signed in with the new id');
    const who = await attacker.get('/ehr/patients');
    assert.equal(who.status, 303, 'the planted session was ended by the sign-in');
  });

  test('authorization sign-in form: the session cookie changes and the planted one ends', async () => {
    const attacker = new Browser(ember.base);
    await attacker.signIn('nurse.lee');
    for (const [what, planted] of [['made-up id', 'attacker-chosen-session-id-0123456789abcdef'], ['attacker\'s real session', attacker.cookie('ember_session')]]) {
      const page = await authorizeViaHttp({ base: ember.base, clientId: PUB.id, redirectUri: CB, scope: PATIENT_SCOPE, stopAt: 'login' });
      assert.equal(page.stage, 'login');
      const f = parseForms(page.html).find((x) => x.action.endsWith('/oauth/authorize/login'));
      const fields = Object.fromEntries(f.inputs.filter((i) => i.type === 'hidden').map((i) => [i.name, i.value]));
      const b = new Browser(ember.base);
      b.jar = page.jar;
      b.jar.byHost.get(new URL(ember.base).host).set('ember_session', planted);
      const r = await b.post('/oauth/authorize/login', { ...fields, username: 'alice', password: 'demo' });
      assert.equal(r.status, 303, what);
      assert.ok(b.cookie('ember_session'), what);
      assert.notEqual(b.cookie('ember_session'), planted, what);
    }
    assert.equal((await attacker.get('/ehr/patients')).status, 303, 'the planted real session was ended');
  });

  test('the session cookie is HttpOnly and SameSite', async () => {
    const b = new Browser(ember.base);
    const page = await b.get('/ehr/login');
    const r = await b.post('/ehr/login', { csrf: Browser.csrfOf(page.text), username: 'dr.smith', password: 'demo' });
    const sc = (r.headers.getSetCookie?.() || []).find((c) => c.startsWith('ember_session='));
    assert.match(sc, /HttpOnly/i);
    assert.match(sc, /SameSite=(Lax|Strict)/i);
  });
});

// ---------------------------------------------------------------------------------------------
describe('NUL bytes and invalid UTF-8 in form fields', () => {
  test('token, introspection, revocation, sign-in: NUL/invalid UTF-8 in ids, codes and passwords never authenticate or 5xx', async () => {
    const forms = [
      [TOKEN, { grant_type: 'authorization_code', code: 'a\u0000b', redirect_uri: CB, code_verifier: 'v'.repeat(43), client_id: PUB.id }],
      [TOKEN, { grant_type: 'authorization_code', code: 'x', redirect_uri: CB, code_verifier: 'v'.repeat(43), client_id: `${PUB.id}\u0000` }],
      [TOKEN, { grant_type: 'refresh_token\u0000', refresh_token: 'x', client_id: PUB.id }],
      [TOKEN, { grant_type: 'client_credentials', scope: `${SYS_SCOPE}\u0000`, ...assertionFields('a\u0000.b.c') }],
      [`${ember.base}/oauth/introspect`, { token: 'x\u0000y' }],
      [`${ember.base}/oauth/revoke`, { token: 'x\u0000y', client_id: PUB.id }],
    ];
    for (const [url, form] of forms) {
      const r = await formPost(url, form);
      assert.ok(r.status >= 400 && r.status < 500 || (url.endsWith('/revoke') && r.status === 200), `${url} ${JSON.stringify(form)}: ${r.status} ${r.text}`);
      assert.equal(r.body?.access_token, undefined);
      assert.ok(r.body?.error || r.status === 200, r.text);
    }
    const raw = await fetch(TOKEN, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=authorization_code&code=%C3%28&client_id=${PUB.id}%FF&redirect_uri=x&code_verifier=y` });
    assert.ok(raw.status >= 400 && raw.status < 500, `invalid UTF-8: ${raw.status}`);
    // Sign-in: a NUL-truncated username or password must not match "alice" / "demo".
    for (const [username, password] of [['alice\u0000', 'demo'], ['alice\u0000x', 'demo'], ['alice', 'demo\u0000'], ['alice', 'demo\u0000x'], ['\u0000', '\u0000']]) {
      const b = new Browser(ember.base);
      const page = await b.get('/ehr/login');
      const r = await b.post('/ehr/login', { csrf: Browser.csrfOf(page.text), username, password });
      assert.equal(r.status, 401, `${JSON.stringify([username, password])}: ${r.status}`);
      assert.equal(b.cookie('ember_session'), undefined);
    }
  });

  test('parameter pollution: a repeated parameter → invalid_request at authorize, token, introspection and revocation', async () => {
    // RFC 6749 §3.1/§3.2: parameters MUST NOT be included more than once.
    const u = new URL(authorizeUrl());
    u.searchParams.append('redirect_uri', 'https://evil.example/cb');
    const first = await fetch(u, { redirect: 'manual' });
    assert.equal(first.status, 400);
    assert.equal(first.headers.get('location'), null);
    const a = await authorizeViaHttp({ base: ember.base, clientId: PUB.id, redirectUri: CB, scope: PATIENT_SCOPE, username: 'alice' });
    assert.ok(a.code);
    const post = (url, pairs, headers = {}) => fetch(url, { method: 'POST', body: new URLSearchParams(pairs).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers } })
      .then(async (r) => ({ status: r.status, text: await r.text() })).then((r) => ({ ...r, body: JSON.parse(r.text) }));
    const base = [['grant_type', 'authorization_code'], ['code', a.code], ['redirect_uri', CB], ['code_verifier', a.pkce.verifier], ['client_id', PUB.id]];
    for (const [name, value] of [['client_id', CONF.id], ['redirect_uri', 'https://evil.example/cb'], ['code_verifier', 'x'.repeat(43)], ['grant_type', 'client_credentials'], ['code', 'other']]) {
      const r = await post(TOKEN, [...base, [name, value]]);
      assertOAuthJsonError(r, 400, 'invalid_request', `repeated ${name}`);
    }
    const basic = `Basic ${Buffer.from(`${CONF.id}:${SECRET}`).toString('base64')}`;
    assertOAuthJsonError(await post(`${ember.base}/oauth/introspect`, [['token', 'a'], ['token', 'b']], { authorization: basic }), 400, 'invalid_request', 'introspect');
    assertOAuthJsonError(await post(`${ember.base}/oauth/revoke`, [['token', 'a'], ['token', 'b']], { authorization: basic }), 400, 'invalid_request', 'revoke');
    // The code was not burnt by the refused requests: the clean exchange still works.
    const ok = await post(TOKEN, base);
    assert.equal(ok.status, 200, ok.text);
  });

  test('still alive', async () => { await assertAlive(ember, 'after NUL form fields'); });
});

// ---------------------------------------------------------------------------------------------
const now = () => Math.floor(Date.now() / 1000);
const b64json = (o) => b64url(JSON.stringify(o));
const hs256 = (header, payload, secret) => {
  const input = `${b64json(header)}.${b64json(payload)}`;
  return `${input}.${b64url(createHmac('sha256', secret).update(input).digest())}`;
};

describe('hostile JWTs at the FHIR API and at introspection', () => {
  let access; let idToken; let refreshToken; let jwks;
  before(async () => {
    const { token } = await authorizeAndExchange({ base: ember.base, clientId: PUB.id, redirectUri: CB, scope: `${PATIENT_SCOPE} offline_access`, username: 'alice' });
    assert.equal(token.status, 200, token.text);
    ({ access_token: access, id_token: idToken, refresh_token: refreshToken } = token.body);
    jwks = await (await fetch(`${ember.base}/oauth/jwks`)).json();
  });

  // Every forged variant of alice's access token.
  async function forgeries() {
    const { header, payload } = decodeJwt(access);
    const out = {};
    const ec = jwks.keys.find((k) => k.kid === header.kid) || jwks.keys[0];
    const rsa = jwks.keys.find((k) => k.kty === 'RSA');
    const pem = (k) => createPublicKey({ key: k, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    for (const [what, secret] of [['EC key PEM', pem(ec)], ['EC JWK JSON', JSON.stringify(ec)], ['RSA key PEM', pem(rsa)], ['RSA modulus', Buffer.from(rsa.n, 'base64url')],
      ['RSA JWK JSON', JSON.stringify(rsa)], ['empty secret', '']]) {
      out[`HS256 MACed with the ${what}`] = hs256({ ...header, alg: 'HS256' }, payload, secret);
      out[`HS256 (kid of the RSA key) MACed with the ${what}`] = hs256({ ...header, alg: 'HS256', kid: rsa.kid }, payload, secret);
    }
    out['alg none, lower-case'] = `${b64json({ ...header, alg: 'none' })}.${b64json(payload)}.`;
    out['alg NONE'] = `${b64json({ ...header, alg: 'NONE' })}.${b64json(payload)}.`;
    out['alg nOnE with the signature kept'] = editJwt(access, { header: { alg: 'nOnE' } });
    out['alg missing'] = `${b64json({ kid: header.kid, typ: header.typ })}.${b64json(payload)}.${access.split('.')[2]}`;
    for (const kid of ['../../../../etc/passwd', '../../../../dev/null', '/dev/zero', 'file:///etc/passwd', `${trap.url}/jwks.json`, 'https://evil.example/jwks.json',
      'a\u0000b', `${header.kid}\u0000`, 'k'.repeat(100_000), "' OR '1'='1", '', 42, null, ['a'], { a: 1 }]) {
      out[`kid ${JSON.stringify(kid).slice(0, 40)}`] = editJwt(access, { header: { kid } });
    }
    out['jku to our listener'] = editJwt(access, { header: { jku: `${trap.url}/jku.json` } });
    out['x5u to our listener'] = editJwt(access, { header: { x5u: `${trap.url}/x5u.pem` } });
    out['embedded jwk of the attacker'] = editJwt(access, { header: { jwk: ROGUE.jwk } });
    out['crit with an unknown extension'] = editJwt(access, { header: { crit: ['https://evil.example/ext'], 'https://evil.example/ext': true } });
    out['crit empty'] = editJwt(access, { header: { crit: [] } });
    out['crit not an array'] = editJwt(access, { header: { crit: 'exp' } });
    out['b64 false'] = editJwt(access, { header: { b64: false, crit: ['b64'] } });
    out['typ changed'] = editJwt(access, { header: { typ: header.typ === 'JWT' ? 'at+jwt' : 'JWT' } });
    out['typ removed'] = editJwt(access, { header: { typ: undefined } });
    out['typ changed to id_token-like'] = editJwt(access, { header: { typ: 'application/id_token+jwt' } });
    out['exp far in the future'] = editJwt(access, { payload: { exp: now() + 10 * 365 * 86400 } });
    out['exp 1e20'] = editJwt(access, { payload: { exp: 1e20 } });
    out['exp as a string'] = editJwt(access, { payload: { exp: String(now() + 3600) } });
    out['exp in the past'] = editJwt(access, { payload: { exp: now() - 10 } });
    out['the id_token (RS256, signed by Ember)'] = idToken;
    out['the refresh token'] = refreshToken;
    out['a client assertion (signed by the client)'] = await signAssertion({ key: KEY, clientId: BE.id, aud: TOKEN });
    out['five parts (JWE shape)'] = `${access}.x.y`;
    out['JSON serialization'] = JSON.stringify({ payload: access.split('.')[1], signatures: [{ protected: access.split('.')[0], signature: access.split('.')[2] }] });
    out['NUL inside'] = `${access.slice(0, 20)}\u0000${access.slice(20)}`;
    return out;
  }

  test('every forgery → 401 invalid_token OperationOutcome; the real token still works; nothing is fetched', async () => {
    for (const [what, tok] of Object.entries(await forgeries())) {
      assert.notEqual(tok, access, `${what} differs from the real token`);
      let r;
      try {
        r = await fetch(`${ember.fhir}/Patient/alice`, { headers: { accept: 'application/fhir+json', authorization: `Bearer ${tok}` } });
      } catch {
        // fetch refuses a header value with NUL: send it raw instead (covered by negative_http).
        continue;
      }
      const text = await r.text();
      if (r.status === 431) continue; // the 100 kB kid: refused by the header limit already
      assert.ok([400, 401].includes(r.status), `${what}: ${r.status} ${text.slice(0, 200)}`);
      if (r.status === 401) assert.match(r.headers.get('www-authenticate') || '', /error="invalid_token"/, what);
      assert.equal(JSON.parse(text).resourceType, 'OperationOutcome', what);
      // The same bearer at userinfo and as an introspection caller (which takes backend tokens).
      const u = await fetch(`${ember.base}/oauth/userinfo`, { headers: { authorization: `Bearer ${tok}` } });
      assert.ok([400, 401].includes(u.status), `userinfo ${what}: ${u.status}`);
      assert.doesNotMatch(await u.text(), /"sub"/, `userinfo ${what}`);
      const i = await introspect(ember.base, access, { bearer: tok });
      assert.ok([400, 401].includes(i.status), `introspection caller ${what}: ${i.status} ${i.text}`);
      assert.equal(i.body?.active, undefined, `introspection caller ${what}`);
    }
    const ok = await fetch(`${ember.fhir}/Patient/alice`, { headers: { authorization: `Bearer ${access}` } });
    assert.equal(ok.status, 200);
    assert.deepEqual(trap.hits, [], 'no key URL from a token header was fetched');
  });

  test('introspection of every forgery → 200 {"active":false}', async () => {
    const caller = { clientId: CONF.id, clientSecret: SECRET };
    for (const [what, tok] of Object.entries(await forgeries())) {
      if (what.startsWith('the refresh token')) continue; // a real token of Ember: active
      const r = await introspect(ember.base, tok, caller);
      assert.equal(r.status, 200, `${what}: ${r.text}`);
      assert.deepEqual(r.body, { active: false }, what);
    }
    assert.equal((await introspect(ember.base, access, caller)).body.active, true, 'control');
    assert.deepEqual(trap.hits, []);
  });

  test('still alive', async () => { await assertAlive(ember, 'after forged tokens'); });
});

describe('hostile client assertions (token endpoint and introspection)', () => {
  const claims = (o = {}) => ({ iss: BE.id, sub: BE.id, aud: TOKEN, iat: now(), exp: now() + 240, jti: b64url(randomBytes(16)), ...o });
  const sign = (o = {}) => signAssertion({ key: KEY, clientId: BE.id, aud: TOKEN, ...o });
  // RS384 over any header (jose refuses to sign a crit it does not know).
  const signRaw = async (headerExtra, claimsExtra = {}) => {
    const pk = createPrivateKey({ key: await exportJWK(KEY.privateKey), format: 'jwk' });
    const input = `${b64json({ alg: 'RS384', kid: KEY.kid, typ: 'JWT', ...headerExtra })}.${b64json(claims(claimsExtra))}`;
    return `${input}.${b64url(cryptoSign('sha384', Buffer.from(input), pk))}`;
  };
  const cc = async (assertion) => tokenRequest(ember.base, { grant_type: 'client_credentials', scope: SYS_SCOPE, ...assertionFields(assertion) });

  test('control: a good assertion gets a token', async () => {
    const r = await cc(await sign());
    assert.equal(r.status, 200, r.text);
  });

  const cases = [
    // kid path tricks: never a file, URL or SQL lookup; only the registered kid matches.
    ['kid ../../', () => sign({ header: { kid: '../../../../etc/passwd' } })],
    ['kid ../ + the real kid', () => sign({ header: { kid: `../${KEY.kid}` } })],
    ['kid URL', () => sign({ header: { kid: `${trap.url}/kid.json` } })],
    ['kid 100 kB', () => sign({ header: { kid: 'k'.repeat(100_000) } })],
    ['kid with NUL after the real one', () => sign({ header: { kid: `${KEY.kid}\u0000` } })],
    ['kid with NUL before', () => sign({ header: { kid: `\u0000${KEY.kid}` } })],
    ['kid SQL', () => sign({ header: { kid: "neg-rs' OR '1'='1" } })],
    ['kid a number', async () => `${b64json({ alg: 'RS384', kid: 7, typ: 'JWT' })}.${b64json(claims())}.AAAA`],
    // exp: SMART backend services allow at most 5 minutes ahead (smart_backend covers 7 and 10 min).
    ['exp one year ahead', () => sign({ expiresIn: 365 * 86400 })],
    ['exp 1e20', () => sign({ claims: { exp: 1e20 } })],
    ['exp 2^63', () => sign({ claims: { exp: 9223372036854775808 } })],
    ['exp negative', () => sign({ claims: { exp: -1 } })],
    ['exp a string', () => sign({ claims: { exp: String(now() + 60) } })],
    ['exp a float far ahead', () => sign({ claims: { exp: now() + 86400.5 } })],
    ['exp in the past, iat older', () => sign({ claims: { iat: now() - 3600, exp: now() - 1800 } })],
    // crit: RFC 7515 §4.1.11, an extension we do not understand must be refused.
    ['crit unknown extension', () => signRaw({ crit: ['urn:example:ext'], 'urn:example:ext': 1 })],
    ['crit naming a registered header', () => signRaw({ crit: ['kid'] })],
    ['crit empty', () => signRaw({ crit: [] })],
    ['crit a string', () => signRaw({ crit: 'urn:example:ext' })],
    ['crit b64 false (unencoded payload)', () => signRaw({ crit: ['b64'], b64: false })],
    // typ: "JWT" or absent only (RFC 7523; SMART), case-insensitive per RFC 7515 §4.1.9.
    ['typ at+jwt (smart_backend) as application/at+jwt', () => sign({ header: { typ: 'application/at+jwt' } })],
    ['typ JWS', () => sign({ header: { typ: 'JWS' } })],
    ['typ secevent+jwt', () => sign({ header: { typ: 'secevent+jwt' } })],
    ['typ a number', () => sign({ header: { typ: 1 } })],
    ['typ with NUL', () => sign({ header: { typ: 'JWT\u0000' } })],
    // Key substitution: a key in the header is never trusted.
    ['embedded jwk of the signer (rogue key, same kid)', () => sign({ header: { jwk: ROGUE.jwk }, signWith: ROGUE.privateKey })],
    ['x5u to our listener', () => sign({ header: { x5u: `${trap.url}/x5u.pem` }, signWith: ROGUE.privateKey })],
    ['jku to our listener (inline-JWKS client)', () => sign({ header: { jku: `${trap.url}/jku.json` } })],
    ['alg NONE (upper case)', async () => `${b64json({ alg: 'NONE', kid: KEY.kid, typ: 'JWT' })}.${b64json(claims())}.`],
    ['alg HS384 MACed with the registered public JWK', async () => {
      const input = `${b64json({ alg: 'HS384', kid: KEY.kid, typ: 'JWT' })}.${b64json(claims())}`;
      return `${input}.${b64url(createHmac('sha384', JSON.stringify(KEY.jwk)).update(input).digest())}`;
    }],
    ['alg PS384 with an RS384 signature', async () => {
      const good = await sign();
      const [, p, s] = good.split('.');
      return `${b64json({ alg: 'PS384', kid: KEY.kid, typ: 'JWT' })}.${p}.${s}`;
    }],
  ];
  test('control: the hand-signed assertion without crit is accepted (so the crit cases fail for crit alone)', async () => {
    assert.equal((await cc(await signRaw({}))).status, 200);
  });
  for (const [what, make] of cases) {
    test(`${what} → 401 invalid_client, at the token endpoint and as an introspection caller`, async () => {
      const a = await make();
      const r = await cc(a);
      assertOAuthJsonError(r, 401, 'invalid_client', what);
      const i = await introspect(ember.base, 'anything', { assertion: await make() });
      assertOAuthJsonError(i, 401, 'invalid_client', `introspect ${what}`);
    });
  }

  test('no key URL named in a header was fetched; the registered key still works', async () => {
    assert.deepEqual(trap.hits, []);
    assert.equal((await cc(await sign())).status, 200);
    await assertAlive(ember, 'after hostile assertions');
  });
});
