import { createNonce, macAuthorizationHeader, signMac } from '../../lib/client/mac';
import type { MiEmulator } from '../../lib/emulator';
import { CLIENT, FakeClock, login, openApi, PLAIN_CLIENT, start, type OpenApiCall, type Tokens } from './helpers';

let emulator: MiEmulator;
let clock: FakeClock;

beforeEach(async () => {
  clock = new FakeClock();
  emulator = await start({ now: clock.now });
});

afterEach(async () => {
  await emulator.close();
});

/** A signed call with the fake clock's time. */
function call(path: string, tokens: Tokens, extra: Partial<OpenApiCall> = {}): ReturnType<typeof openApi> {
  return openApi(emulator, path, { token: tokens.access_token, macKey: tokens.mac_key, nowMs: clock.ms, ...extra });
}

describe('/user/profile (scope 1)', () => {
  it('answers the ok envelope with nickname, avatar sizes derived from the avatar, and unionId', async () => {
    const tokens = await login(emulator, { user: 'u1', scope: '1' });
    const { status, body } = await call('/user/profile', tokens);
    expect(status).toBe(200);
    expect(body).toEqual({
      result: 'ok',
      description: 'success',
      code: 0,
      data: {
        miliaoNick: 'Alex Morgan',
        miliaoIcon: 'https://cdn.example.com/avatar/u1.jpg',
        miliaoIcon_75: 'https://cdn.example.com/avatar/u1_75.jpg',
        miliaoIcon_90: 'https://cdn.example.com/avatar/u1_90.jpg',
        miliaoIcon_120: 'https://cdn.example.com/avatar/u1_120.jpg',
        miliaoIcon_320: 'https://cdn.example.com/avatar/u1_320.jpg',
        miliaoIcon_orig: 'https://cdn.example.com/avatar/u1_orig.jpg',
        unionId: tokens.union_id,
      },
    });
  });

  it('adds userId only for a user with a legacy userId, and no avatar fields without an avatar', async () => {
    const tokens = await login(emulator, { user: 'u2', scope: '1' });
    const { body } = await call('/user/profile', tokens);
    expect(body.data).toEqual({ miliaoNick: '李小米', unionId: 'union-of-u2', userId: 58219736 });
  });

  it('refuses a token without scope 1 with 96007', async () => {
    const tokens = await login(emulator, { scope: '3' });
    expect((await call('/user/profile', tokens)).body).toEqual({
      result: 'error',
      description: expect.any(String),
      code: 96007,
    });
  });
});

describe('/user/openidV2 (scope 3)', () => {
  it('answers the openId of the token response', async () => {
    const tokens = await login(emulator, { scope: '3' });
    const { body } = await call('/user/openidV2', tokens);
    expect(body.result).toBe('ok');
    expect(body.data).toEqual({ openId: tokens.openId });
  });

  it('refuses a token without scope 3 with 96007', async () => {
    const tokens = await login(emulator, { scope: '1' });
    expect((await call('/user/openidV2', tokens)).body.code).toBe(96007);
  });
});

describe('/user/phoneAndEmail (scope 4 and/or 6)', () => {
  it.each([
    ['4 6', { phone: '+1 202 555 0143', email: 'alex@example.com' }],
    ['4', { phone: '+1 202 555 0143', email: '' }],
    ['6', { phone: '', email: 'alex@example.com' }],
  ])('with scope "%s" answers %p', async (scope, data) => {
    const tokens = await login(emulator, { user: 'u1', scope });
    expect((await call('/user/phoneAndEmail', tokens)).body.data).toEqual(data);
  });

  it('answers empty strings for data the user does not have', async () => {
    const tokens = await login(emulator, { user: 'u2', scope: '4 6' });
    expect((await call('/user/phoneAndEmail', tokens)).body.data).toEqual({ phone: '', email: '' });
  });

  it('refuses a token with neither 4 nor 6 with 96007', async () => {
    const tokens = await login(emulator, { scope: '1 3' });
    expect((await call('/user/phoneAndEmail', tokens)).body.code).toBe(96007);
  });
});

