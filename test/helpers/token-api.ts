import express from 'express';
import { Passport } from 'passport';
import { MiAccountTokenStrategy } from '../../lib';
import type { MiAccountTokenStrategyOptions, MiAccountTokenVerifyFunction } from '../../lib';
import { startMiAccountEmulator } from '../../lib/emulator';
import type { MiEmulator, MiEmulatorOptions } from '../../lib/emulator';
import { listenOnLoopback } from './app';
import { CLIENT_ID, CLIENT_SECRET, USERS } from './mi';

/** A running token-guarded API: where it answers and how to stop it. */
export interface TokenApi {
  /** The URL of `/api/me`. */
  url: string;
  close(): Promise<void>;
}

/** The emulator the token-strategy tests share: it hands user 1001's tokens to a SPA at `spaOrigin` without a login page. */
export function startSpaEmulator(spaOrigin: string, extra: Partial<MiEmulatorOptions> = {}): Promise<MiEmulator> {
  return startMiAccountEmulator({
    clients: [{ clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectURIs: spaOrigin }],
    users: USERS,
    autoApprove: '1001',
    ...extra,
  });
}

/** The Express + Passport API each token-strategy test stands up on loopback; `mount` adds its /api/me route. */
export async function startTokenApi(
  emulator: MiEmulator,
  options: Partial<MiAccountTokenStrategyOptions>,
  verify: MiAccountTokenVerifyFunction,
  mount: (app: express.Express, passport: InstanceType<typeof Passport>) => void,
): Promise<TokenApi> {
  const passport = new Passport();
  passport.use(
    new MiAccountTokenStrategy(
      { clientID: CLIENT_ID, openApiURL: emulator.openApiURL, ...options } as MiAccountTokenStrategyOptions & {
        passReqToCallback?: false;
      },
      verify,
    ),
  );
  const app = express();
  app.use(express.json());
  app.use(passport.initialize());
  mount(app, passport);
  const { url, close } = await listenOnLoopback(app);
  return { url: `${url}/api/me`, close };
}
