// Helpers for the negative-input suite (tests/e2e/negative_*.test.js): raw HTTP/1.1 over a plain
// socket (fetch normalises paths, refuses NUL bytes and cannot trickle a request byte by byte),
// the "still alive" check run after every group, and small assertions shared by the files.
import net from 'node:net';
import assert from 'node:assert/strict';
import { CookieJar, parseForms } from './oauth.js';

// Sends `data` (string or Buffer) on a fresh connection to 127.0.0.1:port and collects what the
// server answers until it closes the connection or `timeoutMs` passes. Returns
// { raw, status, headers (lower-cased names), body, closed, elapsedMs }.
export function rawRequest(port, data, { timeoutMs = 5000 } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const chunks = [];
    let closed = false;
    const sock = net.connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => finish(), timeoutMs);
    function finish() {
      clearTimeout(timer);
      sock.destroy();
      resolve({ ...parseResponse(Buffer.concat(chunks)), closed, elapsedMs: Date.now() - started });
    }
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', () => {}); // a reset after the answer is fine: what was read counts
    sock.on('close', () => { closed = true; finish(); });
    sock.on('connect', () => sock.write(data));
  });
}

// A GET of an exact request-target (no normalisation), Connection: close.
export function rawGet(port, target, headers = {}) {
  const lines = [`GET ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return rawRequest(port, `${lines.join('\r\n')}\r\n\r\n`);
}

// The first response in a byte buffer (status line, headers, body as text).
export function parseResponse(buf) {
  const raw = buf.toString('latin1');
  const end = raw.indexOf('\r\n\r\n');
  if (!raw.startsWith('HTTP/')) return { raw, status: 0, headers: {}, body: '' };
  const head = end < 0 ? raw : raw.slice(0, end);
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return { raw, status: Number(statusLine.split(' ')[1]), headers, body: end < 0 ? '' : raw.slice(end + 4) };
}

// Opens a connection and writes `head` then `trickle` one byte every `everyMs`, for at most
// `maxMs`. Resolves when the server closes the connection (or maxMs passes) with
// { closed, elapsedMs, sent (bytes of trickle written), response }.
export function slowRequest(port, { head = '', trickle = '', everyMs = 100, maxMs = 10_000 }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const chunks = [];
    let sent = 0;
    let closed = false;
    let interval;
    const sock = net.connect({ host: '127.0.0.1', port });
    const done = () => {
      clearInterval(interval);
      clearTimeout(timer);
      sock.destroy();
      resolve({ closed, elapsedMs: Date.now() - started, sent, response: parseResponse(Buffer.concat(chunks)) });
    };
    const timer = setTimeout(done, maxMs);
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', () => {});
    sock.on('close', () => { closed = true; done(); });
    sock.on('connect', () => {
      if (head) sock.write(head);
      interval = setInterval(() => {
        if (sent >= trickle.length || sock.destroyed) return;
        sock.write(trickle[sent]);
        sent += 1;
      }, everyMs);
    });
  });
}

// The server still answers: /healthz is 200 {"status":"ok"} and the process has not exited.
export async function assertAlive(ember, what = '') {
  assert.equal(ember.proc.exitCode, null, `${what}: ember exited\n${ember.output().slice(-2000)}`);
  const r = await fetch(`${ember.base}/healthz`);
  assert.equal(r.status, 200, `${what}: /healthz`);
  assert.equal((await r.json()).status, 'ok', `${what}: /healthz body`);
}

// A FHIR error answer: the status (one or several allowed) and an OperationOutcome body.
export async function assertOutcome(res, statuses, what = '') {
  const text = typeof res.text === 'function' ? await res.text() : res.text;
  const list = [].concat(statuses);
  assert.ok(list.includes(res.status), `${what}: status ${res.status}, want ${list.join('/')} (${String(text).slice(0, 300)})`);
  let body;
  try { body = JSON.parse(text); } catch { assert.fail(`${what}: not JSON: ${String(text).slice(0, 300)}`); }
  assert.equal(body.resourceType, 'OperationOutcome', `${what}: ${String(text).slice(0, 300)}`);
  assert.ok(body.issue?.length >= 1, `${what}: an issue`);
  return body;
}

// An OAuth JSON error (RFC 6749 §5.2 shape): status, error code(s), no token.
export function assertOAuthJsonError(r, statuses, errors, what = '') {
  assert.ok([].concat(statuses).includes(r.status), `${what}: status ${r.status} (${r.text})`);
  assert.ok([].concat(errors).includes(r.body?.error), `${what}: error ${r.body?.error} (${r.text})`);
  assert.equal(r.body?.access_token, undefined, `${what}: no token`);
}

// ---------------------------------------------------------------------------------------------
// A browser of the EHR portal: a cookie jar plus form posts by hand.
export class Browser {
  constructor(base) { this.base = base; this.jar = new CookieJar(); }
  cookie(name) { return this.jar.get(this.base, name); }
  async get(path, headers = {}) {
    const url = new URL(path, this.base).toString();
    const cookie = this.jar.header(url);
    const r = await fetch(url, { redirect: 'manual', headers: { accept: 'text/html', ...(cookie ? { cookie } : {}), ...headers } });
    this.jar.store(url, r.headers);
    return { status: r.status, headers: r.headers, location: r.headers.get('location'), text: await r.text(), url };
  }
  // POST form fields (an object or [name, value] pairs), cookies from the jar unless `cookie` is
  // given ('' sends none).
  async post(path, fields, { cookie } = {}) {
    const url = new URL(path, this.base).toString();
    const body = new URLSearchParams(Array.isArray(fields) ? fields : Object.entries(fields)).toString();
    const c = cookie === undefined ? this.jar.header(url) : cookie;
    const r = await fetch(url, {
      method: 'POST', redirect: 'manual', body,
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', ...(c ? { cookie: c } : {}) },
    });
    this.jar.store(url, r.headers);
    return { status: r.status, headers: r.headers, location: r.headers.get('location'), text: await r.text(), url };
  }
  // The hidden csrf input of the first POST form on a page.
  static csrfOf(html) {
    for (const f of parseForms(html)) {
      const c = f.inputs.find((i) => i.name === 'csrf');
      if (c) return c.value;
    }
    return undefined;
  }
  // Signs in at /ehr/login; returns the redirect response.
  async signIn(username, password = 'demo', next) {
    const page = await this.get(`/ehr/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    const fields = { csrf: Browser.csrfOf(page.text), username, password };
    if (next !== undefined) fields.next = next;
    const r = await this.post('/ehr/login', fields);
    assert.equal(r.status, 303, `sign-in as ${username}: ${r.status} ${r.text.slice(0, 200)}`);
    return r;
  }
}
