// Proxy mode (`ember serve --upstream-fhir URL`) over the wire: a front Ember with no data of its
// own is the authorization server and the FHIR endpoint; a second Ember in open mode (no tokens,
// loopback only) is the upstream holding the sample data. Tokens come from the real authorization
// flow at the front; every FHIR answer must come from the upstream, enforced by the front.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startEmber, getJson } from './lib/server.js';
import { authorizeAndExchange } from './lib/oauth.js';

const CB = 'http://127.0.0.1:1/cb';
const APP = {
  id: 'proxy-app', name: 'Proxy Test App', type: 'public', redirectUris: [CB],
  scope: 'openid fhirUser launch/patient offline_access patient/*.cruds',
};
const LAB = 'patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory';
const isLab = (o) => o.category?.some((c) => c.coding?.some((cd) => cd.code === 'laboratory'));

let upstream;
let front;
let full; // alice: Patient.rs + Observation.crs
let labOnly; // alice: Observation.rs for laboratory only

const grant = async (scope, approve = 'default') => {
  const { token } = await authorizeAndExchange({
    base: front.base, clientId: APP.id, redirectUri: CB, scope, username: 'alice', approve,
  });
  assert.equal(token.status, 200, token.text);
  return token.body.access_token;
};
const fhir = (path, token, init = {}) => getJson(`${front.fhir}/${path}`, {
  ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers || {}) },
});
const up = (path) => getJson(`${upstream.fhir}/${path}`);
const upCount = async (query) => (await up(`${query}${query.includes('?') ? '&' : '?'}_summary=count`)).body.total;
const firstId = async (query) => (await up(`${query}&_count=1`)).body.entry[0].resource.id;

before(async () => {
  upstream = await startEmber({ args: ['--fhir-auth', 'open'] });
  front = await startEmber({
    args: ['--upstream-fhir', upstream.fhir, '--upstream-timeout', '2', '--no-seed-on-empty'],
    clients: [APP],
  });
  full = await grant('launch/patient openid fhirUser patient/Patient.rs patient/Observation.crs');
  labOnly = await grant('launch/patient patient/Observation.rs', ['launch/patient', LAB]);
});
after(async () => {
  await front?.stop();
  await upstream?.stop();
});

