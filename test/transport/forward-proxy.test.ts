import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CLIENT, DEMO_USERS, startMiAccountEmulator, type MiEmulator } from '../../lib/emulator';
import { parseEndpoint } from '../../lib/transport/http';
import { proxyFor } from '../../lib/transport/proxy-env';
import { TunnelAgent } from '../../lib/transport/proxy-tunnel';
import { freePort } from '../helpers/app';
import { CLIENT_SECRET, countLogins, login, startHarness, type Harness } from '../helpers/mi';
import { describeWithBinaries } from './binaries';
import { startDaemon, type Daemon } from './processes';
import { startTinyproxy, type Tinyproxy } from './tinyproxy';
import { createTestCertificate, startTlsFront, type TestCertificate, type TlsFront } from './tls';
import { TlsBrowser } from './tls-browser';

const LOGINS = 10;

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

      it.each(['http_proxy', 'all_proxy', 'ALL_PROXY'])(
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

      it('ignores HTTP_PROXY in upper case, as curl does (httpoxy): every call goes direct', async () => {
        process.env.HTTP_PROXY = proxy.url;
        const before = proxy.requests().length;
        expect(await countLogins(h.app, LOGINS)).toBe(LOGINS);
        expect(proxy.requests().length).toBe(before);
      });

      // Spellings curl 7.88 reads as excluding 127.0.0.1 and proxy-from-env did not: the secret and code went to the proxy.
      it.each(['example.com,127.0.0.1', '127.0.0.0/8', '10.0.0.0/8 127.0.0.1/32', '::1,localhost,127.0.0.1/8'])(
        `never sends a login to the proxy when NO_PROXY=%s excludes the http: Mi URL: ${LOGINS} logins`,
        async (noProxy) => {
          process.env.http_proxy = proxy.url;
          process.env.NO_PROXY = noProxy;
          const before = proxy.log().length;
          expect(await countLogins(h.app, LOGINS)).toBe(LOGINS);
          const seen = proxy.log().slice(before);
          expect(seen).not.toMatch(/Request|Connect/);
          expect(seen).not.toContain(CLIENT_SECRET);
          expect(seen).not.toContain('code=');
        },
      );

      it('names the environment proxy (host:port, variable) when it cannot be reached', async () => {
        const port = await freePort();
        process.env.http_proxy = `http://user:proxy-pw-Zq8x@127.0.0.1:${port}`;
        const { final } = await login(h.app);
        expect(final.status).toBe(500);
        const message = h.app.errors[0]?.message ?? '';
        expect(message).toMatch(
          new RegExp(`through the proxy 127\\.0\\.0\\.1:${port} \\(from http_proxy.*ECONNREFUSED`),
        );
        expect(message).not.toContain('proxy-pw-Zq8x');
      });
    });

    describe('an https Mi Account behind TLS, reached through CONNECT', () => {
      let tls: TlsFront;
      let h: Harness;
      afterEach(async () => {
        await h?.close();
        await tls?.close();
      });

      it(`completes ${LOGINS} logins with agent: the library's tunnelling agent, trusting the test certificate`, async () => {
        h = await startHarness({ scope: ['profile', 'openid'] });
        tls = await startTlsFront(h.emulator.port, certificate);
        const viaProxy = proxyFor(parseEndpoint(tls.url)!, { https_proxy: proxy.url })!;
        const agent = new TunnelAgent(viaProxy, { keepAlive: true, ca: certificate.cert });
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

    describe('https_proxy in the environment and an https Mi Account', () => {
      let emulator: MiEmulator | undefined;
      let tls: TlsFront | undefined;
      afterEach(async () => {
        await tls?.close();
        await emulator?.close();
      });

      // Scheme-less is plain HTTP to the proxy, as curl reads it (the proxy agents spoke TLS to tinyproxy).
      it.each([
        ['http://', 'https_proxy'],
        ['', 'HTTPS_PROXY'],
      ])(
        `a proxy URL "%s127.0.0.1:port" in %s: ${LOGINS} calls in a row through one kept-alive tunnel`,
        async (scheme, variable) => {
          emulator = await startMiAccountEmulator({ clients: [DEMO_CLIENT], users: DEMO_USERS });
          tls = await startTlsFront(emulator.port, certificate);
          const connect = `CONNECT localhost:${tls.port}`;
          const env: NodeJS.ProcessEnv = {
            PATH: process.env.PATH,
            TS_NODE_TRANSPILE_ONLY: 'true',
            // A separate process: NODE_EXTRA_CA_CERTS (how a deployment trusts a private CA) is read at start-up only.
            NODE_EXTRA_CA_CERTS: certificate.certPath,
            [variable]: `${scheme}${proxy.url.replace('http://', '')}`,
          };
          const child = join(__dirname, 'env-proxy-child.ts');
          const stdout = await new Promise<string>((resolve, reject) =>
            execFile(
              process.execPath,
              ['-r', 'ts-node/register', child, `${tls!.url}/user/profile`, String(LOGINS)],
              { cwd: join(__dirname, '../..'), env, timeout: 60_000 },
              (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
            ),
          );
          const statuses = JSON.parse(stdout) as number[];
          expect(statuses).toHaveLength(LOGINS);
          expect(statuses.every((status) => status === statuses[0] && status > 0)).toBe(true);
          expect(emulator.stats.requests['/user/profile']).toBe(LOGINS);
          expect(proxy.requests().filter((line) => line === connect)).toHaveLength(1);
        },
        90_000,
      );
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
