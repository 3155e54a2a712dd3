// Dynamic client registration (RFC 7591) and its management protocol (RFC 7592), driven by
// oauth4webapi as an independent client: one client of every kind is registered and then used once
// for real (code flow, client_credentials); GET/PUT/DELETE with the registration access token;
// invalid metadata; and a production-mode server that wants an initial access token
// (conformance checklist §12).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as oauth from 'oauth4webapi';
import { startEmber, EMBER_BIN } from './lib/server.js';
import {
  authorizeViaHttp, authorizeAndExchange, exchangeCode, refresh, tokenRequest, decodeJwt,
  makeClientKey, signAssertion, assertionFields, introspect, CookieJar, parseForms,
} from './lib/oauth.js';

const CB = 'http://127.0.0.1:1/reg-cb';
const CB2 = 'http://127.0.0.1:1/reg-cb2';
const PATIENT_SCOPE = 'launch/patient openid fhirUser offline_access patient/*.rs';
const insecure = { [oauth.allowInsecureRequests]: true };

let ember; let as; let APP_KEY; let BE_KEY;

before(async () => {
  [APP_KEY, BE_KEY] = await Promise.all([makeClientKey('RS384', 'reg-app-1'), makeClientKey('ES384', 'reg-be-1')]);
  ember = await startEmber();
  const res = await oauth.discoveryRequest(new URL(ember.base), { algorithm: 'oidc', ...insecure });
  as = await oauth.processDiscoveryResponse(new URL(ember.base), res);
});
after(async () => { await ember?.stop(); });

// ---------------------------------------------------------------------------------------------
async function register(metadata, { server = as, initialAccessToken } = {}) {
  const res = await oauth.dynamicClientRegistrationRequest(server, metadata, { ...insecure, initialAccessToken });
  assert.equal(res.status, 201, `registration: ${res.status} ${await res.clone().text()}`);
  return oauth.processDynamicClientRegistrationResponse(res);
}
// Registration expected to fail: returns {status, body} of the error response.
async function registerError(metadata, opts = {}) {
  const res = await oauth.dynamicClientRegistrationRequest(opts.server || as, metadata, { ...insecure, ...opts.request });
  const text = await res.clone().text();
  let body; try { body = JSON.parse(text); } catch { body = undefined; }
  await assert.rejects(oauth.processDynamicClientRegistrationResponse(res), (e) => {
    assert.ok(e instanceof oauth.ResponseBodyError || e instanceof oauth.WWWAuthenticateChallengeError
      || e instanceof oauth.OperationProcessingError, `${e.name}: ${e.message}`);
    return true;
  });
  return { status: res.status, body, text, headers: res.headers };
}
// RFC 7592 calls on the registration_client_uri (origin rewritten to the loopback server when the
// advertised base is not reachable).
async function manage(reg, method, { token = reg.registration_access_token, body, base = ember.base } = {}) {
  const u = new URL(reg.registration_client_uri);
  const target = new URL(u.pathname + u.search, base);
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(target, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json; try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: r.status, body: json, text, headers: r.headers };
}
const fhir = (path, token) => {
  assert.equal(typeof token, 'string', 'an access token to use');
  return fetch(`${ember.fhir}/${path}`, { headers: { accept: 'application/fhir+json', authorization: `Bearer ${token}` } });
};
const TOKEN = () => `${ember.base}/oauth/token`;
function assertOAuthError(r, status, error, what = '') {
  const statuses = Array.isArray(status) ? status : [status];
  assert.ok(statuses.includes(r.status), `${what}: status ${r.status} (body: ${r.text})`);
  assert.equal(r.body?.error, error, `${what}: ${r.text}`);
  assert.equal(r.body?.access_token, undefined, what);
}
// Common checks of a registration response (RFC 7591 §3.2.1 + RFC 7592 §3).
function assertRegistered(reg, metadata, { secret, base = ember.base } = {}) {
  assert.equal(typeof reg.client_id, 'string');
  assert.ok(reg.client_id.length >= 8, reg.client_id);
  assert.equal(typeof reg.client_id_issued_at, 'number');
  assert.ok(Math.abs(reg.client_id_issued_at - Date.now() / 1000) < 300, 'client_id_issued_at is now');
  assert.equal(typeof reg.registration_access_token, 'string');
  assert.ok(reg.registration_client_uri.startsWith(`${base}/`), reg.registration_client_uri);
  if (secret) {
    assert.equal(typeof reg.client_secret, 'string');
    assert.ok(reg.client_secret.length >= 16, 'a strong secret');
    assert.equal(reg.client_secret_expires_at, 0);
  } else {
    assert.equal(reg.client_secret, undefined, 'no secret for this kind of client');
  }
  for (const k of ['client_name', 'token_endpoint_auth_method', 'redirect_uris', 'grant_types']) {
    if (metadata[k] !== undefined) assert.deepEqual(reg[k], metadata[k], k);
  }
  if (metadata.scope) assert.deepEqual(reg.scope.split(' ').sort(), metadata.scope.split(' ').sort());
}

