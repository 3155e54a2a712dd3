// Crash safety (issue 9): Ember is killed with SIGKILL while concurrent FHIR creates and
// transaction Bundles are in flight, restarted on the same store, and must then hold every write
// it acknowledged with a 2xx, no partial transaction, and answer as before. Several kill/restart
// rounds on one store; runs on SQLite and (EMBER_TEST_STORE=postgres, see the Makefile's
// E2E_PG_FILES) on PostgreSQL. Durability notes: docs/operations.md ("Crash safety").
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmber, STORE_KIND, pgDatabaseFor, pgDropDatabase } from './lib/server.js';

const ROUNDS = 3;                 // kill/restart cycles on one store
const CREATE_LOOPS = 8;           // parallel create loops
const TX_LOOPS = 3;               // parallel transaction loops
const TX_OBSERVATIONS = 20;       // Observations per transaction (with Patient, Encounter, PUT)
const TX_TAGGED = TX_OBSERVATIONS + 3;  // entries carrying the bundle's tag
const MAX_REQUESTS_PER_LOOP = 5000;     // every loop is bounded, whatever the timing
const REQUEST_TIMEOUT_MS = 20_000;
const ACKS_BEFORE_KILL = 40;      // the kill comes once writes are really flowing …
const KILL_DELAY_MS = [100, 1200];  // … after a random extra delay in this range
const TAG = 'urn:ember-crash';

const dir = mkdtempSync(join(tmpdir(), 'ember-crash-'));
const args = ['--fhir-auth', 'open', '--no-access-log'];
let ember;

