// Negative-input suite, HTTP layer (issue 9): oversized headers and bodies, slowloris-style slow
// requests, NUL bytes and invalid UTF-8 in request lines and headers, path traversal against every
// static-file handler, and clickjacking headers on every HTML page. Raw sockets where fetch would
// normalise or refuse the input. After each group the server must still answer /healthz.
// Ember runs with a 1 s read timeout and a 2 s idle timeout so the slow-client cases are quick.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startEmber } from './lib/server.js';
import { authorizeViaHttp, pkcePair } from './lib/oauth.js';
import { rawRequest, rawGet, slowRequest, assertAlive, Browser } from './lib/negative.js';

const READ_TIMEOUT_S = 1;
const IDLE_TIMEOUT_S = 2;
const SLACK_MS = 3000; // how late a cut-off may come on a loaded CI machine
const CB = 'http://127.0.0.1:1/cb';
const PUB = { id: 'neg-http', type: 'public', redirectUris: [CB], scope: 'launch/patient openid fhirUser patient/*.rs user/*.rs' };

let ember;
before(async () => {
  ember = await startEmber({
    patients: 3, clients: [PUB],
    args: ['--read-timeout', String(READ_TIMEOUT_S), '--idle-timeout', String(IDLE_TIMEOUT_S)],
  });
});
after(async () => { await ember?.stop(); });

const head = (lines) => `${lines.join('\r\n')}\r\n\r\n`;

describe('oversized headers and bodies', () => {
  test('one 20 KiB header → 431 and the connection is closed', async () => {
    const r = await rawRequest(ember.port, head(['GET /fhir/metadata HTTP/1.1', 'Host: 127.0.0.1', `X-Big: ${'a'.repeat(20 * 1024)}`]));
    assert.equal(r.status, 431, r.raw.slice(0, 200));
    assert.equal(r.closed, true);
  });

  test('many small headers adding up past 16 KiB → 431', async () => {
    const lines = ['GET /healthz HTTP/1.1', 'Host: 127.0.0.1'];
    for (let i = 0; i < 400; i += 1) lines.push(`X-H-${i}: ${'v'.repeat(50)}`);
    const r = await rawRequest(ember.port, head(lines));
    assert.equal(r.status, 431);
  });

  test('a 20 KiB request-target (URL) → 431, also through fetch at the FHIR API', async () => {
    const r = await rawGet(ember.port, `/fhir/Patient?name=${'x'.repeat(20 * 1024)}`);
    assert.equal(r.status, 431);
    const cookie = await rawGet(ember.port, '/ehr/login', { Cookie: `ember_session=${'s'.repeat(20 * 1024)}` });
    assert.equal(cookie.status, 431, 'an oversized cookie');
  });

  test('declared body beyond 8 MiB → 413 before the body is read (FHIR create, token, registration, portal form)', async () => {
    for (const [path, type] of [['/fhir/Patient', 'application/fhir+json'], ['/oauth/token', 'application/x-www-form-urlencoded'],
      ['/oauth/register', 'application/json'], ['/ehr/login', 'application/x-www-form-urlencoded']]) {
      const r = await rawRequest(ember.port, `${head([`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Type: ${type}`,
        `Content-Length: ${9 * 1024 * 1024}`])}{"resourceType":`);
      assert.equal(r.status, 413, `${path}: ${r.raw.slice(0, 200)}`);
      assert.equal(r.closed, true, path);
    }
  });

  test('chunked body growing past 8 MiB → 413', async () => {
    const chunk = 'x'.repeat(1024 * 1024);
    let data = head(['POST /fhir/Patient HTTP/1.1', 'Host: 127.0.0.1', 'Content-Type: application/fhir+json', 'Transfer-Encoding: chunked']);
    for (let i = 0; i < 9; i += 1) data += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
    data += '0\r\n\r\n';
    const r = await rawRequest(ember.port, data);
    assert.equal(r.status, 413);
  });

  test('a body just under the limit is read and refused by the FHIR layer (400, not 413, not 500)', async () => {
    const r = await fetch(`${ember.fhir}/Patient`, {
      method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: '['.repeat(7 * 1024 * 1024),
    });
    await r.arrayBuffer();
    assert.ok([400, 401].includes(r.status), `status ${r.status}`); // 401: no token is checked first
  });

  test('still alive', async () => { await assertAlive(ember, 'after oversized input'); });
});

