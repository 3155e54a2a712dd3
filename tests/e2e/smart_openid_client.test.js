// Ember as an OpenID Connect provider, checked by a certified-grade relying-party library
// (openid-client v6 / oauth4webapi): discovery, authorization code + PKCE + state + nonce, full
// id_token validation (JWKS signature, iss, aud, exp, iat, nonce), refresh, userinfo — for a
// public client and a confidential-symmetric client (client_secret_basic).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { startEmber } from './lib/server.js';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { authorizeViaHttp, decodeJwt } from './lib/oauth.js';

const REDIRECT = 'http://127.0.0.1:1/openid-callback'; // never contacted: authorizeViaHttp stops at it
const ALLOWED = 'openid fhirUser profile launch/patient offline_access patient/*.rs user/*.rs';
const PUBLIC = { id: 'oidc-public', name: 'OIDC Public App', type: 'public', redirectUris: [REDIRECT], scope: ALLOWED };
const SECRET = 's3cr3t:with/odd+chars';
const CONFIDENTIAL = {
  id: 'oidc-confidential', name: 'OIDC Confidential App', type: 'confidential-symmetric',
  redirectUris: [REDIRECT], scope: ALLOWED, secret: SECRET,
};

let ember;

before(async () => {
  ember = await startEmber({ clients: [PUBLIC, CONFIDENTIAL] });
});
after(async () => { await ember?.stop(); });

async function discover(c) {
  const auth = c.secret ? client.ClientSecretBasic(c.secret) : client.None();
  return client.discovery(new URL(ember.base), c.id, undefined, auth, {
    execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
  });
}

// One full login through openid-client; the browser part is driven by authorizeViaHttp.
async function login(c, { username, patient, scope }) {
  const config = await discover(c);
  const meta = config.serverMetadata();
  assert.equal(meta.issuer, ember.base);
  assert.equal(meta.jwks_uri, `${ember.base}/oauth/jwks`);
  assert.ok(meta.id_token_signing_alg_values_supported.includes('RS256'));

  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const codeChallenge = await client.calculatePKCECodeChallenge(pkceCodeVerifier);
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT, scope, state, nonce, code_challenge: codeChallenge,
    code_challenge_method: 'S256', aud: ember.fhir,
  });
  assert.ok(url.href.startsWith(`${ember.base}/oauth/authorize?`));
  const auth = await authorizeViaHttp({ base: ember.base, url, username, patient });
  assert.equal(auth.kind, 'redirect', `authorize ended on a page: ${auth.status} ${auth.title} ${auth.steps?.join(', ')}`);
  assert.equal(auth.error, undefined, `${auth.error}: ${auth.error_description}`);
  assert.equal(auth.state, state);

  const tokens = await client.authorizationCodeGrant(config, new URL(auth.location), {
    pkceCodeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
  });
  return { config, tokens, nonce };
}

async function fhirGet(url, token) {
  const r = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json' } });
  return { status: r.status, body: await r.json().catch(() => undefined) };
}

const cases = [
  { c: PUBLIC, username: 'alice', scope: 'openid fhirUser launch/patient offline_access patient/*.rs', fhirUser: 'Patient/alice', sub: 'alice' },
  { c: PUBLIC, username: 'dr.smith', patient: 'alice', scope: 'openid fhirUser launch/patient offline_access patient/*.rs', fhirUser: 'Practitioner/dr-smith' },
  { c: CONFIDENTIAL, username: 'dr.smith', scope: 'openid fhirUser profile offline_access user/*.rs', fhirUser: 'Practitioner/dr-smith' },
  { c: CONFIDENTIAL, username: 'alice', scope: 'openid fhirUser launch/patient offline_access patient/*.rs', fhirUser: 'Patient/alice', sub: 'alice' },
];

