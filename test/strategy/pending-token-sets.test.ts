import { inspect } from 'node:util';
import type { TokenSet } from '../../lib';
import { PendingTokenSets } from '../../lib/strategy/pending-token-sets';

function tokens(accessToken: string): TokenSet {
  return {
    accessToken,
    refreshToken: `refresh-of-${accessToken}`,
    expiresIn: 3600,
    expiresAt: Date.now() + 3_600_000,
    scope: ['1'],
    tokenType: 'mac',
    macKey: `mac-key-of-${accessToken}`,
    macAlgorithm: 'HmacSha1',
    openId: 'open-id',
    unionId: undefined,
    raw: { access_token: accessToken },
  };
}

afterEach(() => jest.useRealTimers());

describe('PendingTokenSets', () => {
  it('gives a token set back once, by its access token', () => {
    const pending = new PendingTokenSets();
    const set = tokens('token-a');
    pending.put(set);
    pending.put(tokens('token-b'));
    expect(pending.take('token-a')).toBe(set);
    expect(pending.take('token-a')).toBeUndefined();
    expect(pending.take('never-put')).toBeUndefined();
    expect(pending.size).toBe(1);
  });

  it('keeps at most its cap: a login whose profile step is skipped cannot make it grow', () => {
    const pending = new PendingTokenSets(3);
    for (const name of ['t1', 't2', 't3', 't4', 't5']) pending.put(tokens(name));
    expect(pending.size).toBe(3);
    expect(pending.take('t1')).toBeUndefined();
    expect(pending.take('t2')).toBeUndefined();
    expect(pending.take('t5')).toMatchObject({ accessToken: 't5' });
  });

  it('drops a token set older than its TTL: taken late, or swept by a later put', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const pending = new PendingTokenSets(10, 60_000);
    pending.put(tokens('old-1'));
    pending.put(tokens('old-2'));
    jest.setSystemTime(1_000_000 + 60_001);
    expect(pending.take('old-1')).toBeUndefined();
    pending.put(tokens('fresh'));
    expect(pending.size).toBe(1);
    expect(pending.take('fresh')).toMatchObject({ accessToken: 'fresh' });
  });

  it('shows no token, refresh token or mac_key in any rendering', () => {
    const pending = new PendingTokenSets();
    pending.put(tokens('secret-access-token'));
    const renderings = [
      inspect(pending, { depth: Infinity, showHidden: true }),
      JSON.stringify(pending),
      String(pending),
      inspect(Object.entries(pending), { depth: Infinity, showHidden: true }),
    ].join('\n');
    expect(renderings).not.toMatch(/secret-access-token/);
    expect(pending.size).toBe(1);
  });
});
