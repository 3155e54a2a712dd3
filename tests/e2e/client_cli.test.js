// Ember's C++ SMART client library, through its CLI `ember-client`, against a running Ember and
// against a deliberately broken SMART server. Covers: the native-app standalone launch (RFC 8252
// loopback redirect on an ephemeral port, PKCE, state, nonce, id_token validation) with headless
// Chromium playing alice at the browser step; FHIR reads with paging (`get --all`); refresh of a
// due token; revocation on logout (the old access token then gets 401); SMART Backend Services
// with RS384 and ES384 keys; and the typed errors for a wrong id_token `iss`, a bad id_token
// signature, a `state` mismatch and an error redirect (access_denied).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFile, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { startEmber, getJson } from './lib/server.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLIENT_BIN = process.env.EMBER_CLIENT_BIN || resolve(here, '../../build/ember-client');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const APP = { id: 'cli-app', name: 'Ember CLI Test App' };
const SCOPE = 'openid fhirUser launch/patient offline_access patient/*.rs';
const SYS_SCOPE = 'system/Patient.rs system/Observation.rs';
const STEP_MS = 30_000; // bound for every single wait (a CLI run, a page step, a redirect)

let work; // temp dir: keys, token files, the CLI's HOME
let ember;
let browser;
let fake; // the broken SMART server
const children = new Set(); // CLI processes still running (killed in after())

// ---------------------------------------------------------------------------------------------
// Running the CLI. Never spawnSync: the fake server lives in this process and must keep answering.

function cliEnv() {
  // A private HOME/XDG so nothing touches the user's config; no DISPLAY so no browser opens.
  const env = { ...process.env, HOME: work, XDG_CONFIG_HOME: join(work, 'xdg') };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  return env;
}

function cli(args, { timeout = STEP_MS } = {}) {
  return new Promise((res) => {
    const child = execFile(CLIENT_BIN, args, { env: cliEnv(), timeout, killSignal: 'SIGKILL', encoding: 'utf8' },
      (error, stdout, stderr) => {
        children.delete(child);
        res({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
    children.add(child);
  });
}

function parseJson(r) {
  assert.equal(r.code, 0, `ember-client failed (${r.code}):\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`timed out: ${what}`)), ms); }),
  ]);
}

// Starts `ember-client login --no-browser`; resolves `url` with the authorize URL it prints and
// `done` with its exit status and output.
function startLogin(fhir, { clientId = APP.id, tokenFile, scope = SCOPE } = {}) {
  const args = ['login', '--fhir', fhir, '--client-id', clientId, '--scope', scope, '--no-browser',
    '--timeout', String(STEP_MS / 1000), '--token-file', tokenFile];
  const child = spawn(CLIENT_BIN, args, { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  let gotUrl;
  const url = new Promise((res) => { gotUrl = res; });
  child.stdout.on('data', (d) => {
    stdout += d;
    const m = stdout.match(/^Open this URL in a browser: (\S+)$/m);
    if (m && /^Waiting for the redirect on /m.test(stdout)) gotUrl(new URL(m[1]));
  });
  child.stderr.on('data', (d) => { stderr += d; });
  const done = new Promise((res) => child.on('exit', (code, signal) => {
    children.delete(child);
    res({ code: code ?? -1, signal, stdout, stderr });
  }));
  return {
    url: withTimeout(Promise.race([url, done.then((r) => { throw new Error(`login exited early:\n${r.stdout}${r.stderr}`); })]),
      STEP_MS, 'the authorize URL'),
    done: withTimeout(done, STEP_MS * 2, 'ember-client login to finish'),
  };
}

// Plays the person: signs in and answers the consent page (allow or deny); ends when the browser
// reaches the CLI's loopback listener.
async function personAtBrowser(authorizeUrl, { user = 'alice', decision = 'Allow' } = {}) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_MS);
    await page.goto(authorizeUrl.href);
    await page.getByLabel('Username').fill(user);
    await page.getByLabel('Password').fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: `${APP.name} wants access` }).waitFor();
    await page.getByRole('button', { name: decision }).click();
    await page.waitForURL((u) => u.href.startsWith('http://127.0.0.1:') && u.pathname === '/callback');
    return (await page.textContent('body')).trim();
  } finally {
    await context.close();
  }
}

// The browser step skipped: a direct GET to the loopback callback (what an attacker or a stale tab
// could send).
async function hitCallback(redirectUri, params) {
  const u = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  const r = await fetch(u, { signal: AbortSignal.timeout(STEP_MS) });
  await r.text();
  return r.status;
}

// ---------------------------------------------------------------------------------------------
// A tiny SMART server that is wrong on purpose: correct discovery, a JWKS with its key, and a
// token endpoint whose id_token is spoiled as `fake.mode` says ('wrong-iss' or 'bad-signature').
// The nonce the CLI sent is put in the id_token so only the spoiled check fails.

async function startFakeSmart() {
  const key = await generateKeyPair('RS256', { extractable: true });
  const rogue = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(key.publicKey)), kid: 'fake-1', alg: 'RS256', use: 'sig' };
  const state = { mode: 'wrong-iss', nonce: '', tokenRequests: 0 };
  let base = '';
  const json = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/fhir/.well-known/smart-configuration') {
      return json(res, 200, {
        issuer: base,
        jwks_uri: `${base}/jwks`,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/token`,
        grant_types_supported: ['authorization_code'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
        scopes_supported: SCOPE.split(' '),
        capabilities: ['launch-standalone', 'client-public', 'context-standalone-patient', 'sso-openid-connect'],
      });
    }
    if (path === '/jwks') return json(res, 200, { keys: [jwk] });
    if (path === '/token' && req.method === 'POST') {
      state.tokenRequests++;
      const now = Math.floor(Date.now() / 1000);
      const claims = { sub: 'alice', aud: APP.id, nonce: state.nonce, iat: now, exp: now + 300, fhirUser: `${base}/fhir/Patient/alice` };
      const iss = state.mode === 'wrong-iss' ? 'https://evil.example' : base;
      const idToken = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'fake-1' }).setIssuer(iss)
        .sign(state.mode === 'bad-signature' ? rogue.privateKey : key.privateKey);
      return json(res, 200, { access_token: 'fake-access', token_type: 'Bearer', expires_in: 3600, scope: SCOPE, patient: 'alice', id_token: idToken });
    }
    res.writeHead(404).end();
  });
  await new Promise((res, rej) => { server.once('error', rej); server.listen(0, '127.0.0.1', res); });
  base = `http://127.0.0.1:${server.address().port}`;
  return {
    state,
    fhir: `${base}/fhir`,
    stop: () => new Promise((res) => { server.closeAllConnections?.(); server.close(() => res()); }),
  };
}

