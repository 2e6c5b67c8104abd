import { CookieAgent } from '../e2e/support';
import type { RunningExample } from '../../example-app/server';
import { DEMO_USERS, type MiEmulator } from '../../lib/emulator';
import { HAS_REDIS, REDIS_SERVER_PATH, REQUIRE_REDIS } from './redis-server';
import { startTwoExamples, type TwoExamples } from './two-examples';

// Without redis-server the suite skips (saying why) unless REQUIRE_REDIS=1, where starting it fails with the fix.
const SKIP_REASON =
  'SKIPPED: redis-server not found on PATH — install redis-server (apt-get install -y redis-server), or set REQUIRE_REDIS=1 to make this a failure';
const runWithRedis = HAS_REDIS || REQUIRE_REDIS;
if (!runWithRedis) console.warn(`Multi-instance (Redis) tests ${SKIP_REASON}`);
const describeRedis = runWithRedis ? describe : describe.skip;

const SESSION_SECRET = 'multi-instance-shared-secret';
const USER = DEMO_USERS[0]!;

const TITLE_NOTE =
  REDIS_SERVER_PATH ?? (REQUIRE_REDIS ? 'REQUIRE_REDIS=1 but redis-server is not installed' : SKIP_REASON);

describeRedis(`two example-app instances sharing sessions in Redis (${TITLE_NOTE})`, () => {
  let running: TwoExamples | undefined;
  let emulator: MiEmulator | undefined;
  let a: RunningExample | undefined;
  let b: RunningExample | undefined;
  let publicCallbackURL: string;
  const serverLog: string[] = [];

  beforeAll(async () => {
    running = await startTwoExamples(SESSION_SECRET, serverLog);
    ({ emulator, a, b, publicCallbackURL } = running);
  });
  afterAll(() => running?.close());
  beforeEach(() => emulator!.stats.reset());
  afterEach(() => expect(serverLog).toEqual([]));

  /** Starts the login on A and lets the (auto-approving) emulator answer: returns the callback URL it sends to. */
  async function startLoginOnA(agent: CookieAgent): Promise<string> {
    const start = await agent.request(`${a!.url}/auth/mi`);
    expect(start.status).toBe(302);
    expect(agent.cookieHeader()).toMatch(/^mi-example\.sid=/);
    const approve = await agent.request(start.headers.get('location')!);
    expect(approve.status).toBe(302);
    return approve.headers.get('location')!;
  }

  /** Starts on A, delivers the callback to B, and returns B's answer to the callback. */
  async function loginAcrossInstances(agent: CookieAgent): Promise<{ callbackURL: string; response: Response }> {
    const callbackURL = await startLoginOnA(agent);
    // Both instances are on 127.0.0.1: cookies are scoped to the host, not the port, so a browser sends
    // the cookie A set along to B. The one CookieAgent jar (keyed by cookie name only) does the same.
    return { callbackURL, response: await agent.request(callbackURL) };
  }

  it('sends the login started on A to Mi Account with the public callback on B', async () => {
    const agent = new CookieAgent();
    const start = await agent.request(`${a!.url}/auth/mi`);
    const location = new URL(start.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(emulator!.authorizationURL);
    expect(location.searchParams.get('redirect_uri')).toBe(publicCallbackURL);
    const approve = await agent.request(location.toString());
    const callback = new URL(approve.headers.get('location')!);
    expect(`${callback.origin}${callback.pathname}`).toBe(publicCallbackURL);
    expect(callback.searchParams.get('code')).toBeTruthy();
  });

  it('signs in on B with the callback of a login started on A', async () => {
    const agent = new CookieAgent();
    const { response } = await loginAcrossInstances(agent);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/profile');
    expect(emulator!.stats.requests['/oauth2/token']).toBe(1);
  });

  it('shows the signed-in user on /profile of B', async () => {
    const agent = new CookieAgent();
    await loginAcrossInstances(agent);
    const profile = await agent.request(`${b!.url}/profile`);
    expect(profile.status).toBe(200);
    expect(await profile.text()).toContain(`<h1 id="nickname">${USER.nickname}</h1>`);
  });

  it('shows the same signed-in user on /profile of A (the session lives in Redis, not in B)', async () => {
    const agent = new CookieAgent();
    await loginAcrossInstances(agent);
    const profile = await agent.request(`${a!.url}/profile`);
    expect(profile.status).toBe(200);
    expect(await profile.text()).toContain(`<h1 id="nickname">${USER.nickname}</h1>`);
  });

  it('refuses a replay of the callback in the same browser on B and on A: failure page, one token request', async () => {
    const agent = new CookieAgent();
    const { callbackURL } = await loginAcrossInstances(agent);
    for (const target of [callbackURL, callbackURL.replace(b!.url, a!.url)]) {
      const replay = await agent.request(target);
      expect(replay.status).toBe(302);
      expect(replay.headers.get('location')).toBe('/login?failed=1');
      const page = await agent.request(new URL('/login?failed=1', target).toString());
      const html = await page.text();
      expect(html).toContain('The sign-in did not complete');
      expect(html).toContain('Unable to verify authorization request state.');
    }
    expect(emulator!.stats.requests['/oauth2/token']).toBe(1);
  });

  it('refuses a replay of the callback with the cookie from before the login (the session was regenerated)', async () => {
    const agent = new CookieAgent();
    const callbackURL = await startLoginOnA(agent);
    const preLoginCookie = agent.cookieHeader();
    const first = await agent.request(callbackURL);
    expect(first.headers.get('location')).toBe('/profile');
    expect(agent.cookieHeader()).not.toBe(preLoginCookie);

    const replay = await fetch(callbackURL, { headers: { cookie: preLoginCookie }, redirect: 'manual' });
    await replay.arrayBuffer();
    expect(replay.headers.get('location')).toBe('/login?failed=1');
    expect(emulator!.stats.requests['/oauth2/token']).toBe(1);
  });

  it('refuses the callback in a browser without the session cookie', async () => {
    const callbackURL = await startLoginOnA(new CookieAgent());
    const stranger = await fetch(callbackURL, { redirect: 'manual' });
    await stranger.arrayBuffer();
    expect(stranger.headers.get('location')).toBe('/login?failed=1');
    expect(emulator!.stats.requests['/oauth2/token']).toBeUndefined();
  });
});
