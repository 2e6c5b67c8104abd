import { DOCUMENTED_STATUS } from '../helpers/error-status';
import express from 'express';
import session from 'express-session';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { join } from 'node:path';
import { Passport } from 'passport';
import {
  MiAccountClient,
  MiAccountError,
  MiAccountErrorReason,
  MiAccountStrategy,
  MiAccountStrategyOptions,
} from '../../lib';
import { buildImplicitAuthorizeUrl, parseImplicitCallback } from '../../lib/browser';
import { MI_ACCOUNT_ERROR_REASONS } from '../../lib/errors/reasons';
import { startMiAccountEmulator } from '../../lib/emulator';
import type { MiEmulator } from '../../lib/emulator';
import { UserAgent } from '../helpers/browserless';
import { freePort, listenOnLoopback } from '../helpers/app';
import { CLIENT_ID, CLIENT_SECRET, USERS, strategyOptionsFor } from '../helpers/mi';
import { RawServer, startRawServer } from '../helpers/raw-server';
import { startTokenApi, type TokenApi } from '../helpers/token-api';

/**
 * Every MiAccountError and every failure info of the strategies carries a `reason` of MiAccountErrorReason, a
 * numeric `code` only when Mi Account sent one, and the status of its reason in the one table. Each is driven here
 * over real HTTP: the emulator (its faults for timeouts and broken answers), a bare loopback server for what the
 * emulator never says, and real Express apps with Passport. The last block checks that the cases above produced every
 * reason, each with the status of the table.
 */

const STATUS = DOCUMENTED_STATUS;

/** Each reason the cases below produced, with every HTTP status it was answered with. */
const produced = new Map<string, Set<number | undefined>>();
function observe(reason: unknown, status: number | undefined): void {
  const key = String(reason);
  produced.set(key, (produced.get(key) ?? new Set()).add(status));
}

const LIB = join(__dirname, '..', '..', 'lib');

interface Case {
  /** Where the error is made (`file#label`), naming the case. */
  site: string;
  reason: MiAccountErrorReason;
  /** Mi's code when Mi Account sent one, else undefined. */
  code: number | undefined;
  run: () => Promise<unknown>;
}

let emulator: MiEmulator;
let raw: RawServer;
let rawAnswer: { status: number; type: string; body: string } = { status: 200, type: 'application/json', body: '{}' };
let port: number;
/** A second registered port: a fresh app on the first one would meet fetch's idle sockets to the closed one. */
let secondPort: number;
let redirectURI: string;

beforeAll(async () => {
  port = await freePort();
  secondPort = await freePort();
  redirectURI = `http://127.0.0.1:${port}/auth/mi/callback`;
  emulator = await startMiAccountEmulator({
    clients: [
      {
        clientID: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectURIs: `http://127.0.0.1:${port}/auth;http://127.0.0.1:${secondPort}/auth`,
        sensitiveScopes: true,
      },
    ],
    users: USERS,
    autoApprove: '1001',
  });
  raw = await startRawServer((_req, res) => {
    res.writeHead(rawAnswer.status, { 'content-type': rawAnswer.type });
    res.end(rawAnswer.body);
  });
});
afterAll(async () => {
  await raw.close();
  await emulator.close();
});

function client(options: Partial<ConstructorParameters<typeof MiAccountClient>[0]> = {}): MiAccountClient {
  return new MiAccountClient({
    clientID: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectURI,
    tokenURL: emulator.tokenURL,
    openApiURL: emulator.openApiURL,
    timeout: 2000,
    ...options,
  });
}

/** A code from the emulator's authorization endpoint (auto-approved as user 1001). */
async function authorizationCode(scope = '1 3'): Promise<string> {
  const url = new URL(emulator.authorizationURL);
  url.search = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: redirectURI,
    response_type: 'code',
    scope,
    state: 'state-1',
  }).toString();
  const response = await fetch(url, { redirect: 'manual' });
  return new URL(response.headers.get('location')!).searchParams.get('code')!;
}

async function tokens(scope = '1 3') {
  return client().exchangeCode(await authorizationCode(scope));
}

