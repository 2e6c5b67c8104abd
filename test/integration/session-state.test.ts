import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import refresh from 'passport-oauth2-refresh';
import { MiAccountError, MiAccountStrategy } from '../../lib';
import type { MiAccountStrategyOptions } from '../../lib';
import { startMiAccountEmulator } from '../../lib/emulator';
import type { MiEmulator } from '../../lib/emulator';
import { freePort, listenOnLoopback } from '../helpers/app';
import { UserAgent } from '../helpers/browserless';
import { CLIENT_ID, CLIENT_SECRET, USERS, strategyOptionsFor } from '../helpers/mi';

interface StateTestApp {
  url: string;
  strategy: MiAccountStrategy;
  errors: Error[];
  verified: Array<{ refreshToken: string; openId: unknown }>;
  close(): Promise<void>;
}

let emulator: MiEmulator;
let app: StateTestApp | undefined;

afterEach(async () => {
  await app?.close();
  await emulator?.close();
  app = undefined;
});

/** The emulator and an Express app (with or without express-session) exposing its session at `/session`. */
async function startApp(options: Partial<MiAccountStrategyOptions>, withSession = true): Promise<StateTestApp> {
  const port = await freePort();
  emulator = await startMiAccountEmulator({
    clients: [{ clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectURIs: `http://127.0.0.1:${port}/auth` }],
    users: USERS,
    autoApprove: undefined,
  });
  const errors: Error[] = [];
  const verified: StateTestApp['verified'] = [];
  const passport = new Passport();
  const strategy = new MiAccountStrategy(
    { ...strategyOptionsFor(emulator), scope: ['profile', 'openid'], ...options } as MiAccountStrategyOptions,
    (_a: string, refreshToken: string, params: Record<string, unknown>, profile: { id: string }, done) => {
      verified.push({ refreshToken, openId: params.openId });
      done(null, { id: profile.id });
    },
  );
  passport.use(strategy);
  const server = express();
  if (withSession) server.use(session({ secret: 'session-state-secret', resave: false, saveUninitialized: false }));
  server.use(passport.initialize());
  server.get('/auth/mi', passport.authenticate('mi-account', { session: false }));
  server.get(
    '/auth/mi/callback',
    passport.authenticate('mi-account', { session: false, failureRedirect: '/login-failed' }),
    (req, res) => res.json({ user: req.user }),
  );
  server.get('/session', (req, res) => res.json((req as unknown as { session?: object }).session ?? null));
  server.use((err: Error, _q: express.Request, res: express.Response, _n: express.NextFunction) => {
    errors.push(err);
    res.status(500).json({ error: err.message });
  });
  app = { ...(await listenOnLoopback(server, port)), strategy, errors, verified };
  return app;
}

