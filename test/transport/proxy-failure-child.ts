/**
 * Run by proxy-failures.test.ts in a process of its own (under ts-node), where an error without a listener ends the
 * process as it would end an app: one token exchange through each failing proxy of {@link CASES}, one JSON line each.
 */
import { MiAccountClient } from '../../lib';
import { CLIENT_ID, CLIENT_SECRET } from '../helpers/mi';
import { startFakeProxy, type Behaviour } from './fake-proxy';

export const PASSWORD = 'proxy-pw-Zq8x';

export const CASES: ReadonlyArray<{ title: string; scheme: string; behaviour: Behaviour }> = [
  { title: 'an http:// proxy resets the tunnel in the TLS handshake', scheme: 'http://', behaviour: 'reset-after-200' },
  { title: 'an http:// proxy closes the tunnel in the TLS handshake', scheme: 'http://', behaviour: 'close-after-200' },
  { title: 'an https:// proxy resets in its own TLS handshake', scheme: 'https://', behaviour: 'reset-on-hello' },
  { title: 'an https:// proxy closes in its own TLS handshake', scheme: 'https://', behaviour: 'close-on-hello' },
  { title: 'a scheme-less proxy resets the tunnel in the TLS handshake', scheme: '', behaviour: 'reset-after-200' },
  { title: 'a scheme-less proxy closes on a TLS hello', scheme: '', behaviour: 'close-on-hello' },
  { title: 'a proxy refuses the tunnel (407)', scheme: 'http://', behaviour: 'refuse-407' },
];

async function main(): Promise<void> {
  for (const { scheme, behaviour } of CASES) {
    const proxy = await startFakeProxy(behaviour);
    process.env.https_proxy = `${scheme}user:${PASSWORD}@127.0.0.1:${proxy.port}`;
    const client = new MiAccountClient({
      clientID: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectURI: 'https://app.example/auth/mi/callback',
    });
    const err = await client.exchangeCode('code-Zq8x').then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    // A late error of the proxy connection (after the call settled) would end the process here.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await proxy.close();
    console.log(JSON.stringify({ port: proxy.port, name: err?.name, message: err?.message }));
  }
  console.log('done');
}

if (require.main === module) void main();