describe('/user/relation (scope 2)', () => {
  it('answers an empty friend list', async () => {
    const tokens = await login(emulator, { scope: '2' });
    expect((await call('/user/relation', tokens)).body).toEqual({
      result: 'ok',
      description: 'success',
      code: 0,
      data: { friends: [] },
    });
  });

  it('refuses a token without scope 2 with 96007', async () => {
    const tokens = await login(emulator, { scope: '1' });
    expect((await call('/user/relation', tokens)).body.code).toBe(96007);
  });
});

describe('client and token checks', () => {
  it('refuses an unknown token with 96008', async () => {
    const tokens = await login(emulator);
    expect((await call('/user/profile', { ...tokens, access_token: 'forged' })).body.code).toBe(96008);
  });

  it('refuses an unknown clientId with 96001', async () => {
    const tokens = await login(emulator);
    expect((await call('/user/profile', tokens, { clientId: '1' })).body.code).toBe(96001);
  });

  it("refuses a clientId other than the token's app with 96008", async () => {
    const tokens = await login(emulator);
    expect((await call('/user/profile', tokens, { clientId: PLAIN_CLIENT.clientID })).body.code).toBe(96008);
  });

  it('refuses an expired token with 96008', async () => {
    const tokens = await login(emulator, { scope: '1' });
    clock.advance(7776000 * 1000);
    expect((await call('/user/profile', tokens)).body.code).toBe(96008);
  });

  it('refuses a call without token with 96002', async () => {
    const res = await fetch(`${emulator.openApiURL}/user/profile?clientId=${CLIENT.clientID}`);
    expect(await res.json()).toEqual({ result: 'error', description: expect.any(String), code: 96002 });
  });

  it('refuses a repeated token parameter with 96002', async () => {
    const tokens = await login(emulator);
    const res = await fetch(
      `${emulator.openApiURL}/user/profile?clientId=${CLIENT.clientID}&token=${tokens.access_token}&token=x`,
    );
    expect(((await res.json()) as { code: number }).code).toBe(96002);
  });
});

