import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { MiAccountStrategy } from '../../lib';
import type { MiAccountProfile, MiAccountStrategyOptions, MiAccountStrategyOptionsWithRequest } from '../../lib';
import { startMiAccountEmulator } from '../../lib/emulator';
import type { MiEmulator } from '../../lib/emulator';
import { freePort, listenOnLoopback } from '../helpers/app';
import { UserAgent } from '../helpers/browserless';
import { CLIENT_ID, CLIENT_SECRET, USERS, strategyOptionsFor } from '../helpers/mi';

type Done = (err?: unknown, user?: Express.User | false, info?: object) => void;
type AnyVerify = (...args: never[]) => void;
type Options = Partial<MiAccountStrategyOptions> | Partial<MiAccountStrategyOptionsWithRequest>;

interface FormsApp {
  url: string;
  strategy: MiAccountStrategy;
  errors: Error[];
  close(): Promise<void>;
}

let emulator: MiEmulator;
let app: FormsApp | undefined;

afterEach(async () => {
  await app?.close();
  await emulator?.close();
  app = undefined;
});

/** The emulator and a real Express app whose MiAccountStrategy has the given options and verify callback. */
async function startApp(options: Options, verify: AnyVerify): Promise<FormsApp> {
  // A fresh port per test: the registered redirect URI carries it, and no pooled connection outlives its server.
  const port = await freePort();
  emulator = await startMiAccountEmulator({
    clients: [{ clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectURIs: `http://127.0.0.1:${port}/auth` }],
    users: USERS,
    autoApprove: '1001',
  });
  const errors: Error[] = [];
  const passport = new Passport();
  const strategy = new MiAccountStrategy(
    { ...strategyOptionsFor(emulator), ...options } as MiAccountStrategyOptions,
    verify as never,
  );
  passport.use(strategy);
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));
  const server = express();
  server.use(session({ secret: 'verify-forms-secret', resave: false, saveUninitialized: false }));
  server.use(passport.initialize());
  server.use(passport.session());
  server.get('/auth/mi', passport.authenticate('mi-account'));
  server.get(
    '/auth/mi/callback',
    passport.authenticate('mi-account', { failureRedirect: '/login-failed' }),
    (_q, res) => res.json({ user: _q.user }),
  );
  server.get('/login-failed', (_q, res) => res.status(403).json({ failed: true }));
  server.use((err: Error, _q: express.Request, res: express.Response, _n: express.NextFunction) => {
    errors.push(err);
    res.status(500).json({ error: err.message });
  });
  app = { ...(await listenOnLoopback(server, port)), strategy, errors };
  return app;
}

async function loginThrough(target: FormsApp): Promise<Response> {
  return (await new UserAgent().follow(`${target.url}/auth/mi`)).final;
}

describe('the verify forms passport-oauth2 chooses by the callback length', () => {
  it('calls a 4-parameter verify with (accessToken, refreshToken, profile, done)', async () => {
    const seen: unknown[][] = [];
    const target = await startApp({}, ((a: string, r: string, profile: MiAccountProfile, done: Done) => {
      seen.push([a, r, profile]);
      done(null, { id: profile.id });
    }) as AnyVerify);
    const final = await loginThrough(target);
    expect(final.status).toBe(200);
    const [accessToken, refreshToken, profile] = seen[0]!;
    expect(accessToken).toEqual(expect.any(String));
    expect(refreshToken).toEqual(expect.any(String));
    expect(profile).toMatchObject({ provider: 'mi-account', displayName: 'Alex Chen' });
  });

  it('calls a 6-parameter verify under passReqToCallback with the request, the token response and the profile', async () => {
    const seen: unknown[][] = [];
    const target = await startApp({ passReqToCallback: true }, ((
      req: express.Request,
      a: string,
      r: string,
      params: Record<string, unknown>,
      profile: MiAccountProfile,
      done: Done,
    ) => {
      seen.push([req.path, a, r, params, profile]);
      done(null, { id: profile.id });
    }) as AnyVerify);
    expect((await loginThrough(target)).status).toBe(200);
    const [path, accessToken, , params, profile] = seen[0]!;
    expect(path).toBe('/auth/mi/callback');
    expect(params).toMatchObject({ access_token: accessToken, mac_key: expect.any(String), scope: '1' });
    expect(profile).toMatchObject({ displayName: 'Alex Chen', openId: (params as { openId: string }).openId });
  });

  it('calls a 5-parameter verify under passReqToCallback with the request and the profile, without params', async () => {
    const seen: unknown[][] = [];
    const target = await startApp({ passReqToCallback: true }, ((
      req: express.Request,
      a: string,
      r: string,
      profile: MiAccountProfile,
      done: Done,
    ) => {
      seen.push([req.path, a, r, profile]);
      done(null, { id: profile.id });
    }) as AnyVerify);
    expect((await loginThrough(target)).status).toBe(200);
    const [path, , , profile] = seen[0]!;
    expect(path).toBe('/auth/mi/callback');
    expect(profile).toMatchObject({ provider: 'mi-account', displayName: 'Alex Chen' });
  });

  it('calls verify as a method of the strategy, as passport-oauth2 does', async () => {
    let calledOn: string | undefined;
    const target = await startApp({}, function (
      this: unknown,
      _a: string,
      _r: string,
      _p: Record<string, unknown>,
      profile: MiAccountProfile,
      done: Done,
    ) {
      calledOn = this instanceof MiAccountStrategy ? (this as MiAccountStrategy).name : typeof this;
      done(null, { id: profile.id });
    } as AnyVerify);
    await loginThrough(target);
    expect(calledOn).toBe('mi-account');
  });

  it('sends a verify that refuses the user (done(null, false)) to failureRedirect', async () => {
    const target = await startApp({}, ((_a: string, _r: string, _p: unknown, _profile: unknown, done: Done) =>
      done(null, false, { message: 'not allowed' })) as AnyVerify);
    const final = await loginThrough(target);
    expect(final.status).toBe(403);
    expect(target.errors).toEqual([]);
  });

  it('turns a verify that throws into an error for the app, not a crash', async () => {
    const target = await startApp({}, ((_a: string, _r: string, _p: unknown, _profile: unknown) => {
      throw new Error('verify broke');
    }) as unknown as AnyVerify);
    const final = await loginThrough(target);
    expect(final.status).toBe(500);
    expect(target.errors.map((e) => e.message)).toEqual(['verify broke']);
  });

  it('gives 12 concurrent logins under passReqToCallback each its own request, token response and profile', async () => {
    const seen: Array<{ sid: unknown; params: Record<string, unknown>; profile: MiAccountProfile }> = [];
    const target = await startApp({ passReqToCallback: true }, ((
      req: express.Request,
      _a: string,
      _r: string,
      params: Record<string, unknown>,
      profile: MiAccountProfile,
      done: Done,
    ) => {
      seen.push({ sid: req.sessionID, params, profile });
      done(null, { id: profile.id });
    }) as AnyVerify);
    const finals = await Promise.all(Array.from({ length: 12 }, () => loginThrough(target)));
    expect(finals.map((f) => f.status)).toEqual(Array(12).fill(200));
    expect(new Set(seen.map((s) => s.sid)).size).toBe(12);
    expect(new Set(seen.map((s) => s.params.access_token)).size).toBe(12);
    for (const { params, profile } of seen) expect(profile.openId).toBe(params.openId);
  });
});

