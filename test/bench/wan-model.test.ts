// The WAN bench's network model (test/bench/wan/): handshakes and requests pay the modelled round trips, no more.
import * as https from 'node:https';
import * as net from 'node:net';
import * as fs from 'node:fs';

const { startDelayHop } = require('./wan/delay-hop');
const { startMiSite } = require('./wan/mi-site');
const { createTestCertificate } = require('./wan/test-cert');
const { ACCOUNT_HOST, OPEN_API_HOST } = require('./wan/hosts');

const RTT = 100;
// Delays only add, so the lower bound is exact; the upper one leaves room for a busy machine.
const SLACK = 0.8 * RTT;
// The best of a few tries: a stall of the shared machine lengthens one try, never shortens one.
const TRIES = 3;

const elapsedSince = (t0: number) => performance.now() - t0;

/** Runs `measure` TRIES times and keeps the smallest value of each field. */
async function bestOf<T extends Record<string, number>>(measure: () => Promise<T>): Promise<T> {
  let best = await measure();
  for (let i = 1; i < TRIES; i += 1) {
    const next = await measure();
    best = Object.fromEntries(Object.entries(best).map(([k, v]) => [k, Math.min(v, next[k]!)])) as T;
  }
  return best;
}

describe('delay hop', () => {
  let echo: net.Server;
  let hop: { port: number; connections(): number; close(): Promise<void> };

  beforeAll(async () => {
    echo = net.createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const target = { host: '127.0.0.1', port: (echo.address() as net.AddressInfo).port };
    hop = await startDelayHop({ listenHost: ACCOUNT_HOST, target, rttMs: RTT });
  });
  afterAll(async () => {
    await hop.close();
    await new Promise((resolve) => echo.close(resolve));
  });

  it('makes a new connection pay one round trip for the TCP handshake before its first exchange', async () => {
    const { firstEcho, secondEcho } = await bestOf(async () => {
      const t0 = performance.now();
      const socket = net.connect({ host: ACCOUNT_HOST, port: hop.port });
      socket.write('ping');
      const first = await new Promise<number>((resolve) => socket.once('data', () => resolve(elapsedSince(t0))));
      const t1 = performance.now();
      socket.write('again');
      const second = await new Promise<number>((resolve) => socket.once('data', () => resolve(elapsedSince(t1))));
      socket.destroy();
      return { firstEcho: first, secondEcho: second };
    });

    expect(firstEcho).toBeGreaterThanOrEqual(2 * RTT - 2);
    expect(firstEcho).toBeLessThan(2 * RTT + SLACK);
    expect(secondEcho).toBeGreaterThanOrEqual(RTT - 2);
    expect(secondEcho).toBeLessThan(RTT + SLACK);
    expect(hop.connections()).toBe(TRIES);
  });

  it('passes the end of stream on, half a round trip later', async () => {
    const socket = net.connect({ host: ACCOUNT_HOST, port: hop.port });
    const t0 = performance.now();
    socket.end('bye');
    const ended = await new Promise<number>((resolve) => {
      socket.resume();
      socket.once('end', () => resolve(elapsedSince(t0)));
    });
    expect(ended).toBeGreaterThanOrEqual(2 * RTT - 2);
  });
});

describe('Mi site across the modelled WAN (TLS in front of the emulator, two hosts)', () => {
  let cert: { caFile: string; key: string; cert: string; remove(): void };
  beforeAll(async () => {
    cert = createTestCertificate([ACCOUNT_HOST, OPEN_API_HOST]);
    // The first TLS exchange of a process also compiles Node's TLS code: not part of what is measured.
    await withSite('TLSv1.3', (site) => coldThenWarm(`${site.urls.openApiURL}/user/profile`), 1);
  });
  afterAll(() => cert.remove());

  /** Times two GETs on one keep-alive agent: the first opens the connection, the second reuses it. */
  async function coldThenWarm(url: string): Promise<{ cold: number; warm: number }> {
    const agent = new https.Agent({ keepAlive: true, ca: fs.readFileSync(cert.caFile) });
    const get = () =>
      new Promise<number>((resolve, reject) => {
        const t0 = performance.now();
        https
          .get(url, { agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(elapsedSince(t0)));
          })
          .on('error', reject);
      });
    try {
      const cold = await get();
      return { cold, warm: await get() };
    } finally {
      agent.destroy();
    }
  }

  async function withSite<T>(
    tlsVersion: string,
    fn: (site: SiteLike) => Promise<T>,
    rttMs = RTT,
    prime = false,
  ): Promise<T> {
    const site: SiteLike = await startMiSite({
      emulatorOptions: {
        clients: [{ clientID: '1', clientSecret: 's', redirectURIs: 'http://127.0.0.1/' }],
        users: [{ id: '1', nickname: 'A' }],
      },
      rttMs,
      tlsVersion,
      key: cert.key,
      cert: cert.cert,
      prime,
    });
    try {
      return await fn(site);
    } finally {
      await site.close();
    }
  }
  interface SiteLike {
    urls: { tokenURL: string; openApiURL: string };
    primeUrls?: { tokenURL: string; openApiURL: string };
    connections(): { account: number; open: number };
    close(): Promise<void>;
  }

  it('costs 3 round trips cold with TLS 1.3 (TCP, TLS, request) and 1 warm', async () => {
    const legs = await withSite('TLSv1.3', (site) =>
      bestOf(() => coldThenWarm(`${site.urls.openApiURL}/user/profile`)),
    );
    expect(legs.cold).toBeGreaterThanOrEqual(3 * RTT - 2);
    expect(legs.cold).toBeLessThan(3 * RTT + SLACK);
    expect(legs.warm).toBeGreaterThanOrEqual(RTT - 2);
    expect(legs.warm).toBeLessThan(RTT + SLACK);
  });

  it('costs 4 round trips cold with TLS 1.2 (its handshake takes two)', async () => {
    const legs = await withSite('TLSv1.2', (site) =>
      bestOf(() => coldThenWarm(`${site.urls.openApiURL}/user/profile`)),
    );
    expect(legs.cold).toBeGreaterThanOrEqual(4 * RTT - 2);
    expect(legs.cold).toBeLessThan(4 * RTT + SLACK);
  });

  it('serves the token and the Open API from two hosts, counting connections per host', async () => {
    await withSite('TLSv1.3', async (site) => {
      expect(new URL(site.urls.tokenURL).hostname).toBe(ACCOUNT_HOST);
      expect(new URL(site.urls.openApiURL).hostname).toBe(OPEN_API_HOST);
      await coldThenWarm(site.urls.tokenURL);
      await coldThenWarm(`${site.urls.openApiURL}/user/profile`);
      expect(site.connections()).toEqual({ account: 1, open: 1 });
    });
  });

  it('offers priming URLs on the same hosts but other ports, left out of the measured counts', async () => {
    await withSite(
      'TLSv1.3',
      async (site) => {
        const prime = site.primeUrls!;
        expect(new URL(prime.tokenURL).hostname).toBe(ACCOUNT_HOST);
        expect(new URL(prime.tokenURL).port).not.toBe(new URL(site.urls.tokenURL).port);
        expect(new URL(prime.openApiURL).port).not.toBe(new URL(site.urls.openApiURL).port);
        await coldThenWarm(prime.tokenURL);
        await coldThenWarm(`${prime.openApiURL}/user/profile`);
        expect(site.connections()).toEqual({ account: 0, open: 0 });
      },
      RTT,
      true,
    );
  });
});