/** Runs the call with a fault on the path, then clears it. */
async function withFault(path: string, fault: Parameters<MiEmulator['setFault']>[1], run: () => Promise<unknown>) {
  emulator.setFault(path, fault);
  try {
    return await run();
  } finally {
    emulator.setFault(path, null);
  }
}

/** Answers every request of the bare server with this body. */
function rawClient(body: string, type = 'application/json'): MiAccountClient {
  rawAnswer = { status: 200, type, body };
  return client({ tokenURL: `${raw.url}/oauth2/token`, openApiURL: raw.url });
}

async function rejection(run: () => Promise<unknown>): Promise<MiAccountError> {
  const err = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MiAccountError);
  observe((err as MiAccountError).reason, (err as MiAccountError).status);
  return err as MiAccountError;
}

const CLIENT_CASES: Case[] = [
  {
    site: 'lib/transport/http.ts#timeout',
    reason: 'timeout',
    code: undefined,
    run: () => withFault('/oauth2/token', 'hang', () => client({ timeout: 200 }).exchangeCode('any-code')),
  },
  {
    site: 'lib/transport/http.ts#proxy-env',
    reason: 'configuration',
    code: undefined,
    run: async () => {
      const names = ['HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'] as const;
      const saved = names.map((name) => process.env[name]);
      process.env.HTTP_PROXY = process.env.http_proxy = 'http://[not-a-url';
      Reflect.deleteProperty(process.env, 'NO_PROXY');
      Reflect.deleteProperty(process.env, 'no_proxy');
      try {
        return await client().exchangeCode('any-code');
      } finally {
        names.forEach((name, i) =>
          saved[i] === undefined ? Reflect.deleteProperty(process.env, name) : (process.env[name] = saved[i]),
        );
      }
    },
  },
  {
    site: 'lib/transport/http.ts#agent',
    reason: 'configuration',
    code: undefined,
    run: () => client({ agent: new HttpsAgent() }).exchangeCode('any-code'),
  },
  {
    site: 'lib/transport/http.ts#network',
    reason: 'network_error',
    code: undefined,
    run: () => withFault('/oauth2/token', 'reset', () => client().exchangeCode('any-code')),
  },
  {
    site: 'lib/transport/http.ts#too-large',
    reason: 'response_too_large',
    code: undefined,
    run: () => client({ maxResponseBytes: 32 }).exchangeCode('any-code'),
  },
  {
    site: 'lib/client/profile.ts#identifier',
    reason: 'invalid_response',
    code: undefined,
    run: () =>
      rawClient(JSON.stringify({ result: 'ok', data: { miliaoNick: 'x', unionId: 1234567890 } })).getProfile({
        accessToken: 'token-1234',
        macKey: 'mac-key-1234',
        scope: '1',
        openId: 'open-1',
      }),
  },
  {
    site: 'lib/client/client.ts#mac-key',
    reason: 'invalid_argument',
    code: undefined,
    run: () => client().call('/user/profile', { accessToken: 'token-1234', macKey: '' }),
  },
  {
    site: 'lib/client/client.ts#missing-identifier',
    reason: 'missing_identifier',
    code: undefined,
    run: async () => {
      const set = await tokens('1');
      return client().getProfile({ accessToken: set.accessToken, macKey: set.macKey, scope: '1' });
    },
  },
  {
    site: 'lib/client/client.ts#client-secret',
    reason: 'configuration',
    code: undefined,
    run: () => new MiAccountClient({ clientID: CLIENT_ID, redirectURI, tokenURL: emulator.tokenURL }).exchangeCode('c'),
  },
  {
    site: 'lib/client/client.ts#redirect-uri',
    reason: 'configuration',
    code: undefined,
    run: () => client({ redirectURI: undefined }).exchangeCode('any-code'),
  },
  {
    site: 'lib/client/client.ts#grant',
    reason: 'invalid_argument',
    code: undefined,
    run: () => client().refreshAccessToken(''),
  },
  {
    site: 'lib/client/response.ts#not-json',
    reason: 'invalid_response',
    code: undefined,
    run: () => withFault('/oauth2/token', 'html502', () => client().exchangeCode('any-code')),
  },
  {
    site: 'lib/client/response.ts#invalid',
    reason: 'invalid_response',
    code: undefined,
    run: () => rawClient('&&&START&&&{"expires_in":3600}').exchangeCode('any-code'),
  },
  {
    site: 'lib/client/response.ts#token-error',
    reason: 'code_invalid',
    code: 96013,
    run: () => client().exchangeCode('never-issued-code'),
  },
  {
    site: 'lib/client/response.ts#token-error',
    reason: 'refresh_token_invalid',
    code: 96009,
    run: () => client().refreshAccessToken('never-issued-refresh-token'),
  },
  {
    site: 'lib/client/response.ts#token-error',
    reason: 'client_invalid',
    code: 96003,
    run: () => client({ clientSecret: 'not-the-app-secret' }).exchangeCode('any-code'),
  },
  {
    site: 'lib/client/response.ts#token-error',
    reason: 'redirect_uri_not_registered',
    code: 96010,
    run: () => client().refreshAccessToken('any-refresh-token', 'http://127.0.0.1:1/elsewhere'),
  },
  {
    site: 'lib/client/response.ts#token-error',
    reason: 'request_invalid',
    code: 96002,
    run: () => client({ tokenURL: `${emulator.tokenURL}?client_id=${CLIENT_ID}` }).exchangeCode('any-code'),
  },
  {
    site: 'lib/client/response.ts#token-error',
    reason: 'mi_error',
    code: 500,
    run: () => withFault('/oauth2/token', 'json500', () => client().exchangeCode('any-code')),
  },
  {
    site: 'lib/client/response.ts#token-error',
    reason: 'mi_error',
    code: undefined,
    run: () => rawClient('{"error":"invalid_grant","error_description":"RFC style"}').exchangeCode('any-code'),
  },
  {
    site: 'lib/client/response.ts#token-error',
    reason: 'client_unauthorized',
    code: 96005,
    run: () => rawClient('&&&START&&&{"error":96005}').exchangeCode('any-code'),
  },
  {
    site: 'lib/client/response.ts#open-api-error',
    reason: 'token_invalid',
    code: 96008,
    run: () => client().call('/user/profile', { accessToken: 'never-issued', macKey: 'mac-key-1234' }),
  },
  {
    site: 'lib/client/response.ts#open-api-error',
    reason: 'signature_refused',
    code: 96012,
    run: async () => {
      const set = await tokens();
      return client({ signRequests: true }).call('/user/profile', { accessToken: set.accessToken, macKey: 'wrong' });
    },
  },
  {
    site: 'lib/client/response.ts#open-api-error',
    reason: 'scope_invalid',
    code: 96007,
    run: async () => {
      const set = await tokens('1');
      return client().call('/user/phoneAndEmail', { accessToken: set.accessToken, macKey: set.macKey });
    },
  },
  {
    site: 'lib/client/response.ts#open-api-error',
    reason: 'client_invalid',
    code: 96001,
    run: () => client({ clientID: '1234567' }).call('/user/profile', { accessToken: 't-1234', macKey: 'm-1234' }),
  },
];

