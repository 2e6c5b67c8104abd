import type { MiEmulator } from '../../lib/emulator';
import {
  CLIENT,
  codeParams,
  FakeClock,
  getCode,
  login,
  openApi,
  PLAIN_CLIENT,
  REDIRECT,
  start,
  tokenRequest,
} from './helpers';

let emulator: MiEmulator;
let clock: FakeClock;

beforeEach(async () => {
  clock = new FakeClock();
  emulator = await start({ now: clock.now });
});

afterEach(async () => {
  await emulator.close();
});

function refreshParams(refreshToken: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    client_id: CLIENT.clientID,
    redirect_uri: REDIRECT,
    client_secret: CLIENT.clientSecret,
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    ...overrides,
  };
}

describe('authorization_code grant', () => {
  it('answers GET with &&&START&&& and the Mi token fields', async () => {
    const code = await getCode(emulator, { scope: '1 3' });
    const reply = await tokenRequest(emulator, codeParams(code));
    expect(reply.status).toBe(200);
    expect(reply.text.startsWith('&&&START&&&{')).toBe(true);
    expect(reply.json).toEqual({
      access_token: expect.stringMatching(/^[\w-]{40,}$/),
      expires_in: 7776000,
      refresh_token: expect.stringMatching(/^[\w-]{40,}$/),
      scope: '1 3',
      token_type: 'mac',
      mac_key: expect.stringMatching(/^[\w-]{20,}$/),
      mac_algorithm: 'HmacSha1',
      openId: expect.stringMatching(/^2\.0[\w-]+$/),
      union_id: expect.any(String),
    });
  });

  it('answers a POST form body the same way', async () => {
    const code = await getCode(emulator);
    const reply = await tokenRequest(emulator, codeParams(code), 'POST');
    expect(reply.text.startsWith('&&&START&&&')).toBe(true);
    expect(reply.json.token_type).toBe('mac');
  });

  it('issues random, distinct tokens for each login', async () => {
    const first = await login(emulator);
    const second = await login(emulator);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.mac_key).not.toBe(first.mac_key);
  });

  it('gives a user the same openId in one app every time, and another openId in another app', async () => {
    const first = await login(emulator, { user: 'u1' });
    const again = await login(emulator, { user: 'u1' });
    const otherUser = await login(emulator, { user: 'u2' });
    const otherApp = await login(emulator, {
      user: 'u1',
      clientID: PLAIN_CLIENT.clientID,
      redirectUri: 'http://localhost:3000/cb',
    });
    expect(again.openId).toBe(first.openId);
    expect(otherUser.openId).not.toBe(first.openId);
    expect(otherApp.openId).not.toBe(first.openId);
    expect(otherApp.union_id).toBe(first.union_id);
  });

  it("uses the user's own unionId when one is configured", async () => {
    const tokens = await login(emulator, { user: 'u2' });
    expect(tokens.union_id).toBe('union-of-u2');
  });

  it('accepts a code only once (96013 the second time, still HTTP 200 and prefixed)', async () => {
    const code = await getCode(emulator);
    expect((await tokenRequest(emulator, codeParams(code))).json.access_token).toEqual(expect.any(String));
    const second = await tokenRequest(emulator, codeParams(code));
    expect(second.status).toBe(200);
    expect(second.text.startsWith('&&&START&&&')).toBe(true);
    expect(second.json).toEqual({ error: 96013, error_description: expect.any(String) });
  });

  it('accepts a code until its 5 minutes are over', async () => {
    const code = await getCode(emulator);
    clock.advance(5 * 60 * 1000 - 1);
    expect((await tokenRequest(emulator, codeParams(code))).json.access_token).toEqual(expect.any(String));
  });

  it('refuses a code after 5 minutes with 96013', async () => {
    const code = await getCode(emulator);
    clock.advance(5 * 60 * 1000);
    expect((await tokenRequest(emulator, codeParams(code))).json.error).toBe(96013);
  });

  it('uses codeTtlMs for the code lifetime', async () => {
    await emulator.close();
    emulator = await start({ now: clock.now, codeTtlMs: 1000 });
    const code = await getCode(emulator);
    clock.advance(1000);
    expect((await tokenRequest(emulator, codeParams(code))).json.error).toBe(96013);
  });

  it('refuses an unknown code with 96013', async () => {
    expect((await tokenRequest(emulator, codeParams('not-a-code'))).json.error).toBe(96013);
  });

  it("refuses another app's code with 96013", async () => {
    const code = await getCode(emulator, { clientID: PLAIN_CLIENT.clientID, redirectUri: REDIRECT });
    const reply = await tokenRequest(emulator, codeParams(code));
    expect(reply.json.error).toBe(96013);
  });

  it('refuses a redirect_uri that differs from the authorization request with 96010, even a registered one', async () => {
    const code = await getCode(emulator, { redirectUri: REDIRECT });
    const reply = await tokenRequest(emulator, codeParams(code, { redirect_uri: 'http://localhost:3000/' }));
    expect(reply.json.error).toBe(96010);
  });

  it('refuses an unknown client with 96001', async () => {
    const code = await getCode(emulator);
    expect((await tokenRequest(emulator, codeParams(code, { client_id: '404' }))).json.error).toBe(96001);
  });

  it('refuses a wrong secret with 96003', async () => {
    const code = await getCode(emulator);
    expect((await tokenRequest(emulator, codeParams(code, { client_secret: 'wrong' }))).json.error).toBe(96003);
  });

  it('refuses a secret that was not URL-encoded with 96003 (a documented cause)', async () => {
    const code = await getCode(emulator);
    const raw = `client_id=${CLIENT.clientID}&redirect_uri=${encodeURIComponent(REDIRECT)}&grant_type=authorization_code&code=${code}&client_secret=${CLIENT.clientSecret.replace('&=', '')}`;
    const text = await (await fetch(`${emulator.tokenURL}?${raw}`)).text();
    expect(text).toMatch(/^&&&START&&&\{"error":96003,/);
  });

  it.each(['grant_type', 'client_id', 'client_secret', 'redirect_uri', 'code'])(
    'refuses a request without %s with 96002',
    async (name) => {
      const code = await getCode(emulator);
      const params = Object.fromEntries(Object.entries(codeParams(code)).filter(([key]) => key !== name));
      expect((await tokenRequest(emulator, params)).json.error).toBe(96002);
    },
  );

  it.each(['password', 'client_credentials', 'token', ''])(
    'refuses grant_type "%s" with 96004 OA_INVALID_GRANT',
    async (grantType) => {
      const code = await getCode(emulator);
      const expected = grantType === '' ? 96002 : 96004;
      expect((await tokenRequest(emulator, codeParams(code, { grant_type: grantType }))).json.error).toBe(expected);
    },
  );

  it('refuses a repeated parameter with 96002', async () => {
    const code = await getCode(emulator);
    const text = await (
      await fetch(`${emulator.tokenURL}?${new URLSearchParams(codeParams(code)).toString()}&code=other`)
    ).text();
    expect(text).toMatch(/^&&&START&&&\{"error":96002,/);
  });

  it('answers other methods with 405, still prefixed', async () => {
    const res = await fetch(emulator.tokenURL, { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(await res.text()).toMatch(/^&&&START&&&\{"error":96002,/);
  });

  it('refuses a POST body over 64 KB with 413', async () => {
    const res = await fetch(emulator.tokenURL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `code=${'x'.repeat(65 * 1024)}`,
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toMatch(/^&&&START&&&\{"error":96002,/);
  });

  it('uses accessTokenTtlSeconds for expires_in and for the token lifetime', async () => {
    await emulator.close();
    emulator = await start({ now: clock.now, accessTokenTtlSeconds: 60 });
    const tokens = await login(emulator, { scope: '1' });
    expect(tokens.expires_in).toBe(60);
    clock.advance(60 * 1000);
    const { body } = await openApi(emulator, '/user/profile', {
      token: tokens.access_token,
      macKey: tokens.mac_key,
      nowMs: clock.ms,
    });
    expect(body.code).toBe(96008);
  });
});

describe('refresh_token grant', () => {
  it('returns a new access token, refresh token and mac_key with the same scope and openId', async () => {
    const first = await login(emulator, { scope: '1 3' });
    const reply = await tokenRequest(emulator, refreshParams(first.refresh_token));
    expect(reply.text.startsWith('&&&START&&&')).toBe(true);
    expect(reply.json.access_token).not.toBe(first.access_token);
    expect(reply.json.refresh_token).not.toBe(first.refresh_token);
    expect(reply.json.mac_key).not.toBe(first.mac_key);
    expect(reply.json.scope).toBe('1 3');
    expect(reply.json.openId).toBe(first.openId);
  });

  it('refreshes over POST as over GET: a new access token', async () => {
    const first = await login(emulator);
    expect((await tokenRequest(emulator, refreshParams(first.refresh_token), 'POST')).json.access_token).toEqual(
      expect.any(String),
    );
  });

  it('kills the old refresh token: reusing it gives 96009', async () => {
    const first = await login(emulator);
    await tokenRequest(emulator, refreshParams(first.refresh_token));
    expect((await tokenRequest(emulator, refreshParams(first.refresh_token))).json.error).toBe(96009);
  });

  it('kills the old access token, and the new one works', async () => {
    const first = await login(emulator, { scope: '1' });
    const second = (await tokenRequest(emulator, refreshParams(first.refresh_token))).json;
    const old = await openApi(emulator, '/user/profile', {
      token: first.access_token,
      macKey: first.mac_key,
      nowMs: clock.ms,
    });
    const fresh = await openApi(emulator, '/user/profile', {
      token: String(second.access_token),
      macKey: String(second.mac_key),
      nowMs: clock.ms,
    });
    expect(old.body.code).toBe(96008);
    expect(fresh.body.result).toBe('ok');
  });

  it('chains: each new refresh token works once', async () => {
    let refreshToken = (await login(emulator)).refresh_token;
    for (let i = 0; i < 3; i += 1) {
      const reply = await tokenRequest(emulator, refreshParams(refreshToken));
      refreshToken = String(reply.json.refresh_token);
    }
    expect(refreshToken).toMatch(/^[\w-]{40,}$/);
  });

  it('refuses an unknown refresh token with 96009', async () => {
    expect((await tokenRequest(emulator, refreshParams('nope'))).json.error).toBe(96009);
  });

  it("refuses another app's refresh token with 96009", async () => {
    const other = await login(emulator, { clientID: PLAIN_CLIENT.clientID, redirectUri: REDIRECT });
    expect((await tokenRequest(emulator, refreshParams(other.refresh_token))).json.error).toBe(96009);
  });

  it('refuses a redirect_uri that is not registered with 96010', async () => {
    const first = await login(emulator);
    expect(
      (await tokenRequest(emulator, refreshParams(first.refresh_token, { redirect_uri: 'https://evil.example/' }))).json
        .error,
    ).toBe(96010);
  });

  it('checks the secret before the refresh token (96003), leaving the token usable', async () => {
    const first = await login(emulator);
    expect((await tokenRequest(emulator, refreshParams(first.refresh_token, { client_secret: 'x' }))).json.error).toBe(
      96003,
    );
    expect((await tokenRequest(emulator, refreshParams(first.refresh_token))).json.access_token).toEqual(
      expect.any(String),
    );
  });

  it('refuses a request without refresh_token with 96002', async () => {
    const params = refreshParams('x');
    delete params.refresh_token;
    expect((await tokenRequest(emulator, params)).json.error).toBe(96002);
  });
});

describe('standardTokenResponse', () => {
  beforeEach(async () => {
    await emulator.close();
    emulator = await start({ standardTokenResponse: true });
  });

  it('answers plain JSON without the prefix', async () => {
    const code = await getCode(emulator);
    const reply = await tokenRequest(emulator, codeParams(code));
    expect(reply.text.startsWith('{')).toBe(true);
    expect(reply.json.access_token).toEqual(expect.any(String));
  });

  it('answers errors RFC 6749 style with HTTP 400', async () => {
    const reply = await tokenRequest(emulator, codeParams('bad'));
    expect(reply.status).toBe(400);
    expect(reply.text.startsWith('{')).toBe(true);
    expect(reply.json).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
  });

  it('maps a wrong secret to invalid_client', async () => {
    const reply = await tokenRequest(emulator, codeParams('bad', { client_secret: 'wrong' }));
    expect(reply.json.error).toBe('invalid_client');
  });
});
