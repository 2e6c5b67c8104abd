import { createHook } from 'node:async_hooks';
import { Agent, get } from 'node:http';
import { startMiAccountEmulator, type MiEmulator } from '../../lib/emulator';
import { CLIENT, getCode, PLAIN_CLIENT, start, USERS } from './helpers';

let emulator: MiEmulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('condition not met within 1 s');
}

/**
 * Counts the live timers of exactly `ms` milliseconds: the emulator's latency wait, and not the process-wide timers
 * of fetch's connection pool, which other test files of the same worker may start or stop at any moment.
 */
function liveTimersOf(ms: number): { count: () => number; stop: () => void } {
  const live = new Set<number>();
  const hook = createHook({
    init(id, type, _trigger, resource) {
      if (type === 'Timeout' && (resource as { _idleTimeout?: unknown })._idleTimeout === ms) live.add(id);
    },
    destroy(id) {
      live.delete(id);
    },
  }).enable();
  return { count: () => live.size, stop: () => hook.disable() };
}

/** The error message of a fetch that failed, or 'answered'. */
function settle(promise: Promise<Response>): Promise<string> {
  return promise.then(
    async (res) => {
      await res.text();
      return 'answered';
    },
    (err: unknown) => (err as Error).message,
  );
}

describe('addresses', () => {
  it('listens on 127.0.0.1 on a free port and derives the endpoint URLs', async () => {
    emulator = await start();
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}`);
    expect(emulator.authorizationURL).toBe(`${emulator.url}/oauth2/authorize`);
    expect(emulator.tokenURL).toBe(`${emulator.url}/oauth2/token`);
    expect(emulator.openApiURL).toBe(emulator.url);
  });

  it('listens on the port it is given', async () => {
    const first = await start();
    const port = first.port;
    await first.close();
    emulator = await start({ port });
    expect(emulator.url).toBe(`http://127.0.0.1:${port}`);
  });

  it('rejects when the port is taken', async () => {
    emulator = await start();
    await expect(start({ port: emulator.port })).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('stats', () => {
  it('counts requests by path and resets to zero', async () => {
    emulator = await start();
    await getCode(emulator);
    await fetch(`${emulator.url}/user/profile?x=1`).then((res) => res.text());
    await fetch(`${emulator.url}/user/profile`).then((res) => res.text());
    expect(emulator.stats.requests).toEqual({ '/oauth2/authorize': 1, '/user/profile': 2 });
    emulator.stats.reset();
    expect(emulator.stats.requests).toEqual({});
    expect(emulator.stats.connections).toBe(0);
  });

  it('keeps connections alive: sequential fetches share one TCP connection', async () => {
    emulator = await start();
    for (let i = 0; i < 5; i += 1) {
      const res = await fetch(`${emulator.url}/user/profile`);
      expect(res.headers.get('connection')).toBe('keep-alive');
      await res.text();
      // fetch (undici) returns the socket to its pool one event-loop turn after the body ends.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(emulator.stats.requests['/user/profile']).toBe(5);
    expect(emulator.stats.connections).toBe(1);
  });

  it('keeps connections alive for a node:http keep-alive agent', async () => {
    const running = await start();
    emulator = running;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const getStatus = (): Promise<number> =>
      new Promise((resolve, reject) => {
        get(`${running.url}/user/profile`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        }).on('error', reject);
      });
    const statuses = await Promise.all([getStatus(), getStatus(), getStatus(), getStatus()]);
    agent.destroy();
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(running.stats.connections).toBe(1);
  });

  it('counts every accepted connection', async () => {
    emulator = await start();
    await Promise.all([1, 2, 3].map(() => fetch(`${emulator?.url ?? ''}/user/profile`).then((res) => res.text())));
    expect(emulator.stats.connections).toBe(3);
  });
});

describe('latencyMs', () => {
  it('delays every response', async () => {
    emulator = await start({ latencyMs: 120 });
    const started = performance.now();
    await fetch(`${emulator.url}/user/profile`).then((res) => res.text());
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });
});

describe('close()', () => {
  it('ends a hanging request promptly', async () => {
    const running = await start();
    emulator = running;
    running.setFault('/user/profile', 'hang');
    const pending = settle(fetch(`${running.url}/user/profile`));
    await waitFor(() => running.stats.requests['/user/profile'] === 1);
    const started = performance.now();
    await running.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBe('fetch failed');
  });

  it('ends a request waiting for its latency promptly, leaving no timer behind', async () => {
    const latencyTimers = liveTimersOf(60_000);
    try {
      const running = await start({ latencyMs: 60_000 });
      emulator = running;
      const pending = settle(fetch(`${running.url}/user/profile`));
      await waitFor(() => running.stats.requests['/user/profile'] === 1 && latencyTimers.count() === 1);
      const started = performance.now();
      await running.close();
      expect(performance.now() - started).toBeLessThan(1000);
      expect(await pending).toBe('fetch failed');
      // A cleared timer's destroy hook runs on a later tick; a leaked 60 s timer never goes.
      await waitFor(() => latencyTimers.count() === 0);
      expect(latencyTimers.count()).toBe(0);
    } finally {
      latencyTimers.stop();
    }
  });

  it('closes idle keep-alive connections and stops listening; a second close() is harmless', async () => {
    const running = await start();
    await fetch(`${running.url}/user/profile`).then((res) => res.text());
    await running.close();
    await running.close();
    await expect(fetch(`${running.url}/user/profile`)).rejects.toThrow('fetch failed');
  });
});

describe('hostile requests', () => {
  it('answers a request line over the header limit with 431 and keeps serving', async () => {
    emulator = await start();
    const huge = await fetch(`${emulator.tokenURL}?code=${'x'.repeat(20 * 1024)}`);
    expect(huge.status).toBe(431);
    await huge.text();
    expect((await fetch(`${emulator.tokenURL}?code=x`)).status).toBe(200);
  });

  it('does not resolve a protocol-relative target against another host', async () => {
    emulator = await start();
    const res = await fetch(`${emulator.url}//evil.example/oauth2/token`);
    expect(res.status).toBe(404);
    await res.text();
  });
});

describe('internal failures', () => {
  it('answers 500 instead of crashing, and keeps serving', async () => {
    let broken = true;
    emulator = await start({
      autoApprove: 'u1',
      now: () => {
        if (broken) throw new Error('clock broke');
        return Date.now();
      },
    });
    const url = `${emulator.authorizationURL}?client_id=${CLIENT.clientID}&redirect_uri=${encodeURIComponent('http://localhost:3000/')}&response_type=code`;
    const failed = await fetch(url, { redirect: 'manual' });
    expect(failed.status).toBe(500);
    expect(failed.headers.get('connection')).toBe('close');
    await failed.text();
    broken = false;
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(302);
  });
});

describe('options', () => {
  it.each([
    ['no users', { clients: [CLIENT], users: [] }, /at least one user/],
    ['a client registered twice', { clients: [CLIENT, CLIENT], users: USERS }, /registered twice/],
    ['a user id used twice', { clients: [CLIENT], users: [USERS[0], USERS[0]] }, /used twice/],
    [
      'an invalid registered redirect URI',
      { clients: [{ ...PLAIN_CLIENT, redirectURIs: 'http://*.mi.com/login.php' }], users: USERS },
      /Invalid registered redirect URI/,
    ],
    ['no clientSecret', { clients: [{ ...PLAIN_CLIENT, clientSecret: '' }], users: USERS }, /clientSecret/],
    [
      'a blank client name',
      { clients: [{ ...PLAIN_CLIENT, name: ' ' }], users: USERS },
      /name must be a non-empty string/,
    ],
    [
      'an empty client icon',
      { clients: [{ ...PLAIN_CLIENT, icon: '' }], users: USERS },
      /icon must be a non-empty string/,
    ],
    ['a negative latency', { clients: [CLIENT], users: USERS, latencyMs: -1 }, /latencyMs/],
    ['a port out of range', { clients: [CLIENT], users: USERS, port: 70000 }, /port/],
  ])('rejects %s', async (_what, options, message) => {
    await expect(startMiAccountEmulator(options)).rejects.toThrow(message);
  });

  it('accepts numeric client IDs and user IDs', async () => {
    emulator = await startMiAccountEmulator({
      clients: [{ ...PLAIN_CLIENT, clientID: 179887661252608 }],
      users: [{ id: 7, nickname: 'Seven' }],
      autoApprove: 7,
    });
    const res = await fetch(
      `${emulator.authorizationURL}?client_id=179887661252608&redirect_uri=${encodeURIComponent('http://localhost:3000/')}&response_type=code`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(302);
  });
});
