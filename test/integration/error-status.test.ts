import express from 'express';
import session from 'express-session';
import type { Server } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Passport } from 'passport';
import {
  MI_ERROR_CODES,
  MiAccountClient,
  MiAccountError,
  MiAccountRequestError,
  MiAccountResponseError,
  MiAccountStrategy,
} from '../../lib';
import type { MiAccountStep } from '../../lib/errors/reasons';
import { startMiAccountEmulator } from '../../lib/emulator';
import type { MiEmulator, MiEmulatorFault } from '../../lib/emulator';

import { UserAgent } from '../helpers/browserless';
import { CLIENT_ID, CLIENT_SECRET, USERS } from '../helpers/mi';
import { freePort } from '../helpers/app';

/**
 * An app whose error handler does what http-errors users do: answer with `err.status`.
 * Before #14 a failed login answered 200 (Mi's own status) through such a handler.
 */
async function startApp(emulator: MiEmulator, port: number, clientSecret = CLIENT_SECRET) {
  const errors: MiAccountError[] = [];
  const passport = new Passport();
  passport.use(
    new MiAccountStrategy(
      {
        clientID: CLIENT_ID,
        clientSecret,
        callbackURL: '/auth/mi/callback',
        authorizationURL: emulator.authorizationURL,
        tokenURL: emulator.tokenURL,
        openApiURL: emulator.openApiURL,
        timeout: 400,
      },
      (_a: string, _r: string, _p: unknown, profile: { id: string }, done: (e: null, u: object) => void) =>
        done(null, { id: profile.id }),
    ),
  );
  const app = express();
  app.use(session({ secret: 'error-status-test-secret', resave: false, saveUninitialized: false }));
  app.use(passport.initialize());
  app.get('/auth/mi', passport.authenticate('mi-account', { session: false }));
  app.get('/auth/mi/callback', passport.authenticate('mi-account', { session: false }), (_req, res) => res.send('ok'));
  app.use((err: MiAccountError, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    errors.push(err);
    res.status(err.status).json({ message: err.expose ? err.message : 'Sign-in failed' });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    errors,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('error status follows http-errors: the status the app should answer with (#14)', () => {
  let emulator: MiEmulator;
  let app: Awaited<ReturnType<typeof startApp>>;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    emulator = await startMiAccountEmulator({
      clients: [{ clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectURIs: `http://127.0.0.1:${port}/auth` }],
      users: USERS,
      autoApprove: '1001',
    });
    app = await startApp(emulator, port);
  });
  afterAll(async () => {
    await app.close();
    await emulator.close();
  });
  beforeEach(() => (app.errors.length = 0));

  const clientOptions = () => ({
    clientID: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectURI: `http://127.0.0.1:${port}/auth/mi/callback`,
    tokenURL: emulator.tokenURL,
    openApiURL: emulator.openApiURL,
  });
  const client = () => new MiAccountClient(clientOptions());

  /** A code from the emulator's authorization endpoint (auto-approved) for these scopes. */
  async function code(scope: string): Promise<string> {
    const url = new URL(emulator.authorizationURL);
    url.search = new URLSearchParams({
      client_id: CLIENT_ID,
      redirect_uri: clientOptions().redirectURI,
      response_type: 'code',
      scope,
      state: 'state-1',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    return new URL(response.headers.get('location')!).searchParams.get('code')!;
  }

  /** Runs a login up to the callback; returns the callback's response and the callback URL. */
  async function callback(): Promise<{ response: Response; url: string }> {
    const agent = new UserAgent();
    const start = await agent.get(`${app.url}/auth/mi`);
    const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const url = consent.headers.get('location')!;
    return { response: await agent.get(url), url };
  }

  it('a replayed code (96013) is a 400 failure at the callback, and a 400 exposed error from the client with Mi status 200 kept as responseStatus', async () => {
    const agent = new UserAgent();
    const start = await agent.get(`${app.url}/auth/mi`);
    const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const url = consent.headers.get('location')!;
    expect((await agent.get(url)).status).toBe(200);
    // The same code again, with a fresh state of the same session so that the state check passes:
    const again = await agent.get(`${app.url}/auth/mi`);
    const state = new URL(again.headers.get('location')!).searchParams.get('state')!;
    const reused = await agent.get(url.replace(/state=[^&]*/, `state=${encodeURIComponent(state)}`));
    // The user's doing (a callback loaded twice): passport's fail with 400, never the error handler.
    expect(reused.status).toBe(400);
    expect(app.errors).toHaveLength(0);
    const client = new MiAccountClient({
      clientID: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectURI: `${app.url}/auth/mi/callback`,
      tokenURL: emulator.tokenURL,
    });
    const error = await client.exchangeCode(new URL(url).searchParams.get('code')!).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 96013, status: 400, statusCode: 400, expose: true, responseStatus: 200 });
    expect((error as Error).message).toMatch(/96013 OA_INVALID_CODE/);
  });

  it.each<[string, string, MiEmulatorFault, number, number | undefined, string]>([
    ['token endpoint', '/oauth2/token', 'html502', 502, 502, 'MiAccountResponseError'],
    ['token endpoint', '/oauth2/token', 'json500', 502, 500, 'MiAccountError'],
    ['token endpoint', '/oauth2/token', 'truncated', 502, 200, 'MiAccountResponseError'],
    ['token endpoint', '/oauth2/token', 'reset', 502, undefined, 'MiAccountRequestError'],
    ['token endpoint', '/oauth2/token', 'hang', 504, undefined, 'MiAccountRequestError'],
    ['token endpoint', '/oauth2/token', { delayMs: 1500 }, 504, undefined, 'MiAccountRequestError'],
    ['profile', '/user/profile', 'html502', 502, 502, 'MiAccountResponseError'],
    ['profile', '/user/profile', 'json500', 502, 500, 'MiAccountError'],
    ['profile', '/user/profile', 'truncated', 502, 200, 'MiAccountResponseError'],
    ['profile', '/user/profile', 'reset', 502, undefined, 'MiAccountRequestError'],
    ['profile', '/user/profile', 'hang', 504, undefined, 'MiAccountRequestError'],
  ])('%s fault %s %j answers %d (responseStatus %s, %s), not exposed', async (_what, path, fault, status, mi, name) => {
    emulator.setFault(path, fault);
    try {
      const { response } = await callback();
      expect(response.status).toBe(status);
      expect(app.errors[0]).toMatchObject({ name, status, statusCode: status, expose: false, responseStatus: mi });
      expect(((await response.json()) as { message: string }).message).toBe('Sign-in failed');
    } finally {
      emulator.setFault(path, null);
    }
  });

  it('a wrong client secret (96003, the app’s configuration) is 500', async () => {
    const client = new MiAccountClient({
      clientID: CLIENT_ID,
      clientSecret: 'not-the-secret',
      redirectURI: `http://127.0.0.1:${port}/auth/mi/callback`,
      tokenURL: emulator.tokenURL,
    });
    const err = await client.exchangeCode('any-code').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 96003, status: 500, expose: false, responseStatus: 200 });
  });

  it('a used refresh token (96009) is 401, an invalid access token (96008) on the Open API is 401', async () => {
    const client = new MiAccountClient({
      clientID: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectURI: `http://127.0.0.1:${port}/auth/mi/callback`,
      tokenURL: emulator.tokenURL,
      openApiURL: emulator.openApiURL,
    });
    const refresh = await client.refreshAccessToken('not-a-refresh-token').catch((e: unknown) => e);
    expect(refresh).toMatchObject({ code: 96009, status: 401, expose: true });
    const call = await client
      .call('/user/profile', { accessToken: 'not-a-token', macKey: 'k' })
      .catch((e: unknown) => e);
    expect(call).toMatchObject({ code: 96008, status: 401, expose: true });
  });

  it('an agent that cannot send the request (the app’s configuration) is 500, not a Mi fault', async () => {
    const client = new MiAccountClient({
      clientID: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectURI: `http://127.0.0.1:${port}/auth/mi/callback`,
      tokenURL: emulator.tokenURL,
      agent: new HttpsAgent(),
    });
    const err = await client.exchangeCode('any-code').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'MiAccountRequestError', reason: 'configuration', status: 500, expose: false });
  });

  it('a signature Mi refuses on the Open API (96012) is 401, like an invalid token', async () => {
    const tokens = await client().exchangeCode(await code('1 3'));
    const signing = new MiAccountClient({ ...clientOptions(), signRequests: true });
    const err = await signing
      .call('/user/profile', { accessToken: tokens.accessToken, macKey: 'not-the-mac-key' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 96012, reason: 'signature_refused', status: 401, expose: true });
  });

  it('a token that cannot give profile.id (no openid scope) is 403', async () => {
    const tokens = await client().exchangeCode(await code('1'));
    const err = await client()
      .getProfile({ accessToken: tokens.accessToken, macKey: tokens.macKey, scope: '1' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'missing_identifier', status: 403, expose: true });
  });
});

