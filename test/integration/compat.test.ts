import session from 'express-session';
import type { Server } from 'node:http';
import { MiAccountStrategy } from '../../lib';
import type { MiAccountProfile } from '../../lib';
import { startMiAccountEmulator } from '../../lib/emulator';
import { freePort } from '../helpers/app';
import { UserAgent } from '../helpers/browserless';
import { CLIENT_ID, CLIENT_SECRET, USERS } from '../helpers/mi';

type ExpressFactory = typeof import('express');
type PassportModule = typeof import('passport');

const expressVersions: Array<[string, () => ExpressFactory]> = [
  ['express 4', () => require('express4') as ExpressFactory],
  ['express 5', () => require('express') as ExpressFactory],
];
const passportVersions: Array<[string, () => PassportModule]> = [
  ['passport 0.6', () => require('passport06') as PassportModule],
  ['passport 0.7', () => require('passport') as PassportModule],
];
const matrix = expressVersions.flatMap(([e, express]) =>
  passportVersions.map(([p, passport]) => [`${e} + ${p}`, express, passport] as const),
);

describe.each(matrix)('%s', (_name, loadExpress, loadPassport) => {
  it('logs in, keeps the user in the session, and sends a refusal to failureRedirect', async () => {
    const express = loadExpress();
    const { Passport } = loadPassport();
    const expressVersion = (
      require(require.resolve(`${_name.startsWith('express 4') ? 'express4' : 'express'}/package.json`)) as {
        version: string;
      }
    ).version;
    expect(expressVersion.split('.')[0]).toBe(_name.startsWith('express 4') ? '4' : '5');
    const port = await freePort();
    const emulator = await startMiAccountEmulator({
      clients: [{ clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectURIs: `http://127.0.0.1:${port}/auth` }],
      users: USERS,
      autoApprove: '1002',
    });
    const passport = new Passport();
    passport.use(
      new MiAccountStrategy(
        {
          clientID: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          callbackURL: '/auth/cb',
          authorizationURL: emulator.authorizationURL,
          tokenURL: emulator.tokenURL,
          openApiURL: emulator.openApiURL,
        },
        (
          _a: string,
          _r: string,
          _p: Record<string, unknown>,
          profile: MiAccountProfile,
          done: (e: null, u: object) => void,
        ) => done(null, { name: profile.displayName, id: profile.id }),
      ),
    );
    passport.serializeUser((user, done) => done(null, user));
    passport.deserializeUser((user: Express.User, done) => done(null, user));
    const app = express();
    app.use(session({ secret: 'compat', resave: false, saveUninitialized: false }));
    app.use(passport.initialize());
    app.use(passport.session());
    app.get('/auth/start', passport.authenticate('mi-account'));
    app.get('/auth/cb', passport.authenticate('mi-account', { failureRedirect: '/failed' }), (_req, res) =>
      res.redirect('/me'),
    );
    app.get('/me', (req, res) => res.json(req.user ?? null));
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(port, '127.0.0.1', () => resolve(s));
    });
    try {
      const { final } = await new UserAgent().follow(`http://127.0.0.1:${port}/auth/start`);
      expect(await final.json()).toMatchObject({ name: '雷小米' });
      const refused = await fetch(`http://127.0.0.1:${port}/auth/cb?error=96012`, { redirect: 'manual' });
      expect(refused.headers.get('location')).toBe('/failed');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await emulator.close();
    }
  });
});