/** Answers the emulator's consent form for `user`; returns the callback URL Mi Account sends the browser to. */
async function consent(authorizeURL: string, user: string): Promise<string> {
  const authorize = new URL(authorizeURL);
  const form = new URLSearchParams(authorize.searchParams);
  form.set('user', user);
  form.set('decision', 'approve');
  const answer = await fetch(`${authorize.origin}${authorize.pathname}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  return answer.headers.get('location')!;
}

describe('the session state store the strategy gives passport-oauth2', () => {
  it('keeps the state under oauth2:<host of authorizationURL> until the callback uses it', async () => {
    const target = await startApp({});
    const agent = new UserAgent();
    const start = await agent.get(`${target.url}/auth/mi`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state');
    expect(state).toMatch(/^[\w-]{24,}$/);
    expect(await (await agent.get(`${target.url}/session`)).json()).toMatchObject({ 'oauth2:127.0.0.1': { state } });
    const callback = await agent.get(await consent(start.headers.get('location')!, '1001'));
    expect(callback.status).toBe(200);
    expect(await (await agent.get(`${target.url}/session`)).json()).not.toHaveProperty(['oauth2:127.0.0.1']);
  });

  it('keeps it under sessionKey when given', async () => {
    const target = await startApp({ sessionKey: 'mi-login' });
    const agent = new UserAgent();
    const start = await agent.get(`${target.url}/auth/mi`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state');
    const stored = (await (await agent.get(`${target.url}/session`)).json()) as Record<string, unknown>;
    expect(stored['mi-login']).toEqual({ state });
    expect(stored).not.toHaveProperty(['oauth2:127.0.0.1']);
  });

  it('without a session middleware, answers 500 at the start and explains it on the callback', async () => {
    const target = await startApp({}, false);
    const agent = new UserAgent();
    expect((await agent.get(`${target.url}/auth/mi`)).status).toBe(500);
    expect(target.errors[0]!.message).toMatch(/requires session support/);
    expect((await agent.get(`${target.url}/auth/mi/callback?code=c&state=s`)).status).toBe(500);
    expect(target.errors[1]).toBeInstanceOf(MiAccountError);
    expect(target.errors[1]).toMatchObject({ step: 'state', status: 500 });
    expect(target.errors[1]!.message).toMatch(/add express-session/);
  });

  it('with state: false, logs in without a session and believes an error callback without a state', async () => {
    const target = await startApp({ state: false }, false);
    const agent = new UserAgent();
    const start = await agent.get(`${target.url}/auth/mi`);
    expect(new URL(start.headers.get('location')!).searchParams.has('state')).toBe(false);
    expect((await agent.get(await consent(start.headers.get('location')!, '1001'))).status).toBe(200);
    const refused = await agent.get(`${target.url}/auth/mi/callback?error=96012&error_description=no`);
    expect(refused.status).toBe(302);
    expect(refused.headers.get('location')).toBe('/login-failed');
    expect(target.errors).toEqual([]);
  });
});

describe('the token seam reports each login’s token failure to that login', () => {
  it('fails replayed codes and logs in fresh ones when 16 callbacks run at the same time', async () => {
    const target = await startApp({});
    // Eight users log in once; their codes are then replayed while eight other logins complete.
    const first = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const agent = new UserAgent();
        const start = await agent.get(`${target.url}/auth/mi`);
        const callback = await consent(start.headers.get('location')!, '1001');
        expect((await agent.get(callback)).status).toBe(200);
        return { agent, code: new URL(callback).searchParams.get('code')! };
      }),
    );
    const replays = first.map(async ({ agent, code }) => {
      const again = await agent.get(`${target.url}/auth/mi`);
      const state = new URL(again.headers.get('location')!).searchParams.get('state')!;
      const response = await agent.get(`${target.url}/auth/mi/callback?code=${code}&state=${state}`);
      return { kind: 'replay', status: response.status, location: response.headers.get('location') };
    });
    const fresh = Array.from({ length: 8 }, async (_, i) => {
      const agent = new UserAgent();
      const start = await agent.get(`${target.url}/auth/mi`);
      const response = await agent.get(await consent(start.headers.get('location')!, i % 2 ? '1001' : '1002'));
      const body = (await response.json()) as { user: { id: string } };
      return { kind: 'fresh', status: response.status, location: body.user.id };
    });
    const outcomes = await Promise.all([...replays, ...fresh]);
    for (const outcome of outcomes.filter((o) => o.kind === 'replay')) {
      expect(outcome).toEqual({ kind: 'replay', status: 302, location: '/login-failed' });
    }
    const freshOutcomes = outcomes.filter((o) => o.kind === 'fresh');
    expect(freshOutcomes.map((o) => o.status)).toEqual(Array(8).fill(200));
    expect(new Set(freshOutcomes.map((o) => o.location)).size).toBe(2);
    expect(target.errors).toEqual([]);
  });

  it('hands passport-oauth2-refresh Mi’s refusal as the MiAccountError (96009), not a wrapped error', async () => {
    const target = await startApp({});
    const agent = new UserAgent();
    const start = await agent.get(`${target.url}/auth/mi`);
    await agent.get(await consent(start.headers.get('location')!, '1001'));
    const { refreshToken } = target.verified[0]!;
    const use = (token: string) =>
      new Promise<unknown>((resolve) =>
        refresh.requestNewAccessToken(
          'mi-account',
          token,
          { redirect_uri: `${target.url}/auth/mi/callback` },
          (err, accessToken) => resolve(err ?? accessToken),
        ),
      );
    refresh.use(target.strategy);
    expect(await use(refreshToken)).toEqual(expect.any(String));
    const refused = await use(refreshToken);
    expect(refused).toBeInstanceOf(MiAccountError);
    expect(refused).toMatchObject({ code: 96009, step: 'token refresh' });
  });
});