describe('slowloris: the read timeout cuts off slow requests', () => {
  test('headers trickled one byte every 150 ms are cut off after the read timeout', async () => {
    const r = await slowRequest(ember.port, {
      head: 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n', trickle: `X-Slow: ${'a'.repeat(200)}\r\n\r\n`, everyMs: 150, maxMs: 8000,
    });
    assert.equal(r.closed, true, 'the server closed the connection');
    assert.ok(r.elapsedMs >= READ_TIMEOUT_S * 1000 - 100, `not before the timeout (${r.elapsedMs} ms)`);
    assert.ok(r.elapsedMs < READ_TIMEOUT_S * 1000 + SLACK_MS, `soon after it (${r.elapsedMs} ms)`);
    assert.ok(r.sent < 200, `the request never completed (${r.sent} bytes trickled)`);
    assert.notEqual(r.response.status, 200, 'no answer to a request that never arrived');
  });

  test('a complete header with a body trickled byte by byte is cut off too', async () => {
    const body = '{"resourceType":"Patient"}'.padEnd(300, ' ');
    const r = await slowRequest(ember.port, {
      head: head(['POST /fhir/Patient HTTP/1.1', 'Host: 127.0.0.1', 'Content-Type: application/fhir+json', `Content-Length: ${body.length}`]),
      trickle: body, everyMs: 100, maxMs: 8000,
    });
    assert.equal(r.closed, true);
    assert.ok(r.elapsedMs < READ_TIMEOUT_S * 1000 + SLACK_MS, `${r.elapsedMs} ms`);
    assert.ok(r.sent < body.length, 'cut off before the body was complete');
  });

  test('a connection that sends nothing is closed after the idle timeout', async () => {
    const r = await slowRequest(ember.port, { maxMs: 8000 });
    assert.equal(r.closed, true);
    assert.ok(r.elapsedMs < IDLE_TIMEOUT_S * 1000 + SLACK_MS, `${r.elapsedMs} ms`);
  });

  test('while 30 slow clients hold connections, normal requests are answered promptly', async () => {
    const slow = Array.from({ length: 30 }, () => slowRequest(ember.port, {
      head: 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n', trickle: 'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', everyMs: 200, maxMs: 8000,
    }));
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    for (let i = 0; i < 5; i += 1) assert.equal((await fetch(`${ember.base}/healthz`)).status, 200);
    assert.ok(Date.now() - t0 < 2500, `5 health checks took ${Date.now() - t0} ms`);
    const results = await Promise.all(slow);
    assert.ok(results.every((r) => r.closed), 'every slow client was cut off');
  });

  test('still alive', async () => { await assertAlive(ember, 'after slow clients'); });
});

