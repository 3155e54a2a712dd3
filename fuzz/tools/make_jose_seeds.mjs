// Writes the JOSE seed inputs of fuzz/corpus/{jwt,client_assertion,jwks}/ (gen_* files): tokens
// signed with the fixed keys of fuzz/fixed_keys.h at the fixed clock, valid and one-rule-broken
// variants, so the fuzzers start past the signature check. Run from the repo root:
//   node fuzz/tools/make_jose_seeds.mjs
// Output is deterministic for RS*/PS* headers and payloads; ES* and PS* signatures are random.
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const header = readFileSync('fuzz/fixed_keys.h', 'utf8');
function constant(name) {
  const m = header.match(new RegExp(`${name} =\\n([\\s\\S]*?);\\n`));
  return [...m[1].matchAll(/R"\((.*?)\)"/g)].map((x) => x[1]).join('');
}
const rsaJwk = JSON.parse(constant('kRsaPrivateJwk'));
const ecJwk = JSON.parse(constant('kEcPrivateJwk'));
const nowS = 1700000000;
const keys = { 'rsa-1': createPrivateKey({ key: rsaJwk, format: 'jwk' }),
               'ec-1': createPrivateKey({ key: ecJwk, format: 'jwk' }) };

const b64 = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');
function jws(alg, kid, claims, extraHeader = {}) {
  const h = { alg, typ: 'JWT', ...(kid ? { kid } : {}), ...extraHeader };
  const input = `${b64(h)}.${typeof claims === 'string' ? b64(claims) : b64(claims)}`;
  const hash = { '256': 'sha256', '384': 'sha384', '512': 'sha512' }[alg.slice(2)];
  const key = keys[kid] ?? keys[alg.startsWith('ES') ? 'ec-1' : 'rsa-1'];
  const opts = { key };
  if (alg.startsWith('ES')) opts.dsaEncoding = 'ieee-p1363';
  if (alg.startsWith('PS')) { opts.padding = 6; opts.saltLength = Number(alg.slice(2)) / 8; }
  return `${input}.${sign(hash, Buffer.from(input), opts).toString('base64url')}`;
}
function write(dir, name, text) { writeFileSync(`fuzz/corpus/${dir}/gen_${name}`, text); }

// jwt: the strict rules of fuzz/jwt.cc (iss, aud, sub, iat, jti, lifetime ≤ 300 s, typ JWT).
const good = { iss: 'https://issuer.example', aud: 'https://ember.example/fhir', sub: 'app',
               iat: nowS, exp: nowS + 240, jti: 'j-1' };
write('jwt', 'es256_valid', jws('ES256', 'ec-1', good));
write('jwt', 'rs256_valid', jws('RS256', 'rsa-1', good));
write('jwt', 'ps256_valid', jws('PS256', 'rsa-1', { ...good, aud: ['x', 'https://ember.example/fhir'] }));
write('jwt', 'rs384_nokid', jws('RS384', null, { ...good, nbf: nowS - 10 }));
write('jwt', 'expired', jws('ES256', 'ec-1', { ...good, exp: nowS - 3600 }));
write('jwt', 'far_future', jws('ES256', 'ec-1', { ...good, exp: nowS + 10 ** 9, iat: 1.5 }));
write('jwt', 'crit', jws('ES256', 'ec-1', good, { crit: ['exp'], exp: 1 }));
write('jwt', 'typ_atjwt', jws('ES256', 'ec-1', good, { typ: 'application/at+jwt' }));
write('jwt', 'kid_path', jws('ES256', '../../etc/passwd', good));
write('jwt', 'alg_none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(good)}.`);
write('jwt', 'hs256', `${b64({ alg: 'HS256', typ: 'JWT', kid: 'rsa-1' })}.${b64(good)}.AAAA`);
write('jwt', 'b64_false', `${b64({ alg: 'ES256', b64: false, crit: ['b64'] })}.payload.AAAA`);
write('jwt', 'dup_alg', `${b64('{"alg":"ES256","alg":"none"}')}.${b64(good)}.AAAA`);
write('jwt', 'claims_good', JSON.stringify(good));
write('jwt', 'claims_types', JSON.stringify({ ...good, exp: '1', aud: [1, null], iat: 1e308, nbf: -1 }));

// client_assertion: fuzz/client_assertion.cc's client backend-1 and token endpoint.
const ca = { iss: 'backend-1', sub: 'backend-1', aud: 'https://ember.example/oauth/token',
             exp: nowS + 240, iat: nowS, jti: 'a-1' };
write('client_assertion', 'es256_valid', jws('ES256', 'ec-1', ca));
write('client_assertion', 'rs384_valid', jws('RS384', 'rsa-1', ca));
write('client_assertion', 'jku', jws('ES256', 'ec-1', ca, { jku: 'https://client.example/jwks.json' }));
write('client_assertion', 'jku_other', jws('ES256', 'ec-1', ca, { jku: 'https://evil.example/jwks' }));
write('client_assertion', 'unknown_kid', jws('ES256', 'ec-9', ca).replace(/\.[^.]*$/, '.AAAA'));
write('client_assertion', 'sub_differs', jws('ES256', 'ec-1', { ...ca, sub: 'other' }));
write('client_assertion', 'too_long', jws('ES256', 'ec-1', { ...ca, exp: nowS + 3600 }));
write('client_assertion', 'aud_array', jws('ES256', 'ec-1', { ...ca, aud: ['https://ember.example/oauth/token'] }));
write('client_assertion', 'claims_good', JSON.stringify(ca));
write('client_assertion', 'claims_nojti', JSON.stringify({ ...ca, jti: undefined, exp: nowS - 61 }));

// jwks: the fixed keys as sets, public and private.
const pub = (k) => createPublicKey(keys[k]).export({ format: 'jwk' });
write('jwks', 'fixed_public', JSON.stringify({ keys: [{ ...pub('rsa-1'), kid: 'rsa-1', use: 'sig', alg: 'RS256' },
                                                      { ...pub('ec-1'), kid: 'ec-1' }] }));
write('jwks', 'rsa_private', JSON.stringify(rsaJwk));
write('jwks', 'ec_private', JSON.stringify(ecJwk));
