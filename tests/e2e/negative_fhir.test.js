// Negative-input suite, FHIR API (issue 9): malformed, deeply nested, non-UTF-8, NUL-carrying and
// duplicate-member JSON bodies; NUL bytes and invalid UTF-8 in ids and search values; huge
// `_count`; unknown parameters (lenient vs Prefer: handling=strict); and injection attempts (SQL
// metacharacters, LIKE wildcards % _, quotes, comments) in every search parameter type — they
// match literally, never answer 5xx and never leak another patient's data. Refused writes write nothing (counted before and after).
// Not repeated here: error statuses of plain CRUD (fhir_api.test.js "errors are OperationOutcomes"),
// bad tokens at the API (smart_negative.test.js ERR-27) and cross-patient reads (API-06).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startEmber } from './lib/server.js';
import { authorizeAndExchange } from './lib/oauth.js';
import { assertAlive, assertOutcome, rawGet } from './lib/negative.js';

const CB = 'http://127.0.0.1:1/cb';
const PUB = { id: 'neg-fhir', type: 'public', redirectUris: [CB], scope: 'launch/patient openid fhirUser patient/*.rs user/*.cruds' };

let ember;
let doc;   // practitioner token, user/*.cruds
let alice; // patient token for alice, patient/*.rs
const made = {}; // ids of what before() created

async function token(username, scope) {
  const { token: t } = await authorizeAndExchange({ base: ember.base, clientId: PUB.id, redirectUri: CB, scope, username });
  assert.equal(t.status, 200, t.text);
  return t.body.access_token;
}
const api = (path, { tok = doc, method = 'GET', body, headers = {} } = {}) => fetch(`${ember.fhir}/${path}`, {
  method, body,
  headers: { accept: 'application/fhir+json', authorization: `Bearer ${tok}`, ...(body !== undefined ? { 'content-type': 'application/fhir+json' } : {}), ...headers },
});
async function bundle(path, opts) {
  const r = await api(path, opts);
  const text = await r.text();
  assert.equal(r.status, 200, `${path}: ${text.slice(0, 300)}`);
  const b = JSON.parse(text);
  assert.equal(b.resourceType, 'Bundle', path);
  return b;
}
const matches = (b) => (b.entry || []).filter((e) => e.search?.mode !== 'outcome' && e.resource.resourceType !== 'OperationOutcome').map((e) => e.resource);
async function count(type) {
  return (await bundle(`${type}?_summary=count`)).total;
}
async function create(resource) {
  const r = await api(resource.resourceType, { method: 'POST', body: JSON.stringify(resource) });
  const text = await r.text();
  assert.equal(r.status, 201, text);
  return JSON.parse(text).id;
}

before(async () => {
  ember = await startEmber({ patients: 3, clients: [PUB] });
  doc = await token('dr.smith', 'openid fhirUser user/*.cruds');
  alice = await token('alice', 'launch/patient patient/*.rs');
  // Names and identifiers full of LIKE wildcards, quotes and SQL comment markers.
  const fam = { pct: 'Inj%ect_ion', plain: 'InjXectYion', quote: "Inj'ect", backslash: 'Inj\\ect', comment: 'Inj--ect/*x*/' };
  for (const [k, family] of Object.entries(fam)) {
    made[k] = await create({ resourceType: 'Patient', name: [{ family }], identifier: [{ system: 'urn:neg', value: `v${k === 'pct' ? '%' : k === 'plain' ? 'X' : "'"}1` }] });
  }
  made.risk = await create({ resourceType: 'RiskAssessment', status: 'final', subject: { reference: `Patient/${made.pct}` }, prediction: [{ probabilityDecimal: 0.5 }] });
  made.vsPct = await create({ resourceType: 'ValueSet', status: 'active', url: 'http://neg.example/vs%_a' });
  made.vsPlain = await create({ resourceType: 'ValueSet', status: 'active', url: 'http://neg.example/vsXYa' });
  made.patients = await count('Patient');
  made.obs = await create({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'urn:neg', code: 'c%_1' }] },
    subject: { reference: `Patient/${made.pct}` }, effectiveDateTime: '2020-01-02', valueQuantity: { value: 5.4, system: 'http://unitsofmeasure.org', code: 'mg' } });
});
after(async () => { await ember?.stop(); });

