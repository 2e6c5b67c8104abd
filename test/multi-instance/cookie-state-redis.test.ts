import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import type { UsedStateStore } from '../../lib';
import { startMiAccountEmulator, type MiEmulator } from '../../lib/emulator';
import { freePort } from '../helpers/app';
import { CLIENT_ID, CLIENT_SECRET, USERS } from '../helpers/mi';
import { deliver, startLogin, startStateApp, type CallbackAnswer, type StateApp } from '../helpers/state-app';
import { HAS_REDIS, REDIS_SERVER_PATH, REQUIRE_REDIS, startRedisServer, type RedisServer } from './redis-server';

// Without redis-server the suite skips (saying why) unless REQUIRE_REDIS=1, where starting it fails with the fix.
const SKIP_REASON =
  'SKIPPED: redis-server not found on PATH — install redis-server (apt-get install -y redis-server), or set REQUIRE_REDIS=1 to make this a failure';
const runWithRedis = HAS_REDIS || REQUIRE_REDIS;
if (!runWithRedis) console.warn(`CookieStateStore shared-store tests ${SKIP_REASON}`);
const describeRedis = runWithRedis ? describe : describe.skip;
const TITLE_NOTE =
  REDIS_SERVER_PATH ?? (REQUIRE_REDIS ? 'REQUIRE_REDIS=1 but redis-server is not installed' : SKIP_REASON);

const SECRET = randomBytes(32).toString('base64url');

describeRedis(`CookieStateStore: used states shared in Redis by two instances (${TITLE_NOTE})`, () => {
  let redis: RedisServer | undefined;
  let client: ReturnType<typeof createClient> | undefined;
  let emulator: MiEmulator;
  let a: StateApp;
  let b: StateApp;

  beforeAll(async () => {
    redis = await startRedisServer();
    client = createClient({ url: redis.url });
    await client.connect();
    const redisClient = client;
    // The adapter the README shows: SET key 1 NX PX ttl is atomic, so only the first instance gets 'OK'.
    const usedStates: UsedStateStore = {
      setIfAbsent: async (key, ttlMs) =>
        (await redisClient.set(`mi-state:${key}`, '1', {
          condition: 'NX',
          expiration: { type: 'PX', value: ttlMs },
        })) === 'OK',
    };
    const publicPort = await freePort();
    const callbackURL = `http://127.0.0.1:${publicPort}/auth/callback`;
    emulator = await startMiAccountEmulator({
      clients: [
        { clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectURIs: `http://127.0.0.1:${publicPort}/auth` },
      ],
      users: USERS,
      autoApprove: '1001',
    });
    a = await startStateApp(emulator, callbackURL, { secret: SECRET, secure: false, usedStates });
    b = await startStateApp(emulator, callbackURL, { secret: SECRET, secure: false, usedStates });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await emulator?.close();
    if (client?.isOpen) await client.close();
    await redis?.stop();
  });
  beforeEach(() => emulator.stats.reset());

  it('refuses on instance B a callback already completed on instance A, before any token request', async () => {
    const login = await startLogin(a);
    expect((await deliver(a, login.callback, login.cookie)).status).toBe(200);
    emulator.stats.reset();
    const replay = await deliver(b, login.callback, login.cookie);
    expect(replay.status).toBe(403);
    expect(((await replay.json()) as CallbackAnswer).message).toMatch(/already used/);
    expect(emulator.stats.requests['/oauth2/token'] ?? 0).toBe(0);
  });

  it('lets exactly one of 10 simultaneous deliveries of one callback (5 to each instance) through', async () => {
    const login = await startLogin(a);
    emulator.stats.reset();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => deliver(i % 2 === 0 ? a : b, login.callback, login.cookie)),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, ...Array<number>(9).fill(403)]);
    expect(emulator.stats.requests['/oauth2/token']).toBe(1);
  });

  it('keeps used states in Redis with the state lifetime as TTL, none in process memory', async () => {
    const login = await startLogin(b);
    expect((await deliver(b, login.callback, login.cookie)).status).toBe(200);
    const state = new URL(login.callback, 'http://x').searchParams.get('state')!;
    const ttl = await client!.pTTL(`mi-state:${state}`);
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
    expect(a.store.usedStateCount + b.store.usedStateCount).toBe(0);
  });

  it('completes logins that start on one instance and return to the other', async () => {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const login = await startLogin(from);
      const response = await deliver(to, login.callback, login.cookie);
      expect(response.status).toBe(200);
    }
  });
});
