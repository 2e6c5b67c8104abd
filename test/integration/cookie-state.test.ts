import express from 'express';
import type { Server } from 'node:http';
import { Passport } from 'passport';
import { CookieStateStore, MiAccountStrategy } from '../../lib';
import { startMiAccountEmulator } from '../../lib/emulator';
import type { MiEmulator } from '../../lib/emulator';
import { freePort } from '../helpers/app';
import { UserAgent } from '../helpers/browserless';
import { CLIENT_ID, CLIENT_SECRET, USERS } from '../helpers/mi';

const SECRET = 'a-state-secret-of-at-least-32-characters!';

describe('CookieStateStore: logins without sessions', () => {
  let emulator: MiEmulator;
  let server: Server;
  let url: string;

  async function start(maxAgeMs?: number) {
    const port = await freePort();
    emulator = await startMiAccountEmulator({
      clients: [{ clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectURIs: `http://127.0.0.1:${port}/auth` }],
      users: USERS,
      autoApprove: '1001',
    });
    const passport = new Passport();
    passport.use(
      new MiAccountStrategy(
        {
          clientID: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          callbackURL: `http://127.0.0.1:${port}/auth/callback`,
          authorizationURL: emulator.authorizationURL,
          tokenURL: emulator.tokenURL,
          openApiURL: emulator.openApiURL,
          store: new CookieStateStore({ secret: SECRET, secure: false, maxAgeMs }),
        },
        (
          _a: string,
          _r: string,
          _p: Record<string, unknown>,
          profile: { displayName?: string },
          done: (e: null, u: object) => void,
        ) => done(null, { name: profile.displayName }),
      ),
    );
    const app = express();
    app.use(passport.initialize());
    app.get('/auth/start', passport.authenticate('mi-account', { session: false }));
    app.get(
      '/auth/callback',
      passport.authenticate('mi-account', { session: false, failWithError: true }),
      (req, res) => res.json(req.user),
    );
    app.use(
      (err: Error & { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) =>
        res.status(err.status ?? 500).json({ error: err.message }),
    );
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(port, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${port}`;
  }

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await emulator.close();
  });

  async function callbackURL(agent: UserAgent): Promise<string> {
    const start = await agent.get(`${url}/auth/start`);
    const authorize = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    return authorize.headers.get('location')!;
  }

  it('logs in with the state kept in a signed HttpOnly SameSite=Lax cookie', async () => {
    await start();
    const agent = new UserAgent();
    const start1 = await fetch(`${url}/auth/start`, { redirect: 'manual' });
    const cookie = start1.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^mi_oauth_state=[\w-]+\.\d+\.[\w-]+; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax$/);
    const response = await agent.get(await callbackURL(agent));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ name: 'Alex Chen' });
  });

  it('refuses a callback without the cookie, before any token request', async () => {
    await start();
    const target = await callbackURL(new UserAgent());
    emulator.stats.reset();
    const response = await fetch(target, { redirect: 'manual' });
    expect(response.status).toBe(403);
    expect(emulator.stats.requests['/oauth2/token'] ?? 0).toBe(0);
  });

  it('refuses a replayed callback even with the same cookie', async () => {
    await start();
    const begin = await fetch(`${url}/auth/start`, { redirect: 'manual' });
    const cookie = begin.headers.get('set-cookie')!.split(';')[0]!;
    const target = (await fetch(begin.headers.get('location')!, { redirect: 'manual' })).headers.get('location')!;
    const first = await fetch(target, { headers: { cookie }, redirect: 'manual' });
    expect(first.status).toBe(200);
    expect(first.headers.get('set-cookie')).toMatch(/^mi_oauth_state=; .*Max-Age=0/);
    emulator.stats.reset();
    const replay = await fetch(target, { headers: { cookie }, redirect: 'manual' });
    expect(replay.status).toBe(403);
    expect(emulator.stats.requests['/oauth2/token'] ?? 0).toBe(0);
  });

  it('refuses a state that does not match the cookie', async () => {
    await start();
    const agent = new UserAgent();
    const target = new URL(await callbackURL(agent));
    target.searchParams.set('state', 'forged');
    expect((await agent.get(target.toString())).status).toBe(403);
  });

  it('refuses a tampered cookie', async () => {
    await start();
    const target = await callbackURL(new UserAgent());
    const state = new URL(target).searchParams.get('state');
    const forged = `mi_oauth_state=${state}.${Date.now() + 60000}.AAAA`;
    expect((await fetch(target, { headers: { cookie: forged }, redirect: 'manual' })).status).toBe(403);
  });

  it('refuses an expired state', async () => {
    await start(1);
    const agent = new UserAgent();
    const target = await callbackURL(agent);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await agent.get(target)).status).toBe(403);
  });

  it('rejects a short secret', () => {
    expect(() => new CookieStateStore({ secret: 'short' })).toThrow(/at least 32 characters/);
  });
});