const appMeta = (o = {}) => ({
  client_name: 'Registered App', redirect_uris: [CB], grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'], scope: PATIENT_SCOPE, ...o,
});

// ---------------------------------------------------------------------------------------------
describe('RFC 7591 registration of every kind of client (sandbox: open registration)', () => {
  test('discovery advertises the registration endpoint', async () => {
    assert.equal(as.registration_endpoint, `${ember.base}/oauth/register`);
    const smart = await (await fetch(`${ember.fhir}/.well-known/smart-configuration`)).json();
    assert.equal(smart.registration_endpoint, `${ember.base}/oauth/register`);
  });

  test('public client (none) → 201 without secret; completes a code flow with PKCE', async () => {
    const meta = appMeta({ client_name: 'Reg Public', token_endpoint_auth_method: 'none',
      logo_uri: 'https://app.example/logo.png', contacts: ['dev@app.example'], launch_uri: 'https://app.example/launch' });
    const reg = await register(meta);
    assertRegistered(reg, meta);
    assert.equal(reg.logo_uri, meta.logo_uri);
    assert.deepEqual(reg.contacts, meta.contacts);
    const { auth, token } = await authorizeAndExchange({
      base: ember.base, clientId: reg.client_id, redirectUri: CB, scope: PATIENT_SCOPE, username: 'alice',
    });
    assert.equal(token.status, 200, `${auth.steps?.join(', ')} ${token.text}`);
    assert.equal(token.body.patient, 'alice');
    assert.equal(decodeJwt(token.body.id_token).payload.aud, reg.client_id);
    assert.equal((await fhir('Patient/alice', token.body.access_token)).status, 200);
  });

  test('confidential-symmetric (client_secret_basic) → 201 with secret; code flow with Basic', async () => {
    const meta = appMeta({ client_name: 'Reg Basic', token_endpoint_auth_method: 'client_secret_basic' });
    const reg = await register(meta);
    assertRegistered(reg, meta, { secret: true });
    const { token } = await authorizeAndExchange({
      base: ember.base, clientId: reg.client_id, clientSecret: reg.client_secret, redirectUri: CB, scope: PATIENT_SCOPE, username: 'alice',
    });
    assert.equal(token.status, 200, token.text);
    assert.equal((await fhir('Patient/alice', token.body.access_token)).status, 200);
    // The secret is checked.
    const a = await authorizeViaHttp({ base: ember.base, clientId: reg.client_id, redirectUri: CB, scope: PATIENT_SCOPE, username: 'alice' });
    const bad = await exchangeCode({ base: ember.base, code: a.code, redirectUri: CB, codeVerifier: a.pkce.verifier, clientId: reg.client_id, clientSecret: 'wrong' });
    assertOAuthError(bad, 401, 'invalid_client', 'wrong secret');
  });

  test('confidential-symmetric (client_secret_post) → 201 with secret; code flow with the secret in the body', async () => {
    const meta = appMeta({ client_name: 'Reg Post', token_endpoint_auth_method: 'client_secret_post' });
    const reg = await register(meta);
    assertRegistered(reg, meta, { secret: true });
    const a = await authorizeViaHttp({ base: ember.base, clientId: reg.client_id, redirectUri: CB, scope: PATIENT_SCOPE, username: 'alice' });
    assert.ok(a.code, `${a.kind} ${a.status} ${a.title} ${a.location}`);
    const t = await tokenRequest(ember.base, {
      grant_type: 'authorization_code', code: a.code, redirect_uri: CB, code_verifier: a.pkce.verifier,
      client_id: reg.client_id, client_secret: reg.client_secret,
    });
    assert.equal(t.status, 200, t.text);
    assert.equal(t.body.patient, 'alice');
  });

  test('private_key_jwt app (inline jwks) → 201 without secret; code flow with an assertion', async () => {
    const meta = appMeta({ client_name: 'Reg Asymmetric', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [APP_KEY.jwk] } });
    const reg = await register(meta);
    assertRegistered(reg, meta);
    assert.deepEqual(reg.jwks?.keys?.map((k) => k.kid), [APP_KEY.kid]);
    const a = await authorizeViaHttp({ base: ember.base, clientId: reg.client_id, redirectUri: CB, scope: PATIENT_SCOPE, username: 'alice' });
    assert.ok(a.code, `${a.kind} ${a.status} ${a.title} ${a.location}`);
    const assertion = await signAssertion({ key: APP_KEY, clientId: reg.client_id, aud: TOKEN() });
    const t = await tokenRequest(ember.base, {
      grant_type: 'authorization_code', code: a.code, redirect_uri: CB, code_verifier: a.pkce.verifier, ...assertionFields(assertion),
    });
    assert.equal(t.status, 200, t.text);
    assert.equal((await fhir('Patient/alice', t.body.access_token)).status, 200);
  });

  test('backend (private_key_jwt, client_credentials, jwks) → 201; client_credentials token works', async () => {
    const meta = { client_name: 'Reg Backend', token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'],
      scope: 'system/Patient.rs', jwks: { keys: [BE_KEY.jwk] } };
    const reg = await register(meta);
    assertRegistered(reg, meta);
    const t = await tokenRequest(ember.base, {
      grant_type: 'client_credentials', scope: 'system/Patient.rs',
      ...assertionFields(await signAssertion({ key: BE_KEY, clientId: reg.client_id, aud: TOKEN() })),
    });
    assert.equal(t.status, 200, t.text);
    assert.equal(t.body.refresh_token, undefined);
    assert.equal((await fhir('Patient?_count=3', t.body.access_token)).status, 200);
    assert.equal((await fhir('Observation?patient=alice', t.body.access_token)).status, 403, 'only the registered scope');
    // A scope beyond the registration is not granted.
    const wide = await tokenRequest(ember.base, {
      grant_type: 'client_credentials', scope: 'system/Observation.rs',
      ...assertionFields(await signAssertion({ key: BE_KEY, clientId: reg.client_id, aud: TOKEN() })),
    });
    assertOAuthError(wide, 400, 'invalid_scope', 'beyond the registered scope');
  });

  test('a registered client only gets the grant types it registered', async () => {
    const reg = await register({ client_name: 'Reg Backend Only', token_endpoint_auth_method: 'private_key_jwt',
      grant_types: ['client_credentials'], scope: 'system/Patient.rs', jwks: { keys: [BE_KEY.jwk] } });
    const a = await authorizeViaHttp({ base: ember.base, clientId: reg.client_id, redirectUri: CB, scope: PATIENT_SCOPE, username: 'alice' });
    assert.equal(a.code, undefined, 'no authorization code for a client_credentials-only client');
    const pub = await register(appMeta({ token_endpoint_auth_method: 'none' }));
    const cc = await tokenRequest(ember.base, { grant_type: 'client_credentials', scope: 'system/Patient.rs' }, { clientId: pub.client_id });
    assert.ok([400, 401].includes(cc.status), cc.text);
    assert.ok(['unauthorized_client', 'invalid_client'].includes(cc.body?.error), cc.text);
  });
});

