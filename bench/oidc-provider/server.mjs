// oidc-provider (the OpenID-certified Node server) set up like Ember for the side-by-side
// benchmarks of `make bench`: the same kinds of keys (RSA 2048 for RS256 id_tokens, P-256 for
// ES256 JWT access tokens), a public PKCE client that gets refresh tokens (rotated on every use,
// as Ember does), and a backend client that authenticates with an RS384 private_key_jwt for
// client_credentials. Consent is given automatically — the counterpart of Ember's auto-approve
// apps — so the harness can mint codes and refresh tokens over plain HTTP without pages.
//
// Usage: node bench/oidc-provider/server.mjs CONFIG.json
//   CONFIG: { port, redirectUri, resource, publicClientId, backendClientId, backendJwks,
//             scope, systemScope }
// Listens on 127.0.0.1 only and prints one line `ready <issuer>` when it accepts requests.
import http from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${cfg.port}`;

// The quick-start memory adapter oidc-provider falls back to is an LRU of 1,000 entries: under a
// benchmark it evicts grants still in use (refreshes then fail with invalid_grant). This one
// keeps everything for the life of the process (a bench run: minutes), dropping what has expired.
const store = new Map();
class MapAdapter {
  constructor(model) { this.model = model; }
  key(id) { return `${this.model}:${id}`; }
  async upsert(id, payload, expiresIn) {
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Infinity;
    store.set(this.key(id), { payload, expiresAt });
    if (payload.grantId) {
      const g = `grant:${payload.grantId}`;
      store.set(g, [...(store.get(g) || []), this.key(id)]);
    }
    if (payload.uid) store.set(`uid:${this.model}:${payload.uid}`, id);
    if (payload.userCode) store.set(`userCode:${this.model}:${payload.userCode}`, id);
  }
  async find(id) {
    const e = store.get(this.key(id));
    if (!e || e.expiresAt <= Date.now()) { store.delete(this.key(id)); return undefined; }
    return e.payload;
  }
  async findByUid(uid) { const id = store.get(`uid:${this.model}:${uid}`); return id ? this.find(id) : undefined; }
  async findByUserCode(code) { const id = store.get(`userCode:${this.model}:${code}`); return id ? this.find(id) : undefined; }
  async consume(id) { const e = store.get(this.key(id)); if (e) e.payload.consumed = Math.floor(Date.now() / 1000); }
  async destroy(id) { store.delete(this.key(id)); }
  async revokeByGrantId(grantId) {
    for (const k of store.get(`grant:${grantId}`) || []) store.delete(k);
    store.delete(`grant:${grantId}`);
  }
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });

const provider = new Provider(issuer, {
  adapter: MapAdapter,
  clients: [
    {
      client_id: cfg.publicClientId,
      token_endpoint_auth_method: 'none',
      redirect_uris: [cfg.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      scope: cfg.scope,
    },
    {
      client_id: cfg.backendClientId,
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'RS384',
      jwks: cfg.backendJwks,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: cfg.systemScope,
    },
  ],
  jwks: { keys: [{ ...rsa, kid: 'rs-1', alg: 'RS256', use: 'sig' }, { ...ec, kid: 'es-1', alg: 'ES256', use: 'sig' }] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  // Every scope a client may be registered with (the resource scopes too, or the client
  // metadata is refused).
  scopes: [...new Set(['openid', 'offline_access', ...cfg.resourceScope.split(' '), ...cfg.systemScope.split(' ')])],
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  enabledJWA: { clientAuthSigningAlgValues: ['RS256', 'RS384', 'ES256', 'ES384'] },
  rotateRefreshToken: true, // Ember rotates every refresh token
  // Lifetimes as Ember's (oauth/auth_server.h).
  ttl: {
    AuthorizationCode: 60, AccessToken: 3600, IdToken: 3600, ClientCredentials: 300,
    RefreshToken: 90 * 24 * 3600, Grant: 90 * 24 * 3600, Session: 12 * 3600, Interaction: 15 * 60,
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    // JWT access tokens signed ES256 for the FHIR base, like Ember's.
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => cfg.resource,
      useGrantedResource: async () => true,
      getResourceServerInfo: async () => ({
        scope: `${cfg.resourceScope} ${cfg.systemScope}`,
        audience: cfg.resource,
        accessTokenTTL: 3600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
});

// Auto-approve: sign in as `alice` and grant everything asked for (the documented Grant API).
async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;
  let result;
  if (prompt.name === 'login') {
    result = { login: { accountId: 'alice' } };
  } else {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const d = prompt.details;
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(d.missingResourceScopes || {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    result = { consent: { grantId: await grant.save() } };
  }
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((e) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e?.message || e));
    });
  } else {
    callback(req, res);
  }
});
server.keepAliveTimeout = 60_000;
server.listen(cfg.port, '127.0.0.1', () => console.log(`ready ${issuer}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
