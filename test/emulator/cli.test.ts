import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DEMO_CLIENT, DEMO_USERS, type MiEmulator } from '../../lib/emulator';
import { runEmulatorCli } from '../../lib/emulator/cli';

const ROOT = join(__dirname, '..', '..');

describe('DEMO_CLIENT and DEMO_USERS', () => {
  it('describe the demo app with the privacy review and the example app redirect URIs', () => {
    expect(DEMO_CLIENT).toEqual({
      clientID: '2882303761517383915',
      clientSecret: expect.any(String),
      redirectURIs: 'http://localhost:3000/;http://127.0.0.1:3000/',
      sensitiveScopes: true,
      name: { en: 'Example app', 'zh-CN': '示例应用', 'zh-TW': '範例應用程式', 'zh-HK': '範例應用程式' },
    });
  });

  it('has an English name, a Chinese name and a legacy user, each with an email', () => {
    expect(DEMO_USERS.map((user) => user.nickname)).toEqual(['Alex Morgan', '李小米', 'Sam Legacy']);
    expect(DEMO_USERS.filter((user) => user.legacyUserId !== undefined)).toHaveLength(1);
    expect(DEMO_USERS.every((user) => typeof user.email === 'string')).toBe(true);
  });
});

describe('runEmulatorCli', () => {
  let emulator: MiEmulator | undefined;

  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('prints the URL and, for the example app and for any app, a line to paste that names the emulator', async () => {
    const lines: string[] = [];
    emulator = await runEmulatorCli({ MI_EMULATOR_PORT: '0' }, (line) => lines.push(line));
    expect(lines[0]).toBe(`Mi Account emulator listening on ${emulator.url}`);
    const credentials = `MI_CLIENT_ID=${DEMO_CLIENT.clientID} MI_CLIENT_SECRET=${DEMO_CLIENT.clientSecret}`;
    expect(lines).toContain(`MI_EMULATOR_URL=${emulator.url} ${credentials} npm start`);
    expect(lines).toContain(`MI_ACCOUNT_EMULATOR_HOST=127.0.0.1:${emulator.port} ${credentials}`);
    // The credentials alone would send an app to the real Mi Account: never printed without the emulator.
    const withCredentials = lines.filter((line) => line.includes('MI_CLIENT_ID='));
    expect(withCredentials).toHaveLength(2);
    for (const line of withCredentials) expect(line).toMatch(/^MI_(?:EMULATOR_URL|ACCOUNT_EMULATOR_HOST)=/);
  });

  it('prints lines whose emulator address answers as this emulator', async () => {
    const lines: string[] = [];
    emulator = await runEmulatorCli({ MI_EMULATOR_PORT: '0' }, (line) => lines.push(line));
    const env = (prefix: string): Record<string, string> =>
      Object.fromEntries(
        (lines.find((line) => line.startsWith(prefix)) ?? '')
          .split(' ')
          .filter((word) => word.includes('='))
          .map((word) => word.split('=') as [string, string]),
      );
    const exampleEnv = env('MI_EMULATOR_URL=');
    const anyAppEnv = env('MI_ACCOUNT_EMULATOR_HOST=');
    expect(exampleEnv.MI_CLIENT_ID).toBe(DEMO_CLIENT.clientID);
    expect(anyAppEnv.MI_CLIENT_SECRET).toBe(DEMO_CLIENT.clientSecret);
    for (const base of [exampleEnv.MI_EMULATOR_URL, `http://${anyAppEnv.MI_ACCOUNT_EMULATOR_HOST}`]) {
      const res = await fetch(
        `${base}/oauth2/authorize?client_id=${exampleEnv.MI_CLIENT_ID}&redirect_uri=${encodeURIComponent('http://localhost:3000/auth/mi/callback')}&response_type=code`,
      );
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Example app');
    }
  });

  it('registers the redirect URIs of MI_REDIRECT_URIS and offers the demo users', async () => {
    emulator = await runEmulatorCli(
      { MI_EMULATOR_PORT: '0', MI_REDIRECT_URIS: 'http://localhost:8080/cb' },
      () => undefined,
    );
    const authorize = (redirectUri: string): Promise<Response> =>
      fetch(
        `${emulator?.authorizationURL ?? ''}?client_id=${DEMO_CLIENT.clientID}&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code&scope=1`,
      );
    const accepted = await authorize('http://localhost:8080/cb');
    expect(accepted.status).toBe(200);
    expect(await accepted.text()).toContain('李小米');
    const refused = await authorize('http://localhost:3000/');
    expect(refused.status).toBe(400);
    await refused.text();
  });

  it('rejects a MI_EMULATOR_PORT that is not a port', async () => {
    await expect(runEmulatorCli({ MI_EMULATOR_PORT: 'http' }, () => undefined)).rejects.toThrow(/MI_EMULATOR_PORT/);
    await expect(runEmulatorCli({ MI_EMULATOR_PORT: '99999' }, () => undefined)).rejects.toThrow(/MI_EMULATOR_PORT/);
  });
});

describe('cli process', () => {
  it('serves until SIGTERM, then exits with code 0', async () => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(ROOT, 'lib/emulator/cli.ts')],
      {
        cwd: ROOT,
        env: { ...process.env, MI_EMULATOR_PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (found?.[1]) resolve(found[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${String(code)}`)));
      });
      const res = await fetch(`${url}/user/profile`, { headers: { connection: 'close' } });
      expect(res.status).toBe(200);
      await res.text();
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
