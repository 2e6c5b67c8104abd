import { MiAccountError } from '../../lib';
import { CLIENT_SECRET, Harness, login, loginAs, startHarness } from '../helpers/mi';
import { UserAgent } from '../helpers/browserless';

type ProfileBody = { profile: Record<string, unknown> & { id: string; openId: string; scopes: string[] } };

describe('login through Express and the emulator', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('logs in with the default profile scope and hands verify a normalized profile', async () => {
    h = await startHarness();
    const { final, hops } = await login(h.app);
    expect(final.status).toBe(200);
    expect(hops.map((hop) => new URL(hop).pathname)).toEqual([
      '/auth/mi',
      '/oauth2/authorize',
      '/auth/mi/callback',
      '/profile',
    ]);
    const { profile } = (await final.json()) as ProfileBody;
    expect(profile).toMatchObject({
      provider: 'mi-account',
      displayName: 'Alex Chen',
      unionId: 'union-1001',
      scopes: ['1'],
    });
    expect(profile.id).toBe(profile.openId);
    expect(profile.openId).toMatch(/\S{6,}/);
    expect((profile.photos as Array<{ value: string }>)[0]!.value).toMatch(/^https:\/\/cdn\.example\/avatar\/1001/);
    expect(profile).not.toHaveProperty('emails');
    expect(JSON.parse(profile._raw as string)).toMatchObject({ result: 'ok', data: { miliaoNick: 'Alex Chen' } });
  });

  it('gives verify the access token, refresh token and the parsed token response', async () => {
    h = await startHarness();
    await login(h.app);
    const [seen] = h.app.verified;
    expect(seen!.accessToken).toEqual(expect.any(String));
    expect(seen!.refreshToken).toEqual(expect.any(String));
    expect(seen!.params).toMatchObject({
      token_type: 'mac',
      mac_algorithm: expect.stringMatching(/hmacsha1/i),
      mac_key: expect.any(String),
      scope: '1',
    });
    expect(seen!.params.openId).toBe(seen!.profile.openId);
  });

  it('makes no /user/openidV2 call when the token response carries openId', async () => {
    h = await startHarness({ scope: ['profile', 'openid'] });
    await login(h.app);
    expect(h.emulator.stats.requests['/oauth2/token']).toBe(1);
    expect(h.emulator.stats.requests['/user/profile']).toBe(1);
    expect(h.emulator.stats.requests['/user/openidV2'] ?? 0).toBe(0);
    expect(h.emulator.stats.requests['/user/phoneAndEmail'] ?? 0).toBe(0);
  });

  it('makes no /user/profile call without scope 1', async () => {
    h = await startHarness({ scope: ['openid'] });
    const { final } = await login(h.app);
    const { profile } = (await final.json()) as ProfileBody;
    expect(profile.scopes).toEqual(['3']);
    expect(profile).not.toHaveProperty('displayName');
    expect(h.emulator.stats.requests['/user/profile'] ?? 0).toBe(0);
  });

  it('fetches phone and email when granted, in the same login', async () => {
    h = await startHarness({ scope: ['profile', 'phone', 'email'] });
    const { final } = await login(h.app);
    const { profile } = (await final.json()) as ProfileBody;
    expect(profile.emails).toEqual([{ value: 'alex@example.com' }]);
    expect(profile.phoneNumbers).toEqual([{ value: '+86 138 0013 8000' }]);
    expect(h.emulator.stats.requests['/user/phoneAndEmail']).toBe(1);
  });

  it('does not call /user/phoneAndEmail when the sensitive scopes were not granted', async () => {
    h = await startHarness({ scope: ['profile', 'phone', 'email'] }, {}, { sensitiveScopes: false });
    const { final } = await login(h.app);
    const { profile } = (await final.json()) as ProfileBody;
    expect(profile.scopes).toEqual(['1']);
    expect(profile).not.toHaveProperty('emails');
    expect(h.emulator.stats.requests['/user/phoneAndEmail'] ?? 0).toBe(0);
  });

  it('logs in with profile.warnings when the phone/email call fails', async () => {
    h = await startHarness({ scope: ['profile', 'email'] });
    h.emulator.setFault('/user/phoneAndEmail', 'json500');
    const { final } = await login(h.app);
    expect(final.status).toBe(200);
    const { profile } = (await final.json()) as ProfileBody;
    expect(profile.displayName).toBe('Alex Chen');
    expect(profile.warnings).toEqual([expect.objectContaining({ endpoint: '/user/phoneAndEmail' })]);
    expect(profile).not.toHaveProperty('emails');
  });

  it('fails the login with strictProfile when the phone/email call fails', async () => {
    h = await startHarness({ scope: ['profile', 'email'], strictProfile: true });
    h.emulator.setFault('/user/phoneAndEmail', 'json500');
    const { final } = await login(h.app);
    expect(final.status).toBe(500);
    expect(h.app.errors[0]).toBeInstanceOf(MiAccountError);
  });

  it('fails the login when /user/profile fails with scope 1 granted, even when not strict', async () => {
    h = await startHarness();
    h.emulator.setFault('/user/profile', 'json500');
    const { final } = await login(h.app);
    expect(final.status).toBe(500);
    expect(h.app.errors[0]).toBeInstanceOf(MiAccountError);
    expect(h.app.errors[0]!.message).toContain('/user/profile');
  });

  it('uses unionId as profile.id with profileIdentifier unionId', async () => {
    h = await startHarness({ profileIdentifier: 'unionId' });
    const { profile } = (await (await login(h.app)).final.json()) as ProfileBody;
    expect(profile.id).toBe('union-1001');
  });

  it('maps the legacy userId of apps enabled before 2018', async () => {
    h = await startHarness({}, { autoApprove: '1002' });
    const { profile } = (await (await login(h.app)).final.json()) as ProfileBody;
    expect(profile.legacyUserId).toBe('58219736');
    expect(profile.displayName).toBe('雷小米');
  });

  it('works with the consent page: the chosen user is the one logged in', async () => {
    h = await startHarness({}, { autoApprove: undefined });
    const final = await loginAs(h.app, '1002');
    expect(((await final.json()) as ProfileBody).profile.displayName).toBe('雷小米');
  });

  it('sends the user to failureRedirect when they press Deny (error=96012), never a 500', async () => {
    h = await startHarness({}, { autoApprove: undefined });
    const final = await loginAs(h.app, '1001', 'deny');
    expect(final.status).toBe(403);
    expect(await final.json()).toMatchObject({ failed: true });
    expect(h.app.errors).toHaveLength(0);
    expect(h.emulator.stats.requests['/oauth2/token'] ?? 0).toBe(0);
  });

  it('treats error=access_denied as a refusal too', async () => {
    h = await startHarness();
    const agent = new UserAgent();
    const state = new URL((await agent.get(`${h.app.url}/auth/mi`)).headers.get('location')!).searchParams.get('state');
    const { final } = await agent.follow(
      `${h.app.url}/auth/mi/callback?error=access_denied&error_description=no&state=${state}`,
    );
    expect(final.status).toBe(403);
    expect(await final.json()).toEqual({ failed: true, messages: ['no'] });
  });

  it('turns another numeric error on the callback into a MiAccountError', async () => {
    h = await startHarness();
    const agent = new UserAgent();
    const state = new URL((await agent.get(`${h.app.url}/auth/mi`)).headers.get('location')!).searchParams.get('state');
    const response = await agent.get(
      `${h.app.url}/auth/mi/callback?error=96007&error_description=bad%20scope&state=${state}`,
    );
    expect(response.status).toBe(500);
    expect(h.app.errors[0]).toMatchObject({ code: 96007, errorName: 'OA_INVALID_SCOPE' });
  });

  it('ends an invalid code (96013 OA_INVALID_CODE) in the failureRedirect, not in a 500', async () => {
    h = await startHarness({}, { autoApprove: undefined });
    const { agent } = await login(h.app);
    const state = new URL((await agent.get(`${h.app.url}/auth/mi`)).headers.get('location')!).searchParams.get('state');
    const response = await agent.get(`${h.app.url}/auth/mi/callback?code=not-a-real-code&state=${state}`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login-failed');
    expect(h.app.errors).toEqual([]);
  });

  it('refuses a replayed callback: the code is single use and the state is gone', async () => {
    h = await startHarness();
    const { hops, agent } = await login(h.app);
    const replay = await agent.get(hops[2]!);
    expect(replay.status).toBe(302);
    expect(replay.headers.get('location')).toBe('/login-failed');
    expect(h.emulator.stats.requests['/oauth2/token']).toBe(1);
  });

  it('refuses a forged state before any token request, explaining the usual causes', async () => {
    h = await startHarness();
    const { agent } = await login(h.app, '/auth/mi').then(async (r) => ({ ...r }));
    h.emulator.stats.reset();
    await agent.get(`${h.app.url}/auth/mi`);
    const response = await agent.get(`${h.app.url}/auth/mi/callback?code=abc&state=forged-state`);
    expect(response.headers.get('location')).toBe('/login-failed');
    const failed = await agent.get(`${h.app.url}/login-failed`);
    const body = (await failed.json()) as { messages: string[] };
    expect(body.messages.join(' ')).toMatch(/Invalid authorization request state\. Usual causes: the session cookie/);
    expect(h.emulator.stats.requests['/oauth2/token'] ?? 0).toBe(0);
  });

  it('gives each of 40 concurrent logins its own profile', async () => {
    const users = Array.from({ length: 40 }, (_, i) => ({
      id: String(5000 + i),
      nickname: `User ${i}`,
      unionId: `union-${i}`,
    }));
    h = await startHarness({ scope: ['profile', 'openid'] }, { autoApprove: undefined, users, latencyMs: 5 });
    const results = await Promise.all(users.map((user) => loginAs(h.app, user.id)));
    const profiles = await Promise.all(results.map(async (r) => ((await r.json()) as ProfileBody).profile));
    profiles.forEach((profile, i) => {
      expect(profile.displayName).toBe(`User ${i}`);
      expect(profile.unionId).toBe(`union-${i}`);
    });
    expect(new Set(profiles.map((p) => p.openId)).size).toBe(40);
    // verify saw each token with its own profile
    const byToken = new Map(h.app.verified.map((v) => [v.accessToken, v.profile.unionId]));
    expect(byToken.size).toBe(40);
  });

  it('keeps the strategy instance untouched when authenticate is called on it directly, without passport', async () => {
    h = await startHarness();
    const strategy = h.app.strategy as unknown as Record<string, unknown>;
    const before = Object.entries(strategy);
    const outcome = await new Promise<string>((resolve) => {
      Object.assign(strategy, {
        error: () => resolve('error'),
        fail: () => resolve('fail'),
        success: () => resolve('success'),
      });
      h.app.strategy.authenticate({ query: { code: 'a-code', state: 'x' }, headers: {}, session: {} } as never, {});
    });
    expect(outcome).toBe('fail');
    // Only the actions the caller gave it were added; every other own property is the same value as before.
    expect(Object.keys(strategy).sort()).toEqual([...before.map(([key]) => key), 'error', 'fail', 'success'].sort());
    for (const [key, value] of before) expect(strategy[key]).toBe(value);
  });

  it('never shows the client secret or tokens in any error of a failed login', async () => {
    h = await startHarness({ scope: ['profile', 'email'], strictProfile: true });
    h.emulator.setFault('/user/phoneAndEmail', 'html502');
    await login(h.app);
    h.emulator.setFault('/user/phoneAndEmail', null);
    h.emulator.setFault('/user/profile', 'reset');
    await login(h.app);
    expect(h.app.errors).toHaveLength(2);
    for (const error of h.app.errors) {
      const text = [
        error.message,
        error.stack,
        String(error),
        JSON.stringify(error),
        String((error as Error).cause),
      ].join('\n');
      expect(text).not.toContain(CLIENT_SECRET);
      expect(text).not.toMatch(/access_token=|token=[A-Za-z0-9]/);
    }
  });
});
