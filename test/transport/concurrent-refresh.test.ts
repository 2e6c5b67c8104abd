import { startExample, type RunningExample } from '../../example-app/server';
import { MiAccountClient, MiAccountError } from '../../lib';
import { DEMO_USERS } from '../../lib/emulator';
import { CookieAgent } from '../e2e/support';
import { CLIENT_ID, CLIENT_SECRET, login, startHarness, type Harness } from '../helpers/mi';

const CONCURRENT = 10;

describe('concurrent refreshes of one refresh token with MiAccountClient', () => {
  let h: Harness;
  let client: MiAccountClient;
  beforeEach(async () => {
    h = await startHarness({ scope: ['profile', 'openid'] });
    await login(h.app);
    client = new MiAccountClient({
      clientID: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectURI: `${h.app.url}/auth/mi/callback`,
      tokenURL: h.emulator.tokenURL,
      openApiURL: h.emulator.openApiURL,
    });
    h.emulator.stats.reset();
  });
  afterEach(() => h.close());

  it(`shares one request and one result among ${CONCURRENT} concurrent calls`, async () => {
    const { refreshToken } = h.app.verified[0]!;
    const results = await Promise.allSettled(
      Array.from({ length: CONCURRENT }, () => client.refreshAccessToken(refreshToken)),
    );
    const succeeded = results.filter((result) => result.status === 'fulfilled');
    console.info(
      `${CONCURRENT} concurrent refreshes: ${succeeded.length} successes, ${h.emulator.stats.requests['/oauth2/token']} token request(s)`,
    );
    expect(succeeded).toHaveLength(CONCURRENT);
    expect(h.emulator.stats.requests['/oauth2/token']).toBe(1);
    const tokens = new Set(succeeded.map((result) => result.value.accessToken));
    expect(tokens.size).toBe(1);
  });

  it('forgets the call once it settled: the used refresh token then gets 96009, the new one works', async () => {
    const { refreshToken } = h.app.verified[0]!;
    const fresh = await client.refreshAccessToken(refreshToken);
    const again = await client.refreshAccessToken(refreshToken).catch((err: unknown) => err);
    expect(again).toBeInstanceOf(MiAccountError);
    expect((again as MiAccountError).code).toBe(96009);
    await expect(client.refreshAccessToken(fresh.refreshToken!)).resolves.toMatchObject({
      accessToken: expect.any(String),
    });
    expect(h.emulator.stats.requests['/oauth2/token']).toBe(3);
  });

  it('shares a failure too, and retries afresh afterwards', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 3 }, () => client.refreshAccessToken('not-a-real-refresh-token')),
    );
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect(h.emulator.stats.requests['/oauth2/token']).toBe(1);
    await expect(client.refreshAccessToken('not-a-real-refresh-token')).rejects.toThrow(MiAccountError);
    expect(h.emulator.stats.requests['/oauth2/token']).toBe(2);
  });

  it('does not share between different refresh tokens', async () => {
    await Promise.allSettled([client.refreshAccessToken('token-a'), client.refreshAccessToken('token-b')]);
    expect(h.emulator.stats.requests['/oauth2/token']).toBe(2);
  });
});

describe('the example app’s refresh under double clicks and parallel tabs', () => {
  let example: RunningExample;
  const serverLog: string[] = [];
  beforeAll(async () => {
    example = await startExample({
      port: 0,
      host: '127.0.0.1',
      env: { SESSION_SECRET: 'refresh-test-secret' },
      log: () => undefined,
      warn: (...args: unknown[]) => serverLog.push(args.map(String).join(' ')),
      emulatorOptions: { autoApprove: DEMO_USERS[0]!.id },
    });
  });
  afterAll(() => example.close());
  afterEach(() => expect(serverLog).toEqual([]));

  async function signIn(): Promise<{ agent: CookieAgent; csrf: string }> {
    const agent = new CookieAgent();
    const { response } = await agent.follow(`${example.url}/auth/mi`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await response.text())?.[1];
    if (!csrf) throw new Error('no CSRF token on the profile page');
    return { agent, csrf };
  }

  it.each([2, CONCURRENT])(
    'answers %i simultaneous refresh posts of one session all with the profile',
    async (count) => {
      const { agent, csrf } = await signIn();
      const answers = await Promise.all(
        Array.from({ length: count }, () => agent.request(`${example.url}/refresh`, { form: { _csrf: csrf } })),
      );
      for (const answer of answers) await answer.arrayBuffer();
      expect(answers.map((answer) => answer.status)).toEqual(Array(count).fill(303));
      // The session holds a live refresh token afterwards: one more refresh works.
      const next = await agent.request(`${example.url}/refresh`, { form: { _csrf: csrf } });
      expect(next.status).toBe(303);
      const profile = await agent.request(`${example.url}/profile`);
      expect(await profile.text()).toContain('is now dead');
    },
  );
});
