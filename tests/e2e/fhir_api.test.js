// The FHIR R4 REST API over real HTTP on loopback, driven by a real FHIR client from npm
// (fhir-kit-client) and by plain fetch for the wire details.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'fhir-kit-client';
import { startEmber, getJson } from './lib/server.js';

let ember;
let client;

before(async () => {
  // These tests exercise the FHIR API itself; tests/e2e/smart_*.test.js cover the tokens.
  ember = await startEmber({ args: ['--fhir-auth', 'open'] });
  client = new Client({ baseUrl: ember.fhir });
});
after(async () => { await ember?.stop(); });

test('sample data: Alice with encounters, labs, vitals, conditions, medications, allergies, immunizations', async () => {
  const alice = await client.read({ resourceType: 'Patient', id: 'alice' });
  assert.equal(alice.name[0].given[0], 'Alice');
  for (const [type, extra] of [
    ['Encounter', {}], ['Observation', { category: 'laboratory' }], ['Observation', { category: 'vital-signs' }],
    ['Condition', {}], ['MedicationRequest', {}], ['AllergyIntolerance', {}], ['Immunization', {}],
  ]) {
    const b = await client.search({ resourceType: type, searchParams: { patient: 'alice', ...extra } });
    assert.ok(b.total >= 1, `${type} ${JSON.stringify(extra)} for alice`);
    if (type === 'Encounter') assert.ok(b.total >= 2);
  }
  const pats = await client.search({ resourceType: 'Patient', searchParams: { _summary: 'count' } });
  assert.ok(pats.total >= 20 && pats.total <= 30, `about 25 patients, got ${pats.total}`);
  const drSmith = await client.read({ resourceType: 'Practitioner', id: 'dr-smith' });
  assert.equal(drSmith.resourceType, 'Practitioner');
});

test('lab search is filtered by patient and category inside the query', async () => {
  const r = await getJson(`${ember.fhir}/Observation?patient=alice&category=laboratory&_count=5`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/fhir+json; charset=utf-8');
  assert.equal(r.body.resourceType, 'Bundle');
  assert.equal(r.body.type, 'searchset');
  assert.ok(r.body.entry.length <= 5);
  for (const e of r.body.entry) {
    assert.equal(e.resource.subject.reference, 'Patient/alice');
    assert.ok(e.resource.category.some((c) => c.coding.some((cd) => cd.code === 'laboratory')));
    assert.equal(e.fullUrl, `${ember.fhir}/Observation/${e.resource.id}`);
  }
  const self = r.body.link.find((l) => l.relation === 'self');
  assert.ok(self.url.startsWith(`${ember.fhir}/Observation?`));
});

test('CRUD with fhir-kit-client, decimals kept exactly', async () => {
  const created = await client.create({
    resourceType: 'Observation',
    body: {
      resourceType: 'Observation', status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '2160-0' }] },
      subject: { reference: 'Patient/alice' },
    },
  });
  assert.ok(created.id);
  assert.equal(created.meta.versionId, '1');
  // Decimal precision over the wire: send 1.50 as raw text, read 1.50 back as raw text.
  const raw = `{"resourceType":"Observation","id":"${created.id}","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2160-0"}]},"subject":{"reference":"Patient/alice"},"valueQuantity":{"value":1.50,"unit":"mg/dL"}}`;
  const put = await fetch(`${ember.fhir}/Observation/${created.id}`, {
    method: 'PUT', body: raw, headers: { 'content-type': 'application/fhir+json', 'if-match': 'W/"1"' },
  });
  assert.equal(put.status, 200);
  assert.equal(put.headers.get('etag'), 'W/"2"');
  const text = await (await fetch(`${ember.fhir}/Observation/${created.id}`)).text();
  assert.match(text, /"value":1\.50/);
  const found = await client.search({ resourceType: 'Observation', searchParams: { 'value-quantity': 'ge1.5', _id: created.id } });
  assert.equal(found.total, 1);
  await client.delete({ resourceType: 'Observation', id: created.id });
  const gone = await getJson(`${ember.fhir}/Observation/${created.id}`);
  assert.equal(gone.status, 410);
  assert.equal(gone.body.resourceType, 'OperationOutcome');
});