describe('NUL bytes, control characters and invalid UTF-8 in the request line and headers', () => {
  test('a raw NUL / CR / LF / DEL in the request-target → 400 and close', async () => {
    for (const target of ['/fhir/Patient\0', '/fhir/Pat\0ient/alice', '/healthz?x=\0', '/fhir/Patient\x7f']) {
      const r = await rawRequest(ember.port, head([`GET ${target} HTTP/1.1`, 'Host: 127.0.0.1']));
      assert.equal(r.status, 400, `${JSON.stringify(target)}: ${r.raw.slice(0, 120)}`);
    }
  });

  test('a raw NUL or bare CR in a header value → 400', async () => {
    for (const h of ['X-Nul: a\0b', 'Authorization: Bearer abc\0def', 'Cookie: ember_session=ab\0cd', 'X-Cr: a\rb']) {
      const r = await rawRequest(ember.port, head(['GET /fhir/metadata HTTP/1.1', 'Host: 127.0.0.1', h]));
      assert.equal(r.status, 400, `${JSON.stringify(h)}: ${r.raw.slice(0, 120)}`);
    }
  });

  test('invalid UTF-8 bytes (raw and percent-encoded) in the target → 4xx, never 5xx', async () => {
    const targets = ['/fhir/Patient?name=%C3%28', '/fhir/Patient?name=%FF%FE', '/fhir/Patient/%C0%AF', '/ehr/login?next=%E2%82',
      '/apps/sample/%FF', '/oauth/authorize?client_id=%C3%28'];
    // The FHIR API answers 4xx (401 first: no token); pages may simply ignore an undecodable
    // parameter (the sign-in page drops a bad `next`), but nothing answers 5xx.
    for (const t of targets) {
      const r = await rawGet(ember.port, t);
      assert.ok(r.status >= 200 && r.status < 500, `${t}: ${r.status}`);
      if (t.startsWith('/fhir/')) assert.ok(r.status >= 400, `${t}: ${r.status}`);
    }
    const raw = await rawRequest(ember.port, Buffer.concat([Buffer.from('GET /fhir/Patient?name='), Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from(' HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')]));
    assert.ok(raw.status >= 400 && raw.status < 500, `raw bytes: ${raw.status}`);
  });

  test('malformed request lines and framing → 400 (or a closed connection), never 5xx', async () => {
    const cases = [
      'GET\r\n\r\n', 'GET /healthz\r\n\r\n', 'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n', 'GET ../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n',
      'POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
      'POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef',
      'POST /oauth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n',
    ];
    for (const c of cases) {
      const r = await rawRequest(ember.port, c, { timeoutMs: 4000 });
      assert.ok(r.status === 0 || (r.status >= 400 && r.status < 500), `${JSON.stringify(c)}: ${r.raw.slice(0, 120)}`);
      assert.equal(r.closed, true, `${JSON.stringify(c)}: connection closed`);
    }
  });

  test('still alive', async () => { await assertAlive(ember, 'after NUL bytes'); });
});

