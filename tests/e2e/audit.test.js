// The audit trail (issue 9, "Audit trail"): FHIR AuditEvents following the IHE Basic Audit Log
// Patterns for sign-in (failed, then successful) and sign-out, the authorization decision, token
// issue / refresh / revocation, dynamic registration, and FHIR reads and searches of a patient's
// data; queryable by a practitioner whose token grants user/AuditEvent.rs (by patient, type,
// subtype and date), invisible to tokens without that scope, read-only through the API, and free
// of every secret the flows exchanged. Writes are asynchronous: the queries poll (bounded).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEmber, getJson } from './lib/server.js';
import {
  authorizeViaHttp, exchangeCode, refresh, revoke, CookieJar, parseForms,
} from './lib/oauth.js';

const REDIRECT = 'http://localhost:7171/cb';
const PATIENT_APP = 'audit-patient-app';
const AUDITOR_APP = 'audit-auditor-app';
const WRONG_PASSWORD = 'Wr0ng-Pa55-7f3c9e';
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';

let ember;
const secrets = [];  // every secret string the flows below handle; none may reach an AuditEvent
const facts = {};

before(async () => {
  ember = await startEmber({
    patients: 3,
    args: ['--audit', 'all'],
    clients: [
      { id: PATIENT_APP, type: 'public', redirectUris: [REDIRECT],
        scope: 'launch/patient openid fhirUser offline_access patient/*.rs user/*.rs' },
      { id: AUDITOR_APP, type: 'public', redirectUris: [REDIRECT],
        scope: 'openid fhirUser user/AuditEvent.rs user/*.cruds' },
    ],
  });
});

after(async () => { await ember?.stop(); });

const bearer = (token) => ({ headers: { authorization: `Bearer ${token}` } });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls `url` with the auditor's token until `ok(bundle)` holds (at most ~10 s).
async function pollBundle(url, ok) {
  let last;
  for (let i = 0; i < 100; i += 1) {
    last = await getJson(url, bearer(facts.auditorToken));
    assert.equal(last.status, 200, last.text);
    if (ok(last.body)) return last.body;
    await sleep(100);
  }
  assert.fail(`condition not met for ${url}: ${last.text.slice(0, 2000)}`);
}

const events = (bundle) => (bundle.entry || []).map((e) => e.resource);
const subtypes = (ae) => (ae.subtype || []).map((c) => c.code);
const hasSubtype = (code) => (ae) => subtypes(ae).includes(code);
const agentIds = (ae) => (ae.agent || []).map((a) => a.who?.identifier?.value).filter(Boolean);

