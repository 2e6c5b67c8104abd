import { MiAccountError, MiAccountResponseError, parseMiResponse } from '../../lib';
import { readOpenApiResponse, readTokenResponse, trimFields } from '../../lib/client/response';

const context = {
  step: 'token exchange' as const,
  endpoint: '/oauth2/token',
  status: 200,
  contentType: 'application/json',
};
const success = {
  access_token: 'at-123456',
  expires_in: 7776000,
  refresh_token: 'rt-123456',
  scope: '1 3',
  token_type: 'mac',
  mac_key: 'mk-123456',
  mac_algorithm: 'HmacSha1',
  openId: '2.0abcdef',
};

describe('parseMiResponse', () => {
  it.each([
    ['with the prefix', `&&&START&&&${JSON.stringify({ a: 1 })}`],
    ['with the prefix and a space', `&&&START&&& ${JSON.stringify({ a: 1 })}`],
    ['without the prefix', JSON.stringify({ a: 1 })],
  ])('parses a body %s', (_name, body) => {
    expect(parseMiResponse(body)).toEqual({ a: 1 });
  });

  it('throws a MiAccountError naming the HTTP status and content type for HTML', () => {
    const run = () =>
      parseMiResponse('<html>502 Bad Gateway</html>', { ...context, status: 502, contentType: 'text/html' });
    expect(run).toThrow(MiAccountResponseError);
    expect(run).toThrow(/HTTP 502 with text\/html that is not JSON/);
  });

  it('does not quote a truncated body (which may hold a token) in the error', () => {
    try {
      parseMiResponse('&&&START&&&{"access_token":"secret-token-value","mac_ke', context);
      throw new Error('expected a throw');
    } catch (err) {
      expect(err).toBeInstanceOf(MiAccountError);
      expect(JSON.stringify(err) + String(err) + (err as Error).stack).not.toContain('secret-token-value');
      expect((err as Error).cause).toBeUndefined();
    }
  });
});

describe('readTokenResponse', () => {
  it('reads a prefixed success body into a TokenSet', () => {
    const tokens = readTokenResponse(`&&&START&&&${JSON.stringify(success)}`, context, 1_000);
    expect(tokens).toMatchObject({
      accessToken: 'at-123456',
      refreshToken: 'rt-123456',
      expiresIn: 7776000,
      expiresAt: 1_000 + 7776000 * 1000,
      scope: ['1', '3'],
      tokenType: 'mac',
      macKey: 'mk-123456',
      macAlgorithm: 'HmacSha1',
      openId: '2.0abcdef',
      unionId: undefined,
    });
  });

  it('trims keys with trailing spaces and values with leading spaces, as in the Mi docs', () => {
    const body =
      '&&&START&&&{"access_token":"at-1","expires_in":"360000","token_type ":"mac","mac_key ":"mk-1","mac_algorithm":" HmacSha1","scope":"1"}';
    const tokens = readTokenResponse(body, context);
    expect(tokens.macKey).toBe('mk-1');
    expect(tokens.macAlgorithm).toBe('HmacSha1');
    expect(tokens.expiresIn).toBe(360000);
    expect(tokens.raw).toHaveProperty('token_type', 'mac');
  });

  it('reads union_id of the 2024 token response', () => {
    expect(readTokenResponse(JSON.stringify({ ...success, union_id: 'u-1' }), context).unionId).toBe('u-1');
  });

  it.each([
    ['a number', 96013],
    ['a numeric string', '96013'],
  ])('turns an error code given as %s into MiAccountError 96013 even with HTTP 200', (_kind, code) => {
    const run = () =>
      readTokenResponse(`&&&START&&&{"error": ${JSON.stringify(code)}, "error_description": "code expired"}`, context);
    expect(run).toThrow(MiAccountError);
    try {
      run();
    } catch (err) {
      const e = err as MiAccountError;
      expect(e.code).toBe(96013);
      expect(e.errorName).toBe('OA_INVALID_CODE');
      expect(e.message).toContain(
        'Mi Account token exchange failed (/oauth2/token): 96013 OA_INVALID_CODE — the code is invalid or expired',
      );
      expect(e.responseStatus).toBe(200);
      expect(e.status).toBe(400);
    }
  });

  it('keeps a standard OAuth string error as the description', () => {
    expect(() => readTokenResponse('{"error":"invalid_grant","error_description":"bad"}', context)).toThrow(
      /invalid_grant: bad|invalid_grant/,
    );
  });

  it('redacts secrets that the server echoes in error_description', () => {
    const run = () =>
      readTokenResponse('{"error":96003,"error_description":"bad secret s3cr3t-value"}', {
        ...context,
        secrets: ['s3cr3t-value'],
      });
    expect(run).toThrow(/\[redacted\]/);
    expect(run).not.toThrow(/s3cr3t-value/);
  });

  it.each([
    ['no access_token', { ...success, access_token: undefined }],
    ['a numeric access_token', { ...success, access_token: 42 }],
    ['no mac_key', { ...success, mac_key: undefined }],
    ['a negative expires_in', { ...success, expires_in: -5 }],
    ['an object scope', { ...success, scope: { a: 1 } }],
  ])('rejects a body with %s', (_name, body) => {
    expect(() => readTokenResponse(JSON.stringify(body), context)).toThrow(MiAccountResponseError);
  });

  it('rejects a JSON array', () => {
    expect(() => readTokenResponse('[1,2]', context)).toThrow(/not a JSON object/);
  });

  it('drops __proto__ keys instead of polluting prototypes', () => {
    const tokens = readTokenResponse(`{"__proto__":{"polluted":true},${JSON.stringify(success).slice(1)}`, context);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(tokens.raw)).toBe(Object.prototype);
    expect((tokens.raw as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe('readOpenApiResponse', () => {
  const api = { step: 'open api' as const, endpoint: '/user/profile', status: 200 };

  it('returns data of a result:ok envelope', () => {
    expect(
      readOpenApiResponse('{"result":"ok","description":"success","data":{"miliaoNick":"Lei"},"code":0}', api),
    ).toEqual({ miliaoNick: 'Lei' });
  });

  it('turns a result:error envelope into a MiAccountError with the Mi code', () => {
    const run = () => readOpenApiResponse('{"result":"error","description":"invalid token","code":96008}', api);
    expect(run).toThrow(/Mi Account Open API call failed \(\/user\/profile\): 96008 OA_INVALID_TOKEN/);
  });

  it('rejects an envelope without result', () => {
    expect(() => readOpenApiResponse('{"data":{}}', api)).toThrow(MiAccountResponseError);
  });

  it('rejects data that is not an object', () => {
    expect(() => readOpenApiResponse('{"result":"ok","data":"x"}', api)).toThrow(/data field that is not an object/);
  });
});

describe('trimFields', () => {
  it('hands back an object with nothing to trim as it is, and copies one with a padded key, value or unsafe key', () => {
    const clean = { access_token: 'a', expires_in: 3600 };
    expect(trimFields(clean)).toBe(clean);
    expect(trimFields({ ' mac_key': 'k' })).toEqual({ mac_key: 'k' });
    expect(trimFields({ mac_algorithm: ' HmacSha1' })).toEqual({ mac_algorithm: 'HmacSha1' });
    const unsafe = JSON.parse('{"constructor":1,"a":"b"}') as Record<string, unknown>;
    expect(trimFields(unsafe)).toEqual({ a: 'b' });
    expect(trimFields(unsafe)).not.toBe(unsafe);
  });
});
