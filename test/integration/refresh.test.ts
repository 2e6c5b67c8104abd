import refresh from 'passport-oauth2-refresh';
import { MiAccountClient, MiAccountError } from '../../lib';
import { CLIENT_ID, CLIENT_SECRET, Harness, login, startHarness } from '../helpers/mi';

describe('refresh tokens against the emulator', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ scope: ['profile', 'openid'] });
    await login(h.app);
  });
  afterEach(() => h.close());

  function client(): MiAccountClient {
    return new MiAccountClient({
      clientID: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectURI: `${h.app.url}/auth/mi/callback`,
      tokenURL: h.emulator.tokenURL,
      openApiURL: h.emulator.openApiURL,
    });
  }

  it('rotates tokens with MiAccountClient#refreshAccessToken, and the new ones work', async () => {
    const first = h.app.verified[0]!;
    const fresh = await client().refreshAccessToken(first.refreshToken);
    expect(fresh.accessToken).not.toBe(first.accessToken);
    expect(fresh.refreshToken).toEqual(expect.any(String));
    expect(fresh.refreshToken).not.toBe(first.refreshToken);
    expect(fresh.expiresAt).toBeGreaterThan(Date.now());
    const profile = await client().getProfile({
      accessToken: fresh.accessToken,
      macKey: fresh.macKey,
      scope: fresh.scope,
      openId: fresh.openId,
    });
    expect(profile.displayName).toBe('Alex Chen');
  });

  it('refuses the old refresh token a second time with 96009', async () => {
    const { refreshToken } = h.app.verified[0]!;
    await client().refreshAccessToken(refreshToken);
    const error = (await client()
      .refreshAccessToken(refreshToken)
      .catch((e: unknown) => e)) as MiAccountError;
    expect(error).toBeInstanceOf(MiAccountError);
    expect(error.code).toBe(96009);
    expect(error.message).toContain('Mi Account token refresh failed (/oauth2/token): 96009 OA_INVALID_REFRESHTOKEN');
    expect(error.message).not.toContain(refreshToken);
  });

  it('works with passport-oauth2-refresh: requestNewAccessToken returns rotated tokens', async () => {
    const { refreshToken } = h.app.verified[0]!;
    refresh.use(h.app.strategy);
    const result = await new Promise<{
      accessToken?: string | undefined;
      refreshToken?: string | undefined;
      params: unknown;
    }>((resolve, reject) =>
      refresh.requestNewAccessToken(
        'mi-account',
        refreshToken,
        { redirect_uri: `${h.app.url}/auth/mi/callback` },
        (err, accessToken, newRefreshToken, params) =>
          err ? reject(err) : resolve({ accessToken, refreshToken: newRefreshToken, params }),
      ),
    );
    expect(result.accessToken).toEqual(expect.any(String));
    expect(result.refreshToken).not.toBe(refreshToken);
    expect(result.params).toMatchObject({ token_type: 'mac', mac_key: expect.any(String) });
  });
});