// ---------------------------------------------------------------------------------------------

function writeKey(name, type, opts) {
  const { privateKey } = generateKeyPairSync(type, opts);
  const path = join(work, name);
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return path;
}

const RSA_KEY = () => join(work, 'backend-rsa.pem');
const EC_KEY = () => join(work, 'backend-ec.pem');

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'ember-client-e2e-'));
  writeKey('backend-rsa.pem', 'rsa', { modulusLength: 2048 });
  writeKey('backend-ec.pem', 'ec', { namedCurve: 'P-384' });
  // The public keys to register, as the CLI computes them (kid = RFC 7638 thumbprint).
  const rs = parseJson(await cli(['jwks', '--key', RSA_KEY()]));
  const es = parseJson(await cli(['jwks', '--key', EC_KEY(), '--alg', 'ES384']));
  assert.equal(rs.keys.length, 1);
  assert.equal(rs.keys[0].kty, 'RSA');
  assert.equal(es.keys[0].kty, 'EC');
  assert.equal(rs.keys[0].d, undefined, 'jwks prints public keys only');
  ember = await startEmber({
    clients: [
      // A loopback redirect registered without a port matches any port (RFC 8252 §7.3).
      { ...APP, type: 'public', redirectUris: ['http://127.0.0.1/callback'], scope: SCOPE },
      { id: 'cli-backend', name: 'CLI Backend', type: 'backend', scope: SYS_SCOPE, jwks: { keys: [...rs.keys, ...es.keys] } },
    ],
  });
  fake = await startFakeSmart();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await browser?.close();
  await fake?.stop();
  await ember?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('standalone launch against Ember, then read, refresh and revoke', () => {
  let tokenFile;

  test('login: the browser signs in alice and consents; tokens land in a 0600 file', async () => {
    tokenFile = join(work, 'alice', 'tokens.json');
    const login = startLogin(ember.fhir, { tokenFile });
    const url = await login.url;
    assert.equal(url.origin + url.pathname, `${ember.base}/oauth/authorize`);
    const q = url.searchParams;
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.equal(q.get('aud'), ember.fhir);
    assert.ok(q.get('state') && q.get('nonce') && q.get('code_challenge'));
    const redirect = new URL(q.get('redirect_uri'));
    assert.equal(redirect.hostname, '127.0.0.1');
    assert.notEqual(redirect.port, '', 'an ephemeral port');
    const body = await personAtBrowser(url);
    assert.match(body, /close this window/i);
    const r = await login.done;
    assert.equal(r.code, 0, `login failed:\n${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /Logged in as \S*Patient\/alice, patient alice/);
    assert.equal(statSync(tokenFile).mode & 0o077, 0, 'token file readable by the user only');
  });

  test('whoami: the launch context', async () => {
    const ctx = parseJson(await cli(['whoami', '--token-file', tokenFile]));
    assert.equal(ctx.patient, 'alice');
    assert.match(ctx.fhirUser, /(^|\/)Patient\/alice$/);
    assert.equal(ctx.fhir_base, ember.fhir);
    assert.equal(ctx.refresh_token, true);
    for (const s of SCOPE.split(' ')) assert.ok(ctx.scope.split(' ').includes(s), `granted ${s}`);
  });

  test('get: the patient, and every page of their Observations with --all', async () => {
    const p = parseJson(await cli(['get', 'Patient/alice', '--token-file', tokenFile]));
    assert.equal(p.resourceType, 'Patient');
    assert.equal(p.id, 'alice');
    assert.equal(p.name[0].family, 'Carter');

    const first = parseJson(await cli(['get', 'Observation?patient=alice&_count=5', '--token-file', tokenFile]));
    assert.equal(first.entry.length, 5);
    assert.ok(first.link.some((l) => l.relation === 'next'), 'more than one page');
    const all = parseJson(await cli(['get', '--all', 'Observation?patient=alice&_count=5', '--token-file', tokenFile]));
    assert.equal(all.resourceType, 'Bundle');
    assert.equal(all.type, 'searchset');
    assert.ok(all.entry.length > 5, `--all followed the next links (${all.entry.length} entries)`);
    if (typeof all.total === 'number') assert.equal(all.entry.length, all.total);
    assert.ok(!(all.link || []).some((l) => l.relation === 'next'), 'no paging links left');
    const ids = new Set();
    for (const e of all.entry) {
      assert.equal(e.resource.resourceType, 'Observation');
      assert.equal(e.resource.subject.reference, 'Patient/alice');
      ids.add(e.resource.id);
    }
    assert.equal(ids.size, all.entry.length, 'no entry twice');

    const denied = await cli(['get', 'Patient/p-000002', '--token-file', tokenFile]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /^error: fhir_error/m);
  });

  test('token: a due access token is refreshed and the file updated', async () => {
    const before = JSON.parse(readFileSync(tokenFile, 'utf8'));
    const oldAccess = before.tokens.access_token;
    assert.ok(before.tokens.refresh_token);
    // Make the token due: it "expires" within the refresh margin.
    before.tokens.expires_at = Math.floor(Date.now() / 1000) + 5;
    writeFileSync(tokenFile, JSON.stringify(before), { mode: 0o600 });
    const r = await cli(['token', '--token-file', tokenFile]);
    assert.equal(r.code, 0, r.stderr);
    const printed = r.stdout.trim();
    assert.notEqual(printed, oldAccess, 'a new access token');
    const after = JSON.parse(readFileSync(tokenFile, 'utf8'));
    assert.equal(after.tokens.access_token, printed);
    assert.ok(after.tokens.expires_at > Math.floor(Date.now() / 1000) + 60, 'a fresh expiry');
    assert.equal(statSync(tokenFile).mode & 0o077, 0);
    // The refreshed token works; the context survived the refresh.
    const p = await getJson(`${ember.fhir}/Patient/alice`, { headers: { authorization: `Bearer ${printed}` } });
    assert.equal(p.status, 200);
    assert.equal(parseJson(await cli(['whoami', '--token-file', tokenFile])).patient, 'alice');
    // Not due: the same token again.
    assert.equal((await cli(['token', '--token-file', tokenFile])).stdout.trim(), printed);
  });

  test('logout: tokens revoked at Ember and the file deleted', async () => {
    const access = (await cli(['token', '--token-file', tokenFile])).stdout.trim();
    const ok = await getJson(`${ember.fhir}/Patient/alice`, { headers: { authorization: `Bearer ${access}` } });
    assert.equal(ok.status, 200);
    const r = await cli(['logout', '--token-file', tokenFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!existsSync(tokenFile), 'token file deleted');
    const gone = await getJson(`${ember.fhir}/Patient/alice`, { headers: { authorization: `Bearer ${access}` } });
    assert.equal(gone.status, 401, 'the revoked access token is refused');
    const t = await cli(['token', '--token-file', tokenFile]);
    assert.equal(t.code, 1);
    assert.match(t.stderr, /^error: not_authenticated/m);
  });
});

describe('backend services against Ember', () => {
  for (const [alg, key] of [['RS384', RSA_KEY], ['ES384', EC_KEY]]) {
    test(`a system token from a ${alg} assertion reads Patient/alice`, async () => {
      const p = parseJson(await cli(['backend', '--fhir', ember.fhir, '--client-id', 'cli-backend', '--key', key(),
        '--alg', alg, '--scope', SYS_SCOPE, 'GET', 'Patient/alice']));
      assert.equal(p.resourceType, 'Patient');
      assert.equal(p.id, 'alice');
    });
  }

  test('the printed system token is accepted by Ember, and a scope it lacks is refused', async () => {
    const r = await cli(['backend', '--fhir', ember.fhir, '--client-id', 'cli-backend', '--key', RSA_KEY(),
      '--scope', 'system/Patient.rs']);
    assert.equal(r.code, 0, r.stderr);
    const token = r.stdout.trim();
    const obs = await getJson(`${ember.fhir}/Observation?patient=alice&_count=1`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(obs.status, 403, 'system/Patient.rs does not cover Observation');
    const bad = await cli(['backend', '--fhir', ember.fhir, '--client-id', 'cli-backend', '--key', RSA_KEY(),
      '--scope', 'system/Patient.rs', 'GET', 'Observation?patient=alice']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error: fhir_error/m);
  });

  test('an unregistered key gives the server\'s OAuth error', async () => {
    const rogue = writeKey('rogue.pem', 'rsa', { modulusLength: 2048 });
    const r = await cli(['backend', '--fhir', ember.fhir, '--client-id', 'cli-backend', '--key', rogue, '--scope', SYS_SCOPE]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: invalid_client/m);
  });
});

describe('bad servers and bad redirects give typed errors', () => {
  for (const [mode, reason] of [['wrong-iss', 'issuer_mismatch'], ['bad-signature', 'bad_signature']]) {
    test(`id_token with ${mode}: id_token_invalid [${reason}], nothing stored`, async () => {
      fake.state.mode = mode;
      const tokenFile = join(work, `fake-${mode}.json`);
      const login = startLogin(fake.fhir, { tokenFile });
      const url = await login.url;
      fake.state.nonce = url.searchParams.get('nonce');
      const before = fake.state.tokenRequests;
      await hitCallback(url.searchParams.get('redirect_uri'), { code: 'fake-code', state: url.searchParams.get('state') });
      const r = await login.done;
      assert.equal(fake.state.tokenRequests, before + 1, 'the code was exchanged');
      assert.equal(r.code, 1, `${r.stdout}${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^error: id_token_invalid \\[${reason}\\]`, 'm'));
      assert.ok(!existsSync(tokenFile), 'no tokens stored');
    });
  }

  test('state mismatch at the loopback callback: state_mismatch, the code is never exchanged', async () => {
    const tokenFile = join(work, 'state.json');
    const login = startLogin(fake.fhir, { tokenFile });
    const url = await login.url;
    const before = fake.state.tokenRequests;
    await hitCallback(url.searchParams.get('redirect_uri'), { code: 'stolen-code', state: 'not-the-state' });
    const r = await login.done;
    assert.equal(r.code, 1, `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^error: state_mismatch/m);
    assert.equal(fake.state.tokenRequests, before, 'no token request');
    assert.ok(!existsSync(tokenFile));
  });

  test('error redirect: alice denies at Ember, the CLI reports access_denied', async () => {
    const tokenFile = join(work, 'denied.json');
    const login = startLogin(ember.fhir, { tokenFile });
    const url = await login.url;
    await personAtBrowser(url, { decision: 'Deny' });
    const r = await login.done;
    assert.equal(r.code, 1, `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^error: access_denied\b/m);
    assert.ok(!existsSync(tokenFile));
  });

  test('error redirect sent directly to the callback carries the server\'s description', async () => {
    const login = startLogin(fake.fhir, { tokenFile: join(work, 'denied2.json') });
    const url = await login.url;
    await hitCallback(url.searchParams.get('redirect_uri'),
      { error: 'access_denied', error_description: 'The user said no', state: url.searchParams.get('state') });
    const r = await login.done;
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: access_denied \(The user said no\)$/m);
  });
});