describe('proxy mode', () => {
  test('reads inside the compartment come from the upstream', async () => {
    const r = await fhir('Patient/alice', full);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.resourceType, 'Patient');
    assert.equal(r.body.id, 'alice');
    assert.match(r.headers.get('content-type'), /^application\/fhir\+json/);
    assert.ok(r.headers.get('etag'), 'ETag passed through');
    const oid = await firstId('Observation?subject=Patient/alice');
    const o = await fhir(`Observation/${oid}`, full);
    assert.equal(o.status, 200, o.text);
    assert.equal(o.body.subject.reference, 'Patient/alice');
  });

  test('no token → 401; another patient\'s resources → 403 OperationOutcome', async () => {
    const anon = await fhir('Patient/alice');
    assert.equal(anon.status, 401);
    assert.equal(anon.body.resourceType, 'OperationOutcome');
    const other = await firstId('Observation?subject=Patient/p-000002');
    for (const path of ['Patient/p-000002', `Observation/${other}`]) {
      const r = await fhir(path, full);
      assert.equal(r.status, 403, `${path}: ${r.text}`);
      assert.equal(r.body.resourceType, 'OperationOutcome', path);
    }
    const named = await fhir('Observation?patient=p-000002', full);
    assert.equal(named.status, 403, named.text);
  });

  test('searches are narrowed to the patient; links and fullUrl point at the front', async () => {
    const r = await fhir('Observation?_count=5', full);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.resourceType, 'Bundle');
    assert.ok(r.body.entry.length > 0);
    for (const e of r.body.entry) {
      assert.equal(e.resource.subject.reference, 'Patient/alice');
      assert.ok(e.fullUrl.startsWith(`${front.fhir}/Observation/`), e.fullUrl);
    }
    // The total is alice's, counted upstream.
    assert.equal(r.body.total, await upCount('Observation?subject=Patient/alice'));
    assert.ok(r.body.total < await upCount('Observation'), 'narrower than everyone\'s');
    const next = r.body.link.find((l) => l.relation === 'next');
    assert.ok(next, JSON.stringify(r.body.link));
    for (const l of r.body.link) {
      assert.ok(l.url.startsWith(`${front.fhir}/`), l.url);
      assert.ok(!l.url.includes(upstream.fhir), l.url);
      assert.ok(!/subject/.test(l.url), `the criterion Ember added upstream is not in ${l.url}`);
    }
    // The next page goes through the front again and is enforced again.
    const page2 = await getJson(next.url, { headers: { authorization: `Bearer ${full}` } });
    assert.equal(page2.status, 200, page2.text);
    for (const e of page2.body.entry) assert.equal(e.resource.subject.reference, 'Patient/alice');
    const ids1 = new Set(r.body.entry.map((e) => e.resource.id));
    assert.ok(page2.body.entry.every((e) => !ids1.has(e.resource.id)), 'a different page');
    // POST _search is narrowed as well.
    const post = await fhir('Observation/_search', full, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '_count=50',
    });
    assert.equal(post.status, 200, post.text);
    for (const e of post.body.entry) assert.equal(e.resource.subject.reference, 'Patient/alice');
  });

  test('granular scope: only laboratory Observations, vital signs refused', async () => {
    const r = await fhir('Observation?_count=100', labOnly);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.entry.length > 0);
    for (const e of r.body.entry) {
      assert.ok(isLab(e.resource), `Observation/${e.resource.id} is a lab`);
      assert.equal(e.resource.subject.reference, 'Patient/alice');
    }
    const vitals = await fhir('Observation?category=vital-signs', labOnly);
    assert.equal(vitals.status, 200);
    assert.equal((vitals.body.entry || []).length, 0, 'no vital signs');
    const vid = await firstId('Observation?subject=Patient/alice&category=vital-signs');
    const read = await fhir(`Observation/${vid}`, labOnly);
    assert.equal(read.status, 403, read.text);
    assert.equal(read.body.resourceType, 'OperationOutcome');
  });

  test('a type not in the scopes → 403', async () => {
    const r = await fhir('Condition?patient=alice', labOnly);
    assert.equal(r.status, 403, r.text);
    assert.equal(r.body.resourceType, 'OperationOutcome');
    const p = await fhir('Patient/alice', labOnly);
    assert.equal(p.status, 403, p.text);
  });

  test('create inside the compartment lands upstream; outside is refused', async () => {
    const marker = `proxy-e2e-${Date.now()}`;
    // Written by hand: JSON.stringify would turn 1.50 into 1.5.
    const obs = (patient) => `{"resourceType":"Observation","status":"final","code":{"text":"${marker}"},`
      + `"subject":{"reference":"Patient/${patient}"},"valueQuantity":{"value":1.50,"unit":"mg"}}`;
    const headers = { 'content-type': 'application/fhir+json' };
    const before = await upCount('Observation');
    const out = await fhir('Observation', full, { method: 'POST', headers, body: obs('p-000002') });
    assert.equal(out.status, 403, out.text);
    assert.equal(await upCount('Observation'), before, 'nothing written upstream');
    const ok = await fhir('Observation', full, { method: 'POST', headers, body: obs('alice') });
    assert.equal(ok.status, 201, ok.text);
    const loc = ok.headers.get('location');
    assert.ok(loc.startsWith(`${front.fhir}/Observation/`), loc);
    assert.match(ok.text, /"value":1\.50/, 'decimals kept');
    const id = ok.body.id;
    const there = await up(`Observation/${id}`);
    assert.equal(there.status, 200, 'landed upstream');
    assert.equal(there.body.code.text, marker);
    // The read-only granular token cannot write.
    const ro = await fhir('Observation', labOnly, { method: 'POST', headers, body: obs('alice') });
    assert.equal(ro.status, 403);
  });

  test('metadata is served through the front with its SMART security; discovery stays the front\'s', async () => {
    const m = await fhir('metadata');
    assert.equal(m.status, 200, m.text);
    assert.equal(m.body.resourceType, 'CapabilityStatement');
    assert.equal(m.body.implementation.url, front.fhir);
    const ext = m.body.rest[0].security.extension[0].extension;
    assert.equal(ext.find((e) => e.url === 'authorize').valueUri, `${front.base}/oauth/authorize`);
    assert.ok(!m.text.includes(upstream.fhir), 'no upstream URL left');
    const wk = await getJson(`${front.fhir}/.well-known/smart-configuration`);
    assert.equal(wk.status, 200);
    assert.equal(wk.body.token_endpoint, `${front.base}/oauth/token`);
  });
});

describe('a failing upstream', () => {
  test('an upstream that accepts connections but never answers → 504 OperationOutcome within the timeout', async () => {
    const sockets = new Set();
    const silent = net.createServer((s) => { sockets.add(s); s.on('error', () => {}); });
    await new Promise((res) => silent.listen(0, '127.0.0.1', res));
    const hanging = await startEmber({
      args: ['--upstream-fhir', `http://127.0.0.1:${silent.address().port}/fhir`, '--upstream-timeout', '2',
        '--fhir-auth', 'open', '--no-seed-on-empty'],
    });
    try {
      const t0 = Date.now();
      const r = await getJson(`${hanging.fhir}/Patient/alice`, { signal: AbortSignal.timeout(15_000) });
      const ms = Date.now() - t0;
      assert.equal(r.status, 504, r.text);
      assert.equal(r.body.resourceType, 'OperationOutcome');
      assert.equal(r.body.issue[0].code, 'timeout');
      assert.ok(ms >= 1500 && ms < 6000, `answered after ${ms} ms`);
    } finally {
      await hanging.stop();
      for (const s of sockets) s.destroy();
      await new Promise((res) => silent.close(res));
    }
  });

  test('upstream stopped → 502 OperationOutcome, never HTML', async () => {
    await upstream.stop();
    const t0 = Date.now();
    const r = await fhir('Patient/alice', full);
    assert.equal(r.status, 502, r.text);
    assert.match(r.headers.get('content-type'), /^application\/fhir\+json/);
    assert.equal(r.body.resourceType, 'OperationOutcome');
    assert.ok(Date.now() - t0 < 2000, 'a refused connection fails at once');
  });
});
