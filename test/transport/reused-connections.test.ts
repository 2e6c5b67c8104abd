import * as http from 'node:http';
import { MiAccountClient, MiAccountRequestError } from '../../lib';
import { chooseAgent, FREE_SOCKET_TIMEOUT_MS } from '../../lib/transport/agents';
import { httpRequest, parseEndpoint, type HttpRequest } from '../../lib/transport/http';
import { preconnect } from '../../lib/transport/preconnect';
import { CLIENT_ID, CLIENT_SECRET, countLogins, startHarness, type Harness } from '../helpers/mi';
import { startCuttingHop, startScriptedServer, type CuttingHop, type ScriptedServer } from './hops';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One GET through lib/http with the given agent (default: the library's own), recording the attempt numbers. */
async function get(url: string, attempts: number[], agent?: http.Agent): Promise<string> {
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
  return (await httpRequest(request)).text;
}

describe('logins through a hop that cuts every reused connection', () => {
  let h: Harness;
  let hop: CuttingHop;
  const LOGINS = 40;

  afterEach(async () => {
    await h.close();
    await hop.close();
  });

  async function startBehindHop(agent?: http.Agent): Promise<void> {
    h = await startHarness({ scope: ['profile', 'openid', 'phone', 'email'] });
    hop = await startCuttingHop(h.emulator.port);
    // A second strategy on the same app would need a new app: point this one's client at the hop instead.
    Object.assign(h.app.strategy, {
      client: new MiAccountClient({
        clientID: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        tokenURL: `${hop.url}/oauth2/token`,
        openApiURL: hop.url,
        agent,
      }),
    });
  }

  it(`completes ${LOGINS} of ${LOGINS} logins with the library's keep-alive agents, each code exchanged once`, async () => {
    await startBehindHop();
    const completed = await countLogins(h.app, LOGINS);
    console.info(
      `Logins through the cutting hop (library agents): ${completed} of ${LOGINS}, ${hop.cuts} reused connections cut`,
    );
    expect(h.app.errors).toEqual([]);
    expect(completed).toBe(LOGINS);
    expect(hop.cuts).toBeGreaterThan(0);
    expect(h.emulator.stats.requests['/oauth2/token']).toBe(LOGINS);
  });

  it(`completes ${LOGINS} of ${LOGINS} logins with an app-supplied keep-alive agent`, async () => {
    await startBehindHop(new http.Agent({ keepAlive: true }));
    const completed = await countLogins(h.app, LOGINS);
    console.info(
      `Logins through the cutting hop (agent option): ${completed} of ${LOGINS}, ${hop.cuts} reused connections cut`,
    );
    expect(h.app.errors).toEqual([]);
    expect(completed).toBe(LOGINS);
    expect(hop.cuts).toBeGreaterThan(0);
  });
});

describe('the one retry of a request that failed on a reused connection', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => server?.close());

  it('sends a request again on a fresh connection when a reused one is reset before any answer', async () => {
    server = await startScriptedServer((n) => (n === 1 ? 'answer' : 'reset'));
    const attempts: number[] = [];
    await get(`${server.url}/first`, attempts);
    attempts.length = 0;
    await expect(get(`${server.url}/second`, attempts)).resolves.toContain('"ok"');
    expect(attempts).toEqual([1, 2]);
    expect(server.connections).toBe(2);
  });

  it('sends a request again on a fresh connection when one opened ahead of it is reset before any answer', async () => {
    server = await startScriptedServer((_request, connection) => (connection === 1 ? 'reset' : 'answer'));
    preconnect([{ endpoint: parseEndpoint(server.url)!, connections: 1 }]);
    while (server.connections === 0) await sleep(10);
    await sleep(50);
    const attempts: number[] = [];
    await expect(get(`${server.url}/x`, attempts)).resolves.toContain('"ok"');
    expect(attempts).toEqual([1, 2]);
    expect(server.connections).toBe(2);
    expect(server.requests).toBe(2);
  });

  it('never retries a request reset on a fresh connection: exactly one attempt reaches the server', async () => {
    server = await startScriptedServer(() => 'reset');
    const client = new MiAccountClient({
      clientID: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectURI: 'https://app.example/cb',
      tokenURL: `${server.url}/oauth2/token`,
    });
    const error = await client.exchangeCode('single-use-code').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MiAccountRequestError);
    expect((error as Error).message).toContain('ECONNRESET');
    expect(server.requests).toBe(1);
    expect(server.connections).toBe(1);
  });

  it('reports a single attempt for a request reset on a fresh connection', async () => {
    server = await startScriptedServer(() => 'reset');
    const attempts: number[] = [];
    await expect(get(`${server.url}/x`, attempts)).rejects.toThrow(MiAccountRequestError);
    expect(attempts).toEqual([1]);
  });

  it('never retries once the answer began, even on a reused connection', async () => {
    server = await startScriptedServer((n) => (n === 1 ? 'answer' : 'reset-after-headers'));
    const attempts: number[] = [];
    await get(`${server.url}/first`, attempts);
    attempts.length = 0;
    await expect(get(`${server.url}/second`, attempts)).rejects.toThrow(MiAccountRequestError);
    expect(attempts).toEqual([1]);
    expect(server.requests).toBe(2);
  });

  it.each([
    ['the library agent', () => undefined],
    ['an app-supplied agent', () => new http.Agent({ keepAlive: true })],
  ])(
    'closes the idle peers of a reused connection found dead (%s): the retry and the next call open no dead one',
    async (_kind, makeAgent) => {
      // Connections 1 and 2 answer their first request only, as if the server dropped both while they sat idle.
      server = await startScriptedServer((n, connection) => (n === 1 || connection > 2 ? 'answer' : 'reset'));
      const agent = makeAgent();
      const attempts: number[] = [];
      // Two calls at once: two connections, both idle in the pool afterwards.
      await Promise.all([get(`${server.url}/a`, attempts, agent), get(`${server.url}/b`, attempts, agent)]);
      expect(server.connections).toBe(2);
      attempts.length = 0;
      await expect(get(`${server.url}/c`, attempts, agent)).resolves.toContain('"ok"');
      expect(attempts).toEqual([1, 2]);
      attempts.length = 0;
      // Had the other idle connection stayed in the pool, this call could take it and be reset once more.
      await expect(get(`${server.url}/d`, attempts, agent)).resolves.toContain('"ok"');
      expect(attempts).toEqual([1]);
      expect(server.connections).toBe(3);
      expect(server.requests).toBe(5);
      const pool = agent ?? chooseAgent(parseEndpoint(server.url)!, undefined).agent;
      const idle = Object.values(pool.freeSockets).reduce((sum, sockets) => sum + (sockets?.length ?? 0), 0);
      expect(idle).toBe(1);
      agent?.destroy();
    },
  );

  it('fails a call whose connection is closed in good order in the middle of the body, at once and without retry', async () => {
    server = await startScriptedServer(() => 'close-after-headers');
    const attempts: number[] = [];
    const started = performance.now();
    const error = await get(`${server.url}/x`, attempts).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MiAccountRequestError);
    expect((error as MiAccountRequestError).reason).not.toBe('timeout');
    expect((error as Error).message).toContain('closed before the response was complete');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(attempts).toEqual([1]);
  });

  it('retries only once: when the fresh connection is reset too, the error is reported', async () => {
    server = await startScriptedServer((n, connection) => (n === 1 && connection === 1 ? 'answer' : 'reset'));
    const attempts: number[] = [];
    await get(`${server.url}/first`, attempts);
    attempts.length = 0;
    await expect(get(`${server.url}/second`, attempts)).rejects.toThrow(MiAccountRequestError);
    expect(attempts).toEqual([1, 2]);
    expect(server.connections).toBe(2);
    expect(server.requests).toBe(3);
  });
});