for (const k of cases) {
  test(`openid-client: ${k.c.type} client, ${k.username}: id_token validated, fhirUser readable, refresh, userinfo`, async () => {
    const { config, tokens, nonce } = await login(k.c, k);

    // id_token: openid-client already verified signature (JWKS), iss, aud, exp, iat, nonce.
    const claims = tokens.claims();
    assert.ok(claims, 'id_token present');
    assert.equal(claims.iss, ember.base);
    assert.ok(claims.aud === k.c.id || (Array.isArray(claims.aud) && claims.aud.includes(k.c.id)));
    assert.equal(claims.nonce, nonce);
    assert.ok(claims.exp > Date.now() / 1000);
    assert.equal(typeof claims.iat, 'number');
    assert.ok(typeof claims.sub === 'string' && claims.sub.length > 0 && claims.sub.length <= 255);
    if (k.sub) assert.equal(claims.sub, k.sub);
    const idHeader = decodeJwt(tokens.id_token).header;
    assert.equal(idHeader.alg, 'RS256');

    // fhirUser ends with Type/id and that URL is readable with the access token.
    assert.ok(claims.fhirUser.endsWith(k.fhirUser), `fhirUser ${claims.fhirUser}`);
    const fhirUserUrl = /^https?:/.test(claims.fhirUser) ? claims.fhirUser : `${ember.fhir}/${claims.fhirUser}`;
    assert.ok(fhirUserUrl.startsWith(`${ember.fhir}/`), fhirUserUrl);
    const me = await fhirGet(fhirUserUrl, tokens.access_token);
    assert.equal(me.status, 200, `GET ${fhirUserUrl}`);
    assert.equal(me.body.resourceType, k.fhirUser.split('/')[0]);
    assert.equal(me.body.id, k.fhirUser.split('/')[1]);

    // Token response fields.
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    assert.equal(typeof tokens.expires_in, 'number');
    for (const s of k.scope.split(' ')) assert.ok(tokens.scope.split(' ').includes(s), `granted ${s}`);
    if (k.scope.includes('launch/patient')) assert.equal(tokens.patient, 'alice');
    assert.ok(tokens.refresh_token, 'offline_access → refresh_token');

    // UserInfo with the expected subject.
    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(info.sub, claims.sub);
    if (info.fhirUser) assert.ok(info.fhirUser.endsWith(k.fhirUser));

    // Refresh: new access token works; scope unchanged; rotation gives a new refresh token.
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    assert.ok(refreshed.access_token);
    assert.notEqual(refreshed.access_token, tokens.access_token);
    assert.equal(typeof refreshed.expires_in, 'number');
    assert.deepEqual(new Set(refreshed.scope.split(' ')), new Set(tokens.scope.split(' ')));
    assert.ok(refreshed.refresh_token);
    const again = await fhirGet(fhirUserUrl, refreshed.access_token);
    assert.equal(again.status, 200);
    if (refreshed.id_token) {
      // A refreshed id_token (if any) is validated too; it must keep iss/sub/aud.
      const c2 = refreshed.claims();
      assert.equal(c2.iss, claims.iss);
      assert.equal(c2.sub, claims.sub);
    }
    // Userinfo with the refreshed token and the same subject.
    const info2 = await client.fetchUserInfo(config, refreshed.access_token, claims.sub);
    assert.equal(info2.sub, claims.sub);
  });
}

test('openid-client: confidential client with a wrong secret is refused (invalid_client)', async () => {
  const { c } = cases[2];
  const config = await discover(c);
  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT, scope: 'openid fhirUser user/*.rs', state, nonce,
    code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier), code_challenge_method: 'S256', aud: ember.fhir,
  });
  const auth = await authorizeViaHttp({ base: ember.base, url, username: 'dr.smith' });
  assert.ok(auth.code);
  const wrong = await client.discovery(new URL(ember.base), c.id, undefined, client.ClientSecretBasic('wrong'), {
    execute: [client.allowInsecureRequests],
  });
  let err;
  try {
    await client.authorizationCodeGrant(wrong, new URL(auth.location), { pkceCodeVerifier, expectedState: state, expectedNonce: nonce });
  } catch (e) { err = e; }
  assert.ok(err, 'the grant must fail');
  // 401 with a WWW-Authenticate: Basic challenge surfaces as WWWAuthenticateChallengeError.
  assert.equal(err.code, 'OAUTH_WWW_AUTHENTICATE_CHALLENGE', err.message);
  assert.equal(err.status, 401);
  assert.ok(err.cause.some((ch) => ch.scheme === 'basic'));
  const body = await err.response.json();
  assert.equal(body.error, 'invalid_client');
});

test('openid-client really verifies the id_token signature: a tampered id_token is rejected', async () => {
  const c = PUBLIC;
  const config = await discover(c);
  // Flip the payload of the id_token in the token response (signature no longer matches).
  config[client.customFetch] = async (url, options) => {
    const res = await fetch(url, options);
    if (!String(url).endsWith('/oauth/token')) return res;
    const body = await res.json();
    if (body.id_token) {
      const [h, p, s] = body.id_token.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      claims.sub = 'mallory';
      body.id_token = [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), s].join('.');
    }
    return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
  };
  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT, scope: 'openid fhirUser launch/patient patient/*.rs', state, nonce,
    code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier), code_challenge_method: 'S256', aud: ember.fhir,
  });
  const auth = await authorizeViaHttp({ base: ember.base, url, username: 'alice' });
  assert.ok(auth.code);
  await assert.rejects(
    client.authorizationCodeGrant(config, new URL(auth.location), { pkceCodeVerifier, expectedState: state, expectedNonce: nonce }),
    (e) => e.code === 'OAUTH_INVALID_RESPONSE' && /JWT signature verification failed/.test(e.cause?.message ?? ''),
  );
});

test('jose: id_token (RS256) and access token (ES256) verify against the published JWKS', async () => {
  const config = await discover(PUBLIC);
  const { tokens } = await login(PUBLIC, { username: 'alice', scope: 'openid fhirUser launch/patient patient/*.rs' });
  const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
  const id = await jwtVerify(tokens.id_token, jwks, { issuer: ember.base, audience: PUBLIC.id, algorithms: ['RS256'] });
  assert.equal(id.payload.sub, 'alice');
  const at = await jwtVerify(tokens.access_token, jwks, { issuer: ember.base, audience: ember.fhir, algorithms: ['ES256'] });
  assert.equal(at.payload.patient, 'alice');
  assert.equal(at.payload.client_id, PUBLIC.id);
});
