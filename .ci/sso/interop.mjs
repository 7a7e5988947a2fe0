// CI: Tessera's single sign-on against a certified OpenID Provider, end to end.
//
// Starts `oidc-provider` (the npm package, OpenID Certified) on 127.0.0.1 with a small
// configuration, and the Tessera binary given as the first argument on a temporary database.
// A script plays the browser: it follows the provider's redirects with its own cookie jar and
// signs in through the provider's development interactions (any login, any password), so no
// real browser is needed. Flows:
//   1. mfa "idp", the browser variant: start -> provider -> GET callback -> login_code ->
//      exchange -> session (methods ["sso"]); login history says sso; password login answers
//      sso_required.
//   2. mfa "both", the app variant with the app's own PKCE: start (code_challenge) -> provider
//      -> POST callback (code_verifier) -> forced enrolment (TOTP) -> session (["sso", "totp"]);
//      the next sign-in -> challenge -> TOTP -> session. The provider requires PKCE, so it
//      checks the app's verifier: a code posted with another verifier is refused.
// The ID token carries no email (conformIdTokenClaims): Tessera reads it at userinfo.
// The organisation's domain is verified first by an operator (`tessera admin verify-domain`):
// only a verified domain routes sign-ins and provisions accounts.
// Exits non-zero on the first thing that is not as it should be.

import { spawn, spawnSync } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Provider from 'oidc-provider';

const tessera = process.argv[2];
if (!tessera) {
  console.error('usage: node interop.mjs path/to/tessera');
  process.exit(2);
}

function fail(message, detail) {
  console.error(`SSO interop: ${message}`);
  if (detail !== undefined) console.error(typeof detail === 'string' ? detail : JSON.stringify(detail, null, 2));
  throw new Error(message);
}

function expect(condition, message, detail) {
  if (!condition) fail(message, detail);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const [idpPort, tesseraPort] = [await freePort(), await freePort()];
const issuer = `http://127.0.0.1:${idpPort}`;
const base = `http://127.0.0.1:${tesseraPort}`;
const frontEnd = 'http://127.0.0.1:1/front-end/sso';
const app = 'com.example.app:/sso';
const clientId = 'tessera-ci';
const clientSecret = 'ci-client-secret-for-tessera';

// --- The OpenID Provider ---------------------------------------------------------------
const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [`${base}/v1/auth/sso/callback`, app],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    application_type: 'native',
  }],
  // As the specification has it (and oidc-provider by default): with an access token issued,
  // the email is at the userinfo endpoint only, and Tessera asks it there.
  conformIdTokenClaims: true,
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  async findAccount(_ctx, accountId) {
    return {
      accountId,
      async claims() {
        return { sub: `idp-${accountId}`, email: accountId, email_verified: true };
      },
    };
  },
});
provider.on('server_error', (_ctx, error) => console.error('oidc-provider:', error));
let userinfoAnswers = 0;
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/me' && ctx.status === 200) userinfoAnswers += 1;
});
const idp = provider.listen(idpPort, '127.0.0.1');

// --- Tessera ---------------------------------------------------------------------------
const dataDir = mkdtempSync(join(tmpdir(), 'tessera-sso-'));
const tesseraEnv = {
  ...process.env,
  TESSERA_DATA_DIR: dataDir,
  TESSERA_BIND: `127.0.0.1:${tesseraPort}`,
  TESSERA_PUBLIC_URL: base,
  TESSERA_SSO_REDIRECT_URIS: `${frontEnd},${app}`,
  // The provider runs on this machine.
  TESSERA_SSO_ALLOW_LOOPBACK_ISSUERS: 'true',
  RUST_LOG: 'warn',
};
const server = spawn(tessera, ['serve'], { env: tesseraEnv, stdio: ['ignore', 'inherit', 'inherit'] });

function stop() {
  server.kill();
  idp.close();
  rmSync(dataDir, { recursive: true, force: true });
}

