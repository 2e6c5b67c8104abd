import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { MiAccountClient, MiAccountRequestError } from '../../lib';
import { CLIENT_ID, CLIENT_SECRET } from '../helpers/mi';
import { clearProxyEnv, PROXY_VARIABLES } from '../helpers/proxy-env';
import { startFakeProxy, type FakeProxy } from './fake-proxy';
import { CASES, PASSWORD } from './proxy-failure-child';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Jest fails the running test on an error left without a listener; the child-process test sees what an app would.
describe('a proxy from the environment that fails never crashes the process', () => {
  let restoreEnv: () => void;
  let proxy: FakeProxy | undefined;

  beforeEach(() => {
    restoreEnv = clearProxyEnv();
  });
  afterEach(async () => {
    restoreEnv();
    await proxy?.close();
    proxy = undefined;
  });

  /** A token exchange against Xiaomi's real URL through `https_proxy`, and the error it ends with. */
  async function exchangeThrough(proxyUrl: string, timeout = 5000): Promise<unknown> {
    process.env.https_proxy = proxyUrl;
    const client = new MiAccountClient({
      clientID: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectURI: 'https://app.example/auth/mi/callback',
      timeout,
    });
    const err = await client.exchangeCode('code-Zq8x').then(
      () => undefined,
      (e: unknown) => e,
    );
    // Errors that arrive after the request settled (the crash of https-proxy-agent) would surface now.
    await sleep(300);
    return err;
  }

  it.each(CASES)(
    '$title: the login fails with a MiAccountRequestError naming the proxy',
    async ({ scheme, behaviour }) => {
      proxy = await startFakeProxy(behaviour);
      const err = await exchangeThrough(`${scheme}user:${PASSWORD}@127.0.0.1:${proxy.port}`);
      expect(err).toBeInstanceOf(MiAccountRequestError);
      const { message } = err as Error;
      expect(message).toContain(`proxy 127.0.0.1:${proxy.port}`);
      expect(message).not.toContain(PASSWORD);
      expect(message).not.toContain('user:');
      expect(proxy.firstBytes.length).toBeGreaterThan(0);
    },
  );

  it('the same proxies in a process of its own: it survives every one, each login failing with the proxy named', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' };
    for (const name of PROXY_VARIABLES) Reflect.deleteProperty(env, name);
    const root = join(__dirname, '../..');
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const args = ['-r', 'ts-node/register', join(__dirname, 'proxy-failure-child.ts')];
      const child = execFile(process.execPath, args, { cwd: root, env, timeout: 60_000 }, (error, out, err) =>
        resolve({ code: child.exitCode ?? (error ? 1 : 0), stdout: out, stderr: err }),
      );
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.pop()).toBe('done');
    expect(lines).toHaveLength(CASES.length);
    for (const line of lines) {
      const { port, name, message } = JSON.parse(line) as { port: number; name: string; message: string };
      expect(name).toBe('MiAccountRequestError');
      expect(message).toContain(`through the proxy 127.0.0.1:${port} (from https_proxy`);
      expect(message).not.toContain(PASSWORD);
    }
  }, 90_000);

  it('speaks plain HTTP to a proxy given without a scheme (HTTPS_PROXY=host:port), as curl', async () => {
    proxy = await startFakeProxy('reset-after-200');
    await exchangeThrough(`127.0.0.1:${proxy.port}`);
    expect(proxy.firstBytes[0]).toMatch(/^CONNECT account\.xiaomi\.com:443 HTTP\/1\.1\r\n/);
  });

  it("sends the proxy's credentials to the proxy only (Proxy-Authorization); a 407 is named, the password never", async () => {
    proxy = await startFakeProxy('refuse-407');
    const err = await exchangeThrough(`http://user:${PASSWORD}@127.0.0.1:${proxy.port}`);
    expect(err).toBeInstanceOf(MiAccountRequestError);
    expect((err as Error).message).toMatch(new RegExp(`proxy 127\\.0\\.0\\.1:${proxy.port}.*407`));
    expect((err as Error).message).not.toContain(PASSWORD);
    // The credentials went to the proxy, and only there.
    const basic = Buffer.from(`user:${PASSWORD}`).toString('base64');
    expect(proxy.firstBytes[0]).toMatch(new RegExp(`\r\nproxy-authorization: Basic ${basic}\r\n`, 'i'));
  });

  it('a proxy that hangs after CONNECT: the call times out, and the proxy closing later crashes nothing', async () => {
    proxy = await startFakeProxy('hang-after-200');
    const err = await exchangeThrough(`http://127.0.0.1:${proxy.port}`, 300);
    expect(err).toBeInstanceOf(MiAccountRequestError);
    expect((err as MiAccountRequestError).reason).toBe('timeout');
    expect((err as Error).message).toContain(`through the proxy 127.0.0.1:${proxy.port}`);
    await proxy.close();
    proxy = undefined;
    await sleep(200);
  });
});
