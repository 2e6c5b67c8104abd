import type express from 'express';
import type { MiAccountTokenStrategyOptions } from '../../lib';
import { buildImplicitAuthorizeUrl, parseImplicitCallback, type ImplicitAuthorizeOptions } from '../../lib/browser';
import type { MiEmulator } from '../../lib/emulator';
import { CLIENT_ID } from '../helpers/mi';
import { startSpaEmulator, startTokenApi, type TokenApi } from '../helpers/token-api';

const REDIRECT = 'http://127.0.0.1:8766/spa/callback';

describe('the browser helper and MiAccountTokenStrategy work together with their defaults', () => {
  let emulator: MiEmulator;
  let running: TokenApi | undefined;
  let api = '';

  beforeAll(async () => {
    emulator = await startSpaEmulator('http://127.0.0.1:8766/spa');
  });
  afterAll(() => emulator.close());
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function startApi(options: Partial<MiAccountTokenStrategyOptions> = {}): Promise<void> {
    running = await startTokenApi(
      emulator,
      options,
      (_token, profile, done) => done(null, { id: profile.id, name: profile.displayName }),
      (app, passport) => {
        // A custom callback sees the status and the info of a failure, as an API would answer them.
        app.get('/api/me', (req, res, next) => {
          const callback = (err: unknown, user: unknown, info?: { message?: string }, status?: number) => {
            if (err) return next(err);
            if (!user) return res.status(status ?? 401).json({ message: info?.message });
            res.json(user);
          };
          (passport.authenticate('mi-account-token', { session: false }, callback) as express.RequestHandler)(
            req,
            res,
            next,
          );
        });
        app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
          res.status(500).json({ message: err.message });
        });
      },
    );
    api = running.url;
  }

  async function tokensFromHelper(options: Partial<ImplicitAuthorizeOptions> = {}) {
    const { url, state } = buildImplicitAuthorizeUrl({
      clientID: CLIENT_ID,
      redirectURI: REDIRECT,
      authorizationURL: emulator.authorizationURL,
      ...options,
    });
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location')!);
    return parseImplicitCallback(location.hash, state, location.search);
  }

  function callApi(tokens: { accessToken: string; macKey: string }): Promise<Response> {
    // The header, not the query string: the token strategy refuses tokens in URLs by default.
    return fetch(api, {
      headers: { authorization: `MAC access_token="${tokens.accessToken}", mac_key="${tokens.macKey}"` },
    });
  }

  it('the helper asks for profile and openid by default', async () => {
    const tokens = await tokensFromHelper();
    expect(tokens.scope).toEqual(['1', '3']);
  });

  it('a token from the helper defaults logs in through the token strategy defaults (200, profile.id = openId)', async () => {
    await startApi();
    const response = await callApi(await tokensFromHelper());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: expect.stringMatching(/^2\.0/), name: 'Alex Chen' });
  });

  it('a token without openid answers 403 with a hint, not a 500', async () => {
    await startApi();
    const response = await callApi(await tokensFromHelper({ scope: ['profile'] }));
    expect(response.status).toBe(403);
    const { message } = (await response.json()) as { message: string };
    expect(message).toMatch(/no openId/);
    expect(message).toMatch(/"openid"/);
    expect(message).toMatch(/profileIdentifier: 'unionId'/);
  });

  it('a strategy configured without openid but identifying by openId answers 403 with the hint', async () => {
    await startApi({ scope: ['profile'] });
    const response = await callApi(await tokensFromHelper());
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toMatch(/no openId/);
  });

  it('a token without the profile scope, identified by unionId, answers 403 with the hint', async () => {
    await startApi({ scope: ['openid'], profileIdentifier: 'unionId' });
    const response = await callApi(await tokensFromHelper({ scope: ['openid'] }));
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toMatch(/no unionId/);
  });
});
