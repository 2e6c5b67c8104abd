/**
 * Interop: requests shaped the way other people's Mi Account clients send them (written from the protocol notes,
 * §3, §4, §6, §7 — not from their code) against the emulator with its DEFAULT options, plus our own strategy and
 * client against a server that refuses every MAC signature.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { MiAccountClient } from '../../lib';
import { startMiAccountEmulator, type MiEmulator } from '../../lib/emulator';
import { startMacRefusingProxy, type MacRefusingProxy } from '../helpers/mac-refusing-proxy';
import { freePort, startTestApp, type TestApp } from '../helpers/app';
import { CLIENT_ID, CLIENT_SECRET, login, USERS } from '../helpers/mi';

const REDIRECT = 'http://127.0.0.1:8791/callback';

/** Which of the three Authorization header values a client family percent-encodes. */
interface Encoding {
  readonly accessToken: boolean;
  readonly nonce: boolean;
  readonly mac: boolean;
}

/** How one client family shapes a login: the authorization scope, the token request and the Open API call. */
interface ClientShape {
  readonly name: string;
  /** undefined: no `scope` parameter at all. */
  readonly scope: string | undefined;
  readonly sendsTokenType: boolean;
  /** undefined: the Open API call is not signed. */
  readonly signing: Encoding | undefined;
}

const ALL_ENCODED: Encoding = { accessToken: true, nonce: true, mac: true };

const SHAPES: readonly ClientShape[] = [
  { name: 'Java SDK (all three MAC values encoded)', scope: '1 3', sendsTokenType: true, signing: ALL_ENCODED },
  { name: 'C# SDK (all encoded, no token_type)', scope: '1 3', sendsTokenType: false, signing: ALL_ENCODED },
  {
    name: 'Python SDK (nonce raw)',
    scope: '1 3',
    sendsTokenType: true,
    signing: { accessToken: true, nonce: false, mac: true },
  },
  {
    name: 'PHP SDK (only the mac encoded)',
    scope: '1 3',
    sendsTokenType: true,
    signing: { accessToken: false, nonce: false, mac: true },
  },
  {
    name: 'PHP SDK demo (scope omitted, only the mac encoded)',
    scope: undefined,
    sendsTokenType: true,
    signing: { accessToken: false, nonce: false, mac: true },
  },
  { name: 'Logto connector (unsigned)', scope: '1', sendsTokenType: false, signing: undefined },
  { name: 'passport-xiaomi (scope omitted)', scope: undefined, sendsTokenType: true, signing: ALL_ENCODED },
  { name: 'Java SDK v1.0 / Home Assistant (unsigned)', scope: '1 3', sendsTokenType: true, signing: undefined },
];

/** Protocol §6 step 1: `<random signed 64-bit integer>:<minutes since the epoch>`. */
function nonce(): string {
  return `${randomBytes(8).readBigInt64BE().toString()}:${Math.floor(Date.now() / 60000)}`;
}

/** Protocol §6 steps 2–3, written here on its own so this test does not lean on lib/client/mac.ts. */
function mac(key: string, nonceValue: string, host: string, path: string, query: Record<string, string>): string {
  const sorted = Object.keys(query)
    .filter((name) => query[name] !== '')
    .sort()
    .map((name) => `${name}=${query[name]}`)
    .join('&');
  const canonical = `${nonceValue}\nGET\n${host}\n${path}\n${sorted}\n`;
  return createHmac('sha1', key).update(canonical).digest('base64');
}

function encoded(value: string, encode: boolean): string {
  return encode ? encodeURIComponent(value) : value;
}

/** One whole login of a client family: authorize, exchange the code, read /user/profile. */
async function loginAs(emulator: MiEmulator, shape: ClientShape): Promise<Record<string, unknown>> {
  const authorize = new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: REDIRECT, response_type: 'code' });
  if (shape.scope !== undefined) authorize.set('scope', shape.scope);
  authorize.set('state', 'interop');
  const approved = await fetch(`${emulator.authorizationURL}?${authorize}`, { redirect: 'manual' });
  await approved.text();
  const code = new URL(approved.headers.get('location') ?? '', REDIRECT).searchParams.get('code');
  if (!code) throw new Error(`no code: ${approved.headers.get('location') ?? approved.status}`);

  const token = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    client_secret: CLIENT_SECRET,
    grant_type: 'authorization_code',
    code,
  });
  if (shape.sendsTokenType) token.set('token_type', 'mac');
  const tokenText = await (await fetch(`${emulator.tokenURL}?${token}`)).text();
  const tokens = JSON.parse(tokenText.replace(/^&&&START&&&\s*/, '')) as Record<string, unknown>;
  const accessToken = tokens.access_token;
  const macKey = tokens.mac_key;
  if (typeof accessToken !== 'string' || typeof macKey !== 'string') throw new Error(`no token: ${tokenText}`);

  const query = { clientId: CLIENT_ID, token: accessToken };
  const headers: Record<string, string> = {};
  if (shape.signing) {
    const n = nonce();
    const signature = mac(macKey, n, '127.0.0.1', '/user/profile', query);
    const e = shape.signing;
    headers.authorization = `MAC access_token="${encoded(accessToken, e.accessToken)}", nonce="${encoded(n, e.nonce)}",mac="${encoded(signature, e.mac)}"`;
  }
  const res = await fetch(`${emulator.openApiURL}/user/profile?${new URLSearchParams(query)}`, { headers });
  return (await res.json()) as Record<string, unknown>;
}

