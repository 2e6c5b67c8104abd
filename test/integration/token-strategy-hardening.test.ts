import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
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
  let app: Express | undefined;
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
      (mounted, passport) => {
        app = mounted;
        mounted.get('/health', (_req, res) => res.json({ ok: true }));
        mounted.all('/api/me', (req, res) => {
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
  describe('input bounds: hostile token fields and Authorization headers are refused in milliseconds', () => {
    // Before: a 2,000-character token took 4.4 s to redact, ~4,000 answered 500 ("Stack overflow"), and the header
    // parser took 2.4 s on 64 KB. Limits are generous (100 ms over loopback HTTP); the old code misses them by 20×+.
    let wide: Server | undefined;
    afterEach(async () => {
      await new Promise((resolve) => (wide ? wide.close(resolve) : resolve(undefined)));
      wide = undefined;
    });

    /** The same app behind a listener that takes headers up to 1 MiB (Node's default refuses over 16 KB with a 431). */
    async function wideHeaders(): Promise<string> {
      wide = createServer({ maxHeaderSize: 1024 * 1024 }, app);
      await new Promise<void>((resolve) => wide!.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(wide.address() as AddressInfo).port}/api/me`;
    }

    const long = (length: number, seed: string) => `${seed}-${'aZ09+/=-_'.repeat(length)}`.slice(0, length);
    const json = (body: object): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const header = (value: string): RequestInit => ({ headers: { authorization: value } });

    const CASES: Array<[name: string, request: RequestInit, message: RegExp, secret: string]> = [
      [
        '2,000-character access_token and mac_key in the JSON body',
        json({ access_token: long(2000, 'body-token'), mac_key: long(2000, 'body-key') }),
        /^access_token is not a Mi Account token: at most 512 letters, digits and/,
        'body-token',
      ],
      [
        '4,000-character access_token and mac_key in the JSON body',
        json({ access_token: long(4000, 'body-token'), mac_key: long(4000, 'body-key') }),
        /^access_token is not a Mi Account token: at most 512 letters, digits and/,
        'body-token',
      ],
      [
        '4,000-character access_token and mac_key in the Authorization header',
        header(`MAC access_token="${long(4000, 'header-token')}", mac_key="${long(4000, 'header-key')}"`),
        /^access_token is not a Mi Account token/,
        'header-token',
      ],
      [
        'a 513-character mac_key beside a short token',
        json({ access_token: 'short-token', mac_key: long(513, 'long-key') }),
        /^mac_key is not a Mi Account token/,
        'long-key',
      ],
      [
        'a token with characters Mi never issues (a space, a quote, non-ASCII)',
        json({ access_token: 'odd token"é', mac_key: 'k' }),
        /^access_token is not a Mi Account token/,
        'odd token',
      ],
      [
        'a 64 KB Authorization header of one letter run',
        header(`MAC ${'a'.repeat(65536)}`),
        /^the Authorization: MAC header is longer than 8192 characters: send MAC access_token="…", mac_key="…"$/,
        'aaaaaaaa',
      ],
      [
        'a 64 KB Authorization header after an unclosed quote',
        header(`MAC access_token="quoted-token${'a'.repeat(65536)}`),
        /^the Authorization: MAC header is longer than 8192 characters/,
        'quoted-token',
      ],
      [
        'a short Authorization header with an unclosed quote',
        header('MAC access_token="quoted-token, mac_key=k'),
        /^the Authorization: MAC header has a quote opened at position 18 and never closed/,
        'quoted-token',
      ],
      [
        'a malformed Authorization header beside valid-looking body fields',
        { ...json({ access_token: 'body-token', mac_key: 'body-key' }), ...header('MAC access_token=') },
        /^the Authorization: MAC header has a parameter without a value at position 18/,
        'body-token',
      ],
    ];

    it.each(CASES)(
      '%s: 400 within 250 ms, no call to Mi, the problem named and no value echoed',
      async (_name, request, message, secret) => {
        await startApi();
        const url = await wideHeaders();
        // Warm the connection and the code path first: only the hostile input's own cost is timed (before: 1.2–2.7 s).
        await call(url, json({}));
        const started = performance.now();
        const answer = await call(url, request);
        const ms = performance.now() - started;
        expect(answer.status).toBe(400);
        expect(answer.body.message).toMatch(message);
        expect(answer.body.message).not.toContain(secret);
        expect(ms).toBeLessThan(250);
        expect(miCalls()).toBe(0);
        expect(verifyCalls).toBe(0);
      },
    );

    it('a 512-character token of Mi alphabet is still sent to Mi Account (the bound refuses nothing Mi issues)', async () => {
      await startApi();
      const answer = await call(api, withHeader(long(512, 'edge-token'), long(512, 'edge-key')));
      expect(answer.status).toBe(401);
      expect(emulator.stats.requests['/user/profile']).toBe(1);
    });

    it('five concurrent requests with 2,000-character tokens answer within 300 ms, and an unrelated GET sent meanwhile within 100 ms (was a 14 s outage)', async () => {
      await startApi();
      const health = api.replace(/\/api\/me$/, '/health');
      const started = performance.now();
      const hostile = Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          call(api, json({ access_token: long(2000, `flood-${i}`), mac_key: long(2000, `key-${i}`) })),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      const healthStarted = performance.now();
      expect(await call(health)).toEqual({ status: 200, body: { ok: true } });
      expect(performance.now() - healthStarted).toBeLessThan(100);
      expect((await hostile).map((answer) => answer.status)).toEqual([400, 400, 400, 400, 400]);
      expect(performance.now() - started).toBeLessThan(300);
    });
  });
});
