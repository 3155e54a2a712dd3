// SMART App Launch error paths and protocol details, each with the exact status / error the
// conformance checklist (docs: smart-conformance-checklist.md §2, 3, 5, 6, 9, 13, 14, 15) names.
// Plain fetch against a real `ember serve`; the authorization pages are driven by authorizeViaHttp.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startEmber } from './lib/server.js';
import {
  authorizeViaHttp, authorizeAndExchange, exchangeCode, refresh, tokenRequest, decodeJwt, editJwt, pkcePair, b64url, CookieJar,
} from './lib/oauth.js';

const CB = 'http://127.0.0.1:1/cb';
const CB2 = 'http://127.0.0.1:1/cb2';
const APP_ORIGIN = 'http://127.0.0.1:4999';
const ALLOWED = 'openid fhirUser profile launch/patient launch/encounter offline_access online_access patient/*.rs patient/*.cruds user/*.rs';
const PUB = { id: 'neg-public', name: 'Negative Test App', type: 'public', redirectUris: [CB, CB2], scope: ALLOWED, origins: [APP_ORIGIN] };
const OTHER = { id: 'neg-other', name: 'Other App', type: 'public', redirectUris: [CB], scope: ALLOWED };
const SECRET = 'conf-secret-123';
const CONF = { id: 'neg-conf', name: 'Confidential App', type: 'confidential-symmetric', redirectUris: [CB], scope: ALLOWED, secret: SECRET };
const PATIENT_SCOPE = 'launch/patient openid fhirUser offline_access patient/*.rs';

let ember;

before(async () => {
  ember = await startEmber({ clients: [PUB, OTHER, CONF] });
});
after(async () => { await ember?.stop(); });