describe('the status of a Mi code, per step: the status of its reason', () => {
  const STEPS: MiAccountStep[] = ['authorization', 'token exchange', 'token refresh', 'open api'];
  const EXPECTED: Record<number, number> = {
    96001: 500,
    96002: 500,
    96003: 500,
    96004: 500,
    96005: 500,
    96006: 500,
    96007: 500,
    96008: 401,
    96009: 401,
    96010: 500,
    96011: 500,
    96012: 403,
    96013: 400,
  };
  // 96012 on an Open API call is a refused MAC signature (signature_refused): the credentials, like 96008.
  const expected = (code: number, step: MiAccountStep) =>
    code === 96012 && step === 'open api' ? 401 : EXPECTED[code]!;
  const rows = Object.keys(MI_ERROR_CODES).flatMap((code) => STEPS.map((step) => [Number(code), step] as const));

  it.each(rows)('Mi code %d at step %s', (code, step) => {
    const err = new MiAccountError({ step, code, responseStatus: 200 });
    const status = expected(code, step);
    expect([err.status, err.statusCode, err.expose]).toEqual([status, status, status < 500]);
  });

  it.each<[string, () => MiAccountError, number]>([
    [
      'an unknown Mi code from a response',
      () => new MiAccountError({ step: 'open api', code: 500, responseStatus: 200 }),
      502,
    ],
    ['an unknown error on the authorization redirect', () => new MiAccountError({ step: 'authorization' }), 502],
    ['a state that does not verify', () => new MiAccountError({ step: 'state' }), 403],
    ['a configuration error', () => new MiAccountError({ step: 'configuration' }), 500],
    [
      'a configuration error found by the request (a proxy, an agent)',
      () => new MiAccountRequestError({ step: 'token exchange', reason: 'configuration' }),
      500,
    ],
    ['an unregistered redirect URI', () => new MiAccountError({ step: 'redirect uri', code: 96010 }), 500],
    ['a local usage error (no mac_key)', () => new MiAccountError({ step: 'open api' }), 500],
    ['a response error', () => new MiAccountResponseError({ step: 'token exchange', responseStatus: 200 }), 502],
    ['a network error', () => new MiAccountRequestError({ step: 'token exchange' }), 502],
    ['a timeout', () => new MiAccountRequestError({ step: 'open api', reason: 'timeout' }), 504],
    ['an explicit status', () => new MiAccountError({ step: 'state', status: 500 }), 500],
    ['an out-of-range status is ignored', () => new MiAccountError({ step: 'state', status: 200 }), 403],
  ])('%s', (_name, make, status) => {
    const err = make();
    expect(err.status).toBe(status);
    expect(err.statusCode).toBe(status);
    expect(err.expose).toBe(status < 500);
  });
});
