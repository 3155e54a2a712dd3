// Starts Debian's nginx as a round-robin reverse proxy on a loopback port in front of some
// upstream ports, the way docs/operations.md puts several Ember instances behind one public URL.
// Config, pid, temp folders and access log live in a throwaway prefix folder; the error log goes
// to stderr (kept in output()). Nothing is read from or written to /etc/nginx or /var.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server.js';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export function nginxBin() {
  if (process.env.NGINX_BIN) return process.env.NGINX_BIN;
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx']) if (existsSync(p)) return p;
  throw new Error('nginx not found (install the Debian package nginx, e.g. via scripts/install-deps.sh, or set NGINX_BIN)');
}

// The nginx.conf text. Exported so a test can show it when something goes wrong.
export function nginxConfig({ prefix, port, upstreams }) {
  // As root the workers would otherwise run as `nobody`, which cannot use the temp folders.
  const user = process.getuid?.() === 0 ? `user ${userInfo().username};\n` : '';
  return `${user}worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log stderr warn;
events { worker_connections 512; }
http {
  client_body_temp_path ${join(prefix, 'tmp', 'body')};
  proxy_temp_path ${join(prefix, 'tmp', 'proxy')};
  fastcgi_temp_path ${join(prefix, 'tmp', 'fastcgi')};
  uwsgi_temp_path ${join(prefix, 'tmp', 'uwsgi')};
  scgi_temp_path ${join(prefix, 'tmp', 'scgi')};
  log_format upstream '$upstream_addr $request_method $uri $status';
  access_log ${join(prefix, 'access.log')} upstream;
  upstream ember {
${upstreams.map((p) => `    server 127.0.0.1:${p};`).join('\n')}
    keepalive 8;
  }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 16m;
    location / {
      proxy_pass http://ember;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_redirect off;
    }
  }
}
`;
}

// Starts nginx on 127.0.0.1:port (a free one when not given) proxying round-robin to
// 127.0.0.1:upstreams[i]; resolves once a request through it reaches an upstream (healthPath).
// Returns {base, port, prefix, output(), upstreamLog() (lines "127.0.0.1:PORT METHOD URI STATUS"),
// stop()}.
export async function startNginx({ upstreams, port, healthPath = '/healthz' }) {
  const bin = nginxBin();
  const listenPort = port || await freePort();
  const prefix = mkdtempSync(join(tmpdir(), 'ember-nginx-'));
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(prefix, 'tmp', d), { recursive: true });
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, nginxConfig({ prefix, port: listenPort, upstreams }));
  const proc = spawn(bin, ['-e', 'stderr', '-p', prefix, '-c', conf, '-g', 'daemon off;'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => { output += d; });
  proc.stderr.on('data', (d) => { output += d; });
  proc.on('error', (e) => { output += `spawn ${bin}: ${e.message}\n`; });
  const exited = new Promise((res) => proc.on('close', (code, signal) => res({ code, signal })));
  const base = `http://127.0.0.1:${listenPort}`;

  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');  // nginx: fast shutdown
      const t = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(t);
    }
    rmSync(prefix, { recursive: true, force: true });
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      await stop();
      throw new Error(`nginx exited early:\n${output}`);
    }
    try {
      const r = await fetch(`${base}${healthPath}`);
      await r.arrayBuffer();
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not proxy ${healthPath} in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    port: listenPort,
    prefix,
    output: () => output,
    upstreamLog: () => {
      try {
        return readFileSync(join(prefix, 'access.log'), 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
    stop,
  };
}
