// SMART Backend Services (client_credentials + private_key_jwt), asymmetric client authentication
// for app launch, token introspection and token revocation (conformance checklist §7, 8, 11, 12).
// Keys are made and assertions signed with `jose`; a tiny node http server on loopback plays the
// client's jwks_uri (it counts fetches and serves the Cache-Control we choose). Plain fetch against a
// real `ember serve`; openid-client v6 checks the asymmetric app flow as a second, independent client.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import { exportSPKI } from 'jose';
import * as client from 'openid-client';
import { startEmber } from './lib/server.js';
import {
  authorizeViaHttp, authorizeAndExchange, refresh, tokenRequest, decodeJwt, b64url,
  makeClientKey, signAssertion, assertionFields, introspect, revoke,
} from './lib/oauth.js';

const CB = 'http://127.0.0.1:1/cb';
const SYS_SCOPE = 'system/Patient.rs system/Observation.rs';
const APP_SCOPE = 'openid fhirUser profile launch/patient offline_access patient/*.rs user/*.rs';
const PATIENT_SCOPE = 'launch/patient openid fhirUser offline_access patient/*.rs';
const SECRET = 'backend-test-secret';

// Keys (made in before()).
let RS; let ES; let ROGUE; let U1; let U2; let U3; let APP_RS; let APP_ES;
let BE; let BE_URI; let PUB; let OTHER; let CONF; let APP;

let ember; let jwksSrv;
let TOKEN; // the token endpoint URL, the only accepted assertion aud

