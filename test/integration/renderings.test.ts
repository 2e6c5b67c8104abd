import { randomBytes } from 'node:crypto';
import { format, inspect } from 'node:util';
import express from 'express';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { Passport } from 'passport';
import refresh from 'passport-oauth2-refresh';
import {
  CookieStateStore,
  MiAccountClient,
  MiAccountError,
  MiAccountRequestError,
  MiAccountStrategy,
  MiAccountTokenStrategy,
} from '../../lib';
import type { MiAccountStrategyOptions } from '../../lib';
import { freePort, listenOnLoopback, type Listening } from '../helpers/app';
import { CLIENT_ID, CLIENT_SECRET, Harness, login, startHarness, strategyOptionsFor } from '../helpers/mi';

const STATE_KEY_1 = randomBytes(32).toString('base64url');
const STATE_KEY_2 = randomBytes(32).toString('base64url');
const PROXY_PASSWORD = randomBytes(12).toString('base64url');

/** Every way an app, a logger or a debugger turns an object into text. */
const RENDERINGS: Array<[string, (value: unknown) => string]> = [
  ['util.inspect (depth Infinity)', (value) => inspect(value, { depth: Infinity })],
  ['util.inspect (depth Infinity, showHidden)', (value) => inspect(value, { depth: Infinity, showHidden: true })],
  ['JSON.stringify', (value) => JSON.stringify(value) ?? ''],
  ['String()', (value) => String(value)],
  ["util.format('%o') (console formatting)", (value) => format('%o', value)],
  ["util.format('%O')", (value) => format('%O', value)],
  ['Object.entries', (value) => inspect(Object.entries(value as object), { depth: Infinity, showHidden: true })],
];

const OBJECTS = [
  'MiAccountStrategy after a login',
  'MiAccountStrategy with a CookieStateStore',
  'MiAccountStrategy with a proxy agent (credentials in its URL)',
  'MiAccountClient',
  'MiAccountTokenStrategy after verifying a token',
  'CookieStateStore (two keys)',
  'MiAccountError of a refused token exchange',
  'MiAccountRequestError of an unreachable token endpoint',
  'passport after passport.use',
  'passport-oauth2-refresh after refresh.use',
] as const;
type ObjectName = (typeof OBJECTS)[number];

/** The secret in the forms a rendering shows it in: as text, and as the bytes of a Buffer (hex or decimal). */
function shows(text: string, secret: string): boolean {
  const bytes = [...Buffer.from(secret, 'utf8').subarray(0, 12)];
  const compact = text.replace(/\s+/g, '');
  return (
    text.includes(secret) ||
    compact.includes(Buffer.from(bytes).toString('hex')) ||
    compact.includes(bytes.join(',')) ||
    text.includes(Buffer.from(secret).toString('base64').slice(0, 16))
  );
}