describe('idle keep-alive connections', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => server?.close());

  it('reuses a connection for calls in quick succession', async () => {
    server = await startScriptedServer(() => 'answer');
    await get(`${server.url}/a`, []);
    await get(`${server.url}/b`, []);
    expect(server.connections).toBe(1);
  });

  it("honours the server's Keep-Alive: timeout=2 hint: an idle connection is dropped after 1 s, not reused", async () => {
    server = await startScriptedServer(() => 'answer', { 'Keep-Alive': 'timeout=2' });
    await get(`${server.url}/a`, []);
    await sleep(1300);
    await get(`${server.url}/b`, []);
    expect(server.connections).toBe(2);
  });

  it(`keeps idle connections ${FREE_SOCKET_TIMEOUT_MS / 1000} s without a hint: past a consent page, under NAT idle limits`, async () => {
    expect(FREE_SOCKET_TIMEOUT_MS).toBeGreaterThanOrEqual(30_000);
    expect(FREE_SOCKET_TIMEOUT_MS).toBeLessThan(60_000);
    server = await startScriptedServer(() => 'answer');
    const agent = chooseAgent(parseEndpoint(server.url)!, undefined).agent;
    await get(`${server.url}/a`, []);
    const idle = Object.values(agent.freeSockets).flat();
    expect(idle.length).toBeGreaterThan(0);
    expect(idle.map((socket) => socket!.timeout)).toContain(FREE_SOCKET_TIMEOUT_MS);
  });

  it('survives a server that closes idle connections sooner without announcing it', async () => {
    let connections = 0;
    // keepAliveTimeout 0: Node sends no Keep-Alive hint; the test closes the idle connection itself.
    const silentCloser = http.createServer((_req, res) => res.end('{"ok":true}'));
    silentCloser.keepAliveTimeout = 0;
    silentCloser.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => silentCloser.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silentCloser.address() as { port: number }).port}`;
    try {
      const attempts: number[] = [];
      await get(`${url}/a`, attempts);
      await sleep(100);
      silentCloser.closeIdleConnections();
      await sleep(300);
      await expect(get(`${url}/b`, attempts)).resolves.toContain('"ok"');
      expect(connections).toBe(2);
    } finally {
      silentCloser.closeAllConnections();
      await new Promise((resolve) => silentCloser.close(resolve));
    }
  });
});