// ---------------------------------------------------------------------------------------------
// The client's JWKS host: /jwks.json (the registered jwks_uri; keys and Cache-Control mutable) and
// /foreign.json (an attacker's key set that Ember must never fetch). state.status / state.raw /
// state.location make /jwks.json misbehave.
async function startJwksServer() {
  const state = { keys: [], cacheControl: 'no-store', foreignKeys: [], hits: [] };
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    state.hits.push({ path, method: req.method, accept: req.headers.accept || '' });
    if (path === '/jwks.json' && (state.status || state.raw !== undefined)) {
      res.writeHead(state.status || 200, { 'content-type': 'application/json', 'cache-control': state.cacheControl,
        ...(state.location ? { location: state.location } : {}) });
      res.end(state.raw ?? '');
    } else if (path === '/jwks.json' || path === '/foreign.json') {
      const keys = path === '/jwks.json' ? state.keys : state.foreignKeys;
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': state.cacheControl });
      res.end(JSON.stringify({ keys }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((res, rej) => { server.once('error', rej); server.listen(0, '127.0.0.1', res); });
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    state,
    url: `${base}/jwks.json`,
    foreignUrl: `${base}/foreign.json`,
    fetches: (path = '/jwks.json') => state.hits.filter((h) => h.path === path).length,
    stop: () => new Promise((res) => { server.closeAllConnections?.(); server.close(() => res()); }),
  };
}

before(async () => {
  [RS, ES, ROGUE, U1, U2, U3, APP_RS, APP_ES] = await Promise.all([
    makeClientKey('RS384', 'rs-1'), makeClientKey('ES384', 'es-1'), makeClientKey('RS384', 'rs-1'),
    makeClientKey('RS384', 'u-1'), makeClientKey('ES384', 'u-2'), makeClientKey('RS384', 'u-3'),
    makeClientKey('RS384', 'app-rs'), makeClientKey('ES384', 'app-es'),
  ]);
  jwksSrv = await startJwksServer();
  jwksSrv.state.keys = [U1.jwk];
  jwksSrv.state.foreignKeys = [{ ...ROGUE.jwk, kid: 'u-1' }];
  BE = { id: 'be-inline', name: 'Backend (inline JWKS)', type: 'backend', scope: SYS_SCOPE, jwks: { keys: [RS.jwk, ES.jwk] } };
  BE_URI = { id: 'be-uri', name: 'Backend (jwks_uri)', type: 'backend', scope: SYS_SCOPE, jwksUri: jwksSrv.url };
  PUB = { id: 'bs-public', name: 'Public App', type: 'public', redirectUris: [CB], scope: APP_SCOPE };
  OTHER = { id: 'bs-other', name: 'Other Public App', type: 'public', redirectUris: [CB], scope: APP_SCOPE };
  CONF = { id: 'bs-conf', name: 'Symmetric App', type: 'confidential-symmetric', redirectUris: [CB], scope: `${APP_SCOPE} ${SYS_SCOPE}`, secret: SECRET };
  APP = { id: 'bs-asym', name: 'Asymmetric App', type: 'confidential-asymmetric', redirectUris: [CB], scope: APP_SCOPE,
    jwks: { keys: [APP_RS.jwk, APP_ES.jwk] } };
  ember = await startEmber({ clients: [BE, BE_URI, PUB, OTHER, CONF, APP] });
  TOKEN = `${ember.base}/oauth/token`;
});
after(async () => {
  await ember?.stop();
  await jwksSrv?.stop();
});

// ---------------------------------------------------------------------------------------------
const beAssertion = (o = {}) => signAssertion({ key: RS, clientId: BE.id, aud: TOKEN, ...o });
const clientCredentials = (assertion, form = {}) => tokenRequest(ember.base, {
  grant_type: 'client_credentials', scope: SYS_SCOPE, ...assertionFields(assertion), ...form,
});
const fhir = (path, token) => {
  assert.equal(typeof token, 'string', 'an access token to use');
  return fetch(`${ember.fhir}/${path}`, { headers: { accept: 'application/fhir+json', authorization: `Bearer ${token}` } });
};
async function fhirJson(path, token) {
  const r = await fhir(path, token);
  const text = await r.text();
  let body; try { body = JSON.parse(text); } catch { body = undefined; }
  return { status: r.status, body, text, headers: r.headers };
}
function assertOAuthError(r, status, error, what = '') {
  const statuses = Array.isArray(status) ? status : [status];
  assert.ok(statuses.includes(r.status), `${what}: status ${r.status}, expected ${statuses.join('/')} (body: ${r.text})`);
  const errors = Array.isArray(error) ? error : [error];
  assert.ok(errors.includes(r.body?.error), `${what}: error ${r.body?.error}, expected ${errors.join('/')} (body: ${r.text})`);
  assert.equal(r.body?.access_token, undefined, `${what}: no token`);
}
const invalidClient = (r, what) => assertOAuthError(r, 401, 'invalid_client', what);
async function backendToken(o = {}) {
  const r = await clientCredentials(await beAssertion(o));
  assert.equal(r.status, 200, r.text);
  return r.body.access_token;
}
// A patient-facing token for PUB (or another public/symmetric client) from a real authorization.
async function patientGrant(o = {}) {
  const { token } = await authorizeAndExchange({
    base: ember.base, clientId: PUB.id, redirectUri: CB, scope: PATIENT_SCOPE, username: 'alice', ...o,
  });
  assert.equal(token.status, 200, token.text);
  assert.ok(token.body.access_token && token.body.refresh_token && token.body.id_token, token.text);
  return token.body;
}
// A JWS whose signature is HMAC-SHA256 over the signing input with `secret` (alg confusion).
function hs256(header, payload, secret) {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${b64url(createHmac('sha256', secret).update(input).digest())}`;
}
const now = () => Math.floor(Date.now() / 1000);
const freshClaims = (o = {}) => ({ iss: BE.id, sub: BE.id, aud: TOKEN, iat: now(), exp: now() + 240, jti: b64url(randomBytes(16)), ...o });

// ---------------------------------------------------------------------------------------------
describe('discovery', () => {
  test('BSV-01 smart-configuration advertises backend services, asymmetric auth, introspection, revocation', async () => {
    const r = await fetch(`${ember.fhir}/.well-known/smart-configuration`);
    assert.equal(r.status, 200);
    const d = await r.json();
    assert.ok(d.capabilities.includes('client-confidential-asymmetric'), d.capabilities);
    assert.ok(d.grant_types_supported.includes('client_credentials'));
    assert.ok(d.token_endpoint_auth_methods_supported.includes('private_key_jwt'));
    for (const alg of ['RS384', 'ES384']) assert.ok(d.token_endpoint_auth_signing_alg_values_supported.includes(alg), alg);
    assert.ok(!d.token_endpoint_auth_signing_alg_values_supported.some((a) => /^(none|HS)/i.test(a)));
    assert.equal(d.token_endpoint, TOKEN);
    assert.equal(d.introspection_endpoint, `${ember.base}/oauth/introspect`);
    assert.equal(d.revocation_endpoint, `${ember.base}/oauth/revoke`);
    assert.ok(Array.isArray(d.scopes_supported));
  });
});

describe('client_credentials with an inline JWKS', () => {
  for (const alg of ['RS384', 'ES384']) {
    test(`BSV-02/03 ${alg} assertion → 200 Bearer token, expires_in ≤ 300, no refresh_token`, async () => {
      const key = alg === 'RS384' ? RS : ES;
      const r = await clientCredentials(await beAssertion({ key }));
      assert.equal(r.status, 200, r.text);
      assert.match(r.body.token_type, /^bearer$/i);
      assert.equal(typeof r.body.expires_in, 'number');
      assert.ok(r.body.expires_in > 0 && r.body.expires_in <= 300, `expires_in ${r.body.expires_in}`);
      assert.deepEqual(r.body.scope.split(' ').sort(), SYS_SCOPE.split(' ').sort());
      assert.equal(r.body.refresh_token, undefined, 'no refresh token for backend services');
      assert.equal(r.body.id_token, undefined);
      assert.equal(r.body.patient, undefined);
      assert.match(r.headers.get('cache-control') || '', /no-store/);
      const { payload } = decodeJwt(r.body.access_token);
      assert.ok(payload.exp - now() <= 300 + 5, 'access token lives ≤ 5 minutes');
    });
  }

  test('BSV-11 the system token reads every patient and their observations, and nothing else', async () => {
    const token = await backendToken({ key: ES });
    const p = await fhirJson('Patient?_count=5', token);
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.resourceType, 'Bundle');
    const ids = p.body.entry.map((e) => e.resource.id);
    assert.equal(ids.length, 5, 'a full page: not limited to one patient compartment');
    assert.ok(p.body.total === undefined || p.body.total > 5, `total ${p.body.total}`);
    const o = await fhirJson('Observation?patient=alice', token);
    assert.equal(o.status, 200, o.text);
    assert.ok(o.body.entry?.length > 0, 'alice has observations');
    for (const e of o.body.entry) {
      if (e.search?.mode === 'outcome') continue;
      assert.equal(e.resource.resourceType, 'Observation');
      assert.equal(e.resource.subject?.reference, 'Patient/alice');
    }
    const other = ids.find((id) => id !== 'alice');
    const read = await fhirJson(`Patient/${other}`, token);
    assert.equal(read.status, 200, `Patient/${other}: ${read.text}`);
    const c = await fhirJson('Condition', token);
    assert.equal(c.status, 403, `Condition is not granted: ${c.text}`);
    assert.equal(c.body?.resourceType, 'OperationOutcome');
  });

  test('BSV-09 a narrower request is granted exactly; Observation then refused', async () => {
    const r = await clientCredentials(await beAssertion(), { scope: 'system/Patient.rs' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.scope, 'system/Patient.rs');
    assert.equal((await fhir('Patient?_count=1', r.body.access_token)).status, 200);
    assert.equal((await fhir('Observation?patient=alice', r.body.access_token)).status, 403);
  });

  test('BSV-09 a scope outside the registration → 400 invalid_scope', async () => {
    for (const scope of ['system/Condition.rs', 'patient/*.rs', 'system/*.cruds']) {
      const r = await clientCredentials(await beAssertion(), { scope });
      assertOAuthError(r, 400, 'invalid_scope', scope);
    }
  });

  test('BSV-04 unknown grant_type with a valid assertion → exactly 400 unsupported_grant_type', async () => {
    const r = await clientCredentials(await beAssertion(), { grant_type: 'not_a_grant_type' });
    assertOAuthError(r, 400, 'unsupported_grant_type');
  });

  test('BSV-05 bad client_assertion_type → 400/401', async () => {
    const r = await clientCredentials(await beAssertion(), { client_assertion_type: 'not_an_assertion_type' });
    assertOAuthError(r, [400, 401], ['invalid_client', 'invalid_request'], 'assertion type');
    const missing = await clientCredentials(await beAssertion(), { client_assertion_type: null });
    assertOAuthError(missing, [400, 401], ['invalid_client', 'invalid_request'], 'no assertion type');
  });

  test('BSV-12 a confidential-symmetric client cannot use client_credentials with its secret', async () => {
    const basic = await tokenRequest(ember.base, { grant_type: 'client_credentials', scope: SYS_SCOPE }, { clientId: CONF.id, clientSecret: SECRET });
    assertOAuthError(basic, [400, 401], ['unauthorized_client', 'invalid_client'], 'Basic');
    const post = await tokenRequest(ember.base, { grant_type: 'client_credentials', scope: SYS_SCOPE, client_id: CONF.id, client_secret: SECRET });
    assertOAuthError(post, [400, 401], ['unauthorized_client', 'invalid_client'], 'client_secret_post');
    const pub = await tokenRequest(ember.base, { grant_type: 'client_credentials', scope: SYS_SCOPE }, { clientId: PUB.id });
    assertOAuthError(pub, [400, 401], ['unauthorized_client', 'invalid_client'], 'public client');
  });
});

describe('BSV-06/07 every broken assertion → 401 invalid_client', () => {
  test('control: the unbroken assertion works, also with exp exactly 5 minutes ahead and no typ', async () => {
    assert.equal((await clientCredentials(await beAssertion())).status, 200);
    const max = await clientCredentials(await beAssertion({ expiresIn: 300 }));
    assert.equal(max.status, 200, `exp = now + 300 (what Inferno sends): ${max.text}`);
    const noTyp = await clientCredentials(await beAssertion({ header: { typ: undefined } }));
    assert.equal(noTyp.status, 200, `typ is optional: ${noTyp.text}`);
  });

  const cases = [
    ['bad signature (another key, same kid)', () => beAssertion({ signWith: ROGUE.privateKey })],
    ['expired', () => beAssertion({ claims: { iat: now() - 600, exp: now() - 60 } })],
    ['exp 10 minutes ahead', () => beAssertion({ expiresIn: 600 })],
    ['exp 7 minutes ahead (beyond any clock-skew leeway)', () => beAssertion({ expiresIn: 420 })],
    ['nbf 2 minutes in the future', () => beAssertion({ claims: { nbf: now() + 120 } })],
    ['iat 2 minutes in the future', () => beAssertion({ claims: { iat: now() + 120 } })],
    ['no exp', () => beAssertion({ claims: { exp: undefined } })],
    ['aud = FHIR base', () => beAssertion({ aud: `${ember.fhir}` })],
    ['aud = issuer', () => beAssertion({ aud: ember.base })],
    ['aud = token URL with a trailing slash', () => beAssertion({ aud: `${TOKEN}/` })],
    ['aud = another server', () => beAssertion({ aud: 'https://evil.example/oauth/token' })],
    ['unknown kid', () => beAssertion({ header: { kid: 'no-such-kid' } })],
    ['no kid', () => beAssertion({ header: { kid: undefined } })],
    ['typ other than JWT', () => beAssertion({ header: { typ: 'at+jwt' } })],
    ['kid of an EC key with alg RS384', () => beAssertion({ header: { kid: ES.kid } })],
    ['jku pointing at a foreign URL (inline-JWKS client)', () => signAssertion({
      key: ROGUE, clientId: BE.id, aud: TOKEN, header: { jku: jwksSrv.foreignUrl, kid: 'u-1' } })],
    ['iss ≠ sub', () => beAssertion({ claims: { sub: BE_URI.id } })],
    ['iss/sub of an unknown client', () => beAssertion({ claims: { iss: 'nobody', sub: 'nobody' } })],
    ['no jti', () => beAssertion({ claims: { jti: undefined } })],
    ['alg none', async () => {
      const h = b64url(JSON.stringify({ alg: 'none', kid: RS.kid, typ: 'JWT' }));
      return `${h}.${b64url(JSON.stringify(freshClaims()))}.`;
    }],
    ['HS256 MACed with the public key (PEM)', async () => hs256({ alg: 'HS256', kid: RS.kid, typ: 'JWT' }, freshClaims(), await exportSPKI(RS.publicKey))],
    ['HS256 MACed with the public key (JWK JSON)', async () => hs256({ alg: 'HS256', kid: RS.kid, typ: 'JWT' }, freshClaims(), JSON.stringify(RS.jwk))],
    ['HS256 MACed with the RSA modulus', async () => hs256({ alg: 'HS256', kid: RS.kid, typ: 'JWT' }, freshClaims(), Buffer.from(RS.jwk.n, 'base64url'))],
    ['garbage', async () => 'not.a.jwt'],
  ];
  for (const [what, make] of cases) {
    test(what, async () => {
      const r = await clientCredentials(await make());
      invalidClient(r, what);
    });
  }

  test('replayed jti → 401 (the first use succeeded)', async () => {
    const a = await beAssertion();
    assert.equal((await clientCredentials(a)).status, 200);
    invalidClient(await clientCredentials(a), 'same assertion again');
    // Same jti in a fresh, otherwise different assertion.
    const jti = b64url(randomBytes(12));
    assert.equal((await clientCredentials(await beAssertion({ claims: { jti } }))).status, 200);
    invalidClient(await clientCredentials(await beAssertion({ key: ES, claims: { jti } })), 'same jti, new JWS');
  });

  test('client_id in the body that differs from iss → rejected', async () => {
    const r = await clientCredentials(await beAssertion(), { client_id: BE_URI.id });
    assertOAuthError(r, [400, 401], ['invalid_client', 'invalid_request']);
  });
});

describe('BSV-07/08 client registered with a jwks_uri', () => {
  const uriAssertion = (key, o = {}) => signAssertion({ key, clientId: BE_URI.id, aud: TOKEN, ...o });
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  test('the registered jwks_uri is fetched (GET, Accept JSON) and its key accepted; jku = that URI is fine', async () => {
    jwksSrv.state.keys = [U1.jwk];
    jwksSrv.state.cacheControl = 'no-store';
    const before0 = jwksSrv.fetches();
    const r = await clientCredentials(await uriAssertion(U1));
    assert.equal(r.status, 200, r.text);
    assert.ok(jwksSrv.fetches() > before0, 'Ember fetched the JWKS');
    const hit = jwksSrv.state.hits.filter((h) => h.path === '/jwks.json').at(-1);
    assert.equal(hit.method, 'GET');
    assert.match(hit.accept, /application\/(jwk-set\+)?json/);
    const withJku = await clientCredentials(await uriAssertion(U1, { header: { jku: jwksSrv.url } }));
    assert.equal(withJku.status, 200, withJku.text);
  });

  test('jku pointing at a foreign URL → 401, and that URL is never fetched', async () => {
    const foreign0 = jwksSrv.fetches('/foreign.json');
    const r = await clientCredentials(await uriAssertion(ROGUE, { header: { jku: jwksSrv.foreignUrl, kid: 'u-1' } }));
    invalidClient(r, 'foreign jku');
    const r2 = await clientCredentials(await uriAssertion(U1, { header: { jku: jwksSrv.foreignUrl } }));
    invalidClient(r2, 'foreign jku, even with the right key');
    assert.equal(jwksSrv.fetches('/foreign.json'), foreign0, 'the foreign JWKS was not fetched');
  });

  test('Cache-Control: no-store → fetched on every use; a removed key stops working at once', async () => {
    jwksSrv.state.cacheControl = 'no-store';
    jwksSrv.state.keys = [U1.jwk, U2.jwk];
    await sleep(50);
    const n0 = jwksSrv.fetches();
    assert.equal((await clientCredentials(await uriAssertion(U1))).status, 200);
    assert.equal((await clientCredentials(await uriAssertion(U2))).status, 200);
    assert.ok(jwksSrv.fetches() >= n0 + 2, `fetched ${jwksSrv.fetches() - n0}× for 2 uses under no-store`);
    jwksSrv.state.keys = [U2.jwk];
    invalidClient(await clientCredentials(await uriAssertion(U1)), 'key removed from a no-store JWKS');
    assert.equal((await clientCredentials(await uriAssertion(U2))).status, 200);
  });

  test('Cache-Control: max-age=1 → a removed key is refused once the second has passed', async () => {
    jwksSrv.state.cacheControl = 'max-age=1';
    jwksSrv.state.keys = [U2.jwk, U3.jwk];
    assert.equal((await clientCredentials(await uriAssertion(U3))).status, 200);
    jwksSrv.state.keys = [U3.jwk];
    await sleep(2100);
    invalidClient(await clientCredentials(await uriAssertion(U2)), 'key removed, cache lifetime over');
    assert.equal((await clientCredentials(await uriAssertion(U3))).status, 200);
  });

  test('a broken jwks_uri (500, not JSON, redirect, duplicate kid) → 401 invalid_client; extra JWK members are fine', async () => {
    await sleep(1100); // let the max-age=1 copy expire
    jwksSrv.state.cacheControl = 'no-store';
    const set = (o) => Object.assign(jwksSrv.state, { status: undefined, raw: undefined, location: undefined }, o);
    try {
      for (const [what, o] of [
        ['HTTP 500', { status: 500, raw: 'boom' }],
        ['not JSON', { raw: '{"keys": [' }],
        ['not a JWK Set', { raw: '{"kty": "RSA"}' }],
        ['redirect elsewhere', { status: 302, location: jwksSrv.foreignUrl, raw: '' }],
      ]) {
        set(o);
        const r = await clientCredentials(await uriAssertion(U3));
        invalidClient(r, what);
      }
      assert.equal(jwksSrv.fetches('/foreign.json'), 0, 'the redirect was not followed to a foreign key set');
      set({ keys: [U3.jwk, { ...ROGUE.jwk, kid: U3.kid }] });
      invalidClient(await clientCredentials(await uriAssertion(U3)), 'two keys with the same kid');
      set({ keys: [{ ...U3.jwk, key_ops: ['verify'], ext: true, x5t: 'ignored' }] });
      const ok = await clientCredentials(await uriAssertion(U3));
      assert.equal(ok.status, 200, `key_ops/extra members tolerated: ${ok.text}`);
    } finally {
      set({ keys: [U3.jwk] });
    }
  });

  test('Cache-Control: max-age=3600 → the JWKS is cached (SHOULD), not fetched per request', async () => {
    jwksSrv.state.cacheControl = 'max-age=3600';
    jwksSrv.state.keys = [U3.jwk]; // the previous copy was no-store: the next use fetches
    assert.equal((await clientCredentials(await uriAssertion(U3))).status, 200);
    const n = jwksSrv.fetches();
    for (let i = 0; i < 3; i += 1) assert.equal((await clientCredentials(await uriAssertion(U3))).status, 200);
    assert.equal(jwksSrv.fetches(), n, 'no refetch within max-age');
  });
});

// ---------------------------------------------------------------------------------------------
describe('introspection', () => {
  test('INT-02..06 a backend bearer introspects a patient token from a real launch → active with context', async () => {
    const tok = await patientGrant();
    const idt = decodeJwt(tok.id_token).payload;
    const bearer = await backendToken();
    const r = await introspect(ember.base, tok.access_token, { bearer });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type') || '', /^application\/json/);
    const b = r.body;
    assert.equal(b.active, true);
    assert.deepEqual(b.scope.split(' ').sort(), tok.scope.split(' ').sort());
    assert.equal(b.client_id, PUB.id);
    assert.equal(b.patient, 'alice');
    assert.equal(b.patient, tok.patient);
    assert.equal(b.fhirUser, `${ember.fhir}/Patient/alice`);
    assert.equal(b.fhirUser, idt.fhirUser);
    assert.equal(b.iss, idt.iss);
    assert.equal(b.sub, idt.sub);
    assert.equal(typeof b.exp, 'number');
    assert.equal(b.exp, decodeJwt(tok.access_token).payload.exp);
    assert.ok(Math.abs(b.exp - (now() + tok.expires_in)) <= 5, 'exp consistent with expires_in');
    assert.equal(typeof b.iat, 'number');
    assert.match(String(b.token_type), /^bearer$/i);
    assert.ok(b.aud === ember.fhir || (Array.isArray(b.aud) && b.aud.includes(ember.fhir)), `aud ${JSON.stringify(b.aud)}`);
    // The hint is only a hint.
    const hinted = await introspect(ember.base, tok.access_token, { bearer }, { token_type_hint: 'refresh_token' });
    assert.equal(hinted.body?.active, true, hinted.text);
  });

  test('INT-07 invalid / refresh-shaped garbage token → 200 exactly {"active":false}', async () => {
    const bearer = await backendToken();
    for (const token of ['invalid_token_value', 'eyJhbGciOiJub25lIn0.e30.', '']) {
      const r = await introspect(ember.base, token, { bearer });
      assert.equal(r.status, 200, `${JSON.stringify(token)}: ${r.text}`);
      assert.deepEqual(r.body, { active: false }, JSON.stringify(token));
    }
  });

  test('INT-03 callers: confidential Basic and client_secret_post work; public client or nobody → 401', async () => {
    const tok = await patientGrant();
    const basic = await introspect(ember.base, tok.access_token, { clientId: CONF.id, clientSecret: SECRET });
    assert.equal(basic.status, 200, basic.text);
    assert.equal(basic.body.active, true);
    assert.equal(basic.body.patient, 'alice');
    const post = await introspect(ember.base, tok.access_token, { clientId: CONF.id, clientSecret: SECRET, post: true });
    assert.equal(post.status, 200, post.text);
    assert.equal(post.body.active, true);
    const pub = await introspect(ember.base, tok.access_token, { clientId: PUB.id });
    assert.equal(pub.status, 401, pub.text);
    assert.equal(pub.body?.error, 'invalid_client');
    assert.equal(pub.body?.active, undefined);
    const none = await introspect(ember.base, tok.access_token, {});
    assert.equal(none.status, 401, none.text);
    const wrong = await introspect(ember.base, tok.access_token, { clientId: CONF.id, clientSecret: 'nope' });
    assert.equal(wrong.status, 401, wrong.text);
    const badBearer = await introspect(ember.base, tok.access_token, { bearer: 'not-a-token' });
    assert.equal(badBearer.status, 401, badBearer.text);
    // A Bearer header without a token is no bearer: client authentication refuses the scheme.
    const emptyBearer = await introspect(ember.base, tok.access_token, { bearer: ' ' });
    assert.equal(emptyBearer.status, 401, emptyBearer.text);
    assert.equal(emptyBearer.body?.error, 'invalid_client');
    // RFC 6750 §2.1 as the FHIR API reads it: the scheme in any case, spaces before the token.
    const spaced = await fetch(`${ember.base}/oauth/introspect`, { method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `bearer   ${await backendToken()}` },
      body: new URLSearchParams({ token: tok.access_token }).toString() });
    const spacedText = await spaced.text();
    assert.equal(spaced.status, 200, spacedText);
    assert.equal(JSON.parse(spacedText).active, true);
  });

  test('private_key_jwt caller (backend assertion) works; the backend token itself introspects as active', async () => {
    const bearer = await backendToken();
    const r = await introspect(ember.base, bearer, { assertion: await beAssertion() });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.active, true);
    assert.equal(r.body.client_id, BE.id);
    assert.deepEqual(r.body.scope.split(' ').sort(), SYS_SCOPE.split(' ').sort());
    assert.equal(r.body.patient, undefined);
  });
});

// ---------------------------------------------------------------------------------------------
describe('revocation', () => {
  test('REV-02/06/07 revoking an access token: 200, FHIR 401 next, introspection inactive', async () => {
    const tok = await patientGrant();
    assert.equal((await fhir('Patient/alice', tok.access_token)).status, 200);
    const r = await revoke(ember.base, tok.access_token, { clientId: PUB.id }, { token_type_hint: 'access_token' });
    assert.equal(r.status, 200, r.text);
    const after = await fhir('Patient/alice', tok.access_token);
    assert.equal(after.status, 401);
    assert.match(after.headers.get('www-authenticate') || '', /invalid_token/);
    const i = await introspect(ember.base, tok.access_token, { bearer: await backendToken() });
    assert.deepEqual(i.body, { active: false });
    // Revoking it again is not an error.
    assert.equal((await revoke(ember.base, tok.access_token, { clientId: PUB.id })).status, 200);
  });

  test('REV-05 revoking a refresh token kills the grant: refresh → invalid_grant, its access token refused', async () => {
    const tok = await patientGrant({ clientId: CONF.id, clientSecret: SECRET });
    assert.ok(tok.refresh_token);
    const r = await revoke(ember.base, tok.refresh_token, { clientId: CONF.id, clientSecret: SECRET }, { token_type_hint: 'refresh_token' });
    assert.equal(r.status, 200, r.text);
    const rf = await refresh({ base: ember.base, refreshToken: tok.refresh_token, clientId: CONF.id, clientSecret: SECRET });
    assertOAuthError(rf, 400, 'invalid_grant', 'refresh after revocation');
    assert.equal((await fhir('Patient/alice', tok.access_token)).status, 401);
    const i = await introspect(ember.base, tok.access_token, { clientId: CONF.id, clientSecret: SECRET });
    assert.deepEqual(i.body, { active: false });
  });

  test('REV-02 a wrong hint still finds the token', async () => {
    const tok = await patientGrant();
    const r = await revoke(ember.base, tok.refresh_token, { clientId: PUB.id }, { token_type_hint: 'access_token' });
    assert.equal(r.status, 200, r.text);
    assertOAuthError(await refresh({ base: ember.base, refreshToken: tok.refresh_token, clientId: PUB.id }), 400, 'invalid_grant');
  });

  test('REV-03 unknown token → 200', async () => {
    for (const token of ['no-such-token', 'eyJhbGciOiJub25lIn0.e30.']) {
      const r = await revoke(ember.base, token, { clientId: PUB.id });
      assert.equal(r.status, 200, r.text);
    }
  });

  test('REV-04 another client\'s token → 400 unauthorized_client, token left intact', async () => {
    const tok = await patientGrant();
    const byOther = await revoke(ember.base, tok.access_token, { clientId: OTHER.id });
    assertOAuthError(byOther, 400, 'unauthorized_client', 'other public client');
    const byBackend = await revoke(ember.base, tok.refresh_token, { assertion: await beAssertion() });
    assertOAuthError(byBackend, 400, 'unauthorized_client', 'backend client');
    assert.equal((await fhir('Patient/alice', tok.access_token)).status, 200, 'still usable');
    const rf = await refresh({ base: ember.base, refreshToken: tok.refresh_token, clientId: PUB.id });
    assert.equal(rf.status, 200, rf.text);
  });

  test('REV-04 unsupported token_type_hint → 400 unsupported_token_type; bad client auth → 401', async () => {
    const tok = await patientGrant();
    const r = await revoke(ember.base, tok.access_token, { clientId: PUB.id }, { token_type_hint: 'id_token' });
    assertOAuthError(r, 400, 'unsupported_token_type');
    const bad = await revoke(ember.base, tok.access_token, { clientId: CONF.id, clientSecret: 'wrong' });
    assertOAuthError(bad, 401, 'invalid_client');
    assert.equal((await fhir('Patient/alice', tok.access_token)).status, 200, 'still usable');
  });

  test('a backend client revokes its own token with an assertion', async () => {
    const token = await backendToken();
    assert.equal((await fhir('Patient?_count=1', token)).status, 200);
    const r = await revoke(ember.base, token, { assertion: await beAssertion() });
    assert.equal(r.status, 200, r.text);
    assert.equal((await fhir('Patient?_count=1', token)).status, 401);
  });
});

// ---------------------------------------------------------------------------------------------
describe('CLI-05 confidential-asymmetric app client (private_key_jwt + PKCE)', () => {
  const appAssertion = (key = APP_RS, o = {}) => signAssertion({ key, clientId: APP.id, aud: TOKEN, ...o });
  const appFlow = (o = {}) => authorizeViaHttp({
    base: ember.base, clientId: APP.id, redirectUri: CB, scope: PATIENT_SCOPE, username: 'alice', ...o,
  });

  test('code flow and refresh by hand with assertions (RS384 then ES384)', async () => {
    const a = await appFlow();
    assert.equal(a.kind, 'redirect', `${a.status} ${a.title} ${a.steps?.join(', ')}`);
    assert.ok(a.code, a.location);
    const t = await tokenRequest(ember.base, {
      grant_type: 'authorization_code', code: a.code, redirect_uri: CB, code_verifier: a.pkce.verifier,
      ...assertionFields(await appAssertion()),
    });
    assert.equal(t.status, 200, t.text);
    assert.equal(t.body.patient, 'alice');
    assert.ok(t.body.id_token);
    assert.ok(t.body.refresh_token);
    assert.equal(decodeJwt(t.body.id_token).payload.aud, APP.id);
    assert.equal((await fhir('Patient/alice', t.body.access_token)).status, 200);

    const r = await tokenRequest(ember.base, {
      grant_type: 'refresh_token', refresh_token: t.body.refresh_token, ...assertionFields(await appAssertion(APP_ES)),
    });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.access_token);
    assert.equal((await fhir('Patient/alice', r.body.access_token)).status, 200);
    const next = r.body.refresh_token || t.body.refresh_token;

    // Refresh without client authentication, or with another client's assertion → invalid_client.
    const noAuth = await refresh({ base: ember.base, refreshToken: next, clientId: APP.id });
    assertOAuthError(noAuth, 401, 'invalid_client', 'refresh without assertion');
    const foreign = await tokenRequest(ember.base, { grant_type: 'refresh_token', refresh_token: next, ...assertionFields(await beAssertion()) });
    assertOAuthError(foreign, [400, 401], ['invalid_grant', 'invalid_client', 'unauthorized_client'], 'refresh with a backend assertion');
    const bad = await tokenRequest(ember.base, { grant_type: 'refresh_token', refresh_token: 'bogus', ...assertionFields(await appAssertion()) });
    assertOAuthError(bad, 400, 'invalid_grant', 'invalid refresh token');
  });

  test('the code exchange still needs PKCE and a valid assertion', async () => {
    const a = await appFlow();
    const noVerifier = await tokenRequest(ember.base, {
      grant_type: 'authorization_code', code: a.code, redirect_uri: CB, ...assertionFields(await appAssertion()),
    });
    assertOAuthError(noVerifier, 400, ['invalid_request', 'invalid_grant'], 'no code_verifier');

    const b = await appFlow();
    const noAuth = await tokenRequest(ember.base, {
      grant_type: 'authorization_code', code: b.code, redirect_uri: CB, code_verifier: b.pkce.verifier, client_id: APP.id,
    });
    assertOAuthError(noAuth, 401, 'invalid_client', 'no assertion');
    const c = await appFlow();
    const rogue = await tokenRequest(ember.base, {
      grant_type: 'authorization_code', code: c.code, redirect_uri: CB, code_verifier: c.pkce.verifier,
      ...assertionFields(await appAssertion({ ...APP_RS, privateKey: ROGUE.privateKey })),
    });
    assertOAuthError(rogue, 401, 'invalid_client', 'assertion signed by a foreign key');
  });

  test('openid-client v6 with client.PrivateKeyJwt: discovery, code flow, id_token, refresh', async () => {
    const auth = client.PrivateKeyJwt({ key: APP_RS.privateKey, kid: APP_RS.kid }, {
      // oauth4webapi puts the issuer in aud by default; SMART (and Ember) want the token endpoint URL.
      [client.modifyAssertion]: (_header, payload) => { payload.aud = TOKEN; },
    });
    const config = await client.discovery(new URL(ember.base), APP.id, undefined, auth, {
      execute: [client.allowInsecureRequests],
    });
    assert.ok(config.serverMetadata().token_endpoint_auth_methods_supported.includes('private_key_jwt'));
    const pkceCodeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: CB, scope: PATIENT_SCOPE, state, nonce, aud: ember.fhir,
      code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier), code_challenge_method: 'S256',
    });
    const a = await authorizeViaHttp({ base: ember.base, url, username: 'alice' });
    assert.equal(a.kind, 'redirect', `${a.status} ${a.title}`);
    const tokens = await client.authorizationCodeGrant(config, new URL(a.location), {
      pkceCodeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
    });
    assert.equal(tokens.patient, 'alice');
    assert.equal(tokens.claims().fhirUser, `${ember.fhir}/Patient/alice`);
    assert.equal((await fhir('Patient/alice', tokens.access_token)).status, 200);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    assert.ok(refreshed.access_token);
    assert.equal((await fhir('Patient/alice', refreshed.access_token)).status, 200);
  });

  test('openid-client v6 default assertion (aud = issuer) is refused: aud must be the token URL', async () => {
    // A refresh token of APP, obtained by hand.
    const a = await appFlow();
    const t = await tokenRequest(ember.base, {
      grant_type: 'authorization_code', code: a.code, redirect_uri: CB, code_verifier: a.pkce.verifier,
      ...assertionFields(await appAssertion()),
    });
    assert.equal(t.status, 200, t.text);
    const discover = (options) => client.discovery(new URL(ember.base), APP.id, undefined,
      client.PrivateKeyJwt({ key: APP_RS.privateKey, kid: APP_RS.kid }, options), { execute: [client.allowInsecureRequests] });
    const byDefault = await discover(undefined);
    await assert.rejects(client.refreshTokenGrant(byDefault, t.body.refresh_token), (e) => {
      assert.equal(e.error, 'invalid_client', String(e));
      return true;
    });
    // The same client with only aud changed succeeds with the same refresh token.
    const fixed = await discover({ [client.modifyAssertion]: (_h, payload) => { payload.aud = TOKEN; } });
    const ok = await client.refreshTokenGrant(fixed, t.body.refresh_token);
    assert.ok(ok.access_token);
  });
});
