// Single-use inputs for the token scenarios, produced beforehand through the real flows over
// plain HTTP: authorization codes (EHR launch from the sandbox launcher + /oauth/authorize with an
// auto-approve app, PKCE S256), refresh tokens (a code, exchanged), and RS384 client assertions
// with unique jti. Each becomes one form body, one line of a pool file for bench/lua/bench.lua.
import { createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import { authorizeViaHttp, pkcePair, randomState, b64url } from '../../tests/e2e/lib/oauth.js';

const form = (o) => new URLSearchParams(Object.entries(o).filter(([, v]) => v !== undefined)).toString();

// Runs make(i) for i < count with `concurrency` in flight; gives up when a call fails or the
// deadline passes. Returns the results in order.
export async function pooled(count, concurrency, make, deadlineS = 240) {
  const out = new Array(count);
  const deadline = Date.now() + deadlineS * 1000;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      if (Date.now() > deadline) throw new Error(`minting ${count} items took longer than ${deadlineS}s`);
      const i = next++;
      out[i] = await make(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

async function postForm(url, body) {
  const res = await fetch(url, { method: 'POST', body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST ${url} → ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

// ---- Ember ---------------------------------------------------------------------------------
// app: {clientId, redirectUri, scope}; launch: {user, patient}.
export async function emberCode(base, app, launch) {
  const u = new URL(`${base}/ehr/launcher/launch`);
  u.search = form({ client_id: app.clientId, user: launch.user, patient: launch.patient });
  const l = await fetch(u, { redirect: 'manual' });
  await l.arrayBuffer();
  const handle = l.status === 303 ? new URL(l.headers.get('location')).searchParams.get('launch') : null;
  if (!handle) throw new Error(`launcher answered ${l.status}`);
  const a = await authorizeViaHttp({ base, clientId: app.clientId, redirectUri: app.redirectUri, scope: app.scope,
    extra: { launch: handle } });
  if (a.kind !== 'redirect' || !a.code) {
    throw new Error(`authorize did not give a code: ${a.kind} ${a.status ?? ''} ${a.error ?? ''} ${a.error_description ?? ''} ${a.title ?? ''}`);
  }
  return form({ grant_type: 'authorization_code', code: a.code, redirect_uri: app.redirectUri,
    code_verifier: a.pkce.verifier, client_id: app.clientId });
}

// A full launch + exchange; returns the token response (access_token, refresh_token, …).
export async function emberTokens(base, app, launch) {
  return postForm(`${base}/oauth/token`, await emberCode(base, app, launch));
}

export async function emberRefresh(base, app, launch) {
  const t = await emberTokens(base, app, launch);
  if (!t.refresh_token) throw new Error('no refresh_token from Ember');
  return form({ grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: app.clientId });
}

// ---- oidc-provider -------------------------------------------------------------------------
export async function oidcCode(base, app) {
  const pkce = pkcePair();
  const u = new URL(`${base}/auth`);
  u.search = form({ response_type: 'code', client_id: app.clientId, redirect_uri: app.redirectUri, scope: app.scope,
    state: randomState(), code_challenge: pkce.challenge, code_challenge_method: 'S256', prompt: 'consent' });
  const a = await authorizeViaHttp({ base, url: u.toString(), pkce });
  if (a.kind !== 'redirect' || !a.code) {
    throw new Error(`oidc-provider gave no code: ${a.kind} ${a.status ?? ''} ${a.error ?? ''} ${a.error_description ?? ''} ${(a.html || '').slice(0, 300)}`);
  }
  return form({ grant_type: 'authorization_code', code: a.code, redirect_uri: app.redirectUri,
    code_verifier: pkce.verifier, client_id: app.clientId });
}

export async function oidcRefresh(base, app) {
  const t = await postForm(`${base}/token`, await oidcCode(base, app));
  if (!t.refresh_token) throw new Error(`no refresh_token from oidc-provider: ${JSON.stringify(t).slice(0, 300)}`);
  return form({ grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: app.clientId });
}

// ---- private_key_jwt -----------------------------------------------------------------------
// An RSA key for the backend client: {privateKey, jwk (public, with kid/alg/use)}.
export function backendKey(kid) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS384', use: 'sig' } };
}

// RFC 7523 client assertion, RS384, unique jti, valid for 240 s (Ember accepts up to 300 s).
export function assertion(key, clientId, aud) {
  const now = Math.floor(Date.now() / 1000);
  const h = b64url(JSON.stringify({ alg: 'RS384', kid: key.kid, typ: 'JWT' }));
  const p = b64url(JSON.stringify({ iss: clientId, sub: clientId, aud, iat: now, exp: now + 240,
    jti: b64url(randomBytes(16)) }));
  const sig = createSign('sha384').update(`${h}.${p}`).sign(key.privateKey);
  return `${h}.${p}.${b64url(sig)}`;
}

export function clientCredentialsBody(key, clientId, aud, scope, { withClientId = false } = {}) {
  return form({ grant_type: 'client_credentials', scope,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion(key, clientId, aud), client_id: withClientId ? clientId : undefined });
}

export { postForm };