const flow = (o = {}) => authorizeViaHttp({
  base: ember.base, clientId: PUB.id, redirectUri: CB, scope: PATIENT_SCOPE, username: 'alice', ...o,
});
const grant = (o = {}) => authorizeAndExchange({
  base: ember.base, clientId: PUB.id, redirectUri: CB, scope: PATIENT_SCOPE, username: 'alice', ...o,
});
const fhir = (path, token, headers = {}) => fetch(`${ember.fhir}/${path}`, {
  headers: { accept: 'application/fhir+json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
});
function assertOAuthError(r, status, error, what = '') {
  assert.equal(r.status, status, `${what} status (body: ${r.text})`);
  assert.equal(r.body?.error, error, `${what} error (body: ${r.text})`);
  assert.equal(r.body?.access_token, undefined, `${what}: no token`);
}
function assertNoStore(r, what = '') {
  assert.match(r.headers.get('cache-control') || '', /no-store/, `${what} Cache-Control`);
  assert.match(r.headers.get('pragma') || '', /no-cache/, `${what} Pragma`);
}
// An error redirect to the client: the given error, the state echoed, no code.
function assertErrorRedirect(a, error, what = '') {
  assert.equal(a.kind, 'redirect', `${what}: expected a redirect, got a ${a.status} page "${a.title}" (${a.steps?.join(', ')})`);
  assert.ok(a.location.startsWith(`${CB}?`), a.location);
  assert.equal(a.error, error, `${what}: ${a.location}`);
  assert.equal(a.code, undefined, `${what}: no code`);
  assert.ok(a.state, `${what}: state echoed`);
}
// A raw authorize GET (no cookie, no redirect following).
async function rawAuthorize(params) {
  const u = new URL(`${ember.base}/oauth/authorize`);
  for (const [k, v] of Object.entries(params)) if (v != null) u.searchParams.set(k, v);
  const r = await fetch(u, { redirect: 'manual' });
  return { status: r.status, location: r.headers.get('location'), contentType: r.headers.get('content-type'), text: await r.text() };
}
const goodParams = (o = {}) => {
  const p = pkcePair();
  return { response_type: 'code', client_id: PUB.id, redirect_uri: CB, scope: PATIENT_SCOPE, state: 'st-123', aud: ember.fhir,
    code_challenge: p.challenge, code_challenge_method: 'S256', ...o };
};

describe('authorization endpoint', () => {
  test('ERR-01 unknown client_id → 400 HTML page, no Location', async () => {
    const r = await rawAuthorize(goodParams({ client_id: 'no-such-client' }));
    assert.equal(r.status, 400);
    assert.equal(r.location, null);
    assert.match(r.contentType, /^text\/html/);
    assert.doesNotMatch(r.text, /127\.0\.0\.1:1\/cb/, 'the unverified redirect_uri is not turned into a link');
  });

  test('ERR-02 redirect_uri not registered (or not an exact match) → 400 page, no Location', async () => {
    for (const bad of ['http://127.0.0.1:1/evil', `${CB}/`, `${CB}?x=1`, 'http://127.0.0.1:2/cb', 'HTTP://127.0.0.1:1/CB']) {
      const r = await rawAuthorize(goodParams({ redirect_uri: bad }));
      assert.equal(r.status, 400, bad);
      assert.equal(r.location, null, bad);
    }
    // Through the whole flow as well (a logged-in user must not get past it either).
    const a = await flow({ redirectUri: 'http://127.0.0.1:1/evil' });
    assert.equal(a.kind, 'page');
    assert.equal(a.status, 400);
  });

  test('ERR-03 response_type=token → redirect unsupported_response_type with state', async () => {
    const a = await flow({ extra: { response_type: 'token' }, state: 'rt-state' });
    assertErrorRedirect(a, 'unsupported_response_type', 'response_type=token');
    assert.equal(a.state, 'rt-state');
  });

  test('SAL-04/ERR-04/ERR-05 missing or foreign aud → invalid_request, never a code', async () => {
    for (const aud of [null, 'https://inferno.healthit.gov/invalid_aud', `${ember.base}/other`, ember.base]) {
      const a = await flow({ aud, state: 'aud-state' });
      assertErrorRedirect(a, 'invalid_request', `aud=${aud}`);
      assert.equal(a.state, 'aud-state');
    }
  });

  test('SAL-04 aud with a trailing slash is the same FHIR base → code', async () => {
    const a = await flow({ aud: `${ember.fhir}/` });
    assert.equal(a.error, undefined, `${a.error}: ${a.error_description}`);
    assert.ok(a.code);
  });

  test('PKCE-03 code_challenge_method=plain → invalid_request', async () => {
    const p = pkcePair();
    const a = await flow({ pkce: { challenge: p.verifier, method: 'plain', verifier: p.verifier } });
    assertErrorRedirect(a, 'invalid_request', 'plain');
  });

  test('PKCE-04 missing code_challenge → invalid_request; challenge without method → rejected', async () => {
    const a = await flow({ pkce: null });
    assertErrorRedirect(a, 'invalid_request', 'no code_challenge');
    const b = await flow({ extra: { code_challenge_method: null } });
    assertErrorRedirect(b, 'invalid_request', 'no code_challenge_method');
  });

  test('ERR-04 missing scope → invalid_request (or invalid_scope)', async () => {
    const a = await flow({ scope: null });
    assert.equal(a.kind, 'redirect');
    assert.ok(['invalid_request', 'invalid_scope'].includes(a.error), a.location);
    assert.equal(a.code, undefined);
  });

  test('SAL-12/ERR-09 user clicks Deny → access_denied with state', async () => {
    const a = await flow({ deny: true, state: 'deny-state' });
    assertErrorRedirect(a, 'access_denied', 'deny');
    assert.equal(a.state, 'deny-state');
  });

  test('SAL-01 success: code and byte-identical state', async () => {
    const state = 'a b+c/d=e%f~g.h_i-j';
    const a = await flow({ state });
    assert.equal(a.kind, 'redirect');
    assert.ok(a.code);
    assert.equal(a.state, state);
    assert.ok(a.location.startsWith(`${CB}?`));
  });

  test('SAL-11 the signed-in session is reused, but consent is asked again when not remembered', async () => {
    const jar = new CookieJar();
    const first = await flow({ jar });
    assert.ok(first.code);
    assert.ok(jar.get(ember.base, 'ember_session'), 'session cookie set');
    const second = await flow({ jar, username: undefined, stopAt: 'consent' });
    assert.equal(second.kind, 'page');
    assert.equal(second.stage, 'consent', `no new sign-in, consent again (${second.steps.join(', ')})`);
    assert.deepEqual(second.preChecked.sort(), PATIENT_SCOPE.split(' ').sort());
  });

  test('SAL-02 authorize-post: the same request as a form POST works', async () => {
    const { auth, token } = await grant({ method: 'POST', state: 'post-state' });
    assert.equal(auth.state, 'post-state');
    assert.equal(auth.steps[0], 'POST /oauth/authorize → 303');
    assert.equal(token.status, 200, token.text);
    assert.equal(token.body.patient, 'alice');
  });
});

describe('token endpoint: authorization_code', () => {
  test('ERR-13 reused code → 400 invalid_grant, and the token issued from it is then refused (401)', async () => {
    const { auth, token } = await grant();
    assert.equal(token.status, 200);
    const ok = await fhir('Patient/alice', token.body.access_token);
    assert.equal(ok.status, 200);
    const again = await exchangeCode({ base: ember.base, code: auth.code, redirectUri: CB, codeVerifier: auth.pkce.verifier, clientId: PUB.id });
    assertOAuthError(again, 400, 'invalid_grant', 'second use');
    assertNoStore(again, 'error response');
    const after = await fhir('Patient/alice', token.body.access_token);
    assert.equal(after.status, 401, 'access token from a replayed code is revoked');
    assert.match(after.headers.get('www-authenticate') || '', /^Bearer\b.*error="invalid_token"/);
    // Its refresh token dies with it.
    const r = await refresh({ base: ember.base, refreshToken: token.body.refresh_token, clientId: PUB.id });
    assertOAuthError(r, 400, 'invalid_grant', 'refresh from a replayed code');
  });

  test('PKCE-05..08 wrong / missing / empty / challenge-as-verifier → 400 (invalid_grant for a wrong one)', async () => {
    const cases = [
      ['wrong verifier', () => pkcePair().verifier, 'invalid_grant'],
      ['missing verifier', () => undefined, null],
      ['empty verifier', () => '', null],
      ['verifier = challenge', (a) => a.pkce.challenge, null],
    ];
    for (const [what, verifier, error] of cases) {
      const a = await flow();
      assert.ok(a.code, what);
      const r = await exchangeCode({ base: ember.base, code: a.code, redirectUri: CB, codeVerifier: verifier(a), clientId: PUB.id });
      assert.equal(r.status, 400, `${what}: ${r.text}`);
      assert.equal(r.body?.access_token, undefined, what);
      if (error) assert.equal(r.body.error, error, what);
      else assert.ok(['invalid_grant', 'invalid_request'].includes(r.body?.error), `${what}: ${r.text}`);
      // PKCE-10: the failed attempt burnt the code.
      const retry = await exchangeCode({ base: ember.base, code: a.code, redirectUri: CB, codeVerifier: a.pkce.verifier, clientId: PUB.id });
      assertOAuthError(retry, 400, 'invalid_grant', `${what}: retry with the right verifier`);
    }
  });

  test('ERR-14 redirect_uri at the token endpoint differs from the authorize one → invalid_grant', async () => {
    const a = await flow();
    const r = await exchangeCode({ base: ember.base, code: a.code, redirectUri: CB2, codeVerifier: a.pkce.verifier, clientId: PUB.id });
    assertOAuthError(r, 400, 'invalid_grant');
  });

  test('ERR-16 code of another client → invalid_grant', async () => {
    const a = await flow();
    const r = await exchangeCode({ base: ember.base, code: a.code, redirectUri: CB, codeVerifier: a.pkce.verifier, clientId: OTHER.id });
    assertOAuthError(r, 400, 'invalid_grant');
  });

  test('ERR-12 real code with client_id BAD_CLIENT_ID → 400/401 invalid_client', async () => {
    const a = await flow();
    const r = await exchangeCode({ base: ember.base, code: a.code, redirectUri: CB, codeVerifier: a.pkce.verifier, clientId: 'BAD_CLIENT_ID' });
    assert.ok([400, 401].includes(r.status), r.text);
    assert.equal(r.body.error, 'invalid_client');
  });

  test('ERR-11 code=BAD_CODE → exactly 400 invalid_grant', async () => {
    const r = await exchangeCode({ base: ember.base, code: 'BAD_CODE', redirectUri: CB, codeVerifier: pkcePair().verifier, clientId: PUB.id });
    assertOAuthError(r, 400, 'invalid_grant');
    const c = await exchangeCode({ base: ember.base, code: 'BAD_CODE', redirectUri: CB, codeVerifier: pkcePair().verifier, clientId: CONF.id, clientSecret: SECRET });
    assertOAuthError(c, 400, 'invalid_grant', 'confidential');
  });

  test('ERR-18 unknown grant_type → exactly 400 unsupported_grant_type', async () => {
    const r = await tokenRequest(ember.base, { grant_type: 'urn:example:nope', code: 'x' }, { clientId: PUB.id });
    assertOAuthError(r, 400, 'unsupported_grant_type');
    const p = await tokenRequest(ember.base, { grant_type: 'password', username: 'alice', password: 'demo' }, { clientId: CONF.id, clientSecret: SECRET });
    assertOAuthError(p, 400, 'unsupported_grant_type', 'password grant');
  });

  test('TOK-01 GET on the token endpoint → 405 or 400, never a token', async () => {
    const a = await flow();
    const u = new URL(`${ember.base}/oauth/token`);
    for (const [k, v] of Object.entries({ grant_type: 'authorization_code', code: a.code, redirect_uri: CB, code_verifier: a.pkce.verifier, client_id: PUB.id })) u.searchParams.set(k, v);
    const r = await fetch(u);
    const text = await r.text();
    assert.ok([400, 405].includes(r.status), `${r.status} ${text}`);
    assert.doesNotMatch(text, /access_token/);
  });

  test('ERR-21 bad client secret with Basic → 401 invalid_client + WWW-Authenticate', async () => {
    const a = await flow({ clientId: CONF.id, username: 'dr.smith', scope: 'openid fhirUser user/*.rs' });
    assert.ok(a.code);
    const r = await exchangeCode({ base: ember.base, code: a.code, redirectUri: CB, codeVerifier: a.pkce.verifier, clientId: CONF.id, clientSecret: 'wrong' });
    assertOAuthError(r, 401, 'invalid_client');
    assert.match(r.headers.get('www-authenticate') || '', /^Basic\b/i);
    assertNoStore(r, 'invalid_client');
    // A confidential client that does not authenticate at all is refused too.
    const none = await exchangeCode({ base: ember.base, code: a.code, redirectUri: CB, codeVerifier: a.pkce.verifier, clientId: CONF.id });
    assert.equal(none.status, 401, none.text);
    assert.equal(none.body.error, 'invalid_client');
  });

  test('TOK-03 Cache-Control no-store + Pragma no-cache on token success and error; TOK-02/04 body types', async () => {
    const { token } = await grant();
    assert.equal(token.status, 200);
    assertNoStore(token, 'success');
    assert.match(token.headers.get('content-type'), /^application\/json/);
    const b = token.body;
    assert.equal(typeof b.access_token, 'string');
    assert.equal(b.token_type, 'Bearer');
    assert.equal(typeof b.expires_in, 'number');
    assert.ok(b.expires_in > 0 && b.expires_in <= 3600);
    assert.equal(typeof b.scope, 'string');
    assert.equal(b.patient, 'alice');
    assert.equal(typeof b.need_patient_banner, 'boolean');
    assert.equal(typeof b.smart_style_url, 'string');
    assert.equal(typeof b.id_token, 'string');
    assert.equal(typeof b.refresh_token, 'string');
    assert.equal(decodeJwt(b.access_token).header.alg, 'ES256');
    assert.equal(decodeJwt(b.id_token).header.alg, 'RS256');
    const e = await exchangeCode({ base: ember.base, code: 'BAD_CODE', redirectUri: CB, codeVerifier: pkcePair().verifier, clientId: PUB.id });
    assert.equal(e.status, 400);
    assertNoStore(e, 'error');
    assert.match(e.headers.get('content-type'), /^application\/json/);
  });

  test('OIDC-10 no id_token without openid; SAL-09 no refresh_token without offline_access/online_access', async () => {
    const { token } = await grant({ scope: 'launch/patient patient/*.rs' });
    assert.equal(token.status, 200);
    assert.equal(token.body.id_token, undefined);
    assert.equal(token.body.refresh_token, undefined);
  });
});

describe('token endpoint: refresh_token', () => {
  test('ERR-22 random refresh token → 400 invalid_grant', async () => {
    const r = await refresh({ base: ember.base, refreshToken: b64url(Buffer.from('not-a-real-refresh-token-at-all-xx')), clientId: PUB.id });
    assertOAuthError(r, 400, 'invalid_grant');
    assertNoStore(r);
  });

  test('REF-04/ERR-23 widened scope → 400 invalid_scope', async () => {
    const { token } = await grant({ scope: 'launch/patient offline_access patient/Observation.rs' });
    assert.equal(token.status, 200);
    for (const scope of ['launch/patient offline_access patient/*.rs', 'launch/patient offline_access patient/Observation.rs patient/Condition.rs', 'launch/patient offline_access patient/Observation.cruds']) {
      const r = await refresh({ base: ember.base, refreshToken: token.body.refresh_token, clientId: PUB.id, scope });
      assertOAuthError(r, 400, 'invalid_scope', scope);
    }
  });

  test('REF-02 same scope string → 200, scope ⊆ previous; narrower → 200 with less; REF-03 headers', async () => {
    const { token } = await grant();
    const prev = new Set(token.body.scope.split(' '));
    const r = await refresh({ base: ember.base, refreshToken: token.body.refresh_token, clientId: PUB.id, scope: token.body.scope });
    assert.equal(r.status, 200, r.text);
    assertNoStore(r, 'refresh');
    for (const s of r.body.scope.split(' ')) assert.ok(prev.has(s), `refreshed scope ${s} was granted before`);
    assert.equal(typeof r.body.expires_in, 'number');
    assert.equal(r.body.token_type, 'Bearer');
    const pat = await fhir('Patient/alice', r.body.access_token);
    assert.equal(pat.status, 200, 'REF-07 refreshed token works');
    // Narrow: only Observation now.
    const n = await refresh({ base: ember.base, refreshToken: r.body.refresh_token, clientId: PUB.id, scope: 'launch/patient patient/Observation.rs' });
    assert.equal(n.status, 200, n.text);
    assert.deepEqual(n.body.scope.split(' ').sort(), ['launch/patient', 'patient/Observation.rs']);
    const cond = await fhir('Condition?patient=alice', n.body.access_token);
    assert.equal(cond.status, 403, 'narrowed token cannot read Condition');
  });

  test('REF-06/REF-12 reused (rotated) refresh token → invalid_grant, then the newest of the family is refused too', async () => {
    const { token } = await grant();
    const first = token.body.refresh_token;
    const r1 = await refresh({ base: ember.base, refreshToken: first, clientId: PUB.id });
    assert.equal(r1.status, 200, r1.text);
    const second = r1.body.refresh_token;
    assert.ok(second && second !== first, 'rotation gives a new refresh token');
    const reuse = await refresh({ base: ember.base, refreshToken: first, clientId: PUB.id });
    assertOAuthError(reuse, 400, 'invalid_grant', 'reuse of the rotated token');
    const newest = await refresh({ base: ember.base, refreshToken: second, clientId: PUB.id });
    assertOAuthError(newest, 400, 'invalid_grant', 'newest token of a revoked family');
  });

  test('REF-05 refresh token presented by another client → invalid_grant', async () => {
    const { token } = await grant();
    const r = await refresh({ base: ember.base, refreshToken: token.body.refresh_token, clientId: OTHER.id });
    assertOAuthError(r, 400, 'invalid_grant');
  });
});

// The id of one Observation of a patient, found with a practitioner token (user/*.rs).
async function firstObservationOf(patientId) {
  const { token } = await authorizeAndExchange({
    base: ember.base, clientId: PUB.id, redirectUri: CB, scope: 'openid fhirUser user/*.rs', username: 'dr.smith',
  });
  assert.equal(token.status, 200, token.text);
  const r = await fhir(`Observation?patient=${patientId}&_count=1`, token.body.access_token);
  assert.equal(r.status, 200);
  const b = await r.json();
  assert.ok(b.entry?.length, `${patientId} has Observations`);
  return b.entry[0].resource.id;
}

describe('FHIR API with tokens', () => {
  let alice; // token response for alice, patient/*.rs
  before(async () => {
    const { token } = await grant();
    assert.equal(token.status, 200, token.text);
    alice = token.body;
  });

  test('ERR-26/API-02 no Authorization → exactly 401 + WWW-Authenticate: Bearer without error', async () => {
    for (const path of ['Patient/alice', 'Patient', 'Observation?patient=alice']) {
      const r = await fhir(path);
      assert.equal(r.status, 401, path);
      const wa = r.headers.get('www-authenticate') || '';
      assert.match(wa, /^Bearer\b/, path);
      assert.doesNotMatch(wa, /error=/, `${path}: no error attribute when no credentials were sent`);
    }
    // API-07 metadata and discovery work without a token.
    assert.equal((await fhir('metadata')).status, 200);
    assert.equal((await fhir('.well-known/smart-configuration')).status, 200);
  });

  test('ERR-27 garbage, alg:none, expired and tampered tokens → 401 error="invalid_token"', async () => {
    const now = Math.floor(Date.now() / 1000);
    const none = editJwt(alice.access_token, { header: { alg: 'none' }, signature: '' });
    const cases = {
      garbage: 'not-a-jwt',
      'three garbage parts': 'a.b.c',
      'alg:none': none,
      'alg:none with signature': editJwt(alice.access_token, { header: { alg: 'none' } }),
      expired: editJwt(alice.access_token, { payload: { exp: now - 3600, iat: now - 7200 } }),
      'other patient': editJwt(alice.access_token, { payload: { patient: 'p-000002' } }),
      'widened scope': editJwt(alice.access_token, { payload: { scope: 'user/*.cruds' } }),
      'HS256 with the public key': editJwt(alice.access_token, { header: { alg: 'HS256' } }),
      'truncated signature': alice.access_token.slice(0, -4),
    };
    for (const [what, tok] of Object.entries(cases)) {
      const r = await fhir('Patient/alice', tok);
      assert.equal(r.status, 401, what);
      assert.match(r.headers.get('www-authenticate') || '', /^Bearer\b.*error="invalid_token"/, what);
      const body = await r.json();
      assert.equal(body.resourceType, 'OperationOutcome', what);
    }
    // The untouched token still works; the scheme name is case-insensitive (API-01).
    assert.equal((await fhir('Patient/alice', alice.access_token)).status, 200);
    const lower = await fetch(`${ember.fhir}/Patient/alice`, { headers: { authorization: `bearer ${alice.access_token}` } });
    assert.equal(lower.status, 200, 'bearer scheme is case-insensitive');
  });

  describe('a second Ember with another base URL on the same store', () => {
    let second;
    before(async () => { second = await startEmber({ dir: ember.dir }); });
    after(async () => { await second?.stop(); });

    test('ERR-29/API-08 its access token → 401 here', async () => {
      const { token } = await authorizeAndExchange({
        base: second.base, clientId: PUB.id, redirectUri: CB, scope: PATIENT_SCOPE, username: 'alice',
      });
      assert.equal(token.status, 200, token.text);
      assert.equal(decodeJwt(token.body.access_token).payload.aud, second.fhir);
      const there = await fetch(`${second.fhir}/Patient/alice`, { headers: { authorization: `Bearer ${token.body.access_token}` } });
      assert.equal(there.status, 200, 'valid at its own server');
      const r = await fhir('Patient/alice', token.body.access_token);
      assert.equal(r.status, 401, 'refused at the other base URL');
      assert.match(r.headers.get('www-authenticate') || '', /^Bearer\b.*error="invalid_token"/);
    });

    test('SAL-07 its refresh token and authorization code, redeemed here → invalid_grant (bound to their aud)', async () => {
      const { token } = await authorizeAndExchange({
        base: second.base, clientId: PUB.id, redirectUri: CB, scope: PATIENT_SCOPE, username: 'alice',
      });
      assert.equal(token.status, 200, token.text);
      const rt = await refresh({ base: ember.base, refreshToken: token.body.refresh_token, clientId: PUB.id });
      const rtAud = rt.status === 200 ? decodeJwt(rt.body.access_token).payload.aud : undefined;
      const a2 = await authorizeViaHttp({ base: second.base, clientId: PUB.id, redirectUri: CB, scope: PATIENT_SCOPE, username: 'alice' });
      assert.ok(a2.code);
      const x = await exchangeCode({ base: ember.base, code: a2.code, redirectUri: CB, codeVerifier: a2.pkce.verifier, clientId: PUB.id });
      const xAud = x.status === 200 ? decodeJwt(x.body.access_token).payload.aud : undefined;
      assert.equal(rt.status, 400, `refresh token granted for ${second.fhir}, redeemed at ${ember.base}/oauth/token: got ${rt.status}, new access token aud ${rtAud}`);
      assert.equal(rt.body.error, 'invalid_grant');
      assert.equal(x.status, 400, `code issued for ${second.fhir}, exchanged at ${ember.base}/oauth/token: got ${x.status}, access token aud ${xAud}`);
      assert.equal(x.body.error, 'invalid_grant');
    });
  });

  test('API-06 patient-scoped token reading another patient → 403 OperationOutcome', async () => {
    for (const path of ['Patient/p-000002', 'Observation/' + (await firstObservationOf('p-000002'))]) {
      const r = await fhir(path, alice.access_token);
      assert.equal(r.status, 403, path);
      const body = await r.json();
      assert.equal(body.resourceType, 'OperationOutcome', path);
    }
    // A search without a patient parameter only returns alice's data.
    const r = await fhir('Observation?category=laboratory&_count=50', alice.access_token);
    if (r.status === 200) {
      const b = await r.json();
      for (const e of b.entry || []) assert.equal(e.resource.subject.reference, 'Patient/alice');
    } else {
      assert.equal(r.status, 403);
    }
  });

  test('API-06 patient-scoped token searching with another patient\'s id → 403/404, not an empty 200', async () => {
    for (const path of ['Observation?patient=p-000002', 'Condition?subject=Patient/p-000002', 'Encounter?patient=Patient/p-000002']) {
      const r = await fhir(path, alice.access_token);
      const text = await r.text();
      assert.ok([403, 404].includes(r.status), `${path}: ${r.status} ${text.slice(0, 200)}`);
      assert.equal(JSON.parse(text).resourceType, 'OperationOutcome', path);
    }
  });

  test('SAL-11/SCP-10/SCP-11 granular consent: only the laboratory sub-scope approved → labs yes, vital signs no', async () => {
    const lab = 'patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory';
    const { auth, token } = await grant({ scope: 'launch/patient patient/Observation.rs', approve: ['launch/patient', lab] });
    assert.equal(token.status, 200, token.text);
    assert.deepEqual(token.body.scope.split(' ').sort(), ['launch/patient', lab], 'SCP-09 verbatim, only what was approved');
    assert.ok(auth.code);
    const isLab = (o) => o.category?.some((c) => c.coding?.some((cd) => cd.code === 'laboratory'));
    const labs = await fhir('Observation?patient=alice&category=laboratory', token.body.access_token);
    assert.equal(labs.status, 200);
    const b = await labs.json();
    assert.ok(b.entry?.length >= 1);
    assert.ok(b.entry.every((e) => isLab(e.resource)));
    // SCP-11: a search for a category not granted → empty Bundle or an error, never vital signs.
    const vitals = await fhir('Observation?patient=alice&category=vital-signs', token.body.access_token);
    if (vitals.status === 200) assert.equal(((await vitals.json()).entry || []).length, 0, 'no vital signs returned');
    else assert.ok(vitals.status >= 400 && vitals.status < 500, `vital signs: ${vitals.status}`);
    // Unfiltered search: every returned Observation matches the granted category.
    const all = await fhir('Observation?patient=alice&_count=100', token.body.access_token);
    if (all.status === 200) {
      for (const e of (await all.json()).entry || []) assert.ok(isLab(e.resource), `Observation/${e.resource.id} is a lab`);
    } else {
      assert.ok(all.status >= 400 && all.status < 500);
    }
    // SCP-10: reading a vital-signs instance → 4xx OperationOutcome.
    const { token: full } = await grant({ scope: 'launch/patient patient/Observation.rs' });
    const vb = await (await fhir('Observation?patient=alice&category=vital-signs&_count=1', full.body.access_token)).json();
    const vid = vb.entry[0].resource.id;
    const read = await fhir(`Observation/${vid}`, token.body.access_token);
    assert.ok(read.status >= 400 && read.status < 500, `read vital-signs Observation/${vid}: ${read.status}`);
    assert.equal((await read.json()).resourceType, 'OperationOutcome');
  });

  test('API-05/ERR-28 type not granted (only patient/Observation.rs) → 403 for Condition', async () => {
    const { token } = await grant({ scope: 'launch/patient patient/Observation.rs' });
    assert.equal(token.status, 200, token.text);
    assert.equal(token.body.scope.split(' ').sort().join(' '), 'launch/patient patient/Observation.rs');
    const ok = await fhir('Observation?patient=alice&category=laboratory', token.body.access_token);
    assert.equal(ok.status, 200);
    for (const path of ['Condition?patient=alice', 'MedicationRequest?patient=alice']) {
      const r = await fhir(path, token.body.access_token);
      assert.equal(r.status, 403, path);
      assert.equal((await r.json()).resourceType, 'OperationOutcome', path);
    }
  });

  test('API-09 read scope does not allow writes → 403', async () => {
    const r = await fetch(`${ember.fhir}/Observation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.access_token}`, 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/alice' } }),
    });
    assert.equal(r.status, 403);
  });
});

