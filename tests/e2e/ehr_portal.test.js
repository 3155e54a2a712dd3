// The EHR simulator in a real headless Chromium (issue: EHR launch and the EHR simulator):
// a clinician signs in to /ehr, opens Alice's chart and an encounter, and launches the built-in
// Sample App (fhirclient.js) inside the chart's iframe; the same with a third-party app on another
// origin; a patient EHR launch as alice; and a CI launch from the sandbox launcher with an
// auto-approve app and no clicks at all. The token responses are read off the wire.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { chromium } from 'playwright-core';
import { startEmber, freePort } from './lib/server.js';

const require = createRequire(import.meta.url);
const FHIR_CLIENT_JS = join(dirname(require.resolve('fhirclient/package.json')), 'build', 'fhir-client.js');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const SCOPE = 'launch openid fhirUser patient/*.rs user/*.rs';
const ALLOWED = 'launch launch/patient launch/encounter openid fhirUser profile offline_access online_access patient/*.rs user/*.rs';

// A third-party SMART app on its own origin: launch.html?client_id=… hands iss + launch to
// fhirclient; index.html prints what the app sees as JSON in #result.
const LAUNCH_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>Third-party launch</title>
<script src="fhir-client.js"></script></head><body><p>Launching…</p><script>
const clientId = new URLSearchParams(location.search).get('client_id');
FHIR.oauth2.authorize({ clientId, scope: ${JSON.stringify(SCOPE)}, redirectUri: 'index.html' })
  .catch((e) => { document.body.textContent = 'authorize failed: ' + e; });
</script></body></html>`;
const INDEX_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>Third-party app</title>
<script src="fhir-client.js"></script></head><body><h1>Third-party app</h1><pre id="result"></pre><script>
(async () => {
  const out = {};
  try {
    const client = await FHIR.oauth2.ready();
    const t = client.state.tokenResponse || {};
    out.token = { patient: t.patient, encounter: t.encounter, need_patient_banner: t.need_patient_banner, scope: t.scope };
    const p = await client.patient.read();
    out.patientName = p.name[0].given[0] + ' ' + p.name[0].family;
    if (t.encounter) out.encounterStatus = (await client.request('Encounter/' + t.encounter)).status;
  } catch (e) { out.error = String((e && e.stack) || e); }
  document.getElementById('result').textContent = JSON.stringify(out);
})();
</script></body></html>`;

let ember;
let app;
let browser;
let appOrigin;

async function startApp(port) {
  const files = {
    '/launch.html': ['text/html; charset=utf-8', LAUNCH_HTML],
    '/index.html': ['text/html; charset=utf-8', INDEX_HTML],
    '/fhir-client.js': ['text/javascript; charset=utf-8', readFileSync(FHIR_CLIENT_JS)],
  };
  const server = http.createServer((req, res) => {
    const f = files[new URL(req.url, 'http://x').pathname];
    if (!f) { res.writeHead(404, { 'content-type': 'text/plain' }); res.end('not found'); return; }
    res.writeHead(200, { 'content-type': f[0], 'cache-control': 'no-store' });
    res.end(f[1]);
  });
  await new Promise((res, rej) => { server.once('error', rej); server.listen(port, '127.0.0.1', res); });
  return server;
}

before(async () => {
  const appPort = await freePort();
  appOrigin = `http://127.0.0.1:${appPort}`;
  const thirdParty = (id, name, extra = {}) => ({
    id, name, type: 'public', redirectUris: [`${appOrigin}/index.html`], scope: ALLOWED, origins: [appOrigin],
    launchUrl: `${appOrigin}/launch.html?client_id=${id}`, ...extra,
  });
  ember = await startEmber({
    clients: [thirdParty('third-party', 'Third Party App'), thirdParty('ci-app', 'CI App', { autoApprove: true })],
  });
  app = await startApp(appPort);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  if (app) await new Promise((res) => { app.closeAllConnections?.(); app.close(res); });
  await ember?.stop();
});

// A fresh browser context (own cookies and storage) that records every token response.
async function newPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const tokens = [];
  const logs = [];
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on('response', async (r) => {
    if (r.url() === `${ember.base}/oauth/token` && r.request().method() === 'POST') {
      try { tokens.push(await r.json()); } catch { /* preflight or no body */ }
    }
  });
  return { context, page, tokens, logs };
}