describe('skipUserProfile', () => {
  it('true: makes no Open API call and gives verify no profile', async () => {
    const profiles: unknown[] = [];
    const target = await startApp({ skipUserProfile: true }, ((
      _a: string,
      _r: string,
      _p: unknown,
      profile: unknown,
      done: Done,
    ) => {
      profiles.push(profile);
      done(null, { ok: true });
    }) as AnyVerify);
    expect((await loginThrough(target)).status).toBe(200);
    expect(profiles).toEqual([undefined]);
    expect(emulator.stats.requests['/user/profile'] ?? 0).toBe(0);
  });

  it('a function without parameters is called with none, and its answer decides', async () => {
    const calls: unknown[][] = [];
    const profiles: unknown[] = [];
    const target = await startApp(
      {
        skipUserProfile: (...args: unknown[]) => {
          calls.push(args);
          return calls.length === 1;
        },
      },
      ((_a: string, _r: string, _p: unknown, profile: unknown, done: Done) => {
        profiles.push(profile);
        done(null, { ok: true });
      }) as AnyVerify,
    );
    await loginThrough(target);
    await loginThrough(target);
    expect(calls).toEqual([[], []]);
    expect(profiles[0]).toBeUndefined();
    expect(profiles[1]).toMatchObject({ displayName: 'Alex Chen' });
    expect(emulator.stats.requests['/user/profile']).toBe(1);
  });

  it('a function of (accessToken, done) gets the access token and answers through done', async () => {
    const tokens: unknown[] = [];
    const profiles: unknown[] = [];
    const skip = (accessToken: unknown, done: unknown) => {
      tokens.push(accessToken);
      (done as (err: null, skip: boolean) => void)(null, false);
    };
    const target = await startApp({ skipUserProfile: skip as (...args: unknown[]) => unknown }, ((
      a: string,
      _r: string,
      _p: unknown,
      profile: unknown,
      done: Done,
    ) => {
      profiles.push([a, profile]);
      done(null, { ok: true });
    }) as AnyVerify);
    expect((await loginThrough(target)).status).toBe(200);
    expect(tokens).toEqual([(profiles[0] as unknown[])[0]]);
    expect((profiles[0] as unknown[])[1]).toMatchObject({ displayName: 'Alex Chen' });
  });

  it('a function of (accessToken, done) that answers an error fails the login with it', async () => {
    const skip = (_accessToken: unknown, done: unknown) =>
      (done as (err: Error) => void)(new Error('skip check broke'));
    const target = await startApp({ skipUserProfile: skip as (...args: unknown[]) => unknown }, ((
      _a: string,
      _r: string,
      _p: unknown,
      _profile: unknown,
      done: Done,
    ) => done(null, { ok: true })) as AnyVerify);
    expect((await loginThrough(target)).status).toBe(500);
    expect(target.errors.map((e) => e.message)).toEqual(['skip check broke']);
  });
});