test('the flows: failed and successful sign-in, consent, token, read, search, refresh, revoke, registration, portal', async () => {
  // Sign-in with a wrong password: the authorization page answers 401.
  const failed = await authorizeViaHttp({
    base: ember.base, clientId: PATIENT_APP, redirectUri: REDIRECT, username: 'alice',
    password: WRONG_PASSWORD, scope: 'launch/patient openid fhirUser offline_access patient/*.rs',
  });
  assert.equal(failed.kind, 'page');
  assert.equal(failed.status, 401);
  secrets.push(WRONG_PASSWORD);

  // Then the right one: consent, code, tokens (a patient-scoped token for alice).
  const auth = await authorizeViaHttp({
    base: ember.base, clientId: PATIENT_APP, redirectUri: REDIRECT, username: 'alice',
    scope: 'launch/patient openid fhirUser offline_access patient/*.rs',
  });
  assert.equal(auth.kind, 'redirect', JSON.stringify(auth.steps));
  assert.ok(auth.code);
  const tok = await exchangeCode({
    base: ember.base, code: auth.code, redirectUri: REDIRECT, codeVerifier: auth.pkce.verifier,
    clientId: PATIENT_APP,
  });
  assert.equal(tok.status, 200, tok.text);
  assert.equal(tok.body.patient, 'alice');
  secrets.push(auth.code, auth.pkce.verifier, tok.body.access_token, tok.body.refresh_token, tok.body.id_token);
  facts.patientToken = tok.body.access_token;

  // FHIR data access by patient.
  const read = await getJson(`${ember.fhir}/Patient/alice`, bearer(facts.patientToken));
  assert.equal(read.status, 200, read.text);
  const search = await getJson(`${ember.fhir}/Observation?patient=alice&_count=5`, bearer(facts.patientToken));
  assert.equal(search.status, 200, search.text);

  // Refresh, then revoke the new refresh token (its whole grant).
  const refreshed = await refresh({ base: ember.base, refreshToken: tok.body.refresh_token, clientId: PATIENT_APP });
  assert.equal(refreshed.status, 200, refreshed.text);
  secrets.push(refreshed.body.access_token, refreshed.body.refresh_token);
  const revoked = await revoke(ember.base, refreshed.body.refresh_token, { clientId: PATIENT_APP }, { token_type_hint: 'refresh_token' });
  assert.equal(revoked.status, 200, revoked.text);

  // Dynamic registration of a confidential client (its secret and registration token are secrets).
  const reg = await fetch(`${ember.base}/oauth/register`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'Audit Test App', redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'client_secret_basic', scope: 'openid patient/*.rs' }),
  });
  const regBody = await reg.json();
  assert.equal(reg.status, 201, JSON.stringify(regBody));
  facts.registeredClient = regBody.client_id;
  secrets.push(regBody.client_secret, regBody.registration_access_token);

  // EHR portal: sign in as dr.smith, then sign out.
  const jar = new CookieJar();
  const loginUrl = `${ember.base}/ehr/login`;
  const page = await fetch(loginUrl, { headers: { accept: 'text/html' } });
  jar.store(loginUrl, page.headers);
  const form = parseForms(await page.text()).find((f) => f.action.endsWith('/ehr/login'));
  assert.ok(form, 'portal sign-in form');
  const body = new URLSearchParams();
  for (const i of form.inputs) if (i.type === 'hidden' && i.name) body.append(i.name, i.value ?? '');
  body.append('username', 'dr.smith');
  body.append('password', 'demo');
  const signIn = await fetch(loginUrl, { method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header(loginUrl) }, body });
  assert.equal(signIn.status, 303);
  jar.store(loginUrl, signIn.headers);
  const patientsUrl = `${ember.base}/ehr/patients`;
  const list = await fetch(patientsUrl, { headers: { accept: 'text/html', cookie: jar.header(patientsUrl) } });
  assert.equal(list.status, 200);
  const out = parseForms(await list.text()).find((f) => f.action.endsWith('/ehr/logout'));
  assert.ok(out, 'sign-out form');
  const outBody = new URLSearchParams();
  for (const i of out.inputs) if (i.type === 'hidden' && i.name) outBody.append(i.name, i.value ?? '');
  const logoutUrl = `${ember.base}/ehr/logout`;
  const signOut = await fetch(logoutUrl, { method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header(logoutUrl) }, body: outBody });
  assert.equal(signOut.status, 303);

  // The auditor: dr.smith with user/AuditEvent.rs (and full write scopes, for the read-only check).
  const aud = await authorizeViaHttp({
    base: ember.base, clientId: AUDITOR_APP, redirectUri: REDIRECT, username: 'dr.smith', approve: 'all',
    scope: 'openid fhirUser user/AuditEvent.rs user/*.cruds',
  });
  assert.equal(aud.kind, 'redirect', JSON.stringify(aud.steps));
  const audTok = await exchangeCode({
    base: ember.base, code: aud.code, redirectUri: REDIRECT, codeVerifier: aud.pkce.verifier, clientId: AUDITOR_APP,
  });
  assert.equal(audTok.status, 200, audTok.text);
  assert.match(audTok.body.scope, /user\/AuditEvent\.rs/);
  facts.auditorToken = audTok.body.access_token;
  secrets.push(aud.code, aud.pkce.verifier, audTok.body.access_token, audTok.body.id_token);
});

