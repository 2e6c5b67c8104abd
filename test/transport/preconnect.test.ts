import * as diagnosticsChannel from 'node:diagnostics_channel';
import * as http from 'node:http';
import * as https from 'node:https';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { MI_ACCOUNT_LOGIN_CHANNEL, MI_ACCOUNT_REQUEST_CHANNEL, type MiAccountRequestContext } from '../../lib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseAgent, FREE_SOCKET_TIMEOUT_MS, MAX_SOCKETS } from '../../lib/transport/agents';
import { httpRequest, parseEndpoint, type HttpRequest } from '../../lib/transport/http';
import {
  CONSENT_HORIZON_MS,
  MAX_PRECONNECTS_IN_FLIGHT,
  preconnect,
  PRECONNECT_TIMEOUT_MS,
  ROTATION_WINDOW_MS,
} from '../../lib/transport/preconnect';
import { WarmHttpAgent, WarmHttpsAgent } from '../../lib/transport/warm-agent';
import { UserAgent } from '../helpers/browserless';
import { startHarness, type Harness } from '../helpers/mi';
import { loopbackSockets } from './loopback-sockets';
import { createTestCertificate } from './tls';

const ALL_SCOPES = ['profile', 'openid', 'phone', 'email'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` holds (polling), or fails after `ms`. */
async function until(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** A TCP server that accepts connections and never answers: a TLS handshake to it never completes. */
interface Silent {
  port: number;
  readonly connections: number;
  close(): Promise<void>;
}
async function startSilentServer(): Promise<Silent> {
  const sockets = loopbackSockets();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.track(socket);
  });
  const { port, close } = await sockets.listen(server);
  return {
    port,
    get connections() {
      return connections;
    },
    close,
  };
}

/** A TCP relay to `targetPort` on its own port (another origin), counting the connections it accepts and sees close. */
async function startRelay(targetPort: number): Promise<Silent & { url: string; readonly closed: number }> {
  const sockets = loopbackSockets();
  let connections = 0;
  let closed = 0;
  const server: Server = createServer((client) => {
    connections += 1;
    client.on('close', () => (closed += 1));
    sockets.relay(client, targetPort);
  });
  const { port, close } = await sockets.listen(server);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    get closed() {
      return closed;
    },
    close,
  };
}

/** Records the request channel's pre-connects (ended or failed) and the login milestones, in order. */
function record() {
  const events: string[] = [];
  const preconnects: MiAccountRequestContext[] = [];
  const tracing = diagnosticsChannel.tracingChannel(MI_ACCOUNT_REQUEST_CHANNEL);
  const handlers = {
    start: (ctx: unknown) => events.push(`start ${(ctx as MiAccountRequestContext).step}`),
    end: () => undefined,
    asyncStart: () => undefined,
    asyncEnd: (ctx: unknown) => {
      const context = ctx as MiAccountRequestContext;
      events.push(`end ${context.step}`);
      if (context.step === 'preconnect') preconnects.push(context);
    },
    error: () => undefined,
  };
  const onLogin = (message: unknown) => events.push(`login ${(message as { event: string }).event}`);
  tracing.subscribe(handlers as never);
  diagnosticsChannel.subscribe(MI_ACCOUNT_LOGIN_CHANNEL, onLogin);
  return {
    events,
    preconnects,
    stop: () => {
      tracing.unsubscribe(handlers as never);
      diagnosticsChannel.unsubscribe(MI_ACCOUNT_LOGIN_CHANNEL, onLogin);
    },
  };
}

describe('pre-connect when the authorization redirect is issued', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a cold login opens its connections before the callback, and the callback opens none', async () => {
    const agent = new WarmHttpAgent({ keepAlive: true, timeout: FREE_SOCKET_TIMEOUT_MS });
    h = await startHarness({ scope: ALL_SCOPES, agent });
    const trace = record();
    let atRedirect = -1;
    const onLogin = (message: unknown) => {
      if ((message as { event: string }).event === 'redirect') atRedirect = h!.emulator.stats.connections;
    };
    diagnosticsChannel.subscribe(MI_ACCOUNT_LOGIN_CHANNEL, onLogin);
    try {
      const browser = new UserAgent();
      const start = await browser.get(`${h.app.url}/auth/mi`);
      expect(start.status).toBe(302);
      // Token and Open API share the emulator's origin: 1 token connection + /user/profile ∥ /user/phoneAndEmail.
      await until(() => h!.emulator.stats.connections === 3);
      // The redirect left first: no pre-connect had started when it was sent.
      expect(atRedirect).toBe(0);
      expect(trace.preconnects).toEqual([]); // successes are not published
      const authorize = await browser.get(start.headers.get('location')!);
      const callback = authorize.headers.get('location')!;
      const before = h.emulator.stats.connections;
      const { final } = await browser.follow(callback);
      expect(final.status).toBe(200);
      expect(h.emulator.stats.connections - before).toBe(0);
      expect(h.emulator.stats.requests['/user/phoneAndEmail']).toBe(1);
    } finally {
      diagnosticsChannel.unsubscribe(MI_ACCOUNT_LOGIN_CHANNEL, onLogin);
      trace.stop();
      agent.destroy();
    }
  });

  it('opens nothing when the pool already holds connections that will outlive the consent', async () => {
    const agent = new WarmHttpAgent({ keepAlive: true, timeout: FREE_SOCKET_TIMEOUT_MS });
    // A server that announces no Keep-Alive hint: pooled sockets then live FREE_SOCKET_TIMEOUT_MS.
    h = await startHarness({ scope: ALL_SCOPES, agent });
    expect(FREE_SOCKET_TIMEOUT_MS).toBeGreaterThan(CONSENT_HORIZON_MS);
    const browser = new UserAgent();
    await browser.get(`${h.app.url}/auth/mi`);
    await until(() => h!.emulator.stats.connections === 3);
    await sleep(50);
    // The three pre-connected sockets are idle and fresh: a second login start adds none.
    await new UserAgent().get(`${h.app.url}/auth/mi`);
    await sleep(200);
    expect(h.emulator.stats.connections).toBe(3);
    agent.destroy();
  });

  it(`holds the cap under 500 concurrent login starts: at most ${MAX_PRECONNECTS_IN_FLIGHT} connections`, async () => {
    h = await startHarness({ scope: ALL_SCOPES });
    const driver = new http.Agent({ keepAlive: true, maxSockets: 500 });
    const statuses = await Promise.all(
      Array.from(
        { length: 500 },
        () =>
          new Promise<number>((resolve, reject) =>
            http
              .get(`${h!.app.url}/auth/mi`, { agent: driver }, (res) => {
                res.resume();
                res.on('end', () => resolve(res.statusCode ?? 0));
              })
              .on('error', reject),
          ),
      ),
    );
    driver.destroy();
    expect(statuses.every((s) => s === 302)).toBe(true);
    await sleep(300);
    expect(h.emulator.stats.connections).toBeGreaterThan(0);
    expect(h.emulator.stats.connections).toBeLessThanOrEqual(MAX_PRECONNECTS_IN_FLIGHT);
  });

  it('never delays the redirect, and ignores connections that never complete or are refused', async () => {
    const silent = await startSilentServer();
    const refused = await startSilentServer();
    await refused.close(); // nothing listens on its port any more
    h = await startHarness({
      scope: ALL_SCOPES,
      tokenURL: `https://127.0.0.1:${silent.port}/oauth2/token`,
      openApiURL: `http://127.0.0.1:${refused.port}`,
    });
    const trace = record();
    try {
      const t0 = performance.now();
      const start = await new UserAgent().get(`${h.app.url}/auth/mi`);
      const elapsed = performance.now() - t0;
      expect(start.status).toBe(302);
      expect(elapsed).toBeLessThan(1000);
      // The token host's TLS handshake hangs; both Open API connections are refused: published, nothing thrown.
      await until(() => silent.connections === 1 && trace.preconnects.length === 2);
      const codes = trace.preconnects.map((c) => (c.error as { code?: string } | undefined)?.code);
      expect(codes).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
      expect(trace.preconnects.every((c) => c.host === `127.0.0.1:${refused.port}`)).toBe(true);
      await silent.close();
      // The hung handshake fails when the server goes away: published too, and the in-flight slot is released.
      await until(() => trace.preconnects.length === 3);
      expect(trace.preconnects[2]!.host).toBe(`127.0.0.1:${silent.port}`);
      expect(trace.preconnects[2]!.error).toBeDefined();
      expect(h.app.errors).toEqual([]);
    } finally {
      trace.stop();
      await silent.close();
    }
  });

  it("fills the agent option when it is the library's kind: the app's agent opens them, its requests use them", async () => {
    const agent = new WarmHttpAgent({ keepAlive: true });
    // openid: the token response then carries openId, and the profile step makes one call (/user/profile).
    h = await startHarness({ scope: ['profile', 'openid'], agent });
    const browser = new UserAgent();
    const start = await browser.get(`${h.app.url}/auth/mi`);
    // One token connection and one for /user/profile, opened once: not by the library's agent as well.
    await until(() => h!.emulator.stats.connections === 2);
    await sleep(50);
    expect(h.emulator.stats.connections).toBe(2);
    const authorize = await browser.get(start.headers.get('location')!);
    const before = h.emulator.stats.connections; // the browser's own, to the authorization page
    const { final } = await browser.follow(authorize.headers.get('location')!);
    expect(final.status).toBe(200);
    expect(h.emulator.stats.connections).toBe(before);
    agent.destroy();
  });

  it("leaves an app's plain http.Agent alone: no connection before the callback, the login still completes", async () => {
    const agent = new http.Agent({ keepAlive: true });
    h = await startHarness({ scope: ['profile'], agent });
    const browser = new UserAgent();
    const start = await browser.get(`${h.app.url}/auth/mi`);
    await sleep(200);
    expect(h.emulator.stats.connections).toBe(0);
    const authorize = await browser.get(start.headers.get('location')!);
    const { final } = await browser.follow(authorize.headers.get('location')!);
    expect(final.status).toBe(200);
    agent.destroy();
  });

  it('skips agents it cannot fill: without keep-alive, or through a proxy from the environment', async () => {
    const proxy = await startSilentServer();
    h = await startHarness({ scope: ['profile'], agent: new WarmHttpAgent({ keepAlive: false }) });
    await new UserAgent().get(`${h.app.url}/auth/mi`);
    await sleep(200);
    expect(h.emulator.stats.connections).toBe(0);
    await h.close();

    h = await startHarness({ scope: ['profile'] });
    const saved = { http_proxy: process.env.http_proxy, NO_PROXY: process.env.NO_PROXY };
    // http_proxy in lower case: curl (and so the library) ignores HTTP_PROXY.
    process.env.http_proxy = `http://127.0.0.1:${proxy.port}`;
    process.env.NO_PROXY = '';
    try {
      // The app itself is not reached through the proxy: the UserAgent (fetch) ignores http_proxy.
      await new UserAgent().get(`${h.app.url}/auth/mi`);
      await sleep(200);
      expect(proxy.connections).toBe(0);
      expect(h.emulator.stats.connections).toBe(0);
    } finally {
      if (saved.http_proxy === undefined) delete process.env.http_proxy;
      else process.env.http_proxy = saved.http_proxy;
      if (saved.NO_PROXY === undefined) delete process.env.NO_PROXY;
      else process.env.NO_PROXY = saved.NO_PROXY;
      await proxy.close();
    }
  });
});

