// End-to-end 2FA flow through the generated TypeScript SDK, against a live Tessera.
//   TESSERA_BASE_URL=http://127.0.0.1:8080 npx tsx e2e/flow.ts
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { generate } from 'otplib';

import { client } from '../typescript/src/client.gen';
import * as tessera from '../typescript/src/sdk.gen';

const baseUrl = process.env.TESSERA_BASE_URL ?? 'http://127.0.0.1:8080';
const email = `ts-${randomUUID()}@example.com`;
const password = 'correct horse battery staple';

let token = '';
client.setConfig({ baseUrl, auth: () => token });

// The session token of a sign-in answer: outside a browser (no Origin header) it is in the body.
function tokenOf(answer: { session_token?: string }): string {
  assert.ok(answer.session_token, 'a session token in the body');
  return answer.session_token;
}

// The body of a successful call; anything else stops the flow with the problem document.
function must<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) {
    throw new Error(`${result.response.status}: ${JSON.stringify(result.error)}`);
  }
  return result.data;
}

const now = () => Math.floor(Date.now() / 1000);
// The code the authenticator shows `ahead` seconds from now (the server accepts one step either
// side, and each step only once).
const codeAt = (secret: string, ahead = 0) => generate({ secret, epoch: now() + ahead });

// The invitation's token, from the email as the server's log transport wrote it (the contract
// run starts the server with TESSERA_DEV_LOG_CODES and its log at TESSERA_SERVER_LOG).
async function invitationToken(address: string): Promise<string> {
  const log = process.env.TESSERA_SERVER_LOG;
  assert.ok(log, 'TESSERA_SERVER_LOG names the server log');
  for (let tries = 0; tries < 100; tries++) {
    // The email's text spans lines: the link comes after its recipient.
    const text = readFileSync(log, 'utf8');
    const at = text.lastIndexOf(address);
    const found = at < 0 ? undefined : text.slice(at).match(/tsn_[A-Za-z0-9_-]+/)?.[0];
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no invitation for ${address} in the server log`);
}

function step(name: string) {
  console.log(`- ${name}`);
}

step('sign up');
const signUp = must(await tessera.createAccount({ body: { email, password, display_name: 'TS' } }));
token = tokenOf(signUp);
assert.equal(signUp.account.email, email);

step('enrol an authenticator and activate it');
const enrolment = must(await tessera.enrollTotp({ body: { password } }));
const secret = enrolment.secret;
assert.match(enrolment.otpauth_uri, /^otpauth:\/\/totp\//);
const activation = must(await tessera.activateFactor({
  path: { id: enrolment.factor_id },
  body: { code: await codeAt(secret) },
}));
const recoveryCodes = activation.recovery_codes?.codes ?? [];
assert.equal(recoveryCodes.length, 8);

step('log out, log in: a second factor is required');
must(await tessera.logout());
token = '';
const login = must(await tessera.login({ body: { email, password } }));
assert.equal(login.status, 'mfa_required');
if (login.status !== 'mfa_required') throw new Error('expected a challenge');
assert.deepEqual(login.challenge.methods, ['totp', 'recovery_code']);

step('answer the challenge with the next code');
const verified = must(await tessera.verifyLoginChallenge({
  path: { id: login.challenge.id },
  body: { method: 'totp', code: await codeAt(secret, 30) },
}));
assert.equal(verified.status, 'authenticated');
if (verified.status !== 'authenticated') throw new Error('expected a session');
assert.equal(verified.session.aal, 'aal2');
token = tokenOf(verified);

step('log in on a second device with a recovery code');
const again = must(await tessera.login({ body: { email, password } }));
if (again.status !== 'mfa_required') throw new Error('expected a challenge');
const byRecovery = must(await tessera.verifyLoginChallenge({
  path: { id: again.challenge.id },
  body: { method: 'recovery_code', code: recoveryCodes[0].toUpperCase() },
}));
if (byRecovery.status !== 'authenticated') throw new Error('expected a session');
assert.deepEqual(byRecovery.session.methods, ['password', 'recovery_code']);
token = tokenOf(byRecovery);
const status = must(await tessera.getMfaStatus());
assert.equal(status.recovery_codes?.remaining, 7);

step('list sessions and sign out the other device');
const sessions = must(await tessera.listSessions());
assert.equal(sessions.items.length, 2);
assert.equal(sessions.items.filter((s) => s.current).length, 1);
const revoked = must(await tessera.revokeOtherSessions());
assert.equal(revoked.revoked, 1);
assert.equal(must(await tessera.listSessions()).items.length, 1);

step('create an organisation and see its members');
const org = must(await tessera.createOrg({ body: { name: 'TS Org' } }));
assert.equal(org.role, 'owner');
const members = must(await tessera.listOrgMembers({ path: { org_id: org.id } }));
assert.deepEqual(members.items.map((m) => [m.email, m.role, m.mfa.status]), [[email, 'owner', 'active']]);
const stranger = await tessera.getOrg({ path: { org_id: randomUUID() }, throwOnError: false });
assert.equal(stranger.response.status, 404);

step('read the login history');
const history = must(await tessera.listLoginHistory({ query: { limit: 10 } }));
assert.deepEqual(
  history.items.map((e) => [e.outcome, e.mfa_method]),
  [
    ['succeeded', 'recovery_code'],
    ['succeeded', 'totp'],
  ],
);

step('a wrong code is a typed problem, and no sign-out');
const wrong = await tessera.disableMfa({
  body: { password, code: '000000' },
  throwOnError: false,
});
assert.equal(wrong.response.status, 403);
const problem = wrong.error as { code?: string; errors?: { field: string }[] };
assert.equal(problem.code, 'reauthentication_failed');
assert.equal(problem.errors?.[0]?.field, 'code');
must(await tessera.getCurrentSession());

step('disable MFA with the password and a recovery code');
must(await tessera.disableMfa({ body: { password, code: recoveryCodes[1] } }));
const plain = must(await tessera.login({ body: { email, password } }));
assert.equal(plain.status, 'authenticated');
if (plain.status !== 'authenticated') throw new Error('expected a session');
token = tokenOf(plain);

step('the organisation invites a new member, who gets an account it manages');
const memberEmail = `ts-member-${randomUUID()}@example.com`;
const invitation = must(await tessera.createOrgInvitation({
  path: { org_id: org.id },
  body: { email: memberEmail, role: 'member' },
}));
assert.equal(invitation.status, 'pending');
const ownerToken = token;
token = '';
const accepted = must(await tessera.acceptInvitation({
  body: { token: await invitationToken(memberEmail), password, display_name: 'TS member' },
}));
if (accepted.status !== 'authenticated' || !('account' in accepted)) {
  throw new Error(`expected a session, got ${accepted.status}`);
}
const added = accepted.account;
token = tokenOf(accepted);
const managed = must(await tessera.getMe());
assert.equal(managed.managed_by?.org_id, org.id);
assert.equal(must(await tessera.listMyOrgs()).items[0]?.manages_account, true);

step('the organisation requires MFA of its member, who is made to enrol at login');
token = ownerToken;
const requirement = must(await tessera.setOrgMemberMfaRequirement({
  path: { org_id: org.id, account_id: added.id },
  body: { required: true, enforcement_delay_days: 0 },
}));
assert.equal(requirement.status, 'pending');
token = '';
const forced = must(await tessera.login({ body: { email: memberEmail, password } }));
if (forced.status !== 'mfa_enrollment_required') throw new Error(`expected forced enrolment, got ${forced.status}`);
token = forced.enrollment.ticket;
const memberEnrolment = must(await tessera.enrollTotp({ body: {} }));
const memberActivation = must(await tessera.activateFactor({
  path: { id: memberEnrolment.factor_id },
  body: { code: await codeAt(memberEnrolment.secret) },
}));
assert.equal(memberActivation.session?.aal, 'aal2');
token = tokenOf(memberActivation);
assert.equal(must(await tessera.getCurrentSession()).account.email, memberEmail);

step('mint a JWT access token; the key set names its key');
const access = must(await tessera.createAccessToken());
assert.equal(access.token_type, 'Bearer');
const header = JSON.parse(Buffer.from(access.access_token.split('.')[0], 'base64url').toString());
assert.equal(header.alg, 'EdDSA');
const jwks = must(await tessera.getJwks());
assert.ok(jwks.keys.some((key) => key.kid === header.kid), 'the signing key is published');

console.log('TypeScript SDK flow passed');