describe('odd methods, absolute-form targets and forged Host headers', () => {
  test('TRACE, CONNECT, PROPFIND and made-up methods → 4xx everywhere (405 with Allow where a route exists)', async () => {
    for (const m of ['TRACE', 'CONNECT', 'PROPFIND', 'FOO', 'get']) {
      for (const path of ['/healthz', '/oauth/token', '/oauth/authorize', '/fhir/Patient', '/ehr/login', '/apps/sample/', '/nope']) {
        const target = m === 'CONNECT' ? '127.0.0.1:80' : path;
        const r = await rawRequest(ember.port, head([`${m} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close']));
        assert.ok(r.status === 0 || (r.status >= 400 && r.status < 500), `${m} ${target}: ${r.status}`);
        assert.doesNotMatch(r.body, /ember_session|authorization: /i, `${m} ${target}: nothing echoed back`);
      }
    }
  });

  test('absolute-form targets do not reach another host or bypass routing', async () => {
    for (const t of ['http://evil.example/', 'http://evil.example/fhir/metadata', `${ember.base}/../../etc/passwd`, 'https://127.0.0.1/healthz']) {
      const r = await rawGet(ember.port, t);
      assert.ok(r.status >= 200 && r.status < 500, `${t}: ${r.status}`);
      assert.doesNotMatch(r.body, /root:/);
    }
  });

  test('Host / X-Forwarded-Host never change the advertised URLs or redirect targets', async () => {
    const forged = { Host: 'evil.example', 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https', Forwarded: 'host=evil.example;proto=https' };
    const disc = await rawGet(ember.port, '/fhir/.well-known/smart-configuration', forged);
    assert.equal(disc.status, 200);
    assert.doesNotMatch(disc.body, /evil\.example/);
    for (const t of ['/ehr', '/apps/sample', '/ehr/patients']) {
      const r = await rawGet(ember.port, t, forged);
      if (r.headers.location) assert.doesNotMatch(r.headers.location, /evil\.example/, t);
    }
    const page = await rawGet(ember.port, '/', forged);
    assert.doesNotMatch(page.body, /evil\.example/);
  });

  test('still alive', async () => { await assertAlive(ember, 'after odd methods'); });
});

describe('path traversal against the static-file handlers', () => {
  // The static handlers: /apps/sample/* (embedded sample app, src/sampleapp), /ehr/static/ember.css
  // (auth pages) and /ehr/static/portal.css (portal). Files are compiled in and looked up by exact
  // name; the router never decodes or normalises the path. None of these may reach the disk.
  const prefixes = ['/apps/sample/', '/ehr/static/', '/ehr/patients/', '/ehr/apps/', '/fhir/', '/'];
  const tricks = [
    '../../../../etc/passwd', '..%2f..%2f..%2f..%2fetc%2fpasswd', '%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..\\..\\..\\..\\etc\\passwd', '..%5c..%5c..%5cetc%5cpasswd',
    '%252e%252e%252f%252e%252e%252fetc%252fpasswd', '..%c0%af..%c0%afetc%c0%afpasswd', '....//....//etc/passwd',
    'index.html/../../../../etc/passwd', '/etc/passwd', '%2fetc%2fpasswd', '.%00./etc/passwd', 'app.js%00.html',
    '../../../../proc/self/environ', '../CMakeLists.txt', '../../src/app/main.cc',
  ];
  test('every ../, %2e%2e, %2f, backslash and double-encoding trick → 4xx, no file content', async () => {
    const doc = new Browser(ember.base);
    await doc.signIn('dr.smith');
    for (const cookie of [undefined, doc.jar.header(ember.base)]) {
      for (const p of prefixes) {
        for (const t of tricks) {
          const target = `${p}${t}`;
          const r = await rawGet(ember.port, target, cookie ? { Cookie: cookie } : {});
          // Signed out, portal paths send the browser to the sign-in page (same origin, `next` kept).
          if (!cookie && r.status === 303 && p.startsWith('/ehr/')) {
            assert.ok(r.headers.location.startsWith('/ehr/login?next='), `${target} → ${r.headers.location}`);
            continue;
          }
          assert.ok(r.status >= 400 && r.status < 500, `${target}${cookie ? ' (signed in)' : ''}: ${r.status}`);
          assert.doesNotMatch(r.body, /root:|PATH=|cmake_minimum_required|#include/, target);
        }
      }
    }
  });

  test('the sample app serves its own files only; its add-slash redirect stays on this origin', async () => {
    assert.equal((await rawGet(ember.port, '/apps/sample/index.html')).status, 200);
    assert.equal((await rawGet(ember.port, '/apps/sample/./index.html')).status, 404, 'no normalisation');
    for (const q of ['?x=//evil.example', '?iss=https://evil.example/fhir', '?a=%0d%0aLocation:%20https://evil.example']) {
      const r = await rawGet(ember.port, `/apps/sample${q}`);
      assert.equal(r.status, 301);
      const loc = new URL(r.headers.location, `${ember.base}/apps/sample`);
      assert.equal(loc.origin, ember.base, `${q} → ${r.headers.location}`);
      assert.equal(loc.pathname, '/apps/sample/');
      assert.doesNotMatch(r.raw.split('\r\n\r\n')[0], /\r\nlocation: https:\/\/evil/i, 'no header injection');
    }
  });

  test('still alive', async () => { await assertAlive(ember, 'after traversal'); });
});

describe('clickjacking: every HTML page refuses foreign framing', () => {
  // frame-ancestors 'self' (or 'none') in the CSP, or X-Frame-Options DENY/SAMEORIGIN.
  function assertNoForeignFraming(headers, what) {
    const csp = headers.get('content-security-policy') || '';
    const xfo = (headers.get('x-frame-options') || '').toUpperCase();
    const fa = /(?:^|;)\s*frame-ancestors\s+([^;]*)/i.exec(csp)?.[1]?.trim();
    if (fa !== undefined) {
      const sources = fa.split(/\s+/);
      assert.ok(sources.every((s) => s === "'self'" || s === "'none'"), `${what}: frame-ancestors ${fa}`);
    } else {
      assert.ok(['DENY', 'SAMEORIGIN'].includes(xfo), `${what}: neither frame-ancestors nor X-Frame-Options (CSP: ${csp})`);
    }
  }
  const isHtml = (h) => /^text\/html/.test(h.get('content-type') || '');

  test('landing page, sign-in, chart, apps, launcher, authorization and error pages', async () => {
    const pages = [];
    const anon = new Browser(ember.base);
    for (const p of ['/', '/ehr/login', '/ehr/launcher', '/ehr/launcher/launch?client_id=nope&user=x']) pages.push([p, await anon.get(p)]);
    const doc = new Browser(ember.base);
    await doc.signIn('dr.smith');
    for (const p of ['/ehr/patients', '/ehr/patients/alice', '/ehr/apps', '/ehr/apps/new', `/ehr/apps/${PUB.id}`, '/ehr/apps/no-such-app',
      '/ehr/patients/no-such-patient', '/ehr/launcher']) {
      pages.push([p, await doc.get(p)]);
    }
    const pk = pkcePair();
    const q = new URLSearchParams({ response_type: 'code', client_id: PUB.id, redirect_uri: CB, scope: 'launch/patient patient/*.rs', state: 's',
      aud: ember.fhir, code_challenge: pk.challenge, code_challenge_method: 'S256' });
    pages.push(['authorize (sign-in page)', await anon.get(`/oauth/authorize?${q}`)]);
    pages.push(['authorize unknown client (error page)', await anon.get('/oauth/authorize?client_id=nope&redirect_uri=https://evil.example/')]);
    pages.push(['authorize/continue with a bogus txn', await anon.get('/oauth/authorize/continue?txn=bogus')]);
    const consent = await authorizeViaHttp({ base: ember.base, clientId: PUB.id, redirectUri: CB, scope: 'launch/patient patient/*.rs',
      username: 'alice', stopAt: 'consent' });
    assert.equal(consent.stage, 'consent');
    pages.push(['consent page', await new Browser(ember.base).get(consent.url, { cookie: consent.jar.header(consent.url) })]);

    let html = 0;
    for (const [what, r] of pages) {
      if (!isHtml(r.headers)) continue;
      html += 1;
      assertNoForeignFraming(r.headers, `${what} (${r.status})`);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', what);
    }
    assert.ok(html >= 14, `${html} HTML pages checked`);
  });

  test('markup in parameters is never reflected unescaped (sign-in next, launcher prefill, authorize errors)', async () => {
    const x = encodeURIComponent('"><script>alert(1)</script>');
    for (const p of [`/ehr/login?next=/ehr/${x}`, `/ehr/launcher?fhir_context=${x}&patient=${x}&app=${x}&intent=${x}&user=${x}`,
      `/oauth/authorize?client_id=${x}&redirect_uri=${x}`, `/ehr/launcher/launch?client_id=${x}&user=${x}`, `/apps/sample/${x}`, `/fhir/Patient/${x}`]) {
      const r = await fetch(`${ember.base}${p}`, { redirect: 'manual' });
      assert.doesNotMatch(await r.text(), /<script>alert/, p);
    }
  });

  test('the sample app may be framed (it is a SMART app the EHR embeds), by its own origin too', async () => {
    // The EHR's launch iframe really working is proven in a browser by ehr_portal.test.js.
    const r = await fetch(`${ember.base}/apps/sample/`);
    await r.text();
    const fa = /frame-ancestors\s+([^;]*)/.exec(r.headers.get('content-security-policy') || '')?.[1] || '';
    assert.ok(fa.split(/\s+/).includes("'self'"), fa);
    const chart = new Browser(ember.base);
    await chart.signIn('dr.smith');
    const page = await chart.get('/ehr/patients/alice');
    assert.match(page.headers.get('content-security-policy') || '', /frame-src [^;]*http/, 'the chart may frame apps');
  });

  test('still alive', async () => { await assertAlive(ember, 'after page checks'); });
});