describe('MAC signature', () => {
  let tokens: Tokens;

  beforeEach(async () => {
    tokens = await login(emulator, { scope: '1' });
  });

  it('accepts a correct signature (host without port, all query parameters)', async () => {
    expect((await call('/user/profile', tokens, { extraQuery: { lang: 'en', empty: '' } })).body.result).toBe('ok');
  });

  it('accepts a call without Authorization header by default, as the real service does', async () => {
    expect((await call('/user/profile', tokens, { authorization: null })).body.result).toBe('ok');
  });

  it.each([
    [false, false, false],
    [true, false, false],
    [false, true, false],
    [false, false, true],
    [true, true, false],
    [true, false, true],
    [false, true, true],
    [true, true, true],
  ])(
    'accepts access_token encoded=%p, nonce encoded=%p, mac encoded=%p',
    async (encodeToken, encodeNonce, encodeMac) => {
      const token = tokens.access_token;
      const nonce = createNonce(clock.ms);
      const mac = signMac({
        macKey: tokens.mac_key,
        nonce,
        method: 'GET',
        host: '127.0.0.1',
        path: '/user/profile',
        query: { clientId: CLIENT.clientID, token },
      });
      const value = (text: string, encode: boolean): string => (encode ? encodeURIComponent(text) : text);
      const authorization = `MAC access_token="${value(token, encodeToken)}", nonce="${value(nonce, encodeNonce)}",mac="${value(mac, encodeMac)}"`;
      expect((await call('/user/profile', tokens, { authorization })).body.result).toBe('ok');
    },
  );

  it('counts a nonce sent raw and then percent-encoded as a replay', async () => {
    const nonce = createNonce(clock.ms);
    expect((await call('/user/profile', tokens, { nonce })).body.result).toBe('ok');
    const mac = signMac({
      macKey: tokens.mac_key,
      nonce,
      method: 'GET',
      host: '127.0.0.1',
      path: '/user/profile',
      query: { clientId: CLIENT.clientID, token: tokens.access_token },
    });
    const authorization = `MAC access_token="${tokens.access_token}", nonce="${encodeURIComponent(nonce)}",mac="${mac}"`;
    expect((await call('/user/profile', tokens, { authorization })).body.code).toBe(96012);
  });

  it('refuses a wrong mac_key with 96012', async () => {
    expect((await call('/user/profile', tokens, { macKey: 'wrong' })).body.code).toBe(96012);
  });

  it('refuses a signature over other query parameters with 96012', async () => {
    const signedQuery = { clientId: CLIENT.clientID, token: tokens.access_token };
    expect((await call('/user/profile', tokens, { extraQuery: { lang: 'en' }, signedQuery })).body.code).toBe(96012);
  });

  it('refuses a signature made for another host with 96012', async () => {
    expect((await call('/user/profile', tokens, { signHost: 'open.account.xiaomi.com' })).body.code).toBe(96012);
  });

  it('refuses a header that names another access token with 96012', async () => {
    const nonce = createNonce(clock.ms);
    const authorization = macAuthorizationHeader('other-token', nonce, 'bWFj');
    expect((await call('/user/profile', tokens, { authorization })).body.code).toBe(96012);
  });

  it('refuses a replayed nonce with 96012', async () => {
    const nonce = createNonce(clock.ms);
    expect((await call('/user/profile', tokens, { nonce })).body.result).toBe('ok');
    const replay = await call('/user/profile', tokens, { nonce });
    expect(replay.body.code).toBe(96012);
    expect(replay.body.description).toMatch(/replay/);
  });

  it('does not let a forged request burn a nonce', async () => {
    const nonce = createNonce(clock.ms);
    expect((await call('/user/profile', tokens, { nonce, macKey: 'wrong' })).body.code).toBe(96012);
    expect((await call('/user/profile', tokens, { nonce })).body.result).toBe('ok');
  });

  it('refuses a nonce more than 5 minutes old with 96012', async () => {
    const nonce = createNonce(clock.ms - 6 * 60 * 1000);
    const { body } = await call('/user/profile', tokens, { nonce });
    expect(body.code).toBe(96012);
    expect(body.description).toMatch(/5 minutes/);
  });

  it('refuses a nonce more than 5 minutes ahead with 96012', async () => {
    expect((await call('/user/profile', tokens, { nonce: createNonce(clock.ms + 6 * 60 * 1000) })).body.code).toBe(
      96012,
    );
  });

  it('accepts a nonce 4 minutes off the clock', async () => {
    expect((await call('/user/profile', tokens, { nonce: createNonce(clock.ms - 4 * 60 * 1000) })).body.result).toBe(
      'ok',
    );
    expect((await call('/user/profile', tokens, { nonce: createNonce(clock.ms + 4 * 60 * 1000) })).body.result).toBe(
      'ok',
    );
  });

  it.each(['123', 'abc:29000000', '1:2:3', '99999999999999999999:29000000', ''])(
    'refuses the malformed nonce "%s" with 96012',
    async (nonce) => {
      expect((await call('/user/profile', tokens, { nonce })).body.code).toBe(96012);
    },
  );

  it('refuses a header that is not MAC with 96012', async () => {
    expect((await call('/user/profile', tokens, { authorization: `Bearer ${tokens.access_token}` })).body.code).toBe(
      96012,
    );
  });

  it('with strictMac true refuses a call without Authorization header with 96012 (the pre-0.2 default)', async () => {
    await emulator.close();
    emulator = await start({ now: clock.now, strictMac: true });
    tokens = await login(emulator, { scope: '1' });
    const unsigned = await call('/user/profile', tokens, { authorization: null });
    expect(unsigned.body.code).toBe(96012);
    expect(unsigned.body.description).toMatch(/missing or is not a MAC header/);
    expect((await call('/user/profile', tokens)).body.result).toBe('ok');
    expect((await call('/user/profile', tokens, { macKey: 'wrong' })).body.code).toBe(96012);
  });
});

describe('other requests', () => {
  it('answers an unknown path with a 404 JSON envelope', async () => {
    const res = await fetch(`${emulator.url}/user/unknown`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ result: 'error', description: expect.any(String), code: 404 });
  });

  it('answers POST on an Open API path with 405', async () => {
    const res = await fetch(`${emulator.url}/user/profile`, { method: 'POST' });
    expect(res.status).toBe(405);
    expect(((await res.json()) as { code: number }).code).toBe(96002);
  });
});
