import { MiAccountClient, MiAccountError, MiAccountProfile } from '../../lib';
import { RawServer, startRawServer } from '../helpers/raw-server';

const TOKEN = { access_token: 'at-value-123', expires_in: 7776000, mac_key: 'mk-value-123', scope: '1 3' };
const json = (value: unknown) => JSON.stringify(value);
const envelope = (data: string) => `{"result":"ok","description":"success","code":0,"data":${data}}`;

/** A loopback Mi Account that answers the token endpoint and each Open API path with the given bodies. */
describe('hostile data from the wire (#14)', () => {
  let server: RawServer;
  let bodies: Record<string, string>;
  beforeAll(async () => {
    server = await startRawServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(bodies[path] ?? envelope('{}'));
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    bodies = {};
    server.requests.length = 0;
  });

  const client = () =>
    new MiAccountClient({
      clientID: '2882303761517383915',
      clientSecret: 'secret-value-123',
      redirectURI: 'https://app.example/cb',
      tokenURL: `${server.url}/oauth2/token`,
      openApiURL: `${server.url}/api`,
      timeout: 5000,
    });
  const exchange = () => client().exchangeCode('code');
  const login = async (): Promise<MiAccountProfile> => {
    const tokens = await exchange();
    return client().getProfile({ ...tokens, scope: tokens.scope, openId: tokens.openId, unionId: tokens.unionId });
  };
  const refused = async (run: () => Promise<unknown>) => {
    const err = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MiAccountError);
    expect((err as Error).name).toBe('MiAccountResponseError');
    return err as MiAccountError;
  };

  describe('identifiers must be strings', () => {
    it('two openIds above 2^53 that JSON.parse rounds to one number are refused, not merged', async () => {
      const seen: unknown[] = [];
      for (const openId of ['9007199254740993', '9007199254740992']) {
        bodies['/oauth2/token'] = `{"access_token":"a","expires_in":1,"mac_key":"k","openId":${openId}}`;
        seen.push(
          await exchange().then(
            (t) => t.openId,
            (e: unknown) => e,
          ),
        );
      }
      for (const outcome of seen) expect(outcome).toBeInstanceOf(MiAccountError);
    });

    const NON_STRINGS = ['123456789', '9007199254740993', '1.5', 'true', '{"id":"x"}', '["2.0a"]'];
    const TOKEN_FIELDS = ['openId', 'openid', 'open_id', 'union_id', 'unionId'];
    it.each(TOKEN_FIELDS.flatMap((field) => NON_STRINGS.map((value) => [field, value] as const)))(
      'token response %s: %s is refused',
      async (field, value) => {
        bodies['/oauth2/token'] = `{"access_token":"a","expires_in":1,"mac_key":"k","${field}":${value}}`;
        const err = await refused(exchange);
        expect(err.message).toContain(`${field} that is not a string`);
      },
    );

    const PROFILE_CASES: Array<[endpoint: string, field: string, scope: string]> = [
      ['/api/user/profile', 'unionId', '1'],
      ['/api/user/openidV2', 'openId', '3'],
      ['/api/user/openidV2', 'openid', '3'],
    ];
    it.each(
      PROFILE_CASES.flatMap(([endpoint, field, scope]) => NON_STRINGS.map((v) => [endpoint, field, v, scope] as const)),
    )('%s %s: %s is refused', async (endpoint, field, value, scope) => {
      bodies['/oauth2/token'] = json({ ...TOKEN, scope });
      bodies[endpoint] = envelope(`{"${field}":${value}}`);
      const err = await refused(login);
      expect(err.message).toContain(`${field} that is not a string`);
    });

    it.each(['9007199254740993', '1.5', 'true', '{"n":1}', '[1]'])(
      '/user/profile userId %s is refused',
      async (value) => {
        bodies['/oauth2/token'] = json({ ...TOKEN, openId: '2.0a', scope: '1' });
        bodies['/api/user/profile'] = envelope(`{"userId":${value}}`);
        await refused(login);
      },
    );

    it('/user/profile userId as an exact number (the legacy account number) or a string is kept', async () => {
      bodies['/oauth2/token'] = json({ ...TOKEN, openId: '2.0a', scope: '1' });
      bodies['/api/user/profile'] = envelope('{"userId":58219736}');
      expect((await login()).legacyUserId).toBe('58219736');
      bodies['/api/user/profile'] = envelope('{"userId":"9007199254740993"}');
      expect((await login()).legacyUserId).toBe('9007199254740993');
    });
  });

  describe('an exact key wins over a padded one', () => {
    it.each([
      ['padded first', '{"openId ":"attacker","openId":"victim"}'],
      ['padded last', '{"openId":"victim","openId ":"attacker"}'],
      ['leading space', '{" openId":"attacker","openId":"victim"}'],
      ['both paddings', '{" openId ":"attacker","openId":"victim","openId\\t":"attacker2"}'],
    ])('openId in the token response (%s)', async (_name, ids) => {
      bodies['/oauth2/token'] = `{"access_token":"a","expires_in":1,"mac_key":"k",${ids.slice(1, -1)}}`;
      expect((await exchange()).openId).toBe('victim');
    });

    it.each([
      ['mac_key', '{"access_token":"a","expires_in":1,"mac_key ":"evil","mac_key":"good"}', 'macKey'],
      ['access_token', '{"access_token":"good","access_token ":"evil","expires_in":1,"mac_key":"k"}', 'accessToken'],
    ] as const)('%s in the token response', async (_name, body, field) => {
      bodies['/oauth2/token'] = body;
      expect((await exchange())[field]).toBe('good');
    });

    it('unionId in /user/profile data', async () => {
      bodies['/oauth2/token'] = json({ ...TOKEN, openId: '2.0a', scope: '1' });
      bodies['/api/user/profile'] = envelope('{"unionId ":"attacker","unionId":"victim"}');
      expect((await login()).unionId).toBe('victim');
    });

    it("still reads a padded key alone (as in Xiaomi's examples)", async () => {
      bodies['/oauth2/token'] = '{"access_token":"a","expires_in":1,"mac_key ":"k","openId ":"2.0a"}';
      expect(await exchange()).toMatchObject({ macKey: 'k', openId: '2.0a' });
    });
  });

  describe('expires_in is decimal', () => {
    it.each([
      '"0x10"',
      '"0X10"',
      '"0b1"',
      '"0o7"',
      '"1e3"',
      '"16.5"',
      '"+16"',
      '"-16"',
      '"Infinity"',
      '"16abc"',
      '"١٦"',
      '"１６"',
      '""',
      '16.5',
      '-1',
      '0',
      '1e400',
    ])('expires_in %s is refused', async (value) => {
      bodies['/oauth2/token'] = `{"access_token":"a","mac_key":"k","expires_in":${value}}`;
      const err = await refused(exchange);
      expect(err.message).toContain('expires_in');
    });

    it.each([
      ['"360000"', 360000],
      ['" 16 "', 16],
      ['7776000', 7776000],
    ])('expires_in %s is %d seconds', async (value, seconds) => {
      bodies['/oauth2/token'] = `{"access_token":"a","mac_key":"k","expires_in":${value}}`;
      expect((await exchange()).expiresIn).toBe(seconds);
    });
  });

  describe('avatar URLs are http(s) only', () => {
    const HOSTILE = [
      'javascript:alert(1)',
      'JavaScript:alert(document.cookie)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      'vbscript:msgbox(1)',
      'data:text/html,<script>alert(1)</script>',
      'data:image/svg+xml,<svg onload=alert(1)>',
      'file:///etc/passwd',
      '//evil.example/a.png',
      '/relative/a.png',
      'https:evil.example/a.png',
      'https:/evil.example/a.png',
      'https:\\\\evil.example\\a.png',
      'ht\u0000tps://evil.example/a.png',
      'https://evil.example/a.png\u202e',
      'blob:https://evil.example/x',
      '7',
    ];
    it.each(HOSTILE)('%j is not in profile.photos', async (url) => {
      bodies['/oauth2/token'] = json({ ...TOKEN, openId: '2.0a', scope: '1' });
      bodies['/api/user/profile'] = envelope(json({ miliaoIcon: url, miliaoIcon_orig: 'https://cdn.example/a.png' }));
      const profile = await login();
      expect(profile.photos).toEqual([{ value: 'https://cdn.example/a.png', size: 550 }]);
    });

    it('keeps http and https avatars, largest first', async () => {
      bodies['/oauth2/token'] = json({ ...TOKEN, openId: '2.0a', scope: '1' });
      bodies['/api/user/profile'] = envelope(
        json({ miliaoIcon: 'http://cdn.example/s.png', miliaoIcon_320: 'HTTPS://cdn.example/m.png' }),
      );
      expect((await login()).photos).toEqual([
        { value: 'HTTPS://cdn.example/m.png', size: 320 },
        { value: 'http://cdn.example/s.png', size: 50 },
      ]);
    });
  });

  describe('deeply nested JSON', () => {
    const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    it.each([100_000, 10_000, 1_000, 33])('a /user/profile body nested %d deep is refused', async (depth) => {
      bodies['/oauth2/token'] = json({ ...TOKEN, openId: '2.0a', scope: '1' });
      bodies['/api/user/profile'] = envelope(`{"miliaoNick":"x","extra":${deep(depth)}}`);
      const err = await refused(login);
      expect(err.message).toMatch(/nested deeper than 32 levels/);
    });

    it.each([100_000, 1_000])('a token response nested %d deep is refused', async (depth) => {
      bodies['/oauth2/token'] = `{"access_token":"a","expires_in":1,"mac_key":"k","x":${deep(depth)}}`;
      await refused(exchange);
    });

    it('a body nested 30 deep, and brackets inside strings, still give a profile that JSON.stringify can write', async () => {
      bodies['/oauth2/token'] = json({ ...TOKEN, openId: '2.0a', scope: '1' });
      bodies['/api/user/profile'] = envelope(
        json({ miliaoNick: `[{${'['.repeat(5000)}"\\`, extra: JSON.parse(deep(28)) }),
      );
      const profile = await login();
      expect(() => JSON.stringify(profile)).not.toThrow();
      expect(profile.displayName).toBe(`[{${'['.repeat(5000)}"\\`);
    });
  });

  describe('client.call paths stay under the Open API base path', () => {
    const PATHS = [
      '/../admin',
      '/user/../../admin',
      '/user/..',
      '/..',
      '/.',
      '/./user/profile',
      '/user/./profile',
      '/.../admin',
      '//admin',
      '/user//profile',
      '/user/profile/',
      '/%2e%2e/admin',
      '/%2E%2E/admin',
      '/%252e%252e/admin',
      '/..%2fadmin',
      '/user%2f..%2f..%2fadmin',
      '/..;/admin',
      '/..\\admin',
      '/\uff0e\uff0e/admin',
      '/\u2025/admin',
      '/user/profile?token=x',
      '/user/profile#x',
      'user/profile',
      '',
      'http://evil.example/x',
    ];
    it.each(PATHS)('%j is refused before any request', async (path) => {
      const run = client().call(path, { accessToken: 'a', macKey: 'k' });
      await expect(run).rejects.toBeInstanceOf(TypeError);
      expect(server.requests).toHaveLength(0);
    });

    it('a plain path with dots inside its segments still works', async () => {
      bodies['/api/user/v1.2/profile.json'] = envelope('{"ok":true}');
      await expect(client().call('/user/v1.2/profile.json', { accessToken: 'a', macKey: 'k' })).resolves.toEqual({
        ok: true,
      });
      expect(server.requests[0]!.url.pathname).toBe('/api/user/v1.2/profile.json');
    });
  });
});