test("a practitioner with user/AuditEvent.rs finds alice's events by patient", async () => {
  const bundle = await pollBundle(`${ember.fhir}/AuditEvent?patient=alice&_count=200`, (b) => {
    const all = events(b);
    return all.some(hasSubtype('read')) && all.some(hasSubtype('search-type')) &&
      all.some(hasSubtype('refresh_token')) && all.some(hasSubtype('AuthZ-Consent'));
  });
  const all = events(bundle);
  const read = all.find(hasSubtype('read'));
  assert.equal(read.type.code, 'rest');
  assert.equal(read.outcome, '0');
  assert.equal(read.action, 'R');
  assert.ok(read.entity.some((e) => e.what?.reference === 'Patient/alice' && e.role?.code === '1'));
  assert.ok(agentIds(read).includes(PATIENT_APP));
  assert.ok(agentIds(read).includes('alice'));
  const search = all.find(hasSubtype('search-type'));
  const q = search.entity.find((e) => e.role?.code === '24');
  assert.ok(q, 'query entity');
  assert.match(Buffer.from(q.query, 'base64').toString('utf8'), /^Observation\?patient=alice/);
  const issue = all.find(hasSubtype('authorization_code'));
  assert.ok(issue, 'token issue event');
  assert.equal(issue.type.code, '110114');
  assert.ok(subtypes(issue).includes('ITI-71'));
  const consent = all.find(hasSubtype('AuthZ-Consent'));
  assert.equal(consent.type.code, '110113');
  assert.equal(consent.outcome, '0');
  // alice's own successful sign-in names her as agent (Patient/alice).
  assert.ok(all.some((ae) => hasSubtype('110122')(ae) && ae.outcome === '0'));
});

test('by type and subtype: sign-in failure and success, sign-out, revocation, registration', async () => {
  const auth = await pollBundle(`${ember.fhir}/AuditEvent?type=${encodeURIComponent(`${DCM}|110114`)}&_count=200`, (b) => {
    const all = events(b);
    return all.some(hasSubtype('110123')) && all.some(hasSubtype('token-revoke')) &&
      all.some((ae) => hasSubtype('110122')(ae) && ae.outcome === '4');
  });
  const all = events(auth);
  assert.ok(all.every((ae) => ae.type.system === DCM && ae.type.code === '110114'));
  const failedLogin = all.find((ae) => hasSubtype('110122')(ae) && ae.outcome === '4');
  assert.ok(agentIds(failedLogin).includes('alice'));
  assert.match(failedLogin.outcomeDesc, /wrong username or password/);
  assert.ok(failedLogin.agent.some((a) => a.network?.address === '127.0.0.1'));
  assert.ok(all.some((ae) => hasSubtype('110122')(ae) && ae.outcome === '0' && agentIds(ae).includes('alice')));
  const portalLogin = all.find((ae) => hasSubtype('110122')(ae) && agentIds(ae).includes('dr.smith'));
  assert.ok(portalLogin, 'portal sign-in');
  const logout = all.find(hasSubtype('110123'));
  assert.ok(agentIds(logout).includes('dr.smith'));
  const rev = all.find(hasSubtype('token-revoke'));
  assert.equal(rev.outcome, '0');
  assert.ok(agentIds(rev).includes(PATIENT_APP));

  const reg = await pollBundle(`${ember.fhir}/AuditEvent?subtype=client-register`, (b) => events(b).length > 0);
  const r = events(reg)[0];
  assert.equal(r.type.code, '110113');
  assert.ok(subtypes(r).includes('110129'));
  assert.ok(JSON.stringify(r).includes(facts.registeredClient));

  // date: today's events.
  const today = new Date().toISOString().slice(0, 10);
  const dated = await getJson(`${ember.fhir}/AuditEvent?date=ge${today}&_count=1&_total=accurate`, bearer(facts.auditorToken));
  assert.equal(dated.status, 200, dated.text);
  assert.ok(dated.body.total > 10, dated.text.slice(0, 500));
});

