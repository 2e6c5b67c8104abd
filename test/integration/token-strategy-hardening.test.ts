import type { MiAccountTokenStrategyOptions } from '../../lib';
import { buildImplicitAuthorizeUrl, parseImplicitCallback } from '../../lib/browser';
import type { MiEmulator } from '../../lib/emulator';
import { CLIENT_ID } from '../helpers/mi';
import { startSpaEmulator, startTokenApi, type TokenApi } from '../helpers/token-api';

const REDIRECT = 'http://127.0.0.1:8765/spa/callback';

interface Answer {
  status: number;
  body: { name?: string; message?: string };
}

describe('MiAccountTokenStrategy hardening', () => {
  let emulator: MiEmulator;
  let running: TokenApi | undefined;
  let api = '';
  let verifyCalls = 0;

  beforeAll(async () => {
    emulator = await startSpaEmulator('http://127.0.0.1:8765/spa');
  });
  afterAll(() => emulator.close());
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function startApi(options: Partial<MiAccountTokenStrategyOptions> = {}) {
    verifyCalls = 0;
    running = await startTokenApi(
      emulator,
      { timeout: 2000, ...options },
      (_token, profile, done) => {
        verifyCalls += 1;
        done(null, { name: profile.displayName });
      },
      (app, passport) => {
        app.all('/api/me', (req, res) => {
          passport.authenticate(
            'mi-account-token',
            { session: false },
            (err: Error | null, user: object | false, info: { message?: string } | undefined, status?: number) => {
              if (err) return res.status(502).json({ message: err.message });
              if (!user) return res.status(status ?? 401).json({ message: info?.message });
              res.json(user);
            },
          )(req, res);
        });
      },
    );
    api = running.url;
    emulator.stats.reset();
  }

  async function implicitTokens() {
    const { url, state } = buildImplicitAuthorizeUrl({
      clientID: CLIENT_ID,
      redirectURI: REDIRECT,
      scope: ['profile', 'openid'],
      authorizationURL: emulator.authorizationURL,
    });
    const location = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
    return parseImplicitCallback(location.hash, state, location.search);
  }

  async function call(url: string, init: RequestInit = {}): Promise<Answer> {
    const response = await fetch(url, init);
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  }

  function withHeader(accessToken: string, macKey: string): RequestInit {
    return { headers: { authorization: `MAC access_token="${accessToken}", mac_key="${macKey}"` } };
  }

  /** Runs `body` while Mi Account takes 300 ms to answer /user/profile, so concurrent requests overlap. */
  async function whileMiIsSlow<T>(body: () => Promise<T>): Promise<T> {
    emulator.setFault('/user/profile', { delayMs: 300 });
    try {
      return await body();
    } finally {
      emulator.setFault('/user/profile', null);
    }
  }

  /** Every Open API call the emulator answered since the last reset. */
  function miCalls(): number {
    return Object.entries(emulator.stats.requests)
      .filter(([path]) => path.startsWith('/user/'))
      .reduce((sum, [, count]) => sum + count, 0);
  }

  describe('the query string', () => {
    const QUERY_CASES: Array<[string, (t: { accessToken: string; macKey: string }) => [string, RequestInit]]> = [
      ['access_token and mac_key in a GET query', (t) => [`?access_token=${t.accessToken}&mac_key=${t.macKey}`, {}]],
      ['access_token alone in the query', (t) => [`?access_token=${t.accessToken}`, {}]],
      ['mac_key alone in the query', (t) => [`?mac_key=${t.macKey}`, {}]],
      ['array-style access_token[] in the query', (t) => [`?access_token[]=${t.accessToken}&mac_key=${t.macKey}`, {}]],
      [
        'the query of a POST that also has a valid body',
        (t) => [
          `?access_token=${t.accessToken}&mac_key=${t.macKey}`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ access_token: t.accessToken, mac_key: t.macKey }),
          },
        ],
      ],
      [
        'the query beside a valid Authorization header',
        (t) => [`?access_token=${t.accessToken}&mac_key=${t.macKey}`, withHeader(t.accessToken, t.macKey)],
      ],
    ];

    it.each(QUERY_CASES)(
      'is refused by default with a 400 that says where to send the token: %s',
      async (_name, build) => {
        await startApi();
        const tokens = await implicitTokens();
        emulator.stats.reset();
        const [query, init] = build({
          accessToken: encodeURIComponent(tokens.accessToken),
          macKey: encodeURIComponent(tokens.macKey),
        });
        const answer = await call(`${api}${query}`, init);
        expect(answer.status).toBe(400);
        expect(answer.body.message).toMatch(/not in the query string/);
        expect(answer.body.message).toContain('JSON body');
        expect(answer.body.message).toContain('Authorization: MAC');
        expect(answer.body.message).not.toContain(tokens.accessToken);
        expect(miCalls()).toBe(0);
        expect(verifyCalls).toBe(0);
      },
    );

    it('is refused for renamed token fields too', async () => {
      await startApi({ tokenFields: { accessToken: 'token', macKey: 'key' } });
      const answer = await call(`${api}?token=abc&key=def`);
      expect(answer.status).toBe(400);
      expect(answer.body.message).toMatch(/send token and key in the JSON body/i);
    });

    it('is read when the app opts in with allowQueryToken: true', async () => {
      await startApi({ allowQueryToken: true });
      const tokens = await implicitTokens();
      const answer = await call(
        `${api}?access_token=${encodeURIComponent(tokens.accessToken)}&mac_key=${encodeURIComponent(tokens.macKey)}`,
      );
      expect(answer).toEqual({ status: 200, body: { name: 'Alex Chen' } });
    });

    it('does not mention the query in the missing-credentials message unless it is allowed', async () => {
      await startApi();
      const answer = await call(api);
      expect(answer.status).toBe(400);
      expect(answer.body.message).not.toMatch(/query/);
    });
  });

  describe('verification: shared, and failures cached briefly', () => {
    it('20 concurrent requests with one forged token cost one verification (today: 40 Mi calls)', async () => {
      await startApi();
      const answers = await whileMiIsSlow(() =>
        Promise.all(Array.from({ length: 20 }, () => call(api, withHeader('forged', 'forged')))),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array<number>(20).fill(401));
      expect(miCalls()).toBeLessThanOrEqual(2);
      expect(emulator.stats.requests['/user/profile']).toBe(1);
    });

    it('20 more requests with that forged token within the failure TTL cost no Mi call', async () => {
      await startApi();
      expect((await call(api, withHeader('forged-2', 'forged'))).status).toBe(401);
      emulator.stats.reset();
      for (let i = 0; i < 20; i += 1) {
        const answer = await call(api, withHeader('forged-2', 'forged'));
        expect(answer.status).toBe(401);
        expect(answer.body.message).toMatch(/96008|invalid/i);
      }
      expect(miCalls()).toBe(0);
    });

    it('20 concurrent requests with one valid token share one verification, and verify runs for each', async () => {
      await startApi();
      const tokens = await implicitTokens();
      emulator.stats.reset();
      const answers = await whileMiIsSlow(() =>
        Promise.all(Array.from({ length: 20 }, () => call(api, withHeader(tokens.accessToken, tokens.macKey)))),
      );
      expect(answers.every((answer) => answer.status === 200 && answer.body.name === 'Alex Chen')).toBe(true);
      expect(emulator.stats.requests['/user/profile']).toBe(1);
      expect(verifyCalls).toBe(20);
    });

    it('forgets a failure after failureCacheTtlMs', async () => {
      await startApi({ failureCacheTtlMs: 200 });
      expect((await call(api, withHeader('forged-3', 'forged'))).status).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 250));
      emulator.stats.reset();
      expect((await call(api, withHeader('forged-3', 'forged'))).status).toBe(401);
      expect(emulator.stats.requests['/user/profile']).toBe(1);
    });

    it('keeps at most cacheMaxEntries failures: the oldest is verified again', async () => {
      await startApi({ cacheMaxEntries: 5 });
      for (let i = 0; i < 10; i += 1) expect((await call(api, withHeader(`bad-${i}`, 'forged'))).status).toBe(401);
      emulator.stats.reset();
      expect((await call(api, withHeader('bad-9', 'forged'))).status).toBe(401);
      expect(miCalls()).toBe(0);
      expect((await call(api, withHeader('bad-0', 'forged'))).status).toBe(401);
      expect(emulator.stats.requests['/user/profile']).toBe(1);
    });

    it('does not cache a network failure: the next request is verified again and succeeds', async () => {
      await startApi();
      const tokens = await implicitTokens();
      emulator.setFault('/user/profile', 'reset');
      try {
        expect((await call(api, withHeader(tokens.accessToken, tokens.macKey))).status).toBe(502);
      } finally {
        emulator.setFault('/user/profile', null);
      }
      expect(await call(api, withHeader(tokens.accessToken, tokens.macKey))).toEqual({
        status: 200,
        body: { name: 'Alex Chen' },
      });
    });
  });
});