describe('no rendering of a public object shows a secret', () => {
  let h: Harness;
  let api: Listening;
  const objects = new Map<ObjectName, unknown>();
  // The App Secret, both state keys, the proxy's password, and the tokens of the logins made below.
  const secrets = [CLIENT_SECRET, STATE_KEY_1, STATE_KEY_2, PROXY_PASSWORD];

  beforeAll(async () => {
    h = await startHarness({ scope: ['profile', 'openid'] });
    await login(h.app);
    const tokens = h.app.verified[0]!;
    const macKey = String(tokens.params.mac_key);
    secrets.push(tokens.accessToken, tokens.refreshToken, macKey);

    const store = new CookieStateStore({ secret: [STATE_KEY_1, STATE_KEY_2], secure: false });
    const withCookies = new MiAccountStrategy(
      { ...strategyOptionsFor(h.emulator), store, name: 'mi-cookie' } as MiAccountStrategyOptions,
      (_a: string, _r: string, _p: object, done: (e: null, u: object) => void) => done(null, {}),
    );
    const proxied = new MiAccountStrategy(
      {
        ...strategyOptionsFor(h.emulator),
        agent: new HttpsProxyAgent(`http://proxy-user:${PROXY_PASSWORD}@127.0.0.1:3128`),
      } as MiAccountStrategyOptions,
      (_a: string, _r: string, _p: object, done: (e: null, u: object) => void) => done(null, {}),
    );
    const client = new MiAccountClient({
      clientID: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectURI: `${h.app.url}/auth/mi/callback`,
      tokenURL: h.emulator.tokenURL,
      openApiURL: h.emulator.openApiURL,
    });
    const tokenStrategy = new MiAccountTokenStrategy(
      { clientID: CLIENT_ID, openApiURL: h.emulator.openApiURL, cacheTtlMs: 60_000 },
      (_token, profile, done) => done(null, { id: profile.id }),
    );

    const passport = new Passport();
    passport.use(h.app.strategy);
    passport.use(withCookies);
    passport.use(tokenStrategy);
    const app = express();
    app.use(express.json());
    app.post('/api/me', passport.authenticate('mi-account-token', { session: false }), (req, res) =>
      res.json(req.user),
    );
    api = await listenOnLoopback(app);
    const verified = await fetch(`${api.url}/api/me`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: tokens.accessToken, mac_key: macKey }),
    });
    expect(verified.status).toBe(200);

    const refused = await client.exchangeCode('a-code-mi-never-issued').catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(MiAccountError);
    const unreachable = await new MiAccountClient({
      clientID: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectURI: `${h.app.url}/auth/mi/callback`,
      tokenURL: `http://127.0.0.1:${await freePort()}/oauth2/token`,
    })
      .exchangeCode('a-code')
      .catch((err: unknown) => err);
    expect(unreachable).toBeInstanceOf(MiAccountRequestError);
    refresh.use(h.app.strategy);

    objects.set('MiAccountStrategy after a login', h.app.strategy);
    objects.set('MiAccountStrategy with a CookieStateStore', withCookies);
    objects.set('MiAccountStrategy with a proxy agent (credentials in its URL)', proxied);
    objects.set('MiAccountClient', client);
    objects.set('MiAccountTokenStrategy after verifying a token', tokenStrategy);
    objects.set('CookieStateStore (two keys)', store);
    objects.set('MiAccountError of a refused token exchange', refused);
    objects.set('MiAccountRequestError of an unreachable token endpoint', unreachable);
    objects.set('passport after passport.use', passport);
    objects.set('passport-oauth2-refresh after refresh.use', refresh);
  });
  afterAll(async () => {
    await api?.close();
    await h?.close();
  });

  const cases = OBJECTS.flatMap((object) =>
    RENDERINGS.map(([rendering, render]) => [rendering, object, render] as const),
  );

  it.each(cases)('%s of the %s shows no secret, key or token', (_rendering, object, render) => {
    const text = render(objects.get(object));
    expect(text.length).toBeGreaterThan(0);
    expect(secrets.filter((secret) => shows(text, secret))).toEqual([]);
  });

  it.each(OBJECTS)('JSON.stringify of the %s does not throw', (object) => {
    expect(() => JSON.stringify(objects.get(object))).not.toThrow();
  });

  it('the secret check itself finds a key shown as text, as Buffer bytes and as a JSON byte array', () => {
    const key = Buffer.from(STATE_KEY_1);
    expect(shows(`key: '${STATE_KEY_1}'`, STATE_KEY_1)).toBe(true);
    expect(shows(inspect({ key }), STATE_KEY_1)).toBe(true);
    expect(shows(JSON.stringify({ key }), STATE_KEY_1)).toBe(true);
    expect(shows(inspect({ key: [...key] }, { breakLength: 20 }), STATE_KEY_1)).toBe(true);
    expect(shows(inspect({ id: CLIENT_ID }), STATE_KEY_1)).toBe(false);
  });
});

describe('JSON.stringify gives a summary of the settings, nothing secret', () => {
  it('of a MiAccountStrategy', () => {
    const strategy = new MiAccountStrategy(
      { clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, callbackURL: '/auth/mi/callback', scope: ['profile'] },
      (_a: string, _r: string, _p: object, done: (e: null, u: object) => void) => done(null, {}),
    );
    expect(JSON.parse(JSON.stringify(strategy))).toEqual({
      name: 'mi-account',
      clientID: CLIENT_ID,
      callbackURL: '/auth/mi/callback',
      scope: ['1'],
      authorizationURL: 'https://account.xiaomi.com/oauth2/authorize',
      tokenURL: 'https://account.xiaomi.com/oauth2/token',
      openApiURL: 'https://open.account.xiaomi.com',
    });
  });

  it('of a MiAccountClient', () => {
    const client = new MiAccountClient({ clientID: CLIENT_ID, clientSecret: CLIENT_SECRET });
    expect(JSON.parse(JSON.stringify(client))).toEqual({
      clientID: CLIENT_ID,
      tokenURL: 'https://account.xiaomi.com/oauth2/token',
      openApiURL: 'https://open.account.xiaomi.com',
      timeout: 10000,
      signRequests: true,
    });
  });

  it('of a CookieStateStore', () => {
    const store = new CookieStateStore({ secret: STATE_KEY_1 });
    expect(JSON.parse(JSON.stringify(store))).toEqual({
      cookieName: '__Host-mi_oauth_state',
      maxAgeMs: 600000,
      secure: true,
      path: '/',
    });
  });
});