describe('connections under steady traffic', () => {
  let h: Harness | undefined;
  let relay: Awaited<ReturnType<typeof startRelay>> | undefined;
  afterEach(async () => {
    await h?.close();
    await relay?.close();
    h = relay = undefined;
  });

  /** The harness with token and Open API calls through a relay, which counts the strategy's connections only. */
  const start = async (agent: http.Agent | undefined, latencyMs = 0) => {
    h = await startHarness({ scope: ALL_SCOPES }, { latencyMs });
    relay = await startRelay(h.emulator.port);
    const { MiAccountClient } = await import('../../lib');
    const client = new MiAccountClient({
      clientID: h.app.strategy.client.clientID,
      clientSecret: 'test-app-secret-Zq8x',
      tokenURL: `${relay.url}/oauth2/token`,
      openApiURL: relay.url,
      agent,
    });
    Object.assign(h.app.strategy, { client });
    return { app: h.app, relay, emulator: h.emulator };
  };

  /** One whole login (start, authorize, callback, profile page) in a fresh browser. */
  const login = async (url: string) => {
    const { final } = await new UserAgent().follow(`${url}/auth/mi`);
    expect(final.status).toBe(200);
  };

  it('back-to-back logins reuse the connections in rotation, though the server keeps them less than a consent', async () => {
    const agent = new WarmHttpAgent({ keepAlive: true, timeout: FREE_SOCKET_TIMEOUT_MS });
    const { app, relay, emulator } = await start(agent);
    try {
      await login(app.url);
      expect(relay.connections).toBe(3);
      // The emulator announces `Keep-Alive: timeout=5`: a used socket has 4 s to live, under CONSENT_HORIZON_MS.
      const timeouts = Object.values(agent.freeSockets).flatMap((list) => (list ?? []).map((s) => s.timeout));
      expect(Math.min(...(timeouts as number[]))).toBeLessThan(CONSENT_HORIZON_MS);
      // Each login starts within ROTATION_WINDOW_MS of the last call: the pool is in use, nothing is pre-connected.
      for (let i = 0; i < 20; i += 1) await login(app.url);
      expect(relay.connections).toBe(3);
      expect(emulator.stats.requests['/user/phoneAndEmail']).toBe(21);
    } finally {
      agent.destroy();
    }
  });

  it('pre-connects again once the pool has been idle longer than the rotation window', async () => {
    const agent = new WarmHttpAgent({ keepAlive: true, timeout: FREE_SOCKET_TIMEOUT_MS });
    const { app, relay } = await start(agent);
    try {
      await login(app.url);
      await sleep(ROTATION_WINDOW_MS + 100);
      // The used sockets now close before a 10 s consent ends (Keep-Alive: timeout=5): the next login start opens
      // fresh ones for them. A connection opened ahead that the login left unused keeps its 30 s, and counts.
      const expiring = Object.values(agent.freeSockets)
        .flat()
        .filter((socket) => socket!.timeout! < CONSENT_HORIZON_MS + ROTATION_WINDOW_MS).length;
      expect(expiring).toBeGreaterThan(0);
      const before = relay.connections;
      const browser = new UserAgent();
      const start = await browser.get(`${app.url}/auth/mi`);
      await until(() => relay.connections === before + expiring);
      await sleep(50);
      expect(relay.connections).toBe(before + expiring);
      // The callback finds them all: it opens none.
      const authorize = await browser.get(start.headers.get('location')!);
      const { final } = await browser.follow(authorize.headers.get('location')!);
      expect(final.status).toBe(200);
      expect(relay.connections).toBe(before + expiring);
    } finally {
      agent.destroy();
    }
  });

  it(`keeps a burst's connections idle for the next (up to ${MAX_SOCKETS}): none is closed and reopened`, async () => {
    // Calls take 100 ms, so 48 concurrent logins hold many more than the 32 idle sockets the pool used to keep.
    const { app, relay } = await start(undefined, 100);
    const burst = () => Promise.all(Array.from({ length: 48 }, () => login(app.url)));
    await burst();
    const opened = relay.connections;
    expect(opened).toBeGreaterThan(32);
    // The library's own agent for the relay's origin: every connection it opened is still there, idle.
    const endpoint = parseEndpoint(relay.url)!;
    const { agent } = chooseAgent(endpoint, undefined);
    const name = agent.getName({ host: endpoint.hostname, port: Number(endpoint.port) });
    expect(relay.closed).toBe(0);
    expect(agent.freeSockets[name]?.length).toBe(opened);
    await burst();
    // The second burst takes the idle ones first and closes nothing: it opens a connection only where its calls in
    // flight outnumber the first's pool (a login has at most 2 calls in flight: the token, then 2 Open API calls).
    console.info(`Two bursts of 48 logins: ${opened} connections, then ${relay.connections}; ${relay.closed} closed`);
    expect(relay.closed).toBe(0);
    expect(agent.freeSockets[name]?.length).toBe(relay.connections);
    expect(relay.connections).toBeLessThanOrEqual(Math.max(opened, 2 * 48));
  });
});

