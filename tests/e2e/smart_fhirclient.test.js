// A real browser SMART app: fhirclient (SMART's JS client library) in headless Chromium, served
// from ANOTHER loopback origin than Ember, doing a standalone launch against Ember. Covers the
// full browser path: discovery, authorize with PKCE, sign-in / patient picker / consent pages,
// the cross-origin token exchange (CORS), and cross-origin FHIR calls with the bearer token
// (CORS preflight for Authorization).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { chromium } from 'playwright-core';
import { startEmber } from './lib/server.js';

const require = createRequire(import.meta.url);
const FHIR_CLIENT_JS = join(dirname(require.resolve('fhirclient/package.json')), 'build', 'fhir-client.js');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const CLIENT_ID = 'fhirclient-app';
const APP_NAME = 'Ember Test Lab Viewer';
const SCOPE = 'launch/patient openid fhirUser offline_access patient/*.rs';

let ember;
let app; // { server, origin }
let browser;

function launchHtml(fhirBase) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Launch</title>
<script src="node_modules/fhirclient/build/fhir-client.js"></script></head>
<body><p>Launching…</p>
<script>
FHIR.oauth2.authorize(${JSON.stringify({ clientId: CLIENT_ID, scope: SCOPE, redirectUri: 'index.html', iss: fhirBase })})
  .catch((e) => { document.body.textContent = 'authorize failed: ' + e; });
</script></body></html>`;
}

const INDEX_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>App</title>
<script src="node_modules/fhirclient/build/fhir-client.js"></script></head>
<body><h1>Lab viewer</h1><pre id="result"></pre>
<script>
(async () => {
  const out = {};
  try {
    const client = await FHIR.oauth2.ready();
    out.patientId = client.patient.id;
    out.fhirUser = client.getFhirUser();
    out.tokenScope = client.state.tokenResponse && client.state.tokenResponse.scope;
    out.hasRefreshToken = !!(client.state.tokenResponse && client.state.tokenResponse.refresh_token);
    out.hasIdToken = !!(client.state.tokenResponse && client.state.tokenResponse.id_token);
    const p = await client.patient.read();
    out.patient = { resourceType: p.resourceType, id: p.id, name: p.name };
    const b = await client.request('Observation?patient=' + client.patient.id + '&category=laboratory');
    out.labs = {
      resourceType: b.resourceType,
      total: b.total,
      entries: (b.entry || []).map((e) => ({
        resourceType: e.resource.resourceType,
        id: e.resource.id,
        subject: e.resource.subject && e.resource.subject.reference,
        categories: (e.resource.category || []).flatMap((c) => (c.coding || []).map((cd) => cd.code)),
      })),
    };
    try {
      const o = await client.request('Patient/p-000002');
      out.other = { ok: true, resourceType: o.resourceType, id: o.id };
    } catch (e) {
      out.other = { ok: false, status: e.status || e.statusCode || null, message: String(e.message || e) };
    }
  } catch (e) {
    out.error = String((e && e.stack) || e);
  }
  document.getElementById('result').textContent = JSON.stringify(out);
})();
</script></body></html>`;

// The app's own server listens first, on a port the kernel picks (choosing a free port and
// binding it later races with every other process on the machine); the FHIR base it serves in
// launch.html is known once Ember runs.
async function startApp() {
  const app = { fhirBase: '' };
  const staticFiles = {
    '/index.html': ['text/html; charset=utf-8', INDEX_HTML],
    '/node_modules/fhirclient/build/fhir-client.js': ['text/javascript; charset=utf-8', readFileSync(FHIR_CLIENT_JS)],
  };
  app.server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const f = path === '/launch.html' ? ['text/html; charset=utf-8', launchHtml(app.fhirBase)] : staticFiles[path];
    if (!f) { res.writeHead(404, { 'content-type': 'text/plain' }); res.end('not found'); return; }
    res.writeHead(200, { 'content-type': f[0], 'cache-control': 'no-store' });
    res.end(f[1]);
  });
  await new Promise((res, rej) => { app.server.once('error', rej); app.server.listen(0, '127.0.0.1', res); });
  app.origin = `http://127.0.0.1:${app.server.address().port}`;
  return app;
}