after(async () => {
  await ember?.stop();  // dir is shared (ours), so stop() leaves it and its database alone
  if (STORE_KIND === 'postgres') pgDropDatabase(pgDatabaseFor(dir).name);
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fhirJson = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };
const tagOf = (code) => ({ tag: [{ system: TAG, code }] });

// A transaction whose entries all carry `tag`: a conditional create of a new Patient
// (ifNoneExist on its identifier), an Encounter and Observations pointing at it through
// urn:uuid fullUrls, a PUT with a client-chosen id, and a conditional create that matches the
// existing anchor Patient (so it is not written) and is referenced by the last Observation.
function transactionBundle(tag) {
  const p = `urn:uuid:${randomUUID()}`;
  const e = `urn:uuid:${randomUUID()}`;
  const anchor = `urn:uuid:${randomUUID()}`;
  const entry = [
    { fullUrl: p, request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${TAG}|${tag}` },
      resource: { resourceType: 'Patient', meta: tagOf(tag), identifier: [{ system: TAG, value: tag }],
        name: [{ family: 'Crash', given: [tag] }] } },
    { fullUrl: e, request: { method: 'POST', url: 'Encounter' },
      resource: { resourceType: 'Encounter', meta: tagOf(tag), status: 'finished', class: { code: 'AMB' },
        subject: { reference: p } } },
    { fullUrl: anchor, request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${TAG}|anchor` },
      resource: { resourceType: 'Patient', identifier: [{ system: TAG, value: 'anchor' }] } },
  ];
  for (let i = 0; i < TX_OBSERVATIONS; i++) {
    entry.push({ fullUrl: `urn:uuid:${randomUUID()}`, request: { method: 'POST', url: 'Observation' },
      resource: { resourceType: 'Observation', meta: tagOf(tag), status: 'final', code: { text: `crash ${i}` },
        subject: { reference: i === TX_OBSERVATIONS - 1 ? anchor : p }, encounter: { reference: e },
        valueQuantity: { value: i + 0.5, unit: 'mg' } } });
  }
  entry.push({ request: { method: 'PUT', url: `Observation/${tag}` },
    resource: { resourceType: 'Observation', id: tag, meta: tagOf(tag), status: 'final', code: { text: 'put' },
      subject: { reference: p } } });
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

async function count(type, tag) {
  const r = await fetch(`${ember.fhir}/${type}?_tag=${encodeURIComponent(`${TAG}|${tag}`)}&_summary=count`,
    { headers: fhirJson, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  assert.equal(r.status, 200, `count ${type} ${tag}`);
  return (await r.json()).total;
}

async function taggedCount(tag) {
  let n = 0;
  for (const type of ['Patient', 'Encounter', 'Observation']) n += await count(type, tag);
  return n;
}

// Runs fn over items with `width` in flight.
async function eachLimited(items, width, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

// What every round adds to: acknowledged creates {id, marker}, acknowledged transactions {tag,
// ids}, transactions that were sent but never acknowledged {tag}.
const acked = { creates: [], txs: [] };
const unacked = { txs: [] };

// One round: load, SIGKILL mid-flight, wait for every request to settle. Returns what it saw.
async function loadAndKill(round) {
  let killed = false;
  let inflight = 0;
  let txInflight = 0;
  let acks = 0;
  const stats = { creates: 0, txs: 0, failed: 0, non2xx: [] };

  const createLoop = async (loop) => {
    for (let i = 0; i < MAX_REQUESTS_PER_LOOP && !killed; i++) {
      const marker = `c-${round}-${loop}-${i}-${randomUUID()}`;
      const body = JSON.stringify({ resourceType: 'Observation', status: 'final', code: { text: 'crash create' },
        identifier: [{ system: TAG, value: marker }], subject: { reference: 'Patient/alice' } });
      inflight++;
      try {
        const r = await fetch(`${ember.fhir}/Observation`, { method: 'POST', body, headers: fhirJson,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        if (r.status === 201) {
          // The status line is the acknowledgement; the body may be cut off by the kill.
          const loc = r.headers.get('location') || '';
          const m = loc.match(/\/Observation\/([^/]+)\/_history\/1$/);
          assert.ok(m, `Location of a create: ${loc}`);
          acked.creates.push({ id: m[1], marker });
          stats.creates++;
          acks++;
          await r.arrayBuffer().catch(() => {});
        } else {
          stats.non2xx.push(`${r.status} ${(await r.text().catch(() => '')).slice(0, 200)}`);
        }
      } catch (e) {
        if (!killed || e instanceof assert.AssertionError) throw e;
        stats.failed++;
      } finally {
        inflight--;
      }
    }
  };

  const txLoop = async (loop) => {
    for (let i = 0; i < MAX_REQUESTS_PER_LOOP && !killed; i++) {
      const tag = `tx-${round}-${loop}-${i}-${randomUUID().slice(0, 8)}`;
      inflight++;
      txInflight++;
      try {
        const r = await fetch(ember.fhir, { method: 'POST', body: JSON.stringify(transactionBundle(tag)),
          headers: fhirJson, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        if (r.status === 200) {
          const tx = { tag, ids: null };
          acked.txs.push(tx);
          stats.txs++;
          acks++;
          try {
            const b = await r.json();
            // Entry 2 matched the anchor and was not written: no location.
            tx.ids = b.entry.map((x) => x.response.location?.replace(/\/_history\/\d+$/, '') ?? null);
          } catch { /* body cut off by the kill: the tag still identifies it */ }
        } else {
          stats.non2xx.push(`${r.status} ${(await r.text().catch(() => '')).slice(0, 200)}`);
        }
      } catch (e) {
        if (!killed || e instanceof assert.AssertionError) throw e;
        unacked.txs.push({ tag });
        stats.failed++;
      } finally {
        inflight--;
        txInflight--;
      }
    }
  };

  const loops = [
    ...Array.from({ length: CREATE_LOOPS }, (_, k) => createLoop(k)),
    ...Array.from({ length: TX_LOOPS }, (_, k) => txLoop(k)),
  ];
  // The killer: once writes flow, after a random delay, at a moment a transaction is in flight.
  const killer = (async () => {
    const t0 = Date.now();
    while (acks < ACKS_BEFORE_KILL && Date.now() - t0 < 60_000) await sleep(5);
    await sleep(KILL_DELAY_MS[0] + Math.random() * (KILL_DELAY_MS[1] - KILL_DELAY_MS[0]));
    for (let i = 0; i < 2000 && txInflight === 0; i++) await sleep(1);
    const at = { inflight, txInflight };
    killed = true;
    ember.proc.kill('SIGKILL');
    const exit = await ember.exited;
    return { at, exit };
  })();
  const results = await Promise.allSettled([...loops, killer]);
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) {
    killed = true;
    ember.proc.kill('SIGKILL');
    throw failure.reason;
  }
  const { at, exit } = results.at(-1).value;
  return { ...stats, killedWith: exit.signal, inflightAtKill: at.inflight, txInflightAtKill: at.txInflight };
}

async function verify() {
  // Every acknowledged create, by the id its Location named, with its content.
  const lost = [];
  await eachLimited(acked.creates, 8, async ({ id, marker }) => {
    const r = await fetch(`${ember.fhir}/Observation/${id}`, { headers: fhirJson,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    if (r.status !== 200) { lost.push(`${id}: ${r.status}`); await r.arrayBuffer(); return; }
    const o = await r.json();
    if (o.identifier?.[0]?.value !== marker) lost.push(`${id}: wrong content`);
  });
  assert.deepEqual(lost, [], 'acknowledged creates missing after the restart');

  // Every acknowledged transaction whole; every unacknowledged one whole or absent.
  const partial = [];
  await eachLimited(acked.txs, 4, async (tx) => {
    const n = await taggedCount(tx.tag);
    if (n !== TX_TAGGED) partial.push(`acknowledged ${tx.tag}: ${n} of ${TX_TAGGED}`);
    for (const loc of (tx.ids || []).filter(Boolean)) {
      const r = await fetch(`${ember.fhir}/${loc}`, { headers: fhirJson, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      await r.arrayBuffer();
      if (r.status !== 200) partial.push(`acknowledged ${tx.tag}: ${loc} → ${r.status}`);
    }
  });
  await eachLimited(unacked.txs, 4, async (tx) => {
    const n = await taggedCount(tx.tag);
    if (n !== 0 && n !== TX_TAGGED) partial.push(`unacknowledged ${tx.tag}: ${n} of ${TX_TAGGED}`);
    tx.committed = n === TX_TAGGED;
  });
  assert.deepEqual(partial, [], 'transactions are all-or-nothing');

  // References inside one surviving transaction were resolved to the entries' ids.
  const sample = acked.txs.find((t) => t.ids);
  if (sample) {
    const [patientLoc, encounterLoc] = sample.ids;
    const put = await (await fetch(`${ember.fhir}/Observation/${sample.tag}`, { headers: fhirJson })).json();
    assert.equal(put.subject.reference, patientLoc);
    const obs = await (await fetch(`${ember.fhir}/${sample.ids[3]}`, { headers: fhirJson })).json();
    assert.equal(obs.encounter.reference, encounterLoc);
  }
  // The anchor Patient matched by ifNoneExist exists exactly once (never duplicated).
  const anchors = await (await fetch(`${ember.fhir}/Patient?identifier=${encodeURIComponent(`${TAG}|anchor`)}&_summary=count`,
    { headers: fhirJson })).json();
  assert.equal(anchors.total, 1);
}

async function healthy() {
  const h = await fetch(`${ember.base}/healthz`);
  assert.equal(h.status, 200);
  assert.equal((await h.json()).store, 'ok');
  const c = await fetch(`${ember.fhir}/Observation`, { method: 'POST', headers: fhirJson,
    body: JSON.stringify({ resourceType: 'Observation', status: 'final', code: { text: 'after restart' } }) });
  assert.equal(c.status, 201);
  const id = (await c.json()).id;
  const r = await fetch(`${ember.fhir}/Observation/${id}`, { headers: fhirJson });
  assert.equal(r.status, 200);
  await r.arrayBuffer();
}

test(`SIGKILL during concurrent creates and transactions loses no acknowledged write (${STORE_KIND})`,
  { timeout: 600_000 }, async (t) => {
    ember = await startEmber({ dir, args, patients: 3 });
    // The Patient every transaction's second conditional create matches.
    const a = await fetch(`${ember.fhir}/Patient`, { method: 'POST', headers: fhirJson,
      body: JSON.stringify({ resourceType: 'Patient', identifier: [{ system: TAG, value: 'anchor' }] }) });
    assert.equal(a.status, 201);

    let sawTxInFlight = false;
    for (let round = 1; round <= ROUNDS; round++) {
      const s = await loadAndKill(round);
      assert.equal(s.killedWith, 'SIGKILL');
      assert.deepEqual(s.non2xx, [], 'no write was refused before the kill');
      assert.ok(s.inflightAtKill > 0, 'requests were outstanding at the kill');
      sawTxInFlight ||= s.txInflightAtKill > 0;
      ember = await startEmber({ dir, args });
      await verify();
      await healthy();
      const committedUnacked = unacked.txs.filter((x) => x.committed).length;
      t.diagnostic(`round ${round}: ${s.creates} creates and ${s.txs} transactions acknowledged, ` +
        `${s.failed} requests cut off (${s.inflightAtKill} in flight at the kill, ${s.txInflightAtKill} transactions); ` +
        `totals: ${acked.creates.length} creates, ${acked.txs.length} transactions verified; ` +
        `${unacked.txs.length} unacknowledged transactions all-or-nothing (${committedUnacked} committed)`);
    }
    assert.ok(sawTxInFlight, 'a transaction was in flight at some kill');
    await ember.stop();

    // The SQLite file itself is sound after the kills (when the sqlite3 shell is there).
    const db = join(dir, 'ember.db');
    if (STORE_KIND === 'sqlite' && existsSync(db)) {
      const r = spawnSync('sqlite3', [db, 'PRAGMA integrity_check'], { encoding: 'utf8', timeout: 120_000 });
      if (!r.error) assert.equal(r.stdout.trim(), 'ok', r.stderr);
    }
  });
