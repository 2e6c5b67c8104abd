import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Passport } from 'passport';
import { CookieStateStore, MiAccountStrategy } from '../../lib';
import type { CookieStateStoreOptions } from '../../lib';
import { startMiAccountEmulator, type MiEmulator } from '../../lib/emulator';
import { freePort } from './app';
import { CLIENT_ID, CLIENT_SECRET, USERS } from './mi';

/** One instance of a session-less app whose MiAccountStrategy keeps the state in a CookieStateStore. */
export interface StateApp {
  url: string;
  store: CookieStateStore;
  close(): Promise<void>;
}

/** What the callback route answers: the user on success, else Passport's failure status and message. */
export interface CallbackAnswer {
  user?: { name?: string };
  status?: number;
  message?: string;
  error?: string;
}

/**
 * Starts a real Express app on its own port. Every instance uses the same public `callbackURL` (the one registered on
 * the emulator), as instances behind one load balancer do; tests deliver the callback to the instance they choose.
 */
export async function startStateApp(
  emulator: MiEmulator,
  callbackURL: string,
  storeOptions: CookieStateStoreOptions,
): Promise<StateApp> {
  const store = new CookieStateStore(storeOptions);
  const passport = new Passport();
  passport.use(
    new MiAccountStrategy(
      {
        clientID: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        callbackURL,
        authorizationURL: emulator.authorizationURL,
        tokenURL: emulator.tokenURL,
        openApiURL: emulator.openApiURL,
        store,
      },
      (_a: string, _r: string, profile: { displayName?: string }, done: (e: null, u: object) => void) =>
        done(null, { name: profile.displayName }),
    ),
  );
  const app = express();
  app.use(passport.initialize());
  app.get('/auth/start', passport.authenticate('mi-account', { session: false }));
  app.get('/auth/callback', (req, res) => {
    passport.authenticate(
      'mi-account',
      { session: false },
      (err: Error | null, user: object | false, info: { message?: string } | undefined, status?: number) => {
        if (err) return res.status(500).json({ error: err.message });
        if (!user) return res.status(status ?? 401).json({ status, message: info?.message });
        res.json({ user });
      },
    )(req, res);
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    store,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A started login: the state cookie the instance set, and the callback Mi Account sends the browser to. */
export interface StartedLogin {
  /** `name=value` of the state cookie, as the browser sends it back. */
  cookie: string;
  /** The callback URL's path and query (`/auth/callback?code=…&state=…`), to deliver to any instance. */
  callback: string;
}

/** Starts a login on `app` and lets the auto-approving emulator answer. */
export async function startLogin(app: StateApp): Promise<StartedLogin> {
  const start = await fetch(`${app.url}/auth/start`, { redirect: 'manual' });
  const cookie = start.headers.getSetCookie()[0]!.split(';')[0]!;
  const authorize = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  const target = new URL(authorize.headers.get('location')!);
  return { cookie, callback: target.pathname + target.search };
}

/** Delivers a callback to `app` with the given Cookie header. */
export async function deliver(app: StateApp, callback: string, cookie: string): Promise<Response> {
  return fetch(`${app.url}${callback}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
}

/**
 * The emulator with one public callback registered (auto-approving user 1001); tests deliver that callback to the
 * state app instance they choose.
 */
export async function startPublicCallbackEmulator(): Promise<{ emulator: MiEmulator; callbackURL: string }> {
  const publicPort = await freePort();
  const emulator = await startMiAccountEmulator({
    clients: [
      { clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectURIs: `http://127.0.0.1:${publicPort}/auth` },
    ],
    users: USERS,
    autoApprove: '1001',
  });
  return { emulator, callbackURL: `http://127.0.0.1:${publicPort}/auth/callback` };
}
