import { CookieAgent } from '../e2e/support';
import type { RunningExample } from '../../example-app/server';
import { HAS_REDIS, REQUIRE_REDIS } from './redis-server';
import { startTwoExamples, type TwoExamples } from './two-examples';

const runWithRedis = HAS_REDIS || REQUIRE_REDIS;
if (!runWithRedis) console.warn('Refresh lock (Redis) tests SKIPPED: redis-server not found (REQUIRE_REDIS=1 fails)');
const describeRedis = runWithRedis ? describe : describe.skip;

describeRedis('refreshes of one session on two example-app instances sharing Redis', () => {
  let running: TwoExamples | undefined;
  let a: RunningExample | undefined;
  let b: RunningExample | undefined;
  const serverLog: string[] = [];

  beforeAll(async () => {
    running = await startTwoExamples('refresh-lock-secret', serverLog);
    ({ a, b } = running);
  });
  afterAll(() => running?.close());
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