describe('malformed request bodies → 400 OperationOutcome, nothing written', () => {
  const send = (body, type = 'application/fhir+json') => fetch(`${ember.fhir}/Patient`, {
    method: 'POST', body, headers: { accept: 'application/fhir+json', authorization: `Bearer ${doc}`, 'content-type': type },
  });

  test('malformed JSON, trailing garbage, wrong top-level types, duplicate keys', async () => {
    const before = await count('Patient');
    const bodies = ['{', '{"resourceType":"Patient",}', "{'resourceType':'Patient'}", 'nul', '', '[]', '"Patient"', '42',
      '{"resourceType":"Patient"} {"resourceType":"Patient"}', '{"resourceType":"Patient"}garbage',
      '{"resourceType":"Patient","birthDate":1970-01-01}', '{"resourceType":"Patient" /* c */}', '{"resourceType":"Patient",\n// c\n"active":true}'];
    for (const b of bodies) await assertOutcome(await send(b), 400, JSON.stringify(b));
    assert.equal(await count('Patient'), before, 'no Patient created');
  });

  // RFC 8259 §4 leaves duplicate member names to the parser (Boost.JSON keeps the last one); a
  // client or proxy that reads the first would see another resource than Ember stores, so the
  // FHIR ingest refuses them (json::ParseLimits::unique_keys).
  test('duplicate member names (create, update, transaction, patch) → 400, nothing written', async () => {
    const before = await count('Patient');
    for (const b of ['{"resourceType":"Patient","resourceType":"Patient"}', '{"resourceType":"Patient","id":"a","id":"b"}',
      '{"resourceType":"Patient","active":true,"active":false}', '{"resourceType":"Patient","name":[{"family":"a","family":"b"}]}']) {
      await assertOutcome(await send(b), 400, b);
    }
    await assertOutcome(await api(`Patient/${made.plain}`, { method: 'PUT',
      body: `{"resourceType":"Patient","id":"${made.plain}","active":true,"active":false}` }), 400, 'update');
    await assertOutcome(await fetch(ember.fhir, { method: 'POST', headers: { authorization: `Bearer ${doc}`, 'content-type': 'application/fhir+json' },
      body: '{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"POST","url":"Patient","url":"Observation"},"resource":{"resourceType":"Patient"}}]}' }),
    400, 'transaction');
    await assertOutcome(await api(`Patient/${made.plain}`, { method: 'PATCH', headers: { 'content-type': 'application/json-patch+json' },
      body: '[{"op":"add","path":"/active","path":"/gender","value":true}]' }), 400, 'patch');
    assert.equal(await count('Patient'), before);
    assert.equal((await (await api(`Patient/${made.plain}`)).json()).active, undefined, 'the update and patch changed nothing');
  });

  test('deeply nested JSON (arrays and objects, 100 000 levels) → 400, no stack overflow', async () => {
    const before = await count('Patient');
    const n = 100_000;
    const arrays = `{"resourceType":"Patient","extension":${'['.repeat(n)}${']'.repeat(n)}}`;
    const objects = `{"resourceType":"Patient","x":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`;
    for (const [what, b] of [['arrays', arrays], ['objects', objects], ['unclosed', '['.repeat(n)]]) {
      await assertOutcome(await send(b), 400, what);
    }
    // Also through a transaction Bundle and a JSON Patch body.
    await assertOutcome(await fetch(ember.fhir, { method: 'POST', body: `{"resourceType":"Bundle","type":"transaction","entry":${'['.repeat(n)}}`,
      headers: { authorization: `Bearer ${doc}`, 'content-type': 'application/fhir+json' } }), 400, 'transaction');
    await assertOutcome(await api(`Patient/${made.plain}`, { method: 'PATCH', body: '['.repeat(n), headers: { 'content-type': 'application/json-patch+json' } }), 400, 'patch');
    assert.equal(await count('Patient'), before);
  });

  test('invalid UTF-8 (overlong, lone continuation, surrogate, truncated) → 400', async () => {
    const before = await count('Patient');
    const bad = [[0xc3, 0x28], [0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xc0, 0xaf], [0xff], [0xf8, 0x88, 0x80, 0x80, 0x80]];
    for (const bytes of bad) {
      const body = Buffer.concat([Buffer.from('{"resourceType":"Patient","name":[{"family":"a'), Buffer.from(bytes), Buffer.from('"}]}')]);
      await assertOutcome(await send(body), 400, bytes.map((x) => x.toString(16)).join(' '));
    }
    // A lone surrogate escape is valid JSON syntax but not a Unicode string.
    const surrogate = await send('{"resourceType":"Patient","name":[{"family":"a\\ud800b"}]}');
    assert.ok([400, 201].includes(surrogate.status), `lone surrogate escape: ${surrogate.status}`);
    if (surrogate.status === 201) await surrogate.text(); else await assertOutcome(surrogate, 400, 'lone surrogate');
    assert.ok((await count('Patient')) <= before + 1);
  });

  test('NUL bytes in JSON: raw, escaped \\u0000, in keys and in ids → 400, nothing written', async () => {
    const before = await count('Patient');
    const bodies = [
      Buffer.from('{"resourceType":"Patient","name":[{"family":"a\0b"}]}'),
      '{"resourceType":"Patient","name":[{"family":"a\\u0000b"}]}',
      '{"resourceType":"Patient","na\\u0000me":[{"family":"ab"}]}',
      '{"resourceType":"Pat\\u0000ient"}',
      Buffer.from('{"resourceType":"Patient"}\0'),
    ];
    for (const b of bodies) await assertOutcome(await send(b), 400, JSON.stringify(String(b)));
    // PUT to an id carrying NUL (escaped in the URL) and in the body.
    await assertOutcome(await api('Patient/a%00b', { method: 'PUT', body: '{"resourceType":"Patient","id":"a\\u0000b"}' }), [400, 404], 'PUT id with NUL');
    await assertOutcome(await api(`Patient/${made.plain}`, { method: 'PUT', body: `{"resourceType":"Patient","id":"${made.plain}\\u0000"}` }), 400, 'PUT body id NUL');
    assert.equal(await count('Patient'), before);
  });

  test('NUL and traversal in URL ids never read another resource (no truncation at NUL)', async () => {
    for (const p of [`Patient/${made.plain}%00`, `Patient/${made.plain}%00.json`, `Patient/${made.plain}%2500`, `Patient/..%2f${made.plain}`,
      `Patient/${made.plain}%2f..`, 'Patient/alice%00/_history/1', `Patient/${made.plain}'--`, 'Patient/%25', 'Patient/_', 'Patient/alice%0d%0aX:y']) {
      const r = await api(p, { tok: doc });
      await assertOutcome(r, [400, 404], p);
    }
  });

  test('still alive', async () => { await assertAlive(ember, 'after malformed bodies'); });
});