describe('pre-connect while the token request is in flight', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.close());

  it('opens the Open API connections before the token answer arrives, after a consent longer than the pool keeps them', async () => {
    // The emulator answers after 150 ms; the Open API is reached through a relay (another origin) to count its connections.
    h = await startHarness({}, { latencyMs: 150 });
    const relay = await startRelay(h.emulator.port);
    // Idle sockets of this agent close after 300 ms: the connections opened at the redirect are gone by the callback.
    const agent = new WarmHttpAgent({ keepAlive: true, timeout: 300 });
    const { MiAccountClient } = await import('../../lib');
    const client = new MiAccountClient({
      clientID: h.app.strategy.client.clientID,
      clientSecret: 'test-app-secret-Zq8x',
      tokenURL: h.emulator.tokenURL,
      openApiURL: relay.url,
      agent,
    });
    Object.assign(h.app.strategy, { client });
    const trace = record();
    let relayAtTokens = -1;
    const onLogin = (message: unknown) => {
      if ((message as { event: string }).event === 'tokens') relayAtTokens = relay.connections;
    };
    diagnosticsChannel.subscribe(MI_ACCOUNT_LOGIN_CHANNEL, onLogin);
    try {
      const browser = new UserAgent();
      const start = await browser.get(`${h.app.url}/auth/mi?scope=profile,email`);
      const authorize = await browser.get(start.headers.get('location')!);
      await until(() => relay.connections === 2);
      await sleep(800); // a long consent: the pre-connected sockets closed
      const before = relay.connections;
      const { final } = await browser.follow(authorize.headers.get('location')!);
      expect(final.status).toBe(200);
      // Both Open API connections were open before the token response: the handshakes overlapped the token request.
      expect(relayAtTokens - before).toBe(2);
      expect(relay.connections - before).toBe(2);
    } finally {
      diagnosticsChannel.unsubscribe(MI_ACCOUNT_LOGIN_CHANNEL, onLogin);
      trace.stop();
      agent.destroy();
      await relay.close();
    }
  });
});