before(async () => {
  app = await startApp();
  const appOrigin = app.origin;
  ember = await startEmber({
    clients: [{
      id: CLIENT_ID, name: APP_NAME, type: 'public', redirectUris: [`${appOrigin}/index.html`],
      scope: 'launch/patient openid fhirUser offline_access patient/*.rs user/*.rs', origins: [appOrigin],
    }],
  });
  app.fhirBase = ember.fhir;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  if (app) await new Promise((res) => { app.server.closeAllConnections?.(); app.server.close(res); });
  await ember?.stop();
});

async function shot(page, name) {
  const path = join(tmpdir(), `ember-e2e-${name}-${process.pid}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
  return path;
}

async function readResult(page) {
  const el = page.locator('#result');
  await page.waitForFunction(() => (document.getElementById('result')?.textContent || '').length > 0, null, { timeout: 30_000 });
  return JSON.parse(await el.textContent());
}

function assertAliceView(r, logs = []) {
  assert.equal(r.error, undefined, `app error: ${r.error}\nbrowser console:\n${logs.join('\n')}`);
  assert.equal(r.patientId, 'alice');
  assert.equal(r.patient.resourceType, 'Patient');
  assert.equal(r.patient.id, 'alice');
  assert.equal(r.patient.name[0].family, 'Carter');
  assert.equal(r.patient.name[0].given[0], 'Alice');
  assert.equal(r.labs.resourceType, 'Bundle');
  assert.ok(r.labs.entries.length >= 1, 'Alice has lab Observations');
  for (const e of r.labs.entries) {
    assert.equal(e.resourceType, 'Observation');
    assert.equal(e.subject, 'Patient/alice', `Observation/${e.id} belongs to Alice`);
    assert.ok(e.categories.includes('laboratory'), `Observation/${e.id} is a lab`);
  }
  assert.equal(r.other.ok, false, 'another patient must not be readable');
  assert.equal(r.other.status, 403, `another patient → 403 (${r.other.message})`);
  for (const s of SCOPE.split(' ')) assert.ok(r.tokenScope.split(' ').includes(s), `granted ${s}`);
  assert.ok(r.hasIdToken, 'id_token (openid)');
  assert.ok(r.hasRefreshToken, 'refresh_token (offline_access)');
}

function collectConsole(page) {
  const lines = [];
  page.on('console', (m) => lines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
  return lines;
}

test('fhirclient standalone launch in Chromium as patient alice', async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const logs = collectConsole(page);
    await page.goto(`${app.origin}/launch.html`);
    await page.getByLabel('Username').waitFor();
    assert.ok(page.url().startsWith(`${ember.base}/oauth/authorize/continue`), page.url());
    await shot(page, 'signin');
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: `${APP_NAME} wants access` }).waitFor();
    // One checkbox per requested scope, all offered.
    for (const s of SCOPE.split(' ')) {
      assert.equal(await page.locator(`input[type=checkbox][name=scope][value="${s}"]`).count(), 1, `checkbox for ${s}`);
    }
    await shot(page, 'consent-alice');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${app.origin}/index.html**`);
    const r = await readResult(page);
    assertAliceView(r, logs);
    assert.match(r.fhirUser, /(^|\/)Patient\/alice$/);
  } finally {
    await context.close();
  }
});

test('fhirclient standalone launch in Chromium as dr.smith choosing Alice Carter in the picker', async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const logs = collectConsole(page);
    await page.goto(`${app.origin}/launch.html`);
    await page.getByLabel('Username').fill('dr.smith');
    await page.getByLabel('Password').fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const list = page.getByRole('list', { name: 'Patients' });
    await list.waitFor();
    await shot(page, 'picker');
    await list.getByRole('button', { name: /^Alice Carter/ }).click();
    await page.getByRole('heading', { name: `${APP_NAME} wants access` }).waitFor();
    await shot(page, 'consent-dr-smith');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${app.origin}/index.html**`);
    const r = await readResult(page);
    assertAliceView(r, logs);
    assert.match(r.fhirUser, /(^|\/)Practitioner\/dr-smith$/);
  } finally {
    await context.close();
  }
});