describe('search: _count, unknown parameters, strict handling', () => {
  test('huge _count is clamped (a bounded page), negative / non-numeric / repeated → 400', async () => {
    for (const c of ['100000000', '99999999999999999999999999999999999']) {
      const b = await bundle(`Patient?_count=${c}`);
      assert.ok(matches(b).length <= 1000);
      const self = b.link.find((l) => l.relation === 'self').url;
      assert.ok(Number(new URL(self).searchParams.get('_count')) <= 1000, self);
    }
    for (const c of ['-1', 'abc', '1e9', '0x10', '1.5', '', '%00', '10&_count=20']) {
      await assertOutcome(await api(`Patient?_count=${c}`), 400, `_count=${c}`);
    }
    const zero = await bundle('Patient?_count=0');
    assert.equal(matches(zero).length, 0);
    assert.ok(zero.total >= 5, '_count=0 → count only');
  });

  test('unknown parameters: lenient → 200 and left out of the self link; Prefer: handling=strict → 400', async () => {
    const b = await bundle(`Patient?family=Inj&no-such-param=1&__proto__=x&constructor=y`);
    const self = b.link.find((l) => l.relation === 'self').url;
    assert.doesNotMatch(self, /no-such-param|__proto__|constructor/, self);
    assert.equal(matches(b).length, 5, 'the known parameter still filters');
    for (const q of ['Patient?no-such-param=1', 'Patient?family=x&no-such-param=1', 'Observation?code-value-quantity=x']) {
      await assertOutcome(await api(q, { headers: { prefer: 'handling=strict' } }), [400, 501], `strict ${q}`);
    }
    // Unknown modifiers and empty names are errors whatever the handling.
    for (const q of ['Patient?family:foo=x', 'Patient?family:=x', 'Patient?=x', 'Patient?family:exact:contains=x']) {
      await assertOutcome(await api(q), 400, q);
    }
  });

  test('still alive', async () => { await assertAlive(ember, 'after _count'); });
});