describe('discovery and CORS', () => {
  test('DISC-01/04/05/06, PKCE-01 smart-configuration fields', async () => {
    const r = await fetch(`${ember.fhir}/.well-known/smart-configuration`, { headers: { accept: 'application/json' } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    const d = await r.json();
    assert.ok(Array.isArray(d.capabilities) && d.capabilities.length > 0);
    assert.ok(d.capabilities.every((c) => typeof c === 'string'));
    for (const c of ['launch-standalone', 'client-public', 'client-confidential-symmetric', 'sso-openid-connect', 'context-standalone-patient', 'permission-offline', 'permission-patient', 'permission-v2', 'authorize-post']) {
      assert.ok(d.capabilities.includes(c), c);
    }
    assert.deepEqual(d.code_challenge_methods_supported, ['S256']);
    assert.ok(!d.code_challenge_methods_supported.includes('plain'));
    assert.ok(d.grant_types_supported.includes('authorization_code'));
    assert.equal(typeof d.issuer, 'string');
    assert.equal(d.issuer, ember.base);
    assert.equal(typeof d.jwks_uri, 'string');
    assert.equal(d.authorization_endpoint, `${ember.base}/oauth/authorize`);
    assert.equal(d.token_endpoint, `${ember.base}/oauth/token`);
    for (const [k, v] of Object.entries(d)) {
      if (/(_endpoint|_uri)$/.test(k)) assert.match(v, /^https?:\/\/[^/]/, `${k} is absolute`);
    }
    // DISC-02: any Accept still gives JSON.
    for (const accept of ['application/fhir+json', '*/*', undefined]) {
      const x = await fetch(`${ember.fhir}/.well-known/smart-configuration`, { headers: accept ? { accept } : {} });
      assert.equal(x.status, 200, String(accept));
      assert.match(x.headers.get('content-type'), /^application\/json/, String(accept));
    }
    // DISC-12 / OIDC-02..04: same issuer in OIDC discovery; JWKS has an RSA key.
    const o = await (await fetch(`${ember.base}/.well-known/openid-configuration`)).json();
    assert.equal(o.issuer, d.issuer);
    for (const k of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'response_types_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported']) {
      assert.ok(o[k], k);
    }
    assert.ok(o.id_token_signing_alg_values_supported.includes('RS256'));
    const jwks = await (await fetch(d.jwks_uri)).json();
    assert.ok(jwks.keys.some((k) => k.kty === 'RSA' && k.n && k.e));
    assert.ok(jwks.keys.every((k) => !k.d && !k.p && !k.q), 'no private key material in the JWKS');
  });

  test('XC-01/DISC-11 CORS on discovery documents (any origin)', async () => {
    const origin = 'https://x.example';
    for (const url of [`${ember.fhir}/.well-known/smart-configuration`, `${ember.base}/.well-known/openid-configuration`, `${ember.fhir}/metadata`, `${ember.base}/oauth/jwks`]) {
      const r = await fetch(url, { headers: { origin } });
      assert.equal(r.status, 200, url);
      assert.ok([origin, '*'].includes(r.headers.get('access-control-allow-origin')), `${url}: ${r.headers.get('access-control-allow-origin')}`);
    }
  });

  test('XC-02 CORS on the token endpoint for a registered origin (success and error)', async () => {
    const a = await flow();
    const ok = await exchangeCode({ base: ember.base, code: a.code, redirectUri: CB, codeVerifier: a.pkce.verifier, clientId: PUB.id, origin: APP_ORIGIN });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), APP_ORIGIN);
    const err = await exchangeCode({ base: ember.base, code: 'BAD_CODE', redirectUri: CB, codeVerifier: pkcePair().verifier, clientId: PUB.id, origin: APP_ORIGIN });
    assert.equal(err.status, 400);
    assert.equal(err.headers.get('access-control-allow-origin'), APP_ORIGIN, 'error responses are readable by the app too');
    // Userinfo answers the registered origin as well.
    const u = await fetch(`${ember.base}/oauth/userinfo`, { headers: { origin: APP_ORIGIN, authorization: `Bearer ${ok.body.access_token}` } });
    assert.equal(u.status, 200);
    assert.equal(u.headers.get('access-control-allow-origin'), APP_ORIGIN);
  });

  test('XC-03 CORS on FHIR: preflight OPTIONS /fhir/Patient with Authorization → 204; actual responses carry ACAO and expose headers', async () => {
    const pre = await fetch(`${ember.fhir}/Patient`, {
      method: 'OPTIONS',
      headers: { origin: APP_ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), APP_ORIGIN);
    const allowHeaders = (pre.headers.get('access-control-allow-headers') || '').toLowerCase().split(/\s*,\s*/);
    assert.ok(allowHeaders.includes('authorization'), pre.headers.get('access-control-allow-headers'));
    const methods = (pre.headers.get('access-control-allow-methods') || '').toUpperCase().split(/\s*,\s*/);
    for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) assert.ok(methods.includes(m), m);
    assert.match(pre.headers.get('vary') || '', /origin/i);

    const { token } = await grant();
    const r = await fhir('Patient/alice', token.body.access_token, { origin: APP_ORIGIN });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('access-control-allow-origin'), APP_ORIGIN);
    const expose = (r.headers.get('access-control-expose-headers') || '').toLowerCase().split(/\s*,\s*/);
    for (const h of ['location', 'etag', 'www-authenticate']) assert.ok(expose.includes(h), `expose ${h}: ${r.headers.get('access-control-expose-headers')}`);
    // A 401 is readable cross-origin too (so the app can see WWW-Authenticate).
    const unauth = await fhir('Patient/alice', undefined, { origin: APP_ORIGIN });
    assert.equal(unauth.status, 401);
    assert.equal(unauth.headers.get('access-control-allow-origin'), APP_ORIGIN);
  });
});