test('search paging with fhir-kit-client follows next links to the end', async () => {
  const first = await client.search({ resourceType: 'Patient', searchParams: { _count: 7, _sort: 'family' } });
  const ids = new Set(first.entry.map((e) => e.resource.id));
  let page = first;
  let pages = 1;
  while (client.nextPage && page.link?.some((l) => l.relation === 'next') && pages < 20) {
    page = await client.nextPage({ bundle: page });
    page.entry.forEach((e) => ids.add(e.resource.id));
    pages += 1;
  }
  assert.equal(ids.size, first.total);
  assert.ok(pages >= 3);
});

test('transaction with fhir-kit-client: references resolved, atomic on failure', async () => {
  const ok = await client.transaction({
    body: {
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:0b7c1c6e-8f11-4bd6-9b38-21c1a0c1c001', resource: { resourceType: 'Patient', name: [{ family: 'Transact' }] }, request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Condition', subject: { reference: 'urn:uuid:0b7c1c6e-8f11-4bd6-9b38-21c1a0c1c001' }, code: { text: 'test' } }, request: { method: 'POST', url: 'Condition' } },
      ],
    },
  });
  assert.equal(ok.type, 'transaction-response');
  const pid = ok.entry[0].resource.id;
  assert.equal(ok.entry[1].resource.subject.reference, `Patient/${pid}`);

  const bad = await getJson(ember.fhir, {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json' },
    body: JSON.stringify({
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { resource: { resourceType: 'Patient', name: [{ family: 'NeverWritten' }] }, request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Patient', id: 'nope', name: [] }, request: { method: 'PUT', url: 'Patient/nope' } },
      ],
    }),
  });
  assert.ok(bad.status >= 400);
  assert.equal(bad.body.resourceType, 'OperationOutcome');
  const none = await client.search({ resourceType: 'Patient', searchParams: { family: 'NeverWritten' } });
  assert.equal(none.total, 0);
});

test('errors are OperationOutcomes with the right status', async () => {
  const cases = [
    [`${ember.fhir}/Patient/does-not-exist`, {}, 404],
    [`${ember.fhir}/NotAType`, {}, 404],
    [`${ember.fhir}/Patient?_format=xml`, {}, 406],
    [`${ember.fhir}/Patient`, { headers: { accept: 'application/fhir+xml' } }, 406],
    [`${ember.fhir}/Patient`, { method: 'POST', body: '<Patient/>', headers: { 'content-type': 'application/fhir+xml' } }, 415],
    [`${ember.fhir}/Patient`, { method: 'POST', body: '{not json', headers: { 'content-type': 'application/fhir+json' } }, 400],
    [`${ember.fhir}/Patient`, { method: 'POST', body: '{"resourceType":"Unicorn"}', headers: { 'content-type': 'application/fhir+json' } }, 400],
    [`${ember.fhir}/Patient/alice`, { method: 'PUT', body: '{"resourceType":"Patient","id":"bob"}', headers: { 'content-type': 'application/fhir+json' } }, 400],
    [`${ember.fhir}/Patient?birthdate=gt2020-13-45`, {}, 400],
  ];
  for (const [url, init, status] of cases) {
    const r = await fetch(url, init);
    assert.equal(r.status, status, `${init.method || 'GET'} ${url}`);
    const body = await r.json();
    assert.equal(body.resourceType, 'OperationOutcome', url);
  }
});

test('metadata is a CapabilityStatement; healthz and metrics answer', async () => {
  const cs = await client.capabilityStatement();
  assert.equal(cs.resourceType, 'CapabilityStatement');
  assert.equal(cs.fhirVersion, '4.0.1');
  const h = await getJson(`${ember.base}/healthz`);
  assert.equal(h.status, 200);
  const m = await fetch(`${ember.base}/metrics`);
  const text = await m.text();
  assert.match(text, /ember_http_requests_total/);
  assert.ok(m.headers.get('x-request-id'));
});
