// SMART EHR launch over plain HTTP (conformance checklist §4 EHR-01..11): launch handles minted by
// the sandbox launcher's CI route, then the authorization pages driven by authorizeViaHttp.
// Covers the context in the token response, the single-use / client-bound / short-lived launch,
// the launch scope, auto-approve for CI and the failures an app developer can ask for.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmber } from './lib/server.js';
import { authorizeViaHttp, exchangeCode, refresh } from './lib/oauth.js';

const CB = 'http://127.0.0.1:1/ehr-cb';
const LAUNCH_URL = 'http://127.0.0.1:1/launch';
const ALLOWED = 'launch launch/patient launch/encounter openid fhirUser profile offline_access online_access patient/*.rs user/*.rs';
const APP = { id: 'ehr-app', name: 'EHR Test App', type: 'public', redirectUris: [CB], scope: ALLOWED, launchUrl: LAUNCH_URL };
const OTHER = { id: 'ehr-other', name: 'Other EHR App', type: 'public', redirectUris: [CB], scope: ALLOWED, launchUrl: LAUNCH_URL };
const AUTO = { id: 'ehr-auto', name: 'CI App', type: 'public', redirectUris: [CB], scope: ALLOWED, launchUrl: LAUNCH_URL, autoApprove: true };
const SCOPE = 'launch openid fhirUser patient/*.rs user/*.rs offline_access';

let ember;
let shortLived;

before(async () => {
  [ember, shortLived] = await Promise.all([
    startEmber({ clients: [APP, OTHER, AUTO] }),
    startEmber({ clients: [APP], args: ['--launch-ttl', '1'] }),
  ]);
});
after(async () => { await Promise.all([ember?.stop(), shortLived?.stop()]); });

// Mints an EHR launch through the sandbox launcher's CI route; returns the URL the app is opened
// with and its `iss` and `launch` parameters.
async function mintLaunch(params, server = ember) {
  const u = new URL(`${server.base}/ehr/launcher/launch`);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  const r = await fetch(u, { redirect: 'manual' });
  const body = await r.text();
  assert.equal(r.status, 303, `launcher: ${r.status} ${body.slice(0, 300)}`);
  const location = new URL(r.headers.get('location'));
  return { url: location, iss: location.searchParams.get('iss'), launch: location.searchParams.get('launch') };
}

const authorize = (launch, o = {}, server = ember) => authorizeViaHttp({
  base: server.base, clientId: APP.id, redirectUri: CB, scope: SCOPE, username: 'dr.smith',
  extra: { launch }, ...o,
});

async function tokenFor(a, server = ember, clientId = APP.id) {
  assert.equal(a.kind, 'redirect', `expected a redirect, got ${a.status} "${a.title}" (${a.steps?.join(', ')})`);
  assert.ok(a.code, `no code: ${a.location}`);
  const t = await exchangeCode({ base: server.base, code: a.code, redirectUri: CB, codeVerifier: a.pkce.verifier, clientId });
  return t;
}

function assertErrorRedirect(a, error, what) {
  assert.equal(a.kind, 'redirect', `${what}: expected a redirect, got ${a.status} "${a.title}"`);
  assert.equal(a.error, error, `${what}: ${a.location}`);
  assert.equal(a.code, undefined, `${what}: no code`);
}

let aliceEncounter;