// ---------------------------------------------------------------------------------------------
describe('registered apps in the EHR portal', () => {
  test('an app registered over RFC 7591 (with launch_uri) is listed in /ehr/apps and launchable from a chart', async () => {
    const reg = await register({
      client_name: 'Registered Launch App', redirect_uris: [CB], token_endpoint_auth_method: 'none',
      launch_uri: 'http://127.0.0.1:1/reg-launch', scope: 'launch openid fhirUser patient/*.rs',
    });
    // Sign in to the portal as a clinician with a plain cookie jar.
    const jar = new CookieJar();
    const get = async (path) => {
      const r = await fetch(`${ember.base}${path}`, { headers: { cookie: jar.header(ember.base) ?? '' }, redirect: 'manual' });
      jar.store(ember.base, r.headers);
      return { status: r.status, html: await r.text(), location: r.headers.get('location') };
    };
    const login = await get('/ehr/login');
    const form = parseForms(login.html).find((f) => f.action.endsWith('/ehr/login'));
    const body = new URLSearchParams();
    for (const i of form.inputs) if (i.type === 'hidden' && i.name) body.append(i.name, i.value ?? '');
    body.append('username', 'dr.smith');
    body.append('password', 'demo');
    const signed = await fetch(`${ember.base}/ehr/login`, {
      method: 'POST', body, redirect: 'manual',
      headers: { cookie: jar.header(ember.base), 'content-type': 'application/x-www-form-urlencoded' },
    });
    jar.store(ember.base, signed.headers);
    assert.equal(signed.status, 303);
    const apps = await get('/ehr/apps');
    assert.equal(apps.status, 200);
    assert.ok(apps.html.includes('Registered Launch App'), 'listed in the registry');
    assert.ok(apps.html.includes(reg.client_id), 'with its client id');
    const chart = await get('/ehr/patients/alice');
    assert.ok(chart.html.includes('Launch Registered Launch App'), 'offered in the Apps panel');
  });
});

