import { macAuthorizationHeader, signMac } from '../../lib/mac';
import { hostWithoutPort, verifyMac, type MacRequest } from '../../lib/emulator/mac-verify';

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