describe('client families against the emulator with default options', () => {
  let emulator: MiEmulator;
  beforeAll(async () => {
    emulator = await startMiAccountEmulator({
      clients: [{ clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectURIs: 'http://127.0.0.1:8791/' }],
      users: USERS,
      autoApprove: '1001',
    });
  });
  afterAll(() => emulator.close());

  it.each(SHAPES.map((shape) => [shape.name, shape] as const))(
    '%s logs in and reads /user/profile',
    async (_, shape) => {
      const body = await loginAs(emulator, shape);
      expect(body).toMatchObject({ result: 'ok', code: 0, data: { miliaoNick: 'Alex Chen' } });
    },
  );

  it('every client family logs in (the interop figure)', async () => {
    const results = await Promise.all(SHAPES.map((shape) => loginAs(emulator, shape)));
    const loggedIn = SHAPES.filter((_, index) => results[index]?.result === 'ok').map((shape) => shape.name);
    expect(loggedIn).toEqual(SHAPES.map((shape) => shape.name));
  });

  it('still refuses a MAC that is sent but wrong, raw or percent-encoded (96012)', async () => {
    const { accessToken } = await implicitTokens(emulator);
    const query = { clientId: CLIENT_ID, token: accessToken };
    const n = nonce();
    const wrong = mac('not-the-mac-key', n, '127.0.0.1', '/user/profile', query);
    for (const encode of [false, true]) {
      const authorization = `MAC access_token="${encoded(accessToken, encode)}", nonce="${encoded(n, encode)}",mac="${encoded(wrong, encode)}"`;
      const res = await fetch(`${emulator.openApiURL}/user/profile?${new URLSearchParams(query)}`, {
        headers: { authorization },
      });
      expect(await res.json()).toMatchObject({ result: 'error', code: 96012 });
    }
  });
});

describe('our own strategy and client against a Mi Account that refuses every signature', () => {
  let emulator: MiEmulator;
  let proxy: MacRefusingProxy;
  let app: TestApp;
  let emitWarning: jest.SpiedFunction<typeof process.emitWarning>;

  beforeEach(async () => {
    // Jest's sandboxed process does not relay 'warning' events: watch the emitWarning calls themselves.
    emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const port = await freePort();
    emulator = await startMiAccountEmulator({
      clients: [
        {
          clientID: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          redirectURIs: `http://127.0.0.1:${port}/auth;http://127.0.0.1:8791/`,
        },
      ],
      users: USERS,
      autoApprove: '1001',
    });
    proxy = await startMacRefusingProxy(emulator.url);
    app = await startTestApp(
      {
        clientID: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        authorizationURL: emulator.authorizationURL,
        tokenURL: emulator.tokenURL,
        openApiURL: proxy.url,
      },
      port,
    );
  });
  afterEach(async () => {
    emitWarning.mockRestore();
    await app.close();
    await proxy.close();
    await emulator.close();
  });

  /** The MI_ACCOUNT_MAC_REFUSED warnings emitted so far. */
  function healedWarnings(): Array<{ message: string; code?: string }> {
    return emitWarning.mock.calls
      .map(([message, options]) => ({
        message: String(message),
        ...(typeof options === 'object' ? (options as { type?: string; code?: string }) : {}),
      }))
      .filter((warning) => warning.code === 'MI_ACCOUNT_MAC_REFUSED');
  }

  it('MiAccountStrategy logs in; the second login is sent unsigned at once; one warning', async () => {
    const first = await login(app);
    expect(first.final.status).toBe(200);
    const body = (await first.final.json()) as { profile: { displayName: string } };
    expect(body.profile.displayName).toBe('Alex Chen');
    const second = await login(app);
    expect(second.final.status).toBe(200);
    await second.final.text();
    expect({ signed: proxy.signed, unsigned: proxy.unsigned }).toEqual({ signed: 1, unsigned: 2 });
    const healed = healedWarnings();
    expect(healed).toHaveLength(1);
    expect(healed[0]!.message).toContain('signRequests');
  });

  it('MiAccountClient.getProfile succeeds and the client stops signing', async () => {
    const tokens = await implicitTokens(emulator);
    const client = new MiAccountClient({ clientID: CLIENT_ID, openApiURL: proxy.url });
    expect(client.signRequests).toBe(true);
    const profile = await client.getProfile({ ...tokens, scope: '1 3' });
    expect(profile.displayName).toBe('Alex Chen');
    expect(client.signRequests).toBe(false);
    expect(healedWarnings()).toHaveLength(1);
  });
});

/** Tokens for user 1001 by the implicit grant (scope 1 3), read off the redirect's fragment. */
async function implicitTokens(emulator: MiEmulator): Promise<{ accessToken: string; macKey: string }> {
  const authorize = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: 'http://127.0.0.1:8791/cb',
    response_type: 'token',
    scope: '1 3',
  });
  const res = await fetch(`${emulator.authorizationURL}?${authorize}`, { redirect: 'manual' });
  await res.text();
  const fragment = new URLSearchParams(new URL(res.headers.get('location') ?? '').hash.slice(1));
  return { accessToken: fragment.get('access_token') ?? '', macKey: fragment.get('mac_key') ?? '' };
}