describe('RFC 7592 client configuration endpoint', () => {
  test('GET returns the registration; no / wrong / another client\'s token → 401', async () => {
    const meta = appMeta({ client_name: 'Reg Read', token_endpoint_auth_method: 'client_secret_basic' });
    const reg = await register(meta);
    const other = await register(appMeta({ client_name: 'Reg Other', token_endpoint_auth_method: 'none' }));
    const r = await manage(reg, 'GET');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.client_id, reg.client_id);
    assert.equal(r.body.client_name, 'Reg Read');
    assert.deepEqual(r.body.redirect_uris, [CB]);
    assert.equal(r.body.token_endpoint_auth_method, 'client_secret_basic');
    assert.equal(r.body.registration_client_uri, reg.registration_client_uri);
    assert.match(r.headers.get('cache-control') || '', /no-store/);
    for (const [what, token] of [['no token', null], ['wrong token', 'nope'], ['other client\'s token', other.registration_access_token]]) {
      const x = await manage(reg, 'GET', { token });
      assert.equal(x.status, 401, `${what}: ${x.text}`);
      assert.equal(x.body?.client_id, undefined, what);
    }
  });

  test('PUT replaces the metadata: new redirect URI and name take effect, secret unchanged', async () => {
    const reg = await register(appMeta({ client_name: 'Reg Update', token_endpoint_auth_method: 'client_secret_basic' }));
    // Before the update CB2 is not registered.
    const before0 = await authorizeViaHttp({ base: ember.base, clientId: reg.client_id, redirectUri: CB2, scope: PATIENT_SCOPE, username: 'alice' });
    assert.equal(before0.kind, 'page');
    assert.equal(before0.status, 400);

    const body = { ...appMeta({ client_name: 'Reg Updated', token_endpoint_auth_method: 'client_secret_basic', redirect_uris: [CB, CB2] }),
      client_id: reg.client_id, client_secret: reg.client_secret };
    const u = await manage(reg, 'PUT', { body });
    assert.equal(u.status, 200, u.text);
    assert.equal(u.body.client_id, reg.client_id);
    assert.equal(u.body.client_name, 'Reg Updated');
    assert.deepEqual(u.body.redirect_uris, [CB, CB2]);
    const secret = u.body.client_secret ?? reg.client_secret;
    const g = await manage({ ...reg, registration_access_token: u.body.registration_access_token ?? reg.registration_access_token }, 'GET');
    assert.equal(g.status, 200, g.text);
    assert.equal(g.body.client_name, 'Reg Updated');

    const { token } = await authorizeAndExchange({
      base: ember.base, clientId: reg.client_id, clientSecret: secret, redirectUri: CB2, scope: PATIENT_SCOPE, username: 'alice',
    });
    assert.equal(token.status, 200, token.text);
  });

  test('PUT with invalid metadata or a different client_id → 400, registration unchanged', async () => {
    const reg = await register(appMeta({ client_name: 'Reg Bad Update', token_endpoint_auth_method: 'none' }));
    const badUri = await manage(reg, 'PUT', { body: { ...appMeta({ token_endpoint_auth_method: 'none', redirect_uris: ['http://evil.example/cb'] }), client_id: reg.client_id } });
    assert.equal(badUri.status, 400, badUri.text);
    assert.equal(badUri.body?.error, 'invalid_redirect_uri');
    const otherId = await manage(reg, 'PUT', { body: { ...appMeta({ token_endpoint_auth_method: 'none' }), client_id: 'someone-else' } });
    assert.equal(otherId.status, 400, otherId.text);
    assert.equal(otherId.body?.error, 'invalid_client_metadata');
    const noId = await manage(reg, 'PUT', { body: appMeta({ token_endpoint_auth_method: 'none' }) });
    assert.equal(noId.status, 400, `RFC 7592 §2.2: client_id is required: ${noId.text}`);
    const sym = await register(appMeta({ client_name: 'Reg Secret Check', token_endpoint_auth_method: 'client_secret_basic' }));
    const wrongSecret = await manage(sym, 'PUT', { body: { ...appMeta({ token_endpoint_auth_method: 'client_secret_basic' }), client_id: sym.client_id, client_secret: 'not-the-secret' } });
    assert.equal(wrongSecret.status, 400, `RFC 7592 §2.2: a client_secret must match: ${wrongSecret.text}`);
    const g = await manage(reg, 'GET');
    assert.equal(g.body.client_name, 'Reg Bad Update');
    assert.deepEqual(g.body.redirect_uris, [CB]);
  });

  // A backend client and a symmetric app, each holding live tokens, plus a confidential client
  // that introspects (and stays registered); then both doomed clients are DELETEd.
  async function registerUseAndDelete() {
    const be = await register({ client_name: 'Reg Doomed Backend', token_endpoint_auth_method: 'private_key_jwt',
      grant_types: ['client_credentials'], scope: 'system/Patient.rs', jwks: { keys: [BE_KEY.jwk] } });
    const cc = async () => tokenRequest(ember.base, {
      grant_type: 'client_credentials', scope: 'system/Patient.rs',
      ...assertionFields(await signAssertion({ key: BE_KEY, clientId: be.client_id, aud: TOKEN() })),
    });
    const t = await cc();
    assert.equal(t.status, 200, t.text);
    assert.equal((await fhir('Patient?_count=1', t.body.access_token)).status, 200);
    const sym = await register(appMeta({ client_name: 'Reg Doomed App', token_endpoint_auth_method: 'client_secret_basic' }));
    const caller = await register(appMeta({ client_name: 'Reg Introspector', token_endpoint_auth_method: 'client_secret_basic' }));
    const introspectAs = (token) => introspect(ember.base, token, { clientId: caller.client_id, clientSecret: caller.client_secret });
    const { token: st } = await authorizeAndExchange({
      base: ember.base, clientId: sym.client_id, clientSecret: sym.client_secret, redirectUri: CB, scope: PATIENT_SCOPE, username: 'alice',
    });
    assert.equal(st.status, 200, st.text);
    assert.ok(st.body.refresh_token, 'offline_access gave a refresh token');
    assert.equal((await fhir('Patient/alice', st.body.access_token)).status, 200);
    for (const tok of [t.body.access_token, st.body.access_token]) {
      const live = await introspectAs(tok);
      assert.equal(live.body?.active, true, `before DELETE: ${live.text}`);
    }
    for (const reg of [be, sym]) {
      const d = await manage(reg, 'DELETE');
      assert.equal(d.status, 204, d.text);
    }
    return { be, sym, cc, t, st, introspectAs };
  }

  test('DELETE → 204; afterwards the client cannot get tokens and its access tokens are refused', async () => {
    const { be, sym, cc, t, st } = await registerUseAndDelete();
    for (const reg of [be, sym]) {
      const g = await manage(reg, 'GET');
      assert.equal(g.status, 401, `GET after DELETE: ${g.text}`);
      const again = await manage(reg, 'DELETE');
      assert.equal(again.status, 401, `DELETE again: ${again.text}`);
    }
    assertOAuthError(await cc(), 401, 'invalid_client', 'client_credentials after DELETE');
    assert.equal((await fhir('Patient?_count=1', t.body.access_token)).status, 401, 'backend access token refused');
    const rf = await refresh({ base: ember.base, refreshToken: st.body.refresh_token, clientId: sym.client_id, clientSecret: sym.client_secret });
    assertOAuthError(rf, 401, 'invalid_client', 'refresh after DELETE');
    assert.equal((await fhir('Patient/alice', st.body.access_token)).status, 401, 'app access token refused');
    const a = await authorizeViaHttp({ base: ember.base, clientId: sym.client_id, redirectUri: CB, scope: PATIENT_SCOPE, username: 'alice' });
    assert.equal(a.code, undefined, 'no new authorization either');
  });

  test('INT-07 after DELETE, introspection reports the deleted client\'s tokens as {"active":false}', async () => {
    const { t, st, introspectAs } = await registerUseAndDelete();
    for (const [what, tok] of [['backend access token', t.body.access_token], ['app access token', st.body.access_token],
      ['app refresh token', st.body.refresh_token]]) {
      const r = await introspectAs(tok);
      assert.equal(r.status, 200, `${what}: ${r.text}`);
      assert.deepEqual(r.body, { active: false }, `${what} of a deleted client (FHIR already refuses it): ${r.text}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('invalid client metadata → 400', () => {
  const cases = [
    ['http redirect URI on a non-loopback host', appMeta({ token_endpoint_auth_method: 'none', redirect_uris: ['http://app.example/cb'] }), 'invalid_redirect_uri'],
    ['redirect URI with a fragment', appMeta({ token_endpoint_auth_method: 'none', redirect_uris: ['https://app.example/cb#frag'] }), 'invalid_redirect_uri'],
    ['relative redirect URI', appMeta({ token_endpoint_auth_method: 'none', redirect_uris: ['/cb'] }), 'invalid_redirect_uri'],
    ['client_credentials with auth method none', { client_name: 'x', token_endpoint_auth_method: 'none', grant_types: ['client_credentials'], scope: 'system/Patient.rs' }, 'invalid_client_metadata'],
    ['jwks and jwks_uri together', { client_name: 'x', token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'],
      scope: 'system/Patient.rs', jwks: { keys: [] }, jwks_uri: 'https://app.example/jwks.json' }, 'invalid_client_metadata'],
    ['private_key_jwt without any key', { client_name: 'x', token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'], scope: 'system/Patient.rs' }, 'invalid_client_metadata'],
    ['unknown token_endpoint_auth_method', appMeta({ token_endpoint_auth_method: 'tls_client_auth' }), 'invalid_client_metadata'],
    ['client_credentials with a client secret (BSV-12)', { client_name: 'x', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], scope: 'system/Patient.rs' }, 'invalid_client_metadata'],
    ['response_types token', appMeta({ token_endpoint_auth_method: 'none', response_types: ['token'] }), 'invalid_client_metadata'],
    ['jwks_uri over http on a non-loopback host', { client_name: 'x', token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'],
      scope: 'system/Patient.rs', jwks_uri: 'http://app.example/jwks.json' }, 'invalid_client_metadata'],
    ['code flow without redirect_uris', appMeta({ token_endpoint_auth_method: 'none', redirect_uris: undefined }), 'invalid_redirect_uri'],
  ];
  for (const [what, meta, error] of cases) {
    test(what, async () => {
      const r = await registerError(meta);
      assert.equal(r.status, 400, `${what}: ${r.text}`);
      assert.equal(r.body?.error, error, `${what}: ${r.text}`);
    });
  }

  test('jwks and jwks_uri together, with real keys → invalid_client_metadata', async () => {
    const r = await registerError({ client_name: 'x', token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'],
      scope: 'system/Patient.rs', jwks: { keys: [BE_KEY.jwk] }, jwks_uri: 'https://app.example/jwks.json' });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body?.error, 'invalid_client_metadata');
  });

  test('CLI-07 unusable JWKS: a private key, a key without kid, duplicate kids, a symmetric key → invalid_client_metadata', async () => {
    const { exportJWK } = await import('jose');
    const priv = { ...(await exportJWK(BE_KEY.privateKey)), kid: 'priv-1' };
    const { kid, ...noKid } = BE_KEY.jwk;
    const other = await makeClientKey('ES384', BE_KEY.kid);
    for (const [what, keys] of [
      ['private key', [priv]], ['no kid', [noKid]], ['duplicate kid', [BE_KEY.jwk, other.jwk]],
      ['oct key', [{ kty: 'oct', k: 'c2VjcmV0', kid: 'oct-1' }]], ['empty set', []],
    ]) {
      const r = await registerError({ client_name: 'x', token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'],
        scope: 'system/Patient.rs', jwks: { keys } });
      assert.equal(r.status, 400, `${what}: ${r.text}`);
      assert.equal(r.body?.error, 'invalid_client_metadata', `${what}: ${r.text}`);
    }
  });

  test('wrong Content-Type → 400', async () => {
    const r = await fetch(as.registration_endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'client_name=x&redirect_uris=http%3A%2F%2F127.0.0.1%3A1%2Fcb' });
    assert.equal(r.status, 400);
    assert.equal((await r.json()).error, 'invalid_client_metadata');
  });

  test('malformed JSON / not an object → 400 invalid_client_metadata', async () => {
    for (const body of ['{"client_name": "x", ', '[]', '"just a string"', '']) {
      const r = await fetch(as.registration_endpoint, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
      const text = await r.text();
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${text}`);
      assert.equal(JSON.parse(text).error, 'invalid_client_metadata', JSON.stringify(body));
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('production mode: registration needs an initial access token', () => {
  const PUBLIC_BASE = 'https://ember.test';
  let prod; let prodAs;
  before(async () => {
    prod = await startEmber({ args: ['--mode', 'production'], baseUrl: PUBLIC_BASE });
    // The advertised endpoints are on https://ember.test; requests go to the loopback listener.
    prodAs = { issuer: PUBLIC_BASE, registration_endpoint: `${prod.base}/oauth/register` };
  });
  after(async () => { await prod?.stop(); });

  const meta = () => appMeta({ client_name: 'Prod App', token_endpoint_auth_method: 'client_secret_basic', redirect_uris: ['https://app.example/cb'] });

  test('the advertised registration endpoint is the public https one', async () => {
    const d = await (await fetch(`${prod.base}/fhir/.well-known/smart-configuration`)).json();
    assert.equal(d.registration_endpoint, `${PUBLIC_BASE}/oauth/register`);
  });

  test('without a token → 401', async () => {
    const r = await registerError(meta(), { server: prodAs });
    assert.equal(r.status, 401, r.text);
    assert.match(r.headers.get('www-authenticate') || '', /^Bearer\b/i);
  });

  test('with a wrong token → 401', async () => {
    const r = await registerError(meta(), { server: prodAs, request: { initialAccessToken: 'not-an-initial-access-token' } });
    assert.equal(r.status, 401, r.text);
  });

  test('with a token from `ember registration-token create` → 201, manageable over RFC 7592', async () => {
    const out = spawnSync(EMBER_BIN, ['registration-token', 'create', '--store', prod.store], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(out.status, 0, `${out.stdout}${out.stderr}`);
    const iat = out.stdout.trim().split('\n').pop().trim();
    assert.match(iat, /^[A-Za-z0-9._~+/=-]{20,}$/, `token on stdout: ${out.stdout}`);
    const reg = await register(meta(), { server: prodAs, initialAccessToken: iat });
    assertRegistered(reg, meta(), { secret: true, base: PUBLIC_BASE });
    const g = await manage(reg, 'GET', { base: prod.base });
    assert.equal(g.status, 200, g.text);
    assert.equal(g.body.client_id, reg.client_id);
    // The initial access token is not a registration access token.
    const x = await manage(reg, 'GET', { base: prod.base, token: iat });
    assert.equal(x.status, 401, x.text);
  });

  test('production mode refuses http redirect URIs on non-loopback hosts too', async () => {
    const out = spawnSync(EMBER_BIN, ['registration-token', 'create', '--store', prod.store], { encoding: 'utf8', timeout: 60_000 });
    const iat = out.stdout.trim().split('\n').pop().trim();
    const r = await registerError(appMeta({ token_endpoint_auth_method: 'none', redirect_uris: ['http://app.example/cb'] }),
      { server: prodAs, request: { initialAccessToken: iat } });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body?.error, 'invalid_redirect_uri');
  });
});
