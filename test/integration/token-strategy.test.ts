import type express from 'express';
import type { MiAccountProfile, MiAccountTokenStrategyOptions } from '../../lib';
import { buildImplicitAuthorizeUrl, parseImplicitCallback } from '../../lib/browser';
import type { MiEmulator } from '../../lib/emulator';
import { CLIENT_ID } from '../helpers/mi';
import { startSpaEmulator, startTokenApi, type TokenApi } from '../helpers/token-api';

const REDIRECT = 'http://127.0.0.1:8765/spa/callback';

describe('MiAccountTokenStrategy with tokens from the implicit grant', () => {
  let emulator: MiEmulator;
  let running: TokenApi | undefined;
  let api = '';
  let verified: MiAccountProfile[] = [];

  beforeAll(async () => {
    // The wrong-mac_key test needs a server that also refuses the unsigned retry.
    emulator = await startSpaEmulator('http://127.0.0.1:8765/spa', { strictMac: true });
  });
  afterAll(() => emulator.close());
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function startApi(options: Partial<MiAccountTokenStrategyOptions> = {}) {
    verified = [];
    running = await startTokenApi(
      emulator,
      // Most tests here send the token in the query for brevity; the default refusal is in token-strategy-hardening.
      { timeout: 800, allowQueryToken: true, ...options },
      (_token, profile, done) => {
        verified.push(profile);
        done(null, { id: profile.id, name: profile.displayName });
      },
      (app, passport) => {
        app.all('/api/me', passport.authenticate('mi-account-token', { session: false }), (req, res) =>
          res.json(req.user),
        );
        app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
          res.status(502).json({ error: err.name, message: err.message });
        });
      },
    );
    api = running.url;
  }

  /** Runs the implicit grant against the emulator the way the browser helper would. */
  async function implicitTokens(scope: string[] = ['profile', 'openid']) {
    const { url, state } = buildImplicitAuthorizeUrl({
      clientID: CLIENT_ID,
      redirectURI: REDIRECT,
      scope,
      authorizationURL: emulator.authorizationURL,
    });
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location')!);
    return parseImplicitCallback(location.hash, state, location.search);
  }

  it('accepts the token and mac_key in a JSON body and hands verify the profile', async () => {
    await startApi();
    const tokens = await implicitTokens();
    const response = await fetch(api, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: tokens.accessToken, mac_key: tokens.macKey }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: 'Alex Chen' });
    expect(verified[0]!.openId).toEqual(expect.any(String));
  });

  it('accepts the query string when the app opts in (allowQueryToken)', async () => {
    await startApi();
    const tokens = await implicitTokens();
    const response = await fetch(
      `${api}?access_token=${encodeURIComponent(tokens.accessToken)}&mac_key=${encodeURIComponent(tokens.macKey)}`,
    );
    expect(response.status).toBe(200);
  });

  it('accepts an Authorization: MAC header', async () => {
    await startApi();
    const tokens = await implicitTokens();
    const response = await fetch(api, {
      headers: {
        authorization: `MAC access_token="${encodeURIComponent(tokens.accessToken)}", mac_key="${encodeURIComponent(tokens.macKey)}"`,
      },
    });
    expect(response.status).toBe(200);
  });

  it('answers 400 without credentials', async () => {
    await startApi();
    const response = await fetch(api);
    expect(response.status).toBe(400);
  });

  it('answers 401 for a token Mi Account rejects (96008)', async () => {
    await startApi();
    const response = await fetch(`${api}?access_token=forged&mac_key=forged`);
    expect(response.status).toBe(401);
  });

  it('answers 401 for a wrong mac_key (MAC does not verify, 96012)', async () => {
    await startApi();
    const tokens = await implicitTokens();
    const response = await fetch(`${api}?access_token=${encodeURIComponent(tokens.accessToken)}&mac_key=wrong-key`);
    expect(response.status).toBe(401);
  });

  it('keeps signing after a wrong mac_key against a server that accepts unsigned calls (no self-healing on caller input)', async () => {
    const permissive = await startSpaEmulator('http://127.0.0.1:8765/spa');
    try {
      await startApi({ openApiURL: permissive.openApiURL });
      const { url, state } = buildImplicitAuthorizeUrl({
        clientID: CLIENT_ID,
        redirectURI: REDIRECT,
        scope: ['profile', 'openid'],
        authorizationURL: permissive.authorizationURL,
      });
      const location = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
      const tokens = parseImplicitCallback(location.hash, state, location.search);
      const token = encodeURIComponent(tokens.accessToken);
      expect((await fetch(`${api}?access_token=${token}&mac_key=wrong-key`)).status).toBe(401);
      expect((await fetch(`${api}?access_token=${token}&mac_key=another-wrong-key`)).status).toBe(401);
      expect((await fetch(`${api}?access_token=${token}&mac_key=${encodeURIComponent(tokens.macKey)}`)).status).toBe(
        200,
      );
    } finally {
      await permissive.close();
    }
  });

  it('passes a network failure on as an error, not a 401', async () => {
    await startApi();
    const tokens = await implicitTokens();
    emulator.setFault('/user/profile', 'reset');
    const response = await fetch(
      `${api}?access_token=${encodeURIComponent(tokens.accessToken)}&mac_key=${encodeURIComponent(tokens.macKey)}`,
    );
    emulator.setFault('/user/profile', null);
    expect(response.status).toBe(502);
    const body = (await response.json()) as { message: string };
    expect(body.message).not.toContain(tokens.accessToken);
    expect(body.message).not.toContain(tokens.macKey);
  });

  it('with a cache, verifies a token with Mi Account once within the TTL', async () => {
    await startApi({ cacheTtlMs: 60_000 });
    const tokens = await implicitTokens();
    emulator.stats.reset();
    const url = `${api}?access_token=${encodeURIComponent(tokens.accessToken)}&mac_key=${encodeURIComponent(tokens.macKey)}`;
    for (let i = 0; i < 3; i += 1) expect((await fetch(url)).status).toBe(200);
    expect(emulator.stats.requests['/user/profile']).toBe(1);
  });

  it('without a cache, verifies every request', async () => {
    await startApi();
    const tokens = await implicitTokens();
    emulator.stats.reset();
    const url = `${api}?access_token=${encodeURIComponent(tokens.accessToken)}&mac_key=${encodeURIComponent(tokens.macKey)}`;
    for (let i = 0; i < 3; i += 1) expect((await fetch(url)).status).toBe(200);
    expect(emulator.stats.requests['/user/profile']).toBe(3);
  });

  it('uses unionId when the app did not request the openid scope', async () => {
    await startApi({ scope: ['profile'], profileIdentifier: 'unionId' });
    const tokens = await implicitTokens(['profile']);
    const response = await fetch(
      `${api}?access_token=${encodeURIComponent(tokens.accessToken)}&mac_key=${encodeURIComponent(tokens.macKey)}`,
    );
    expect(await response.json()).toMatchObject({ id: 'union-1001' });
  });
});
