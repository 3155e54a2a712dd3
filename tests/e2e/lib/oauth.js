// OAuth 2.0 / SMART App Launch helpers for the e2e tests: PKCE, a plain-fetch driver for
// Ember's authorization pages (sign-in → patient/encounter picker → consent), token requests
// and JWT decoding. No browser: redirects are followed by hand with a tiny cookie jar, and the
// hidden txn/csrf inputs are read from the HTML forms.
import { createHash, randomBytes } from 'node:crypto';
import { generateKeyPair, exportJWK, SignJWT } from 'jose';

export const b64url = (buf) => Buffer.from(buf).toString('base64url');

// RFC 7636 S256 pair: 43-char verifier from 32 random bytes.
export function pkcePair() {
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier, 'ascii').digest());
  return { verifier, challenge, method: 'S256' };
}

export const randomState = () => b64url(randomBytes(16));

// ---------------------------------------------------------------------------------------------
// Cookie jar: name → value per host (enough for loopback tests; Path/Expiry are not modelled,
// Max-Age=0 / an empty value delete the cookie).
export class CookieJar {
  constructor() { this.byHost = new Map(); }
  store(url, headers) {
    const host = new URL(url).host;
    const list = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [];
    if (!list.length) return;
    const jar = this.byHost.get(host) || new Map();
    for (const sc of list) {
      const [pair, ...attrs] = sc.split(';');
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
      if (expired || value === '') jar.delete(name); else jar.set(name, value);
    }
    this.byHost.set(host, jar);
  }
  get(url, name) { return this.byHost.get(new URL(url).host)?.get(name); }
  header(url) {
    const jar = this.byHost.get(new URL(url).host);
    if (!jar || !jar.size) return undefined;
    return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

// ---------------------------------------------------------------------------------------------
// Minimal HTML helpers (Ember's own server-rendered pages; not a general parser).
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", '#x27': "'" };
export function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (ENTITIES[e.toLowerCase()] !== undefined) return ENTITIES[e.toLowerCase()];
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return String.fromCodePoint(n);
    }
    return m;
  });
}
function attrs(tag) {
  const out = {};
  const re = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
  const inner = tag.replace(/^<\s*[a-zA-Z]+/, '').replace(/\/?>$/, '');
  let m;
  while ((m = re.exec(inner))) out[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  return out;
}
const stripTags = (html) => decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();

// Every <form> with its action, method, inputs (hidden/checkbox/…) and submit buttons.
export function parseForms(html) {
  const forms = [];
  const re = /<form\b[^>]*>([\s\S]*?)<\/form>/gi;
  let m;
  while ((m = re.exec(html))) {
    const open = m[0].match(/^<form\b[^>]*>/i)[0];
    const a = attrs(open);
    const body = m[1];
    const inputs = [...body.matchAll(/<input\b[^>]*>/gi)].map((x) => attrs(x[0]));
    const buttons = [...body.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)]
      .map((x) => ({ ...attrs(`<button${x[1]}>`), text: stripTags(x[2]) }));
    forms.push({ action: a.action || '', method: (a.method || 'get').toLowerCase(), inputs, buttons, html: body });
  }
  return forms;
}
export const pageTitle = (html) => stripTags((html.match(/<title>([\s\S]*?)<\/title>/i) || [])[1] || '');

