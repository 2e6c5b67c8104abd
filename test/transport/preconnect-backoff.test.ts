import * as diagnosticsChannel from 'node:diagnostics_channel';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { MI_ACCOUNT_REQUEST_CHANNEL, type MiAccountRequestContext } from '../../lib';
import { preconnectLogin, type PreconnectClient } from '../../lib/transport/preconnect';
import { freePort } from '../helpers/app';

const LOGINS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Failed pre-connects published on the request channel, with when each failed (ms since `since`). */
function recordFailures(since: number) {
  const failures: number[] = [];
  const tracing = diagnosticsChannel.tracingChannel(MI_ACCOUNT_REQUEST_CHANNEL);
  const handlers = {
    start: () => undefined,
    end: () => undefined,
    asyncStart: () => undefined,
    asyncEnd: (ctx: unknown) => {
      if ((ctx as MiAccountRequestContext).step === 'preconnect') failures.push(performance.now() - since);
    },
    error: () => undefined,
  };
  tracing.subscribe(handlers as never);
  return { failures, stop: () => tracing.unsubscribe(handlers as never) };
}

/** A loopback TCP server counting the connections it accepts; `reset` resets each on its first bytes (TLS hello). */
async function startServer(behaviour: 'reset' | 'accept', port = 0) {
  const sockets = new Set<Socket>();
  const accepted: number[] = [];
  const t0 = performance.now();
  const server: Server = createServer((socket: Socket) => {
    accepted.push(performance.now() - t0);
    sockets.add(socket);
    socket.on('error', () => undefined).on('close', () => sockets.delete(socket));
    if (behaviour === 'reset') socket.once('data', () => socket.resetAndDestroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** `count` login starts, one every `everyMs`, as many anonymous `GET /auth/mi` would make (2 profile calls each). */
async function loginStarts(client: PreconnectClient, count: number, everyMs: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    preconnectLogin(client, {}, 2);
    await sleep(everyMs);
  }
}

/** Groups times (ms) into rounds: a round starts after a quiet gap of at least 300 ms. */
function rounds(times: readonly number[]): number[] {
  const starts: number[] = [];
  let last = -Infinity;
  for (const t of [...times].sort((a, b) => a - b)) {
    if (t - last >= 300) starts.push(t);
    last = t;
  }
  return starts;
}

describe('pre-connect backs off from a host that refuses or resets connections', () => {
  it(`a host refusing connections: ${LOGINS} login starts over ~4 s cost a few attempts, in growing intervals`, async () => {
    const port = await freePort(); // nothing listens there
    const client = {
      tokenURL: `https://127.0.0.1:${port}/oauth2/token`,
      openApiURL: `https://127.0.0.1:${port}`,
      agent: undefined,
    };
    const trace = recordFailures(performance.now());
    try {
      await loginStarts(client, LOGINS, 4);
      await sleep(50);
    } finally {
      trace.stop();
    }
    const starts = rounds(trace.failures);
    console.info(
      `Refused host: ${trace.failures.length} failed pre-connects in ${starts.length} rounds at ${starts.map(Math.round).join(', ')} ms`,
    );
    // One round per window (1 s, then 2 s…), each opening the 3 connections a login wants.
    expect(trace.failures.length).toBeLessThanOrEqual(3 * starts.length);
    expect(starts.length).toBeLessThanOrEqual(4);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(950);
    expect(gaps[1]).toBeGreaterThanOrEqual(1.8 * gaps[0]!);
  }, 30_000);

  it(`a host resetting connections in the TLS handshake: ${LOGINS} login starts open a handful`, async () => {
    const server = await startServer('reset');
    const client = {
      tokenURL: `https://127.0.0.1:${server.port}/oauth2/token`,
      openApiURL: `https://127.0.0.1:${server.port}`,
      agent: undefined,
    };
    try {
      await loginStarts(client, LOGINS, 4);
      await sleep(50);
    } finally {
      await server.close();
    }
    console.info(`Resetting host: ${server.accepted.length} connections for ${LOGINS} login starts`);
    expect(server.accepted.length).toBeLessThanOrEqual(12);
    expect(rounds(server.accepted).length).toBeLessThanOrEqual(4);
  }, 30_000);

  it('a pre-connect that succeeds ends the backoff: the next failure waits the first interval again', async () => {
    const port = await freePort();
    const client = {
      tokenURL: `http://127.0.0.1:${port}/oauth2/token`,
      openApiURL: `http://127.0.0.1:${port}`,
      agent: undefined,
    };
    const t0 = performance.now();
    const trace = recordFailures(t0);
    try {
      // Refused at 0 s and 1 s: the next attempt may come at 3 s.
      await loginStarts(client, 300, 5);
      expect(rounds(trace.failures)).toHaveLength(2);
      const server = await startServer('accept', port);
      while (server.accepted.length === 0) await loginStarts(client, 1, 5);
      // Back: the pooled connections close and the host refuses again, from now on.
      await server.close();
      const before = trace.failures.length;
      await loginStarts(client, 300, 5);
      const again = rounds(trace.failures.slice(before));
      console.info(`After a success, failure rounds at ${again.map(Math.round).join(', ')} ms`);
      expect(again.length).toBeGreaterThanOrEqual(2);
      // The interval is the first one (1 s), not the 4 s the third failed round would have waited.
      expect(again[1]! - again[0]!).toBeLessThan(1500);
    } finally {
      trace.stop();
    }
  }, 30_000);

  it(`a healthy host: ${LOGINS} login starts open 3 connections`, async () => {
    const server = await startServer('accept');
    const client = {
      tokenURL: `http://127.0.0.1:${server.port}/oauth2/token`,
      openApiURL: `http://127.0.0.1:${server.port}`,
      agent: undefined,
    };
    try {
      await loginStarts(client, LOGINS, 1);
      await sleep(50);
      console.info(`Healthy host: ${server.accepted.length} connections for ${LOGINS} login starts`);
      expect(server.accepted.length).toBe(3);
    } finally {
      await server.close();
    }
  }, 30_000);
});