describe('MiAccountClient: every error carries its reason, and a code only when Mi Account sent one', () => {
  it.each(CLIENT_CASES.map((c) => [c.site, c.reason, c.code ?? 'no code', c] as const))(
    '%s → %s (%s)',
    async (_site, reason, _code, c) => {
      const err = await rejection(c.run);
      expect(err.reason).toBe(reason);
      expect(err.code).toBe(c.code);
      expect(err.status).toBe(STATUS[reason]);
      expect(err.toJSON()).toMatchObject({ reason, status: STATUS[reason] });
    },
  );
});

/** A real Express app with Passport whose callback route records what passport hands a custom callback. */
async function startApp(options: Partial<MiAccountStrategyOptions> = {}, withSession = true, appPort = port) {
  const failures: Array<{ info: Record<string, unknown>; status: number | undefined }> = [];
  const errors: MiAccountError[] = [];
  const passport = new Passport();
  const strategy = new MiAccountStrategy(
    { ...strategyOptionsFor(emulator), ...options } as MiAccountStrategyOptions,
    (_a: string, _r: string, profile: { id: string }, done: (e: null, u: object) => void) =>
      done(null, { id: profile.id }),
  );
  passport.use(strategy);
  const app = express();
  if (withSession) app.use(session({ secret: 'error-reasons-secret', resave: false, saveUninitialized: false }));
  app.use(passport.initialize());
  app.get('/auth/mi', passport.authenticate('mi-account', { session: false }));
  app.get('/auth/mi/callback', (req, res, next) => {
    const callback = (err: unknown, user: unknown, info: Record<string, unknown>, status?: number) => {
      if (err) return next(err);
      if (!user) {
        failures.push({ info, status });
        observe(info.reason, status ?? 401);
        return res.status(status ?? 401).json(info);
      }
      res.json(user);
    };
    (passport.authenticate('mi-account', { session: false }, callback) as express.RequestHandler)(req, res, next);
  });
  app.use((err: MiAccountError, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    errors.push(err);
    observe(err.reason, err.status);
    res.status(err.status ?? 500).json({ reason: err.reason });
  });
  return { ...(await listenOnLoopback(app, appPort)), strategy, failures, errors };
}

