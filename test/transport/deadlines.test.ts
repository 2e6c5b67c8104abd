import { setTimeout as sleep } from 'node:timers/promises';
import { watchDeadline, watchedDeadlines } from '../../lib/transport/deadlines';

/** Resolves with the ms from now until a deadline of `ms` expires. */
function expiry(ms: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve) => watchDeadline(ms, () => resolve(performance.now() - started)));
}

describe('watchDeadline: one timer for every request in flight', () => {
  afterEach(async () => {
    // Every test leaves nothing watched: settled or expired.
    expect(watchedDeadlines()).toBe(0);
  });

  it('expires a deadline once its time has passed, not before', async () => {
    const elapsed = await expiry(50);
    expect(elapsed).toBeGreaterThanOrEqual(49);
    expect(elapsed).toBeLessThan(1000);
  });

  it('never expires a deadline settled in time', async () => {
    const expired = jest.fn();
    const settle = watchDeadline(30, expired);
    settle();
    await sleep(80);
    expect(expired).not.toHaveBeenCalled();
  });

  it('expires each of several deadlines at its own time, whatever order they were set in', async () => {
    const order: number[] = [];
    const done = Promise.all(
      [120, 40, 80].map((ms) => new Promise<void>((resolve) => watchDeadline(ms, () => resolve(void order.push(ms))))),
    );
    await done;
    expect(order).toEqual([40, 80, 120]);
  });

  it('a shorter deadline set after a longer one still expires on time', async () => {
    const long = jest.fn();
    const settleLong = watchDeadline(5000, long);
    const elapsed = await expiry(40);
    expect(elapsed).toBeLessThan(1000);
    expect(long).not.toHaveBeenCalled();
    settleLong();
  });

  it('keeps expiring deadlines set after one that settled (the timer re-arms)', async () => {
    watchDeadline(20, () => undefined)(); // settled at once: the timer fires for nothing
    await sleep(40);
    expect(await expiry(30)).toBeGreaterThanOrEqual(29);
  });

  it('settling twice, or after expiry, does nothing', async () => {
    let expired = 0;
    const settle = watchDeadline(10, () => (expired += 1));
    await sleep(40);
    settle();
    settle();
    expect(expired).toBe(1);
  });

  it('keeps no process alive: a child with only a watched deadline exits at once', async () => {
    const { execFileSync } = await import('node:child_process');
    const started = performance.now();
    execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', CHILD], {
      cwd: `${__dirname}/../..`,
      stdio: 'pipe',
    });
    expect(performance.now() - started).toBeLessThan(20_000 - 1000);
  });
});

const CHILD = `require('./lib/transport/deadlines').watchDeadline(20000, () => { throw new Error('kept alive'); });`;
