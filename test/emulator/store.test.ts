import { EmulatorStore } from '../../lib/emulator/store';

describe('EmulatorStore', () => {
  let now: number;
  let store: EmulatorStore;
  const grant = { clientID: 'c', userId: 'u', redirectUri: 'http://localhost/', scopes: ['1'] };

  beforeEach(() => {
    now = 0;
    store = new EmulatorStore(() => now, 1000, 60);
  });

  it('gives a code once', () => {
    const code = store.issueCode(grant);
    expect(store.takeCode(code)).toMatchObject(grant);
    expect(store.takeCode(code)).toBeUndefined();
  });

  it('forgets a code at its expiry', () => {
    const code = store.issueCode(grant);
    now += 999;
    expect(store.takeCode(store.issueCode(grant))).toBeDefined();
    now += 1;
    expect(store.takeCode(code)).toBeUndefined();
  });

  it('rotates refresh tokens once, revoking the old access token', () => {
    const first = store.issueTokens(grant, true);
    const second = store.rotateRefreshToken(first.refreshToken ?? '', 'c');
    expect(second?.scopes).toEqual(['1']);
    expect(store.findAccessToken(first.accessToken)).toBeUndefined();
    expect(store.findAccessToken(second?.accessToken ?? '')).toBeDefined();
    expect(store.rotateRefreshToken(first.refreshToken ?? '', 'c')).toBeUndefined();
  });

  it('does not rotate a refresh token for another client, and leaves it usable', () => {
    const first = store.issueTokens(grant, true);
    expect(store.rotateRefreshToken(first.refreshToken ?? '', 'other')).toBeUndefined();
    expect(store.rotateRefreshToken(first.refreshToken ?? '', 'c')).toBeDefined();
  });

  it('issues no refresh token for the implicit grant', () => {
    expect(store.issueTokens(grant, false).refreshToken).toBeUndefined();
  });

  it('expires access tokens after their lifetime', () => {
    const tokens = store.issueTokens(grant, false);
    now += 60 * 1000;
    expect(store.findAccessToken(tokens.accessToken)).toBeUndefined();
  });

  it('remembers nonces per token', () => {
    expect(store.claimNonce('t1', '1:1', 1)).toBe(true);
    expect(store.claimNonce('t1', '1:1', 1)).toBe(false);
    expect(store.claimNonce('t2', '1:1', 1)).toBe(true);
  });

  it('sweeps the nonces of a token in heavy use once per 1000 new ones, not on every call', () => {
    // The clock is read only to sweep: counting its reads counts the sweeps (each walks every nonce of the token).
    let sweeps = 0;
    const counted = new EmulatorStore(() => (sweeps += 1) && now, 1000, 60);
    for (let i = 0; i < 5000; i += 1) expect(counted.claimNonce('t1', `${i}:1`, 1)).toBe(true);
    // All 5000 are within the time window, so none is forgotten: sweeps at 1000, 2000, 3000 and 4000 nonces.
    expect(sweeps).toBe(4);
    expect(counted.claimNonce('t1', '17:1', 1)).toBe(false);
    // Once the window has passed, the next sweep forgets them all.
    now = 10 * 60_000;
    for (let i = 5000; i < 6000; i += 1) counted.claimNonce('t1', `${i}:10`, 10);
    expect(sweeps).toBe(5);
    expect(counted.claimNonce('t1', '17:1', 1)).toBe(true);
  });
});
