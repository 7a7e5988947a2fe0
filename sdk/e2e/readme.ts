// The README's TypeScript example, as printed there (a test checks the two are the same),
// and run by CI against a fresh server. Run it yourself with
//   TESSERA_URL=http://127.0.0.1:8080 EMAIL=… PASSWORD=… [CODE=123456] npx tsx readme.ts
import { client } from '@tessera/sdk/src/client.gen';
import { login, verifyLoginChallenge, getCurrentSession } from '@tessera/sdk';

const { TESSERA_URL = 'http://127.0.0.1:8080', EMAIL = '', PASSWORD = '', CODE = '' } = process.env;
let token = '';
client.setConfig({ baseUrl: TESSERA_URL, auth: () => token });

const { data, error } = await login({ body: { email: EMAIL, password: PASSWORD } });
if (data?.status === 'mfa_required') {
  const verified = await verifyLoginChallenge({
    path: { id: data.challenge.id },
    body: { method: 'totp', code: CODE },
  });
  if (verified.data?.status === 'authenticated') token = verified.data.session_token ?? '';
} else if (data?.status === 'authenticated') {
  token = data.session_token ?? ''; // absent in browsers: there the cookie carries the session
}
const me = await getCurrentSession(); // errors come back as typed problem documents in `error`
console.log(me.data ? `signed in as ${me.data.account.email}` : (error ?? me.error));
if (!me.data) process.exit(1);