describe('the global cap of pre-connects in flight', () => {
  it(`never has more than ${MAX_PRECONNECTS_IN_FLIGHT} handshakes in flight, across origins`, async () => {
    const servers = await Promise.all(Array.from({ length: 40 }, () => startSilentServer()));
    try {
      for (const server of servers) {
        preconnect([{ endpoint: parseEndpoint(`https://127.0.0.1:${server.port}/`)!, connections: 3 }]);
      }
      await sleep(300);
      const total = () => servers.reduce((n, s) => n + s.connections, 0);
      expect(total()).toBe(MAX_PRECONNECTS_IN_FLIGHT);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
    // Closed by the servers: the slots are free again.
    const again = await startSilentServer();
    try {
      await sleep(100);
      preconnect([{ endpoint: parseEndpoint(`https://127.0.0.1:${again.port}/`)!, connections: 1 }]);
      await until(() => again.connections === 1);
    } finally {
      await again.close();
    }
  });
});

describe('connections opened ahead', () => {
  /** One GET through lib/http with `agent`. */
  const get = (url: string, agent: http.Agent, attempts: number[] = []) => {
    const request: HttpRequest = {
      endpoint: parseEndpoint(url)!,
      method: 'GET',
      step: 'open api',
      timeoutMs: 5000,
      maxBytes: 4096,
      secrets: [],
      agent,
      onAttempt: (attempt) => attempts.push(attempt),
    };
    return httpRequest(request);
  };

  it("name a request's pool from its endpoint as the agent files the connection (http)", async () => {
    const server = http.createServer((_req, res) => res.end('{"ok":true}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/user/profile`;
    const agent = new WarmHttpAgent({ keepAlive: true });
    try {
      await get(url, agent);
      const name = agent.ahead.poolName(parseEndpoint(url)!);
      await until(() => (agent.freeSockets[name]?.length ?? 0) === 1);
      expect(Object.keys(agent.freeSockets)).toEqual([name]);
    } finally {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("serve requests over TLS: the agent's servername and CA, and its TLS session resumed", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mi-preconnect-tls-'));
    const certificate = createTestCertificate(dir);
    const server = https.createServer({ key: certificate.key, cert: certificate.cert }, (_req, res) =>
      res.end('{"ok":true}'),
    );
    const handshakes: boolean[] = [];
    server.on('secureConnection', (socket: TLSSocket) => handshakes.push(socket.isSessionReused()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://localhost:${(server.address() as AddressInfo).port}/user/profile`;
    const endpoint = parseEndpoint(url)!;
    const agent = new WarmHttpsAgent({ keepAlive: true, ca: certificate.cert, timeout: FREE_SOCKET_TIMEOUT_MS });
    try {
      preconnect([{ endpoint, connections: 1 }], agent);
      await until(() => handshakes.length === 1);
      await sleep(100); // the session ticket follows the handshake
      preconnect([{ endpoint, connections: 2 }], agent);
      await until(() => handshakes.length === 2);
      // The second resumed the session of the first: full handshake, then an abbreviated one.
      expect(handshakes).toEqual([false, true]);
      const answers = await Promise.all([get(url, agent), get(url, agent)]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
      // Both requests went out on the connections opened ahead: their pool names and TLS options matched.
      expect(handshakes).toHaveLength(2);
      // The pool name the transport gives a request's connection (to drop its idle peers) is the agent's own.
      await until(() => (agent.freeSockets[agent.ahead.poolName(endpoint)]?.length ?? 0) === 2);
      expect(Object.keys(agent.freeSockets)).toEqual([agent.ahead.poolName(endpoint)]);
    } finally {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`abandon a TLS handshake still unfinished after ${PRECONNECT_TIMEOUT_MS / 1000} s, published as a failure`, async () => {
    const silent = await startSilentServer();
    const trace = record();
    const t0 = performance.now();
    try {
      preconnect([{ endpoint: parseEndpoint(`https://127.0.0.1:${silent.port}/`)!, connections: 1 }]);
      await until(() => trace.preconnects.length === 1, PRECONNECT_TIMEOUT_MS + 2000);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(PRECONNECT_TIMEOUT_MS - 100);
      expect((trace.preconnects[0]!.error as Error).message).toBe('pre-connect timed out');
      expect(silent.connections).toBe(1);
    } finally {
      trace.stop();
      await silent.close();
    }
  }, 20_000);

  it("close once idle for the agent's timeout, as pooled ones do", async () => {
    let closed = 0;
    const server = http.createServer((_req, res) => res.end('{"ok":true}'));
    server.on('connection', (socket) => socket.on('close', () => (closed += 1)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const agent = new WarmHttpAgent({ keepAlive: true, timeout: 200 });
    try {
      preconnect([{ endpoint: parseEndpoint(url)!, connections: 1 }], agent);
      await sleep(100);
      expect(closed).toBe(0);
      await until(() => closed === 1, 1000);
    } finally {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('are dropped when the server resets them while they wait, without an unhandled error', async () => {
    let connections = 0;
    const server = http.createServer((_req, res) => res.end('{"ok":true}'));
    server.on('connection', (socket: Socket) => {
      connections += 1;
      if (connections === 1) setTimeout(() => socket.resetAndDestroy(), 50);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const agent = new WarmHttpAgent({ keepAlive: true, timeout: FREE_SOCKET_TIMEOUT_MS });
    try {
      preconnect([{ endpoint: parseEndpoint(url)!, connections: 1 }], agent);
      await until(() => connections === 1);
      await sleep(200);
      // The reset connection is not handed out: the request opens its own, and needs one attempt.
      const attempts: number[] = [];
      await expect(get(`${url}/x`, agent, attempts)).resolves.toMatchObject({ status: 200 });
      expect(attempts).toEqual([1]);
      expect(connections).toBe(2);
    } finally {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
