import { readTokenResponse } from '../../lib/client/response';
import { isHmacSha1, isMacTokenType, readExpiresIn, readTokenFields } from '../../lib/protocol';

const REQUIRED = { access_token: 'V3_token', mac_key: 'key', expires_in: 7776000 };

describe('readTokenFields', () => {
  it('reads a token endpoint response (expires_in a number)', () => {
    expect(readTokenFields({ ...REQUIRED, refresh_token: 'r', scope: '1 3', openId: '2.0abc' })).toEqual({
      ok: true,
      fields: {
        accessToken: 'V3_token',
        macKey: 'key',
        expiresIn: 7776000,
        scope: ['1', '3'],
        refreshToken: 'r',
        tokenType: 'mac',
        macAlgorithm: 'HmacSha1',
        openId: '2.0abc',
        unionId: undefined,
      },
    });
  });

  it('reads an implicit-grant fragment (expires_in a string)', () => {
    const result = readTokenFields({ ...REQUIRED, expires_in: '259200', token_type: 'mac', mac_algorithm: 'HmacSHA1' });
    expect(result).toMatchObject({ ok: true, fields: { expiresIn: 259200, macAlgorithm: 'HmacSHA1' } });
  });

  it.each([
    ['access_token', { access_token: undefined }, 'missing'],
    ['access_token', { access_token: '' }, 'missing'],
    ['access_token', { access_token: 5 }, 'missing'],
    ['mac_key', { mac_key: undefined }, 'missing'],
    ['expires_in', { expires_in: undefined }, 'missing'],
    ['expires_in', { expires_in: '' }, 'missing'],
    ['expires_in', { expires_in: '1e3' }, 'invalid'],
    ['expires_in', { expires_in: 0 }, 'invalid'],
    ['scope', { scope: { ids: [1] } }, 'invalid'],
    ['openId', { openId: 12345 }, 'invalid'],
  ])('reports %s as %p → %s', (field, overrides, kind) => {
    expect(readTokenFields({ ...REQUIRED, ...overrides })).toEqual({
      ok: false,
      problem: { field, kind, value: (overrides as Record<string, unknown>)[field] },
    });
  });

  it('checks access_token first, then mac_key, then expires_in', () => {
    expect(readTokenFields({})).toMatchObject({ problem: { field: 'access_token' } });
    expect(readTokenFields({ access_token: 'a' })).toMatchObject({ problem: { field: 'mac_key' } });
    expect(readTokenFields({ access_token: 'a', mac_key: 'k' })).toMatchObject({ problem: { field: 'expires_in' } });
  });

  it('reads only own fields', () => {
    const body = Object.create({ access_token: 'inherited' }) as Record<string, unknown>;
    expect(readTokenFields(body)).toMatchObject({ ok: false, problem: { field: 'access_token' } });
  });
});

describe('readExpiresIn', () => {
  it.each([
    [7776000, 7776000],
    ['7776000', 7776000],
    ['1234567890123', 1234567890123],
  ])('reads %p as %p', (value, seconds) => {
    expect(readExpiresIn(value)).toBe(seconds);
  });

  it.each([0, -1, 1.5, '0', '-1', '1.5', '1e3', '+5', '0x10', ' 5', '99999999999999999999', null, true])(
    'refuses %p',
    (value) => {
      expect(readExpiresIn(value)).toBeUndefined();
    },
  );
});

describe('the token endpoint and the implicit grant share the expires_in rule', () => {
  it('reads a 13-digit string expires_in at the token endpoint, as a number of that size is read', () => {
    const body = JSON.stringify({ ...REQUIRED, expires_in: '1234567890123' });
    expect(readTokenResponse(body, { step: 'token exchange' }, 0).expiresIn).toBe(1234567890123);
  });
});

describe('token type and algorithm', () => {
  it.each(['mac', 'MAC', 'Mac'])('%s is the MAC token type', (value) => expect(isMacTokenType(value)).toBe(true));
  it.each(['bearer', '', 'mac '])('%p is not', (value) => expect(isMacTokenType(value)).toBe(false));
  it.each(['HmacSha1', 'HMAC-SHA1', 'hmacsha-1', 'HmacSHA1'])('%s is HMAC-SHA1', (value) =>
    expect(isHmacSha1(value)).toBe(true),
  );
  it.each(['HmacSha256', 'sha1', ''])('%p is not', (value) => expect(isHmacSha1(value)).toBe(false));
});
