import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startExample, type RunningExample } from '../../example-app/server';
import { DEMO_CLIENT, DEMO_USERS, startMiAccountEmulator, type MiEmulator } from '../../lib/emulator';
import { freePort } from '../helpers/app';
import { describeWithBinaries } from './binaries';
import { startNginx, type Nginx } from './nginx';
import { createTestCertificate, type TestCertificate } from './tls';
import { TlsBrowser } from './tls-browser';

const USER = DEMO_USERS[0]!;
const LOGINS = 10;

// nginx terminates TLS on https://localhost:PORT and proxies to the example app on 127.0.0.1, which only sets
// app.set('trust proxy', 'loopback') (TRUST_PROXY=loopback): the callback URL must come out as nginx's public one.
describeWithBinaries({ nginx: 'nginx', openssl: 'openssl' }, 'a full login through a real nginx reverse proxy', () => {
  let dir: string;
  let certificate: TestCertificate;
  let nginx: Nginx | undefined;
  let emulator: MiEmulator | undefined;
  let example: RunningExample | undefined;
  const serverLog: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mi-reverse-proxy-'));
    certificate = createTestCertificate(dir);
    const appPort = await freePort();
    nginx = await startNginx(appPort, certificate);
    const publicOrigin = `https://localhost:${nginx.port}/`;
    emulator = await startMiAccountEmulator({
      clients: [{ ...DEMO_CLIENT, redirectURIs: publicOrigin }],
      users: DEMO_USERS,
      autoApprove: USER.id,
    });
    example = await startExample({
      port: appPort,
      host: '127.0.0.1',
      env: {
        SESSION_SECRET: 'reverse-proxy-test-secret',
        MI_EMULATOR_URL: emulator.url,
        MI_REDIRECT_URIS: publicOrigin,
        TRUST_PROXY: 'loopback',
      },
      log: () => undefined,
      warn: (...args: unknown[]) => serverLog.push(args.map(String).join(' ')),
    });
  });
  afterAll(async () => {
    await example?.close();
    await emulator?.close();
    await nginx?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => expect(serverLog).toEqual([]));

  it('sends Mi Account the public https callback on nginx, not the app’s own http address', async () => {
    const browser = new TlsBrowser(certificate.cert);
    const start = await browser.request(`${nginx!.url}/auth/mi`);
    expect(start.status).toBe(302);
    const authorize = new URL(start.location!);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${nginx!.url}/auth/mi/callback`);
  });

  it(`completes ${LOGINS} of ${LOGINS} logins through nginx, each ending on the profile page`, async () => {
    let completed = 0;
    for (let i = 0; i < LOGINS; i += 1) {
      const browser = new TlsBrowser(certificate.cert);
      const { last, hops } = await browser.follow(`${nginx!.url}/auth/mi`);
      expect(hops.at(-2)).toMatch(new RegExp(`^${nginx!.url}/auth/mi/callback\\?code=`));
      expect(hops.at(-1)).toBe(`${nginx!.url}/profile`);
      if (last.status === 200 && last.body.includes(`<h1 id="nickname">${USER.nickname}</h1>`)) completed += 1;
    }
    console.info(`Logins through nginx (TLS, trust proxy 'loopback'): ${completed} of ${LOGINS}`);
    expect(completed).toBe(LOGINS);
  });

  it('refreshes the tokens through nginx (the refresh sends the same public redirect URI)', async () => {
    const browser = new TlsBrowser(certificate.cert);
    const { last } = await browser.follow(`${nginx!.url}/auth/mi`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(last.body)?.[1];
    expect(csrf).toBeDefined();
    const refreshed = await browser.request(`${nginx!.url}/refresh`, { method: 'POST', form: { _csrf: csrf! } });
    expect(refreshed.status).toBe(303);
    const profile = await browser.request(`${nginx!.url}/profile`);
    expect(profile.body).toContain('Access token refreshed.');
  });
});
