import express from 'express';
import session from 'express-session';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Passport } from 'passport';
import { MiAccountStrategy, MiAccountStrategyOptions } from '../../lib';
import type { MiAccountProfile } from '../../lib';

export interface VerifiedLogin {
  accessToken: string;
  refreshToken: string;
  params: Record<string, unknown>;
  profile: MiAccountProfile;
}

export interface TestApp {
  url: string;
  strategy: MiAccountStrategy;
  /** What the verify callback received, in order. */
  verified: VerifiedLogin[];
  /** Errors that reached the Express error handler. */
  errors: Error[];
  close(): Promise<void>;
}

/** A real Express app with sessions and Passport, logging in with MiAccountStrategy. */
export async function startTestApp(
  options: Partial<MiAccountStrategyOptions> & Pick<MiAccountStrategyOptions, 'clientID' | 'clientSecret'>,
  port = 0,
): Promise<TestApp> {
  const verified: VerifiedLogin[] = [];
  const errors: Error[] = [];
  const passport = new Passport();
  const strategy = new MiAccountStrategy(
    { callbackURL: '/auth/mi/callback', ...options } as MiAccountStrategyOptions,
    (
      accessToken: string,
      refreshToken: string,
      params: Record<string, unknown>,
      profile: MiAccountProfile,
      done: (err: unknown, user?: Express.User) => void,
    ) => {
      verified.push({ accessToken, refreshToken, params, profile });
      done(null, { profile });
    },
  );
  passport.use(strategy);
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));

  const app = express();
  app.use(session({ secret: 'test-session-secret', resave: false, saveUninitialized: false }));
  app.use(passport.initialize());
  app.use(passport.session());
  app.get('/auth/mi', (req, res, next) => {
    const scope = typeof req.query.scope === 'string' ? req.query.scope : undefined;
    passport.authenticate('mi-account', scope ? { scope } : {})(req, res, next);
  });
  app.get(
    '/auth/mi/callback',
    passport.authenticate('mi-account', { failureRedirect: '/login-failed', failureMessage: true }),
    (_req, res) => {
      res.redirect('/profile');
    },
  );
  // The same callback without failureRedirect: passport answers a failed login itself.
  app.get('/auth/mi/callback-bare', passport.authenticate('mi-account'), (_req, res) => res.redirect('/profile'));
  app.get('/profile', (req, res) => {
    if (!req.user) return res.status(401).json({ error: 'not logged in' });
    res.json(req.user);
  });
  app.get('/login-failed', (req, res) => {
    const messages = (req.session as unknown as { messages?: string[] }).messages ?? [];
    res.status(403).json({ failed: true, messages });
  });
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    errors.push(err);
    res.status(500).json({ error: err.name, message: err.message });
  });

  return { ...(await listenOnLoopback(app, port)), strategy, verified, errors };
}

/** A server listening on 127.0.0.1: its base URL, and a close that also drops kept-alive connections. */
export interface Listening {
  url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (port 0: any free one): the start and stop every test app repeated. */
export async function listenOnLoopback(app: express.Express, port = 0): Promise<Listening> {
  const server: Server = await new Promise((resolve, reject) => {
    // Express 5 passes a listen error (a port taken meanwhile) to this callback instead of emitting it.
    const s = app.listen(port, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Below Linux's ephemeral range (32768–60999): the kernel never hands these out for listen(0) or outgoing connections,
// so a port chosen here stays free until the test listens on it unless another test picks the same one at random.
const PORT_RANGE = { from: 20_000, to: 32_000 } as const;

/** A TCP port that was free a moment ago on 127.0.0.1, outside the range the kernel assigns to other sockets. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = PORT_RANGE.from + Math.floor(Math.random() * (PORT_RANGE.to - PORT_RANGE.from));
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port on 127.0.0.1 between ${PORT_RANGE.from} and ${PORT_RANGE.to} after 50 tries`);
}