describe('injection attempts match literally in every search parameter type', () => {
  const SQL = ["' OR '1'='1", "'; DROP TABLE resources; --", '" OR ""="', '1) OR (1=1', "' UNION SELECT * FROM clients --", '/**/OR/**/1=1',
    '\\', "%' OR 1=1 --", '*', '$1', '?', ':x', '`', ';', '\u0000'];

  test('string: LIKE wildcards % and _ and quotes/backslashes are literal (default, :exact, :contains)', async () => {
    const ids = async (q) => matches(await bundle(`Patient?${q}`)).map((p) => p.id).sort();
    assert.deepEqual(await ids(`family=${encodeURIComponent('Inj%')}`), [made.pct]);
    assert.deepEqual(await ids(`family=${encodeURIComponent('Inj_')}`), []);
    assert.deepEqual(await ids(`family=${encodeURIComponent('Inj%ect_ion')}`), [made.pct]);
    assert.deepEqual(await ids(`family:exact=${encodeURIComponent('Inj%ect_ion')}`), [made.pct]);
    assert.deepEqual(await ids(`family:exact=${encodeURIComponent('Inj_ect%ion')}`), []);
    assert.deepEqual(await ids(`family:contains=${encodeURIComponent('%')}`), [made.pct]);
    assert.deepEqual(await ids(`family:contains=${encodeURIComponent('_')}`), [made.pct]);
    assert.deepEqual(await ids(`family:contains=${encodeURIComponent("'")}`), [made.quote]);
    assert.deepEqual(await ids(`family:contains=${encodeURIComponent('\\')}`), [made.backslash]);
    assert.deepEqual(await ids(`family:contains=${encodeURIComponent('--')}`), [made.comment]);
    assert.deepEqual(await ids(`name=${encodeURIComponent('/*')}`), []);
    for (const s of SQL) {
      for (const p of ['family', 'name', 'family:exact', 'family:contains', 'address']) {
        const r = await api(`Patient?${p}=${encodeURIComponent(s)}`);
        const text = await r.text();
        assert.ok([200, 400].includes(r.status), `${p}=${s}: ${r.status} ${text.slice(0, 200)}`);
        if (r.status === 200) {
          const got = matches(JSON.parse(text));
          assert.ok(got.every((x) => JSON.stringify(x.name || x.address || '').toLowerCase().includes(s.toLowerCase().replace(/\\/g, '\\\\'))),
            `${p}=${s} matched ${got.map((x) => x.id)}`);
        }
      }
    }
  });

  test('token: exact, no wildcards (identifier, code, gender, _id, :not, :text)', async () => {
    const ids = async (q) => matches(await bundle(q)).map((p) => p.id).sort();
    assert.deepEqual(await ids(`Patient?identifier=${encodeURIComponent('urn:neg|v%1')}`), [made.pct]);
    assert.deepEqual(await ids(`Patient?identifier=${encodeURIComponent('urn:neg|v_1')}`), []);
    assert.deepEqual(await ids(`Patient?identifier=${encodeURIComponent('urn:neg|v%')}`), []);
    assert.deepEqual(await ids(`Patient?identifier=${encodeURIComponent('%|v%1')}`), []);
    assert.deepEqual(await ids(`Observation?code=${encodeURIComponent('urn:neg|c%_1')}`), [made.obs]);
    assert.deepEqual(await ids(`Observation?code=${encodeURIComponent('c%')}`), []);
    assert.deepEqual(await ids(`Observation?code=${encodeURIComponent('urn:%|c%_1')}`), []);
    for (const s of SQL) {
      for (const q of [`Patient?gender=${encodeURIComponent(s)}`, `Patient?identifier=${encodeURIComponent(`urn:neg|${s}`)}`,
        `Observation?code=${encodeURIComponent(s)}`, `Observation?code:text=${encodeURIComponent(s)}`, `Patient?_id=${encodeURIComponent(s)}`,
        `Observation?status:not=${encodeURIComponent(s)}`]) {
        const r = await api(q);
        const text = await r.text();
        assert.ok([200, 400].includes(r.status), `${q}: ${r.status} ${text.slice(0, 200)}`);
        // :not inverts; everything else must match nothing.
        if (r.status === 200 && !q.includes(':not')) assert.equal(matches(JSON.parse(text)).length, 0, q);
      }
    }
  });

  test('reference, date, number, quantity, uri: malformed values → 400, odd literals → nothing', async () => {
    for (const s of SQL) {
      const e = encodeURIComponent(s);
      for (const q of [`Observation?subject=Patient/${e}`, `Observation?subject=${e}`, `Observation?patient=${e}`, `Observation?subject:Patient=${e}`,
        `Patient?birthdate=${e}`, `Observation?date=ge${e}`, `Patient?_lastUpdated=${e}`, `RiskAssessment?probability=${e}`,
        `RiskAssessment?probability=0.5${e}`, `Observation?value-quantity=${e}`, `Observation?value-quantity=5.4|${e}|mg`,
        `Observation?value-quantity=5.4|http://unitsofmeasure.org|${e}`, `ValueSet?url=${e}`, `ValueSet?url:below=${e}`]) {
        const r = await api(q);
        const text = await r.text();
        assert.ok([200, 400].includes(r.status), `${q}: ${r.status} ${text.slice(0, 200)}`);
        if (r.status === 200) assert.equal(matches(JSON.parse(text)).length, 0, `${q} matched something`);
        else assert.equal(JSON.parse(text).resourceType, 'OperationOutcome', q);
      }
    }
    const ids = async (q) => matches(await bundle(q)).map((p) => p.id).sort();
    assert.deepEqual(await ids('RiskAssessment?probability=0.5'), [made.risk], 'control: number');
    assert.deepEqual(await ids(`Observation?value-quantity=${encodeURIComponent('5.4|http://unitsofmeasure.org|mg')}`), [made.obs], 'control: quantity');
    assert.deepEqual(await ids(`Observation?value-quantity=${encodeURIComponent('5.4|%|%')}`), [], 'quantity system/unit %');
    assert.deepEqual(await ids(`ValueSet?url=${encodeURIComponent('http://neg.example/vs%_a')}`), [made.vsPct], 'uri literal');
    assert.deepEqual(await ids(`ValueSet?url=${encodeURIComponent('http://neg.example/vs%')}`), [], 'uri: % is no wildcard');
    assert.deepEqual(await ids(`ValueSet?url:below=${encodeURIComponent('http://neg.example/vs%')}`), [made.vsPct], 'uri:below literal prefix');
    assert.deepEqual(await ids(`ValueSet?url:below=${encodeURIComponent('http://neg.example/vs_')}`), [], 'uri:below: _ is no wildcard');
  });

  test('composite parameters: lenient → ignored (not in the self link), strict → error', async () => {
    const b = await bundle(`Observation?code-value-quantity=${encodeURIComponent("x' OR 1=1 --$5")}&_count=1`);
    assert.doesNotMatch(b.link.find((l) => l.relation === 'self').url, /code-value-quantity/);
    await assertOutcome(await api(`Observation?code-value-quantity=${encodeURIComponent("x'--$5")}`, { headers: { prefer: 'handling=strict' } }), [400, 501], 'strict composite');
  });

  test('result parameters: _sort, _include, _revinclude, _elements, _summary, _total with injections → 400', async () => {
    for (const q of ['Patient?_sort=family;DROP TABLE resources', "Patient?_sort=family'--", 'Patient?_sort=(select 1)',
      "Observation?_include=Observation:subject'--", 'Observation?_include=Observation:subject:Patient;--', "Patient?_revinclude=Observation:subject' OR 1=1",
      'Patient?_summary=true;--', "Patient?_total=accurate'", 'Patient?_offset=-1', 'Patient?_offset=1;--']) {
      await assertOutcome(await api(q), 400, q);
    }
    // _elements takes names only; odd ones are ignored or refused, never echoed into SQL.
    const r = await api(`Patient?_elements=${encodeURIComponent("id,name'--")}`);
    assert.ok([200, 400].includes(r.status), `_elements: ${r.status}`);
    await r.text();
  });

  test('NUL bytes in search values and names → 200 empty or 400, never a truncated match', async () => {
    for (const q of [`Patient?family=Inj%00`, `Patient?family:exact=${encodeURIComponent('Inj%ect_ion')}%00`, `Patient?_id=${made.pct}%00`,
      `Patient?identifier=urn:neg|v%251%00`, `Patient?fam%00ily=Inj`, `ValueSet?url=${encodeURIComponent('http://neg.example/vs%_a')}%00`]) {
      const r = await api(q);
      const text = await r.text();
      assert.ok([200, 400].includes(r.status), `${q}: ${r.status}`);
      if (r.status === 200 && !q.includes('fam%00ily')) assert.equal(matches(JSON.parse(text)).length, 0, `${q}: ${text.slice(0, 300)}`);
    }
  });

  test('invalid UTF-8 in search values → 400 or nothing, never 5xx (PostgreSQL refuses such text)', async () => {
    for (const q of ['Patient?family=%C3%28', 'Patient?name:contains=%FF', 'Patient?family:exact=%ED%A0%80', 'Patient?_id=%C0%AF',
      'Observation?code=urn:neg|%FF', 'Observation?subject=Patient/%E2%82', 'ValueSet?url=http://x/%FE', 'ValueSet?url:below=http://x/%C3',
      'RiskAssessment?probability=0.5%FF', 'Patient?birthdate=2020%FF', 'Patient?%FF=1', 'Patient?family:%FF=1']) {
      const r = await api(q);
      const text = await r.text();
      assert.ok([200, 400].includes(r.status), `${q}: ${r.status} ${text.slice(0, 200)}`);
      if (r.status === 200 && !q.startsWith('Patient?%FF')) assert.equal(matches(JSON.parse(text)).length, 0, q);
    }
  });

  test("a patient token: injections and wildcards never reach another patient's data", async () => {
    const foreign = (res) => {
      if (res.resourceType === 'Patient') return res.id !== 'alice';
      const ref = res.subject?.reference || res.patient?.reference;
      return ref !== undefined && ref !== 'Patient/alice';
    };
    const queries = [
      'Observation?code=%25', `Observation?patient=${encodeURIComponent("alice' OR '1'='1")}`, 'Observation?patient=alice,p-000002',
      `Observation?subject=${encodeURIComponent('Patient/alice%')}`, 'Observation?subject:missing=true', 'Observation?patient:missing=true',
      `Patient?name=${encodeURIComponent('%')}`, `Patient?_id=${encodeURIComponent('alice,p-000002')}`, `Patient?_id=${encodeURIComponent("alice' OR 1=1 --")}`,
      'Patient?_id:missing=false', `Patient?family:contains=${encodeURIComponent('%')}`, `RiskAssessment?probability=0.5`,
      `Observation?_include=Observation:subject&code=${encodeURIComponent('urn:neg|c%_1')}`, 'Patient?_revinclude=Observation:subject&_id=alice',
      `Condition?subject=Patient/p-000002`, `Encounter?subject=${encodeURIComponent('Patient/alice\' UNION SELECT json FROM resources --')}`,
    ];
    for (const q of queries) {
      const r = await api(q, { tok: alice });
      const text = await r.text();
      assert.ok([200, 400, 403, 404].includes(r.status), `${q}: ${r.status} ${text.slice(0, 200)}`);
      if (r.status !== 200) {
        assert.equal(JSON.parse(text).resourceType, 'OperationOutcome', q);
        continue;
      }
      const leaked = matches(JSON.parse(text)).filter(foreign);
      assert.deepEqual(leaked.map((x) => `${x.resourceType}/${x.id}`), [], `${q} leaked`);
    }
  });

  test('the store is intact after all that: counts unchanged, healthz ok', async () => {
    assert.equal(await count('Patient'), made.patients, 'no Patient created by any refused request');
    assert.equal(await count('ValueSet'), 2);
    await assertAlive(ember, 'after injections');
  });
});

describe('raw request-targets the URL parser would clean up', () => {
  test('/fhir paths with NUL, CR/LF and encoded separators → 4xx OperationOutcome', async () => {
    for (const t of ['/fhir/Patient%00', '/fhir/Patient%2fPatient', '/fhir/%2e%2e/healthz', '/fhir/Patient/..', '/fhir/metadata%00',
      '/fhir/Patient?_id=alice%0d%0aSet-Cookie:%20x=y']) {
      const r = await rawGet(ember.port, t, { Authorization: `Bearer ${doc}`, Accept: 'application/fhir+json' });
      assert.ok(r.status >= 200 && r.status < 500, `${t}: ${r.status}`);
      assert.doesNotMatch(r.raw.split('\r\n\r\n')[0], /\r\nset-cookie: x=y/i, `${t}: header injection`);
      if (r.status >= 400) assert.match(r.body, /OperationOutcome/, t);
    }
    await assertAlive(ember, 'after raw targets');
  });
});