async function signIn(page, username) {
  await page.goto(`${ember.base}/ehr`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
}

// Approves the consent page if the authorization shows one inside the app frame.
async function approveInFrame(frame) {
  const allow = frame.getByRole('button', { name: 'Allow' });
  await allow.waitFor({ timeout: 20_000 });
  await allow.click();
}

async function shot(page, name) {
  const path = join(tmpdir(), `ember-e2e-${name}-${process.pid}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

async function openAliceEncounter(page) {
  await signIn(page, 'dr.smith');
  await page.getByRole('table', { name: 'Patients' }).getByRole('link', { name: /Alice Carter/ }).click();
  await page.getByRole('link', { name: 'Open encounter' }).first().click();
  await page.waitForURL(/encounter=/);
  return new URL(page.url()).searchParams.get('encounter');
}

describe('EHR portal launch in a real browser', () => {
  test('dr.smith opens Alice, an encounter, and launches the Sample App in the chart', async () => {
    const { context, page, tokens, logs } = await newPage();
    try {
      const encounter = await openAliceEncounter(page);
      assert.ok(encounter, 'an encounter is open');
      await page.getByRole('button', { name: 'Launch Sample App' }).click();
      const frame = page.frameLocator('iframe[name="app-frame"]');
      await approveInFrame(frame);
      await frame.locator('body[data-state="ready"]').waitFor({ timeout: 30_000 });
      assert.equal((await frame.locator('h1').first().textContent()).trim(), 'Alice Carter');
      assert.ok(await frame.locator('#vitals tbody tr').count() >= 1, 'vital signs shown');
      assert.ok(await frame.locator('#labs tbody tr').count() >= 1, 'lab results shown');
      const t = tokens.at(-1);
      assert.ok(t, `a token response (console: ${logs.join(' | ')})`);
      assert.equal(t.patient, 'alice');
      assert.equal(t.encounter, encounter);
      assert.equal(t.need_patient_banner, false);
      await shot(page, 'ehr-sample-app');
    } finally { await context.close(); }
  });

  test('a third-party app on another origin launches in the chart with fhirclient.js', async () => {
    const { context, page, tokens } = await newPage();
    try {
      const encounter = await openAliceEncounter(page);
      await page.getByRole('button', { name: 'Launch Third Party App' }).click();
      const frame = page.frameLocator('iframe[name="app-frame"]');
      await approveInFrame(frame);
      const result = frame.locator('#result');
      await frame.locator('#result:not(:empty)').waitFor({ timeout: 30_000 });
      const r = JSON.parse(await result.textContent());
      assert.equal(r.error, undefined, r.error);
      assert.equal(r.patientName, 'Alice Carter');
      assert.equal(r.token.patient, 'alice');
      assert.equal(r.token.encounter, encounter);
      assert.equal(r.token.need_patient_banner, false);
      assert.ok(r.encounterStatus, 'the app read its encounter');
      assert.equal(tokens.at(-1)?.encounter, encounter);
    } finally { await context.close(); }
  });

  test('alice launches the Sample App from her own chart (patient EHR launch)', async () => {
    const { context, page, tokens } = await newPage();
    try {
      await signIn(page, 'alice');
      await page.waitForURL(/\/ehr\/patients\/alice/);
      await page.getByRole('button', { name: 'Launch Sample App' }).click();
      const frame = page.frameLocator('iframe[name="app-frame"]');
      await approveInFrame(frame);
      await frame.locator('body[data-state="ready"]').waitFor({ timeout: 30_000 });
      assert.equal((await frame.locator('h1').first().textContent()).trim(), 'Alice Carter');
      assert.equal(tokens.at(-1)?.patient, 'alice');
      // A patient cannot open another patient's chart.
      const other = await page.goto(`${ember.base}/ehr/patients/p-000002`);
      assert.equal(other.status(), 403);
    } finally { await context.close(); }
  });

  test('a new-window launch tells the app to show its own banner', async () => {
    const { context, page, tokens } = await newPage();
    try {
      await signIn(page, 'dr.smith');
      await page.goto(`${ember.base}/ehr/patients/alice?view=window`);
      const [popup] = await Promise.all([
        context.waitForEvent('page'),
        page.getByRole('button', { name: 'Launch Sample App' }).click(),
      ]);
      const popupTokens = [];
      popup.on('response', async (r) => {
        if (r.url() === `${ember.base}/oauth/token` && r.request().method() === 'POST') {
          try { popupTokens.push(await r.json()); } catch { /* no body */ }
        }
      });
      await approveInFrame(popup);
      await popup.locator('body[data-state="ready"]').waitFor({ timeout: 30_000 });
      assert.equal(popupTokens.at(-1)?.need_patient_banner, true);
      assert.ok(await popup.locator('#patient-details').isVisible(), 'the app shows a banner');
      assert.equal(tokens.length, 0, 'the chart page itself made no token request');
    } finally { await context.close(); }
  });

  test('CI: the launcher starts an auto-approve app with no sign-in and no clicks', async () => {
    const { context, page, tokens } = await newPage();
    try {
      await page.goto(`${ember.base}/ehr/launcher/launch?client_id=ci-app&user=dr.smith&patient=alice`);
      await page.locator('#result:not(:empty)').waitFor({ timeout: 30_000 });
      const r = JSON.parse(await page.locator('#result').textContent());
      assert.equal(r.error, undefined, r.error);
      assert.equal(r.patientName, 'Alice Carter');
      assert.equal(r.token.patient, 'alice');
      assert.equal(tokens.at(-1)?.patient, 'alice');
    } finally { await context.close(); }
  });
});