/** Starts a login; returns the user agent and the callback URL Mi Account sent back (with its code and state). */
async function startLogin(url: string, decision: 'approve' | 'deny' = 'approve') {
  const agent = new UserAgent();
  const start = await agent.get(`${url}/auth/mi`);
  const authorize = new URL(start.headers.get('location')!);
  const form = new URLSearchParams(authorize.searchParams);
  form.set('user', '1001');
  form.set('decision', decision);
  const consent = await fetch(`${authorize.origin}${authorize.pathname}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  return { agent, callback: new URL(consent.headers.get('location')!), state: authorize.searchParams.get('state')! };
}

describe('MiAccountStrategy: errors and failure infos carry the reason (real Express app)', () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => (app = await startApp()));
  afterAll(() => app.close());
  beforeEach(() => {
    app.failures.length = 0;
    app.errors.length = 0;
  });

  it('a refusal (Mi error 96012) is a 403 failure with reason access_denied and Mi code 96012', async () => {
    const { agent, callback } = await startLogin(app.url, 'deny');
    expect((await agent.get(callback.toString())).status).toBe(403);
    expect(app.failures[0]).toMatchObject({ status: 403, info: { reason: 'access_denied', code: 96012 } });
  });

  it('a refusal sent as access_denied is a 403 failure with reason access_denied and no made-up Mi code', async () => {
    const { agent, state } = await startLogin(app.url);
    const response = await agent.get(`${app.url}/auth/mi/callback?error=access_denied&state=${state}`);
    expect(response.status).toBe(403);
    expect(app.failures[0]?.info.reason).toBe('access_denied');
    expect(app.failures[0]?.info.code).toBeUndefined();
  });

  it('a used code (96013) is a 400 failure with reason code_invalid and Mi code 96013', async () => {
    const { agent, callback } = await startLogin(app.url);
    expect((await agent.get(callback.toString())).status).toBe(200);
    const again = await agent.get(`${app.url}/auth/mi`);
    const state = new URL(again.headers.get('location')!).searchParams.get('state')!;
    callback.searchParams.set('state', state);
    expect((await agent.get(callback.toString())).status).toBe(400);
    expect(app.failures[0]).toMatchObject({ status: 400, info: { reason: 'code_invalid', code: 96013 } });
  });

  it('a malformed code is a 400 failure with reason code_invalid and no Mi code', async () => {
    const { agent, state } = await startLogin(app.url);
    expect((await agent.get(`${app.url}/auth/mi/callback?code=${'x'.repeat(5000)}&state=${state}`)).status).toBe(400);
    expect(app.failures[0]?.info.reason).toBe('code_invalid');
    expect(app.failures[0]?.info.code).toBeUndefined();
  });

  it.each([
    ['a code callback', (state: string) => `code=abc&state=${state}x`],
    ['an error callback', (state: string) => `error=96012&state=${state}x`],
  ])('a foreign state on %s is a 403 failure with reason state_mismatch', async (_name, query) => {
    const { agent, state } = await startLogin(app.url);
    expect((await agent.get(`${app.url}/auth/mi/callback?${query(state)}`)).status).toBe(403);
    expect(app.failures[0]).toMatchObject({ status: 403, info: { reason: 'state_mismatch' } });
  });

  it.each([
    ['96010', 'redirect_uri_not_registered', 96010],
    ['70016', 'mi_error', 70016],
    ['server_error', 'mi_error', undefined],
  ])('an error callback %s is a MiAccountError with reason %s', async (error, reason, code) => {
    const { agent, state } = await startLogin(app.url);
    await agent.get(`${app.url}/auth/mi/callback?error=${error}&state=${state}`);
    expect(app.errors[0]).toMatchObject({ step: 'authorization', reason, code });
  });

  it('userProfile(accessToken) without a mac_key is reason invalid_argument', async () => {
    const err = await rejection(
      () =>
        new Promise((resolve, reject) =>
          app.strategy.userProfile('token-1234', (e, p) => (e ? reject(e) : resolve(p))),
        ),
    );
    expect(err.reason).toBe('invalid_argument');
  });

  it('a Host header no URL can be built from is a 400 error with reason invalid_argument and no Mi code', async () => {
    const { hostname, port: appPort } = new URL(app.url);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const headers = { host: 'foo.1' }; // node:http, not fetch: fetch may not set the Host header
      http
        .get({ hostname, port: appPort, path: '/auth/mi', headers, agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode);
        })
        .on('error', reject);
    });
    expect(status).toBe(400);
    expect(app.errors[0]).toMatchObject({ step: 'redirect uri', reason: 'invalid_argument', code: undefined });
  });
});

describe('MiAccountStrategy: configuration errors and faults carry the reason', () => {
  it('a token exchange that times out reaches the error handler with reason timeout (504)', async () => {
    const app = await startApp({ timeout: 300 }, true, secondPort);
    try {
      const { agent, callback } = await startLogin(app.url);
      await withFault('/oauth2/token', 'hang', () => agent.get(callback.toString()));
      expect(app.errors[0]).toMatchObject({ reason: 'timeout', status: 504, code: undefined });
    } finally {
      await app.close();
    }
  });

  it('an unregistered callback URL is reason redirect_uri_not_registered, with no made-up 96010', async () => {
    const app = await startApp({ registeredRedirectURIs: 'http://127.0.0.1:1/auth' }, true, 0);
    try {
      expect((await fetch(`${app.url}/auth/mi`, { redirect: 'manual' })).status).toBe(500);
      expect(app.errors[0]).toMatchObject({ step: 'redirect uri', reason: 'redirect_uri_not_registered' });
      expect(app.errors[0]?.code).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it('a callback without session middleware is reason configuration', async () => {
    const app = await startApp({}, false, 0);
    try {
      const response = await fetch(`${app.url}/auth/mi/callback?code=abc&state=xyz`, { redirect: 'manual' });
      expect(response.status).toBe(500);
      expect(app.errors[0]).toMatchObject({ step: 'state', reason: 'configuration' });
    } finally {
      await app.close();
    }
  });
});

describe('MiAccountTokenStrategy: failure infos carry the reason', () => {
  let running: TokenApi;
  let api: string;
  beforeAll(async () => {
    running = await startTokenApi(
      emulator,
      {},
      (_t, profile, done) => done(null, { id: profile.id }),
      (app, passport) => {
        app.post('/api/me', (req, res, next) => {
          const callback = (err: unknown, user: unknown, info?: object, status?: number) => {
            if (err) return next(err);
            if (!user) return res.status(status ?? 401).json(info);
            res.json(user);
          };
          (passport.authenticate('mi-account-token', { session: false }, callback) as express.RequestHandler)(
            req,
            res,
            next,
          );
        });
      },
    );
    api = running.url;
  });
  afterAll(() => running.close());

  const post = async (body: object) => {
    const response = await fetch(api, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const info = (await response.json()) as Record<string, unknown>;
    observe(info.reason, response.status);
    return { status: response.status, info };
  };

  it('no credentials: 400, reason missing_token', async () => {
    expect(await post({})).toMatchObject({ status: 400, info: { reason: 'missing_token' } });
  });

  it('a token Mi Account refuses: 401, reason token_invalid and code 96008, the same when remembered', async () => {
    const body = { access_token: 'never-issued-token', mac_key: 'mac-key-1234' };
    expect(await post(body)).toMatchObject({ status: 401, info: { reason: 'token_invalid', code: 96008 } });
    expect(await post(body)).toMatchObject({ status: 401, info: { reason: 'token_invalid', code: 96008 } });
  });

  it('a wrong mac_key: 401, reason signature_refused', async () => {
    const set = await tokens();
    expect(await post({ access_token: set.accessToken, mac_key: 'wrong-mac-key' })).toMatchObject({
      status: 401,
      info: { reason: 'signature_refused', code: 96012 },
    });
  });

  it('a token that cannot give profile.id: 403, reason missing_identifier', async () => {
    const set = await tokens('1');
    expect(await post({ access_token: set.accessToken, mac_key: set.macKey })).toMatchObject({
      status: 403,
      info: { reason: 'missing_identifier' },
    });
  });
});

describe('parseImplicitCallback on the emulator redirect: every error carries the reason', () => {
  const IMPLICIT_REDIRECT = () => `http://127.0.0.1:${port}/auth/spa`;
  async function redirect(scope: string[] = ['profile', 'openid']) {
    const { url, state } = buildImplicitAuthorizeUrl({
      clientID: CLIENT_ID,
      redirectURI: IMPLICIT_REDIRECT(),
      authorizationURL: emulator.authorizationURL,
      scope,
    });
    const response = await fetch(url, { redirect: 'manual' });
    return { location: new URL(response.headers.get('location')!), state };
  }
  const parse = (run: () => unknown): MiAccountError => {
    try {
      run();
    } catch (err) {
      expect(err).toBeInstanceOf(MiAccountError);
      observe((err as MiAccountError).reason, (err as MiAccountError).status);
      return err as MiAccountError;
    }
    throw new Error('parseImplicitCallback did not throw');
  };

  it.each<[string, MiAccountErrorReason, (l: URL, state: string) => unknown]>([
    [
      'lib/browser/state-check.ts#state',
      'state_mismatch',
      (l) => parseImplicitCallback(l.hash, 'another-state', l.search),
    ],
    [
      'lib/browser/callback.ts#missing-token',
      'missing_token',
      (l, state) => parseImplicitCallback('', state, l.search),
    ],
    [
      'lib/browser/implicit-grant-error.ts#invalid',
      'invalid_response',
      (l, state) => parseImplicitCallback(l.hash.replace(/expires_in=\d+/, 'expires_in=soon'), state, l.search),
    ],
  ])('%s → %s', async (_site, reason, run) => {
    const { location, state } = await redirect();
    expect(parse(() => run(location, state)).reason).toBe(reason);
  });

  it('lib/browser/callback.ts#error → the reason of Mi code 96007 (scope_invalid), with the code', async () => {
    const { location, state } = await redirect(['99']);
    const err = parse(() => parseImplicitCallback(location.hash, state, location.search));
    expect(err).toMatchObject({ reason: 'scope_invalid', code: 96007 });
  });
});

describe('the reason table', () => {
  // The one deliberate exception: a Host header no URL can be built from is the browser's bad request (400).
  const EXPLICIT: Partial<Record<MiAccountErrorReason, number[]>> = { invalid_argument: [400] };

  it('documents a status for every reason of the union', () => {
    expect(Object.keys(STATUS).sort()).toEqual([...MI_ACCOUNT_ERROR_REASONS].sort());
  });

  it('every reason of the union is produced by a case above over HTTP, and nothing else is', () => {
    expect([...produced.keys()].sort()).toEqual([...MI_ACCOUNT_ERROR_REASONS].sort());
  });

  it.each([...MI_ACCOUNT_ERROR_REASONS])('every answer of reason %s above had the status of the table', (reason) => {
    const statuses = [STATUS[reason], ...(EXPLICIT[reason] ?? [])];
    expect([...(produced.get(reason) ?? [])].sort()).toEqual(statuses.sort());
  });

  it('every reason is documented in the README Errors section', () => {
    const readme = readFileSync(join(LIB, '..', 'README.md'), 'utf8');
    for (const reason of MI_ACCOUNT_ERROR_REASONS) expect(readme).toContain(`| \`${reason}\``);
  });
});
