import { CookieAgent } from '../e2e/support';
import { startExample, type RunningExample } from '../../example-app/server';
import { DEMO_CLIENT, DEMO_USERS, startMiAccountEmulator, type MiEmulator } from '../../lib/emulator';
import { freePort } from '../helpers/app';
import { HAS_REDIS, REQUIRE_REDIS, startRedisServer, type RedisServer } from './redis-server';

const runWithRedis = HAS_REDIS || REQUIRE_REDIS;
if (!runWithRedis) console.warn('Refresh lock (Redis) tests SKIPPED: redis-server not found (REQUIRE_REDIS=1 fails)');
const describeRedis = runWithRedis ? describe : describe.skip;

describeRedis('refreshes of one session on two example-app instances sharing Redis', () => {
  let redis: RedisServer | undefined;
  let emulator: MiEmulator | undefined;
  let a: RunningExample | undefined;
  let b: RunningExample | undefined;
  const serverLog: string[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    const portB = await freePort();
    emulator = await startMiAccountEmulator({
      clients: [{ ...DEMO_CLIENT, redirectURIs: `http://127.0.0.1:${portB}/` }],
      users: DEMO_USERS,
      autoApprove: DEMO_USERS[0]!.id,
    });
    const options = {
      host: '127.0.0.1',
      env: {
        SESSION_SECRET: 'refresh-lock-secret',
        MI_CALLBACK_URL: `http://127.0.0.1:${portB}/auth/mi/callback`,
        MI_EMULATOR_URL: emulator.url,
        REDIS_URL: redis.url,
      },
      log: () => undefined,
      warn: (...args: unknown[]) => serverLog.push(args.map(String).join(' ')),
    };
    a = await startExample({ ...options, port: 0 });
    b = await startExample({ ...options, port: portB });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await emulator?.close();
    await redis?.stop();
  });
  afterEach(() => expect(serverLog).toEqual([]));

  it('answers simultaneous refresh posts on both instances all with the profile (one refresh, shared via Redis)', async () => {
    const agent = new CookieAgent();
    const { response } = await agent.follow(`${b!.url}/auth/mi`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await response.text())?.[1];
    expect(csrf).toBeDefined();
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        agent.request(`${(i % 2 === 0 ? a : b)!.url}/refresh`, { form: { _csrf: csrf! } }),
      ),
    );
    for (const answer of answers) await answer.arrayBuffer();
    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(303));
    const next = await agent.request(`${a!.url}/refresh`, { form: { _csrf: csrf! } });
    expect(next.status).toBe(303);
  });
});