// ---------------------------------------------------------------------------------------------
// Drives the authorization flow with fetch.
//
// opts: base (server base URL), aud (default `${base}/fhir`), clientId, redirectUri, scope,
//   state (default random; null = omit), pkce (default fresh pair; null = no challenge),
//   username, password (default 'demo'), patient (id or name shown in the picker),
//   encounter (id or text; default: first one), approve ('default' = the checkboxes checked when
//   the consent page opens, i.e. the user just clicks Allow; 'all' = tick every checkbox; or an
//   array of scope strings), stopAt ('login' | 'patient' | 'encounter' | 'consent': return that
//   page instead of submitting it; consent adds {offered, preChecked}, pickers add {choices}),
//   deny (true → click Deny), remember (tick "Remember my decision"),
//   extra ({param: value}; value null/undefined removes the param), method ('GET' | 'POST'),
//   jar (a CookieJar to reuse a browser session), maxSteps (default 20),
//   url (a complete authorization URL built elsewhere, e.g. by openid-client: it is opened with
//   GET as is, and redirectUri defaults to its redirect_uri parameter).
// Returns one of
//   { kind: 'redirect', location, params, code, state, error, error_description, pkce, steps }
//     — the browser reached redirect_uri (success or OAuth error redirect);
//   { kind: 'page', status, html, title, url, pkce, steps } — an error page (or an unexpected
//     page) was shown instead.
export async function authorizeViaHttp(opts) {
  const {
    base, clientId, scope, username, password = 'demo', patient, encounter,
    approve = 'default', deny = false, remember = false, extra = {}, method = 'GET', maxSteps = 20,
  } = opts;
  const aud = opts.aud === undefined ? `${base}/fhir` : opts.aud;
  const state = opts.state === undefined ? randomState() : opts.state;
  const pkce = opts.pkce === undefined ? pkcePair() : opts.pkce;
  const jar = opts.jar || new CookieJar();
  const redirectUri = opts.redirectUri ?? (opts.url ? new URL(opts.url).searchParams.get('redirect_uri') : undefined);
  const steps = [];

  const params = { response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope, state, aud };
  if (pkce) { params.code_challenge = pkce.challenge; params.code_challenge_method = pkce.method || 'S256'; }
  Object.assign(params, extra);
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) form.append(k, v);

  const authorizeUrl = `${base}/oauth/authorize`;
  let req = opts.url ? { url: String(opts.url), method: 'GET' } : method === 'POST'
    ? { url: authorizeUrl, method: 'POST', body: form.toString(), contentType: 'application/x-www-form-urlencoded' }
    : { url: `${authorizeUrl}?${form}`, method: 'GET' };

  const isRedirectTarget = (loc) => {
    if (!redirectUri) return false;
    const u = new URL(loc); const r = new URL(redirectUri);
    return u.origin === r.origin && u.pathname === r.pathname;
  };

  for (let i = 0; i < maxSteps; i += 1) {
    const headers = { accept: 'text/html' };
    const cookie = jar.header(req.url);
    if (cookie) headers.cookie = cookie;
    if (req.contentType) headers['content-type'] = req.contentType;
    const res = await fetch(req.url, { method: req.method, headers, body: req.body, redirect: 'manual' });
    jar.store(req.url, res.headers);
    steps.push(`${req.method} ${new URL(req.url).pathname} → ${res.status}`);

    if (res.status >= 300 && res.status < 400) {
      await res.arrayBuffer();
      const loc = res.headers.get('location');
      if (!loc) throw new Error(`redirect without Location from ${req.url}`);
      const abs = new URL(loc, req.url).toString();
      if (isRedirectTarget(abs) || new URL(abs).origin !== new URL(base).origin) {
        const p = Object.fromEntries(new URL(abs).searchParams);
        return { kind: 'redirect', status: res.status, location: abs, params: p, code: p.code, state: p.state,
          error: p.error, error_description: p.error_description, pkce, jar, steps };
      }
      req = { url: abs, method: 'GET' };
      continue;
    }

    const html = await res.text();
    const pageResult = { kind: 'page', status: res.status, html, title: pageTitle(html), url: req.url, pkce, jar, steps };
    if (res.status !== 200) return pageResult;
    const forms = parseForms(html);
    const post = (f, fields) => {
      const body = new URLSearchParams();
      for (const inp of f.inputs) if (inp.type === 'hidden' && inp.name) body.append(inp.name, inp.value ?? '');
      for (const [k, v] of fields) body.append(k, v);
      return { url: new URL(f.action, req.url).toString(), method: 'POST', body: body.toString(),
        contentType: 'application/x-www-form-urlencoded' };
    };
    const byAction = (suffix) => forms.find((f) => f.method === 'post' && f.action.endsWith(suffix));

    const stage = (name) => { pageResult.stage = name; return opts.stopAt === name; };
    let f;
    if ((f = byAction('/oauth/authorize/login'))) {
      if (stage('login') || !username) return pageResult;
      req = post(f, [['username', username], ['password', password]]);
    } else if ((f = byAction('/oauth/authorize/patient'))) {
      const choices = f.buttons.filter((b) => b.name === 'patient');
      if (stage('patient')) return { ...pageResult, choices };
      const pick = patient === undefined ? undefined
        : choices.find((b) => b.value === patient) || choices.find((b) => b.text.startsWith(patient));
      if (!pick) return { ...pageResult, error: `patient ${patient} not offered`, choices };
      req = post(f, [[pick.name, pick.value]]);
    } else if ((f = forms.find((x) => x.method === 'post' && /\/oauth\/authorize\/encounter/.test(x.action)))) {
      const choices = f.buttons.filter((b) => b.name && b.value);
      if (stage('encounter')) return { ...pageResult, choices };
      const pick = encounter === undefined ? choices[0]
        : choices.find((b) => b.value === encounter) || choices.find((b) => b.text.includes(encounter));
      if (!pick) return { ...pageResult, error: `encounter ${encounter} not offered`, choices };
      req = post(f, [[pick.name, pick.value]]);
    } else if ((f = byAction('/oauth/authorize/consent'))) {
      const boxes = f.inputs.filter((x) => x.type === 'checkbox' && x.name === 'scope');
      const offered = boxes.map((x) => x.value);
      const preChecked = boxes.filter((x) => 'checked' in x).map((x) => x.value);
      if (stage('consent')) return { ...pageResult, offered, preChecked };
      const fields = [];
      if (deny) {
        fields.push(['decision', 'deny']);
      } else {
        // 'default' = what a user who just clicks Allow sends; 'all' = every checkbox ticked.
        const chosen = approve === 'default' ? preChecked : approve === 'all' ? offered : approve;
        for (const s of chosen) fields.push(['scope', s]);
        if (remember) fields.push(['remember', '1']);
        fields.push(['decision', 'allow']);
      }
      req = post(f, fields);
    } else {
      return pageResult;
    }
  }
  throw new Error(`authorization flow did not finish in ${maxSteps} steps: ${steps.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// Token endpoint.
export function basicAuth(id, secret) {
  // RFC 6749 §2.3.1: form-urlencode id and secret before base64.
  const enc = (s) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

// POST form params to the token endpoint. auth: {clientId, clientSecret} → HTTP Basic;
// {clientId} alone → client_id in the body (public client). Returns {status, headers, body, text}.
export async function tokenRequest(base, form, { clientId, clientSecret, origin, headers: extraHeaders = {} } = {}) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) if (v !== undefined && v !== null) body.append(k, v);
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...extraHeaders };
  if (clientSecret !== undefined) headers.authorization = basicAuth(clientId, clientSecret);
  else if (clientId !== undefined && !body.has('client_id')) body.append('client_id', clientId);
  if (origin) headers.origin = origin;
  const res = await fetch(`${base}/oauth/token`, { method: 'POST', headers, body: body.toString() });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, body: json, text };
}

export function exchangeCode({ base, code, redirectUri, codeVerifier, clientId, clientSecret, origin, extra = {} }) {
  return tokenRequest(base, {
    grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier, ...extra,
  }, { clientId, clientSecret, origin });
}

export function refresh({ base, refreshToken, clientId, clientSecret, scope, origin, extra = {} }) {
  return tokenRequest(base, { grant_type: 'refresh_token', refresh_token: refreshToken, scope, ...extra },
    { clientId, clientSecret, origin });
}

// Decodes (does NOT verify) a compact JWS.
export function decodeJwt(jwt) {
  const [h, p, s] = String(jwt).split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')),
    signature: s,
  };
}

// Re-encodes a JWT with edited header/payload, keeping the old signature (which then no longer
// matches). Used to craft expired / tampered / alg:none tokens.
export function editJwt(jwt, { header, payload, signature } = {}) {
  const d = decodeJwt(jwt);
  const h = b64url(JSON.stringify({ ...d.header, ...(header || {}) }));
  const p = b64url(JSON.stringify({ ...d.payload, ...(payload || {}) }));
  return `${h}.${p}.${signature === undefined ? d.signature : signature}`;
}

// Convenience: a full authorization + code exchange. Returns {auth, token} (token = exchange result).
export async function authorizeAndExchange(opts) {
  const auth = await authorizeViaHttp(opts);
  if (auth.kind !== 'redirect' || !auth.code) {
    throw new Error(`authorization failed: ${auth.kind} ${auth.status} ${auth.error || ''} ${auth.error_description || ''} ${auth.steps?.join(', ')}`);
  }
  const token = await exchangeCode({
    base: opts.base, code: auth.code, redirectUri: opts.redirectUri, codeVerifier: auth.pkce.verifier,
    clientId: opts.clientId, clientSecret: opts.clientSecret,
  });
  return { auth, token };
}

// ---------------------------------------------------------------------------------------------
// Asymmetric client authentication (RFC 7523 private_key_jwt; SMART Backend Services and
// client-confidential-asymmetric) plus generic form posts to the introspection / revocation
// endpoints with any kind of client authentication.
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

// A fresh key pair for `alg` (RS384, ES384, …): { alg, kid, privateKey, publicKey, jwk } where jwk
// is the public JWK with kid and alg (what a client registers).
export async function makeClientKey(alg, kid) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicKey, jwk };
}

// Signs a client assertion. Defaults: header {alg, kid, typ: 'JWT'}, claims iss = sub = clientId,
// aud, exp = now + expiresIn (240 s), iat = now, fresh jti. `header` / `claims` are merged over the
// defaults (a member set to undefined is left out); signWith signs with another private key
// while keeping key.kid in the header.
export async function signAssertion({ key, clientId, aud, header = {}, claims = {}, expiresIn = 240, signWith } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: clientId, sub: clientId, aud, iat: now, exp: now + expiresIn, jti: b64url(randomBytes(16)), ...claims };
  const h = { alg: key.alg, kid: key.kid, typ: 'JWT', ...header };
  for (const o of [payload, h]) for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return new SignJWT(payload).setProtectedHeader(h).sign(signWith || key.privateKey);
}

// The two form fields that carry an assertion.
export const assertionFields = (assertion) => ({ client_assertion_type: JWT_BEARER, client_assertion: assertion });

// POSTs a form to url. auth: {clientId, clientSecret} → HTTP Basic; {clientId, clientSecret,
// post: true} → client_secret_post; {clientId} → public (client_id in the body); {assertion}
// → private_key_jwt (clientId, if given, is sent as well); {bearer} → Authorization: Bearer.
// Returns {status, headers, body (parsed JSON or undefined), text}.
export async function formPost(url, form, auth = {}) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) if (v !== undefined && v !== null) body.append(k, v);
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  const { clientId, clientSecret, post, assertion, bearer } = auth;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (assertion) {
    for (const [k, v] of Object.entries(assertionFields(assertion))) body.set(k, v);
    if (clientId !== undefined) body.set('client_id', clientId);
  } else if (clientSecret !== undefined && !post) {
    headers.authorization = basicAuth(clientId, clientSecret);
  } else if (clientId !== undefined) {
    body.set('client_id', clientId);
    if (clientSecret !== undefined) body.set('client_secret', clientSecret);
  }
  const res = await fetch(url, { method: 'POST', headers, body: body.toString() });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, body: json, text };
}

// RFC 7662 introspection / RFC 7009 revocation (auth as in formPost).
export const introspect = (base, token, auth, extra = {}) => formPost(`${base}/oauth/introspect`, { token, ...extra }, auth);
export const revoke = (base, token, auth, extra = {}) => formPost(`${base}/oauth/revoke`, { token, ...extra }, auth);