describe('EHR launch', () => {
  test('discovery advertises EHR launch, banner and style context', async () => {
    const r = await fetch(`${ember.fhir}/.well-known/smart-configuration`);
    const caps = (await r.json()).capabilities;
    for (const c of ['launch-ehr', 'context-ehr-patient', 'context-ehr-encounter', 'context-banner', 'context-style']) {
      assert.ok(caps.includes(c), `capability ${c}`);
    }
  });

  test('EHR-01..06: the app is opened with iss and launch; the token carries patient, encounter, banner and style', async () => {
    const first = await mintLaunch({ client_id: APP.id, user: 'dr.smith', patient: 'alice' });
    assert.equal(first.url.origin + first.url.pathname, LAUNCH_URL);
    assert.equal(first.iss, `${ember.base}/fhir`, 'iss is exactly the FHIR base');
    assert.ok(first.launch && first.launch.length >= 32, 'opaque, unguessable launch');
    const t1 = await tokenFor(await authorize(first.launch));
    assert.equal(t1.status, 200, t1.text);
    assert.equal(t1.body.patient, 'alice');
    assert.equal(t1.body.need_patient_banner, false, 'embedded launch: the EHR shows the banner');
    assert.ok(t1.body.scope.split(' ').includes('launch'), t1.body.scope);
    const style = await fetch(t1.body.smart_style_url);
    assert.equal(style.status, 200);
    assert.ok((await style.json()).color_background, 'style JSON');

    // An encounter of Alice's, read with the token just issued.
    const enc = await fetch(`${ember.fhir}/Encounter?patient=alice&_count=1`, {
      headers: { authorization: `Bearer ${t1.body.access_token}`, accept: 'application/fhir+json' },
    });
    assert.equal(enc.status, 200);
    aliceEncounter = (await enc.json()).entry[0].resource.id;

    const second = await mintLaunch({ client_id: APP.id, user: 'dr.smith', patient: 'alice', encounter: aliceEncounter, embedded: '0',
      intent: 'reconcile-medications', fhir_context: JSON.stringify([{ reference: `Encounter/${aliceEncounter}` }]) });
    const t2 = await tokenFor(await authorize(second.launch));
    assert.equal(t2.status, 200, t2.text);
    assert.equal(t2.body.patient, 'alice');
    assert.equal(t2.body.encounter, aliceEncounter);
    assert.equal(t2.body.need_patient_banner, true, 'a launch in a new window: the app shows the banner');
    assert.equal(t2.body.intent, 'reconcile-medications');
    assert.deepEqual(t2.body.fhirContext, [{ reference: `Encounter/${aliceEncounter}` }]);
    const read = await fetch(`${ember.fhir}/Encounter/${aliceEncounter}`, {
      headers: { authorization: `Bearer ${t2.body.access_token}`, accept: 'application/fhir+json' },
    });
    assert.equal(read.status, 200, 'GET Encounter/<encounter> with the token');

    // The context survives a refresh.
    const r = await refresh({ base: ember.base, refreshToken: t2.body.refresh_token, clientId: APP.id });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.encounter, aliceEncounter);
    assert.equal(r.body.intent, 'reconcile-medications');
  });

  test('patient EHR launch: alice launches from her own chart', async () => {
    const l = await mintLaunch({ client_id: APP.id, user: 'alice', patient: 'alice' });
    const t = await tokenFor(await authorize(l.launch, { username: 'alice', scope: 'launch openid fhirUser patient/*.rs' }));
    assert.equal(t.status, 200, t.text);
    assert.equal(t.body.patient, 'alice');
    const id = JSON.parse(Buffer.from(t.body.id_token.split('.')[1], 'base64url'));
    assert.match(id.fhirUser, /\/Patient\/alice$/);
  });

  test('EHR-04: a reused launch is refused with invalid_request', async () => {
    const l = await mintLaunch({ client_id: APP.id, user: 'dr.smith', patient: 'alice' });
    const ok = await authorize(l.launch);
    assert.ok(ok.code, ok.location);
    assertErrorRedirect(await authorize(l.launch), 'invalid_request', 'reused launch');
  });

  test('EHR-04: a launch minted for another app is refused', async () => {
    const l = await mintLaunch({ client_id: OTHER.id, user: 'dr.smith', patient: 'alice' });
    assertErrorRedirect(await authorize(l.launch), 'invalid_request', 'foreign launch');
  });

  test('EHR-04: an unknown launch is refused', async () => {
    assertErrorRedirect(await authorize('not-a-launch-handle'), 'invalid_request', 'unknown launch');
  });

  test('EHR-04: an expired launch is refused', async () => {
    const l = await mintLaunch({ client_id: APP.id, user: 'dr.smith', patient: 'alice' }, shortLived);
    await new Promise((r) => setTimeout(r, 1500));
    assertErrorRedirect(await authorize(l.launch, {}, shortLived), 'invalid_request', 'expired launch');
  });

  test('a launch parameter without the launch scope is refused with invalid_scope', async () => {
    const l = await mintLaunch({ client_id: APP.id, user: 'dr.smith', patient: 'alice' });
    assertErrorRedirect(await authorize(l.launch, { scope: 'openid fhirUser patient/*.rs' }), 'invalid_scope', 'no launch scope');
  });

  test('a launch by one user cannot be completed by another', async () => {
    const l = await mintLaunch({ client_id: APP.id, user: 'dr.smith', patient: 'alice' });
    assertErrorRedirect(await authorize(l.launch, { username: 'dr.jones' }), 'access_denied', 'other user');
  });

  test('auto-approve (sandbox, for CI): no sign-in, no consent, a code straight away', async () => {
    const l = await mintLaunch({ client_id: AUTO.id, user: 'dr.smith', patient: 'alice' });
    const a = await authorizeViaHttp({ base: ember.base, clientId: AUTO.id, redirectUri: CB, scope: SCOPE, extra: { launch: l.launch } });
    const t = await tokenFor(a, ember, AUTO.id);
    assert.equal(t.status, 200, t.text);
    assert.equal(t.body.patient, 'alice');
    assert.ok(!a.steps.some((s) => /login|consent/.test(s)), a.steps.join(', '));
  });

  test('simulated failures: token request, FHIR 401, no patient', async () => {
    const failing = await mintLaunch({ client_id: AUTO.id, user: 'dr.smith', patient: 'alice', simulate: 'token_invalid_client' });
    const a1 = await authorizeViaHttp({ base: ember.base, clientId: AUTO.id, redirectUri: CB, scope: SCOPE, extra: { launch: failing.launch } });
    const t1 = await tokenFor(a1, ember, AUTO.id);
    assert.equal(t1.status, 401, t1.text);
    assert.equal(t1.body.error, 'invalid_client');

    const refused = await mintLaunch({ client_id: AUTO.id, user: 'dr.smith', patient: 'alice', simulate: 'fhir_401' });
    const a2 = await authorizeViaHttp({ base: ember.base, clientId: AUTO.id, redirectUri: CB, scope: SCOPE, extra: { launch: refused.launch } });
    const t2 = await tokenFor(a2, ember, AUTO.id);
    assert.equal(t2.status, 200, t2.text);
    const read = await fetch(`${ember.fhir}/Patient/alice`, { headers: { authorization: `Bearer ${t2.body.access_token}` } });
    assert.equal(read.status, 401, 'the FHIR API refuses the token');

    const noPatient = await mintLaunch({ client_id: AUTO.id, user: 'dr.smith', patient: 'alice', simulate: 'no_patient' });
    const a3 = await authorizeViaHttp({ base: ember.base, clientId: AUTO.id, redirectUri: CB, scope: SCOPE, extra: { launch: noPatient.launch } });
    const t3 = await tokenFor(a3, ember, AUTO.id);
    assert.equal(t3.status, 200, t3.text);
    assert.equal(t3.body.patient, undefined, 'no patient in context');
  });

  test('EHR-11: the launcher hands out deliberately broken launches on request', async () => {
    for (const [flag, error] of [['launch_unknown', 'invalid_request'], ['launch_used', 'invalid_request'],
      ['launch_expired', 'invalid_request']]) {
      const l = await mintLaunch({ client_id: APP.id, user: 'dr.smith', patient: 'alice', simulate: flag });
      assert.equal(l.iss, `${ember.base}/fhir`);
      assertErrorRedirect(await authorize(l.launch), error, flag);
    }
    const wrongIss = await mintLaunch({ client_id: APP.id, user: 'dr.smith', patient: 'alice', simulate: 'wrong_iss' });
    assert.notEqual(wrongIss.iss, `${ember.fhir}`, 'iss is not the FHIR base');
    // An app that trusted the wrong iss would send it as aud: refused.
    const a = await authorize(wrongIss.launch, { aud: wrongIss.iss });
    assert.equal(a.code, undefined, `no code for a foreign aud (${a.location ?? a.title})`);
    const r = await fetch(`${ember.base}/ehr/launcher/launch?client_id=${APP.id}&user=dr.smith&simulate=bogus`, { redirect: 'manual' });
    assert.equal(r.status, 400);
  });

  test('apps from an --apps file are registered at start and launchable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ember-apps-'));
    const file = join(dir, 'apps.json');
    writeFileSync(file, JSON.stringify({ apps: [{
      client_id: 'file-app', client_name: 'File App', launch_uri: LAUNCH_URL, redirect_uris: [CB],
      token_endpoint_auth_method: 'none', scope: ALLOWED, auto_approve: true,
    }] }));
    const server = await startEmber({ args: ['--apps', file] });
    try {
      const l = await mintLaunch({ client_id: 'file-app', user: 'dr.smith', patient: 'alice' }, server);
      const a = await authorizeViaHttp({ base: server.base, clientId: 'file-app', redirectUri: CB, scope: SCOPE, extra: { launch: l.launch } });
      const t = await tokenFor(a, server, 'file-app');
      assert.equal(t.status, 200, t.text);
      assert.equal(t.body.patient, 'alice');
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