test('no secret reaches an AuditEvent', async () => {
  const bundle = await getJson(`${ember.fhir}/AuditEvent?_count=1000`, bearer(facts.auditorToken));
  assert.equal(bundle.status, 200);
  assert.ok(events(bundle.body).length > 10);
  const text = bundle.text;
  for (const s of secrets) {
    assert.ok(s && s.length >= 8, 'a real secret was captured');
    assert.ok(!text.includes(s), `a secret leaked into the audit trail: ${s.slice(0, 12)}…`);
  }
  assert.ok(!text.includes('"demo"'));
});

test('AuditEvent needs its own scope: a patient-scoped token and a user/*.rs token get 403', async () => {
  // (The first patient token's grant was revoked above: fresh ones.)
  const token = async (username, scope) => {
    const a = await authorizeViaHttp({ base: ember.base, clientId: PATIENT_APP, redirectUri: REDIRECT, username, scope });
    assert.equal(a.kind, 'redirect', JSON.stringify(a.steps));
    const t = await exchangeCode({ base: ember.base, code: a.code, redirectUri: REDIRECT, codeVerifier: a.pkce.verifier, clientId: PATIENT_APP });
    assert.equal(t.status, 200, t.text);
    return t.body.access_token;
  };
  const patient = await token('alice', 'launch/patient patient/*.rs');
  const r = await getJson(`${ember.fhir}/AuditEvent?patient=alice`, bearer(patient));
  assert.equal(r.status, 403, r.text);
  assert.equal(r.body.resourceType, 'OperationOutcome');
  assert.equal((await getJson(`${ember.fhir}/AuditEvent/x`, bearer(patient))).status, 403);
  assert.equal((await getJson(`${ember.fhir}/Patient/alice`, bearer(patient))).status, 200);

  const practitioner = await token('dr.smith', 'openid fhirUser user/*.rs');
  assert.equal((await getJson(`${ember.fhir}/AuditEvent?patient=alice`, bearer(practitioner))).status, 403);
  assert.equal((await getJson(`${ember.fhir}/Patient?_count=1`, bearer(practitioner))).status, 200);
  // Nor through system history.
  const hist = await getJson(`${ember.fhir}/_history?_count=200`, bearer(practitioner));
  assert.equal(hist.status, 200, hist.text);
  assert.ok(!(hist.body.entry || []).some((e) => e.resource?.resourceType === 'AuditEvent'));
});

test('the audit trail is read-only through the API, whatever the token grants', async () => {
  const post = await fetch(`${ember.fhir}/AuditEvent`, {
    method: 'POST',
    headers: { authorization: `Bearer ${facts.auditorToken}`, 'content-type': 'application/fhir+json', accept: 'application/fhir+json' },
    body: JSON.stringify({ resourceType: 'AuditEvent', type: { code: 'rest' }, recorded: '2024-01-01T00:00:00Z',
      agent: [{ requestor: true }], source: { observer: { display: 'x' } } }),
  });
  assert.equal(post.status, 405);
  assert.match(post.headers.get('allow') || '', /GET/);
  assert.equal((await post.json()).resourceType, 'OperationOutcome');

  const any = await getJson(`${ember.fhir}/AuditEvent?_count=1`, bearer(facts.auditorToken));
  const id = any.body.entry[0].resource.id;
  for (const method of ['PUT', 'DELETE', 'PATCH']) {
    const r = await fetch(`${ember.fhir}/AuditEvent/${id}`, {
      method, headers: { authorization: `Bearer ${facts.auditorToken}`, 'content-type': 'application/fhir+json' },
      body: method === 'DELETE' ? undefined : JSON.stringify({ resourceType: 'AuditEvent', id }),
    });
    assert.equal(r.status, 405, `${method}: ${await r.text()}`);
  }
  // Not through a batch either.
  const batch = await getJson(`${ember.fhir}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${facts.auditorToken}`, 'content-type': 'application/fhir+json' },
    body: JSON.stringify({ resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'DELETE', url: `AuditEvent/${id}` } }] }),
  });
  assert.equal(batch.status, 200, batch.text);
  assert.match(batch.body.entry[0].response.status, /^405/);
  const still = await getJson(`${ember.fhir}/AuditEvent/${id}`, bearer(facts.auditorToken));
  assert.equal(still.status, 200);
});
