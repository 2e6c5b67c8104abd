import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as http from 'node:http';
import type { AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { DEMO_CLIENT, DEMO_USERS, startMiAccountEmulator, type MiEmulator } from '../../lib/emulator';
import { freePort } from '../helpers/app';
import { countLogins, login, startHarness, type Harness } from '../helpers/mi';
import { describeWithBinaries } from './binaries';
import { startDaemon, type Daemon } from './processes';
import { startTinyproxy, type Tinyproxy } from './tinyproxy';
import { createTestCertificate, startTlsFront, type TestCertificate, type TlsFront } from './tls';
import { TlsBrowser } from './tls-browser';

const LOGINS = 10;

/** https-proxy-agent takes the target's TLS options from each request; this one adds the test CA to all of them. */
class TrustingProxyAgent extends HttpsProxyAgent<string> {
  ca = '';
  override connect(req: http.ClientRequest, opts: AgentConnectOpts) {
    return super.connect(req, { ...opts, ca: this.ca } as AgentConnectOpts);
  }
}
const PROXY_VARIABLES = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
];

describeWithBinaries(
  { tinyproxy: 'tinyproxy', openssl: 'openssl' },
  'calls to Mi Account through a real forward proxy (tinyproxy)',
  () => {
    let proxy: Tinyproxy;
    let dir: string;
    let certificate: TestCertificate;
    const savedEnv: Record<string, string | undefined> = {};

    beforeAll(async () => {
      proxy = await startTinyproxy();
      dir = mkdtempSync(join(tmpdir(), 'mi-forward-proxy-'));
      certificate = createTestCertificate(dir);
    });
    afterAll(async () => {
      await proxy?.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(() => {
      for (const name of PROXY_VARIABLES) {
        savedEnv[name] = process.env[name];
        Reflect.deleteProperty(process.env, name);
      }
    });
    afterEach(() => {
      for (const name of PROXY_VARIABLES) {
        if (savedEnv[name] === undefined) Reflect.deleteProperty(process.env, name);
        else process.env[name] = savedEnv[name];
      }
    });

    const proxied = (emulator: MiEmulator, path: string) =>
      proxy.requests().filter((line) => line.startsWith(`GET ${emulator.url}${path}`)).length;

    describe('plain-http Mi Account URLs', () => {
      let h: Harness;
      beforeEach(async () => {
        h = await startHarness({ scope: ['profile', 'openid'] });
      });
      afterEach(() => h.close());

      it.each(['HTTP_PROXY', 'http_proxy'])(
        `sends every call through the proxy named by %s: ${LOGINS} logins`,
        async (name) => {
          process.env[name] = proxy.url;
          const tokensBefore = proxied(h.emulator, '/oauth2/token');
          const profilesBefore = proxied(h.emulator, '/user/profile');
          const completed = await countLogins(h.app, LOGINS);
          console.info(`Logins through tinyproxy (${name}, http target): ${completed} of ${LOGINS}`);
          expect(h.app.errors).toEqual([]);
          expect(completed).toBe(LOGINS);
          expect(proxied(h.emulator, '/oauth2/token') - tokensBefore).toBe(LOGINS);
          expect(proxied(h.emulator, '/user/profile') - profilesBefore).toBe(LOGINS);
        },
      );

      it('goes direct for hosts listed in NO_PROXY', async () => {
        process.env.HTTP_PROXY = proxy.url;
        process.env.NO_PROXY = 'example.com,127.0.0.1';
        const before = proxy.requests().length;
        expect(await countLogins(h.app, LOGINS)).toBe(LOGINS);
        expect(proxy.requests().length).toBe(before);
      });

      it('says the environment proxy was in the way when it cannot be reached', async () => {
        process.env.HTTP_PROXY = `http://127.0.0.1:${await freePort()}`;
        const { final } = await login(h.app);
        expect(final.status).toBe(500);
        expect(h.app.errors[0]?.message).toMatch(/through the proxy set in the environment .*ECONNREFUSED/);
      });
    });

    describe('an https Mi Account behind TLS, reached through CONNECT', () => {
      let tls: TlsFront;
      let h: Harness;
      afterEach(async () => {
        await h?.close();
        await tls?.close();
      });

      it(`completes ${LOGINS} logins with agent: an HttpsProxyAgent that trusts the test certificate`, async () => {
        h = await startHarness({ scope: ['profile', 'openid'] });
        tls = await startTlsFront(h.emulator.port, certificate);
        const agent = new TrustingProxyAgent(proxy.url, { keepAlive: true });
        agent.ca = certificate.cert;
        Object.assign(h.app.strategy, {
          client: new (h.app.strategy.client.constructor as typeof import('../../lib').MiAccountClient)({
            clientID: h.app.strategy.client.clientID,
            clientSecret: 'test-app-secret-Zq8x',
            tokenURL: `${tls.url}/oauth2/token`,
            openApiURL: tls.url,
            agent,
          }),
        });
        const connectsBefore = proxy.requests().filter((line) => line === `CONNECT localhost:${tls.port}`).length;
        const completed = await countLogins(h.app, LOGINS);
        agent.destroy();
        console.info(`Logins through tinyproxy (agent option, https target via CONNECT): ${completed} of ${LOGINS}`);
        expect(h.app.errors).toEqual([]);
        expect(completed).toBe(LOGINS);
        expect(h.emulator.stats.requests['/oauth2/token']).toBe(LOGINS);
        const connects = proxy.requests().filter((line) => line === `CONNECT localhost:${tls.port}`).length;
        expect(connects - connectsBefore).toBeGreaterThan(0);
      });
    });

    describe('the example app with HTTPS_PROXY in its environment and an https Mi Account', () => {
      let emulator: MiEmulator | undefined;
      let tls: TlsFront | undefined;
      let app: Daemon | undefined;
      afterEach(async () => {
        await app?.stop();
        await tls?.close();
        await emulator?.close();
      });

      it(`completes ${LOGINS} logins, tunnelling to Mi Account through the proxy`, async () => {
        const port = await freePort();
        emulator = await startMiAccountEmulator({
          clients: [{ ...DEMO_CLIENT, redirectURIs: `http://127.0.0.1:${port}/` }],
          users: DEMO_USERS,
          autoApprove: DEMO_USERS[0]!.id,
        });
        tls = await startTlsFront(emulator.port, certificate);
        // A separate process: NODE_EXTRA_CA_CERTS (how a deployment trusts a private CA) is read at start-up only.
        const env = {
          PATH: process.env.PATH,
          PORT: String(port),
          HOST: '127.0.0.1',
          SESSION_SECRET: 'forward-proxy-test-secret',
          MI_EMULATOR_URL: tls.url,
          HTTPS_PROXY: proxy.url,
          NODE_EXTRA_CA_CERTS: certificate.certPath,
        };
        app = await startDaemon(
          process.execPath,
          [join(__dirname, '../../example-app/server.js')],
          port,
          'example app',
          env,
        );
        const connect = `CONNECT localhost:${tls.port}`;
        const connectsBefore = proxy.requests().filter((line) => line === connect).length;
        let completed = 0;
        for (let i = 0; i < LOGINS; i += 1) {
          const { last } = await new TlsBrowser(certificate.cert).follow(`http://127.0.0.1:${port}/auth/mi`);
          if (last.status === 200 && last.body.includes(`<h1 id="nickname">${DEMO_USERS[0]!.nickname}</h1>`))
            completed += 1;
        }
        console.info(`Logins through tinyproxy (HTTPS_PROXY, https target via CONNECT): ${completed} of ${LOGINS}`);
        expect(completed).toBe(LOGINS);
        expect(emulator.stats.requests['/oauth2/token']).toBe(LOGINS);
        expect(proxy.requests().filter((line) => line === connect).length - connectsBefore).toBeGreaterThan(0);
      });
    });
  },
);