async function waitForTessera() {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/health/ready`)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  fail('Tessera did not start');
}

async function api(method, path, { token, body } = {}) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual',
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

// --- The browser at the provider -------------------------------------------------------
class Browser {
  constructor() { this.cookies = new Map(); }

  async request(url, options = {}) {
    const headers = { ...(options.headers || {}) };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(url, { ...options, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
      if (value) this.cookies.set(name, value); else this.cookies.delete(name);
    }
    return response;
  }

  // Follows the provider's redirects and signs in as `email` wherever it asks (login, then
  // consent), until the provider sends the browser to `until` (Tessera's callback or the app).
  async signInAtProvider(authorizationUrl, email, until) {
    let url = authorizationUrl;
    for (let hop = 0; hop < 20; hop++) {
      if (url.startsWith(until)) return new URL(url);
      const response = await this.request(url);
      if (response.status >= 300 && response.status < 400) {
        url = new URL(response.headers.get('location'), url).toString();
        continue;
      }
      const page = await response.text();
      expect(response.status === 200, `the provider answered ${response.status} at ${url}`, page);
      const prompt = page.match(/name="prompt" value="(\w+)"/)?.[1];
      expect(prompt, 'the provider showed a page without a form', page);
      const form = new URLSearchParams({ prompt });
      if (prompt === 'login') {
        form.set('login', email);
        form.set('password', 'any password: devInteractions accept anything');
      }
      const submitted = await this.request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      expect(submitted.status >= 300 && submitted.status < 400, `the provider refused the ${prompt} form`, await submitted.text());
      url = new URL(submitted.headers.get('location'), url).toString();
    }
    fail('the provider never sent the browser back');
  }
}

// --- TOTP, as an authenticator app computes it (RFC 6238) -------------------------------
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

function totp(secret, at = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const number = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return number.toString().padStart(6, '0');
}

async function waitForNextTimeStep() {
  const ms = 30_000 - (Date.now() % 30_000) + 50;
  await new Promise((r) => setTimeout(r, ms));
}

// --- The flows -------------------------------------------------------------------------
async function main() {
  await waitForTessera();
  const admin = await api('POST', '/v1/accounts', { body: { email: 'owner@example.com', password: 'correct horse battery staple' } });
  expect(admin.status === 201, 'sign-up failed', admin.body);
  const ownerToken = admin.body.session_token;
  const org = await api('POST', '/v1/orgs', { token: ownerToken, body: { name: 'Interop' } });
  expect(org.status === 201, 'creating the organisation failed', org.body);
  const orgId = org.body.id;
  // Unverified, the domain claims nothing: the settings are refused.
  const claimed = await api('POST', `/v1/orgs/${orgId}/domains`, { token: ownerToken, body: { domain: 'interop.example' } });
  expect(claimed.status === 201 && claimed.body.verified === false, 'claiming the domain failed', claimed.body);
  const early = await api('PUT', `/v1/orgs/${orgId}/sso`, {
    token: ownerToken,
    body: { issuer, client_id: clientId, client_secret: clientSecret, email_domains: ['interop.example'], mfa: 'idp', auto_provision: true, password: 'correct horse battery staple' },
  });
  expect(early.status === 422 && early.body.errors?.[0]?.code === 'domain_not_verified', 'an unverified domain was accepted', early.body);
  // The operator vouches for it (no DNS here).
  const vouched = spawnSync(tessera, ['admin', 'verify-domain', '--org', orgId, '--domain', 'interop.example'], { env: tesseraEnv, encoding: 'utf8' });
  expect(vouched.status === 0, 'tessera admin verify-domain failed', `${vouched.stdout}${vouched.stderr}`);
  const domains = await api('GET', `/v1/orgs/${orgId}/domains`, { token: ownerToken });
  expect(domains.body?.items?.[0]?.verified === true, 'the domain is not verified', domains.body);
  const configure = (mfa) => api('PUT', `/v1/orgs/${orgId}/sso`, {
    token: ownerToken,
    body: { issuer, client_id: clientId, client_secret: clientSecret, email_domains: ['interop.example'], mfa, auto_provision: true, password: 'correct horse battery staple' },
  });
  const configured = await configure('idp');
  expect(configured.status === 200, 'the SSO settings were refused', configured.body);
  console.log(`SSO configured against ${issuer} (oidc-provider)`);

  // 1. mfa "idp", browser variant.
  // The front-end keeps a secret for the exchange (login CSRF): only its S256 goes to start.
  const exchangeVerifier = randomBytes(32).toString('base64url');
  const exchangeChallenge = createHash('sha256').update(exchangeVerifier).digest('base64url');
  const started = await api('POST', '/v1/auth/sso/start', {
    body: { email: 'grace@interop.example', redirect_uri: frontEnd, exchange_challenge: exchangeChallenge },
  });
  expect(started.status === 200, 'start failed', started.body);
  const browser = new Browser();
  const callbackUrl = await browser.signInAtProvider(started.body.authorization_url, 'grace@interop.example', `${base}/v1/auth/sso/callback`);
  expect(callbackUrl.searchParams.get('iss') === issuer, 'the provider did not name itself (RFC 9207)', callbackUrl.toString());
  const back = await fetch(callbackUrl, { redirect: 'manual' });
  expect(back.status === 303, `the callback answered ${back.status}`, await back.text());
  const landing = new URL(back.headers.get('location'));
  expect(landing.toString().startsWith(frontEnd), 'the callback sent the browser elsewhere', landing.toString());
  const loginCode = landing.searchParams.get('login_code');
  expect(loginCode, 'no login_code for the front-end', landing.toString());
  const exchanged = await api('POST', '/v1/auth/sso/exchange', { body: { login_code: loginCode, exchange_verifier: exchangeVerifier } });
  expect(exchanged.status === 200 && exchanged.body.status === 'authenticated', 'the exchange did not sign in', exchanged.body);
  expect(JSON.stringify(exchanged.body.session.methods) === '["sso"]', 'the session does not say sso', exchanged.body.session);
  const grace = exchanged.body.session_token;
  expect(userinfoAnswers > 0, 'Tessera did not ask the userinfo endpoint for the email');
  const links = await api('GET', '/v1/me/sso/identities', { token: grace });
  expect(links.body?.items?.length === 1 && links.body.items[0].org_id === orgId, 'the link is not listed', links.body);
  expect((await api('GET', '/v1/sessions/current', { token: grace })).status === 200, 'the session check failed');
  const history = await api('GET', '/v1/me/login-history', { token: grace });
  expect(history.body.items[0]?.method === 'sso', 'the history does not say sso', history.body);
  const password = await api('POST', '/v1/auth/login', { body: { email: 'grace@interop.example', password: 'whatever it was' } });
  expect(password.body?.status === 'sso_required' && password.body.org_id === orgId, 'password login was not sent to SSO', password.body);
  const replay = await fetch(callbackUrl, { redirect: 'manual' });
  expect(replay.status === 400, `a replayed callback answered ${replay.status}`);
  console.log('flow 1 (mfa idp, browser): signed in as grace, history and password login say sso');

  // 2. mfa "both", app variant.
  expect((await configure('both')).status === 200, 'switching to mfa both failed');
  // The app keeps a PKCE verifier per sign-in; only its S256 goes to start.
  const appStarts = async () => {
    const codeVerifier = randomBytes(32).toString('base64url');
    const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
    const start = await api('POST', '/v1/auth/sso/start', {
      body: { org_id: orgId, redirect_uri: app, callback: 'client', code_challenge: codeChallenge },
    });
    expect(start.status === 200, 'start (app) failed', start.body);
    const url = new URL(start.body.authorization_url);
    expect(url.searchParams.get('code_challenge') === codeChallenge, 'the provider was not given the app\'s challenge', url.toString());
    const redirect = await new Browser().signInAtProvider(start.body.authorization_url, 'grace@interop.example', app);
    return { codeVerifier, redirect };
  };
  const appPosts = (redirect, codeVerifier) => api('POST', '/v1/auth/sso/callback', {
    body: {
      state: redirect.searchParams.get('state'), code: redirect.searchParams.get('code'),
      iss: redirect.searchParams.get('iss'), code_verifier: codeVerifier,
    },
  });
  const signInAtApp = async () => {
    const { codeVerifier, redirect } = await appStarts();
    const answer = await appPosts(redirect, codeVerifier);
    expect(answer.status === 200, 'the app callback failed', answer.body);
    return answer.body;
  };
  // A code read from the app's redirect is useless without the app's verifier.
  const { redirect: stolen } = await appStarts();
  const withoutVerifier = await appPosts(stolen, undefined);
  expect(withoutVerifier.status === 422 && withoutVerifier.body.errors?.[0]?.field === 'code_verifier', 'a code without its verifier was not refused', withoutVerifier.body);
  const guessed = await appPosts(stolen, randomBytes(32).toString('base64url'));
  expect(guessed.status === 401 && guessed.body.code === 'sso_code_refused', 'a code with a guessed verifier was not refused', guessed.body);
  const first = await signInAtApp();
  expect(first.status === 'mfa_enrollment_required', 'mfa both without a factor did not force enrolment', first);
  const ticket = first.enrollment.ticket;
  const enrolment = await api('POST', '/v1/me/mfa/totp', { token: ticket, body: {} });
  expect(enrolment.status === 201, 'enrolment with the ticket failed', enrolment.body);
  const activated = await api('POST', `/v1/me/mfa/factors/${enrolment.body.factor_id}/activate`, {
    token: ticket, body: { code: totp(enrolment.body.secret) },
  });
  expect(activated.status === 200, 'activation failed', activated.body);
  expect(JSON.stringify(activated.body.session.methods) === '["sso","totp"]', 'the enrolled session does not say sso and totp', activated.body.session);
  await waitForNextTimeStep();
  const next = await signInAtApp();
  expect(next.status === 'mfa_required', 'mfa both with a factor did not challenge', next);
  const verified = await api('POST', `/v1/auth/challenges/${next.challenge.id}/verify`, {
    body: { method: 'totp', code: totp(enrolment.body.secret) },
  });
  expect(verified.status === 200 && verified.body.session.aal === 'aal2', 'the challenge did not sign in at aal2', verified.body);
  console.log('flow 2 (mfa both, app with its own PKCE): a code without its verifier refused, enrolment forced, then provider + TOTP challenge');
  console.log('SSO interop passed');
}

try {
  await main();
  stop();
} catch (error) {
  stop();
  console.error(error.stack || error);
  process.exit(1);
}
