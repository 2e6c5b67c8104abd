import fc from 'fast-check';
import { macAuthorizationHeader, signMac } from '../../lib/client/mac';
import {
  expectedMac,
  hostWithoutPort,
  readings,
  readMacHeader,
  verifyMac,
  type MacRequest,
} from '../../lib/emulator/mac-verify';

// Protocol §6 test vector, as documented (with the host misspelled as Xiaomi's page did).
const VECTOR = {
  macKey: 'ORhx44qK6Alqf8vt2rGB5f-oPq0',
  nonce: '2870867952176701445:23282360',
  method: 'GET',
  host: 'open.account.xiamomi.com',
  path: '/user/profile',
  query: {
    clientId: '179887661252608',
    token: 'eJxjYGAQydknLLCFsVyIR-DxSqdTnQFGfX4yDAwMjAzxQJIheJfnRTDtvAhMM8SE_2FgWDw7Rg3MYzdUMFIwVjABMplzE5MBClYRuw',
  },
};

describe('the documented MAC test vector pins both implementations', () => {
  it('the emulator computes 9uvros2WcjMaJ3pH25eQZU9p5pA= with the misspelled host', () => {
    expect(expectedMac(VECTOR)).toBe('9uvros2WcjMaJ3pH25eQZU9p5pA=');
  });

  it('the emulator computes vLXZ8fqoGPik4yqDj2XP2Mbd+is= with the correctly spelled host', () => {
    expect(expectedMac({ ...VECTOR, host: 'open.account.xiaomi.com' })).toBe('vLXZ8fqoGPik4yqDj2XP2Mbd+is=');
  });

  it('the library signs the same vector the same way', () => {
    expect(signMac(VECTOR)).toBe('9uvros2WcjMaJ3pH25eQZU9p5pA=');
    expect(signMac({ ...VECTOR, host: 'open.account.xiaomi.com' })).toBe('vLXZ8fqoGPik4yqDj2XP2Mbd+is=');
  });

  it('the library and the emulator agree on any request (two independent implementations)', () => {
    const text = fc.string({ minLength: 0, maxLength: 20 });
    fc.assert(
      fc.property(
        fc.record({
          macKey: fc.string({ minLength: 1, maxLength: 30 }),
          nonce: text,
          method: fc.constantFrom('GET', 'get', 'Post'),
          host: fc.domain(),
          path: text.map((p) => `/${p}`),
          query: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), text, { maxKeys: 5 }),
        }),
        (input) => {
          expect(expectedMac(input)).toBe(signMac(input));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('readMacHeader and readings', () => {
  it('keeps the values as sent', () => {
    expect(readMacHeader('MAC access_token="a%2Bb", nonce="1:2",mac="m%3D"')).toEqual({
      access_token: 'a%2Bb',
      nonce: '1:2',
      mac: 'm%3D',
    });
  });

  it('refuses another scheme and a repeated name', () => {
    expect(readMacHeader('Bearer x')).toBeUndefined();
    expect(readMacHeader('MAC access_token="a", access_token="b"')).toBeUndefined();
  });

  it('reads a value raw and percent-decoded; malformed encoding stays raw', () => {
    expect(readings('1%3A2')).toEqual(['1%3A2', '1:2']);
    expect(readings('1:2')).toEqual(['1:2']);
    expect(readings('100%')).toEqual(['100%']);
  });
});

const NOW = 23282360 * 60000;
const QUERY = { clientId: '179887661252608', token: 'tok' };

function request(
  overrides: Partial<MacRequest> = {},
  nonce = '2870867952176701445:23282360',
  macKey = 'key',
): MacRequest {
  const mac = signMac({
    macKey,
    nonce,
    method: 'GET',
    host: 'open.account.xiaomi.com',
    path: '/user/profile',
    query: QUERY,
  });
  return {
    authorization: macAuthorizationHeader('tok', nonce, mac),
    accessToken: 'tok',
    macKey: 'key',
    method: 'GET',
    hostHeader: 'open.account.xiaomi.com:443',
    path: '/user/profile',
    query: QUERY,
    nowMs: NOW,
    claimNonce: () => true,
    ...overrides,
  };
}

describe('verifyMac', () => {
  it('accepts a signature over the host without its port', () => {
    expect(verifyMac(request())).toEqual({ ok: true });
  });

  it('reproduces the documented test vector', () => {
    const query = {
      clientId: '179887661252608',
      token: 'eJxjYGAQydknLLCFsVyIR-DxSqdTnQFGfX4yDAwMjAzxQJIheJfnRTDtvAhMM8SE_2FgWDw7Rg3MYzdUMFIwVjABMplzE5MBClYRuw',
    };
    const nonce = '2870867952176701445:23282360';
    const authorization = macAuthorizationHeader(query.token, nonce, '9uvros2WcjMaJ3pH25eQZU9p5pA=');
    const check = verifyMac({
      ...request(),
      authorization,
      accessToken: query.token,
      macKey: 'ORhx44qK6Alqf8vt2rGB5f-oPq0',
      hostHeader: 'open.account.xiamomi.com',
      query,
    });
    expect(check).toEqual({ ok: true });
  });

  it('claims the nonce only after the signature verifies', () => {
    const claimed: string[] = [];
    const claimNonce = (nonce: string): boolean => claimed.push(nonce) > 0;
    verifyMac(request({ macKey: 'other', claimNonce }));
    expect(claimed).toEqual([]);
    verifyMac(request({ claimNonce }));
    expect(claimed).toEqual(['2870867952176701445:23282360']);
  });

  it('refuses a nonce the store has seen', () => {
    expect(verifyMac(request({ claimNonce: () => false }))).toEqual({
      ok: false,
      reason: 'the nonce was already used (replay)',
    });
  });

  it('accepts an access token holding a literal "%41", sent raw or encoded', () => {
    const token = 'tok%41';
    const query = { clientId: '179887661252608', token };
    const nonce = '2870867952176701445:23282360';
    const mac = expectedMac({
      macKey: 'key',
      nonce,
      method: 'GET',
      host: 'open.account.xiaomi.com',
      path: '/user/profile',
      query,
    });
    for (const sent of [token, encodeURIComponent(token)]) {
      const authorization = `MAC access_token="${sent}", nonce="${nonce}",mac="${mac}"`;
      expect(verifyMac(request({ authorization, accessToken: token, query }))).toEqual({ ok: true });
    }
  });

  it('claims the decoded nonce, so raw and encoded forms of one nonce are one nonce', () => {
    const claimed: string[] = [];
    const nonce = '2870867952176701445:23282360';
    const mac = signMac({
      macKey: 'key',
      nonce,
      method: 'GET',
      host: 'open.account.xiaomi.com',
      path: '/user/profile',
      query: QUERY,
    });
    const authorization = `MAC access_token="tok", nonce="${encodeURIComponent(nonce)}",mac="${mac}"`;
    verifyMac(request({ authorization, claimNonce: (n) => claimed.push(n) > 0 }));
    expect(claimed).toEqual([nonce]);
  });

  it('accepts the int64 extremes and refuses beyond', () => {
    const at = (random: string): MacRequest => request({}, `${random}:23282360`);
    expect(verifyMac(at('-9223372036854775808')).ok).toBe(true);
    expect(verifyMac(at('9223372036854775807')).ok).toBe(true);
    expect(verifyMac(at('9223372036854775808')).ok).toBe(false);
  });
});

describe('hostWithoutPort', () => {
  it.each([
    ['127.0.0.1:4000', '127.0.0.1'],
    ['Open.Account.Xiaomi.com', 'open.account.xiaomi.com'],
    ['[::1]:4000', '[::1]'],
    [undefined, ''],
  ])('%p → %p', (header, host) => {
    expect(hostWithoutPort(header)).toBe(host);
  });
});
