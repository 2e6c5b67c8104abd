import { createServer } from 'node:net';
import type { Browser } from 'playwright-core';
import { CHROMIUM_PATH, CookieAgent, HAS_BROWSER, launchChromium, REQUIRE_BROWSER, resultPath } from './support';
import { startExample, type RunningExample } from '../../example-app/server';
import { BUTTON_LABELS } from '../../lib/button';
import { DEMO_CLIENT, DEMO_USERS, startMiAccountEmulator, type MiEmulator } from '../../lib/emulator';
import { runEmulatorCli } from '../../lib/emulator/cli';

const SKIP_REASON = `SKIPPED: ${CHROMIUM_PATH} not found — apt-get install -y chromium, or set REQUIRE_BROWSER=1 to make this a failure`;
const runInBrowser = HAS_BROWSER || REQUIRE_BROWSER;
if (!runInBrowser) console.warn(`Real-browser e2e tests ${SKIP_REASON}`);
const describeBrowser = runInBrowser ? describe : describe.skip;

/** A port that was free a moment ago (the example app must listen on the port its redirect URI names). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The `NAME=value` words of a printed line, as the shell would put them in the environment. */
function envOfLine(line: string): Record<string, string> {
  return Object.fromEntries(
    line
      .split(' ')
      .filter((word) => /^[A-Z_]+=/.test(word))
      .map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]),
  );
}

describe('npm run emulator: the example app line, pasted as is', () => {
  let emulator: MiEmulator | undefined;
  let example: RunningExample | undefined;
  afterEach(async () => {
    await Promise.all([example?.close(), emulator?.close()]);
    example = emulator = undefined;
  });

  it('sends the example app to this emulator, and its credentials sign in', async () => {
    const port = await freePort();
    const lines: string[] = [];
    emulator = await runEmulatorCli({ MI_EMULATOR_PORT: '0', MI_REDIRECT_URIS: `http://127.0.0.1:${port}/` }, (line) =>
      lines.push(line),
    );
    const line = lines.find((printed) => printed.startsWith('MI_EMULATOR_URL='));
    expect(line).toMatch(/ npm start$/);
    const env = envOfLine(line!);
    expect(Object.keys(env)).toEqual(['MI_EMULATOR_URL', 'MI_CLIENT_ID', 'MI_CLIENT_SECRET']);
    example = await startExample({
      port,
      host: '127.0.0.1',
      env: { ...env, SESSION_SECRET: 'emulator-cli-line-secret' },
      log: () => undefined,
      warn: () => undefined,
    });

    const agent = new CookieAgent();
    const { response, hops } = await agent.follow(`${example.url}/auth/mi`, { 'accept-language': 'zh-CN' });
    const consent = new URL(hops[hops.length - 1]!);
    expect(consent.origin).toBe(emulator.url);
    expect(consent.searchParams.get('client_id')).toBe(DEMO_CLIENT.clientID);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<h1>允许“示例应用”访问');

    const form = new URLSearchParams(consent.searchParams);
    form.set('user', '1002');
    form.set('decision', 'approve');
    const approved = await fetch(emulator.authorizationURL, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    await approved.text();
    const { response: profile, hops: back } = await agent.follow(approved.headers.get('location')!);
    expect(new URL(back[back.length - 1]!).pathname).toBe('/profile');
    expect(await profile.text()).toContain('<h1 id="nickname">李小米</h1>');
  });
});

describeBrowser(`the emulator's consent page in Chromium (${runInBrowser ? CHROMIUM_PATH : SKIP_REASON})`, () => {
  let browser: Browser;
  let emulator: MiEmulator;
  beforeAll(async () => {
    [browser, emulator] = await Promise.all([
      launchChromium(),
      startMiAccountEmulator({
        clients: [{ ...DEMO_CLIENT, redirectURIs: 'http://127.0.0.1:9/' }],
        users: DEMO_USERS, // Sam Legacy has no avatar
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), emulator?.close()]);
  });

  it.each([
    ['zh_CN', 'zh-CN', '同意'],
    ['en_US', 'en-US', 'Approve'],
  ])(
    '_locale=%s: its language, the avatar-less user aligned with the others, its icon, no failed request',
    async (miLocale, browserLocale, approve) => {
      const context = await browser.newContext({ locale: browserLocale, viewport: { width: 480, height: 720 } });
      try {
        const page = await context.newPage();
        const problems: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(`console: ${message.text()} ${message.location().url}`);
        });
        page.on('response', (response) => {
          if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
        });
        const query = new URLSearchParams({
          client_id: DEMO_CLIENT.clientID,
          redirect_uri: 'http://127.0.0.1:9/cb',
          response_type: 'code',
          scope: '1 3 4 6',
          _locale: miLocale,
        });
        await page.goto(`${emulator.authorizationURL}?${query.toString()}`);
        expect(await page.getAttribute('html', 'lang')).toBe(browserLocale === 'en-US' ? 'en' : 'zh-CN');
        await expect(page.getByRole('button', { name: approve }).count()).resolves.toBe(1);
        expect(await page.title()).toContain(miLocale === 'zh_CN' ? BUTTON_LABELS['zh-CN'] : BUTTON_LABELS.en);
        // The page links its icon, and both that icon and /favicon.ico (which browsers ask for) are served.
        const href = await page.$eval('link[rel="icon"]', (link) => (link as HTMLLinkElement).href);
        expect(href).toBe(`${emulator.url}/favicon.svg`);
        for (const url of [href, `${emulator.url}/favicon.ico`]) {
          const icon = await context.request.get(url);
          expect({ url, status: icon.status(), type: icon.headers()['content-type'] }).toEqual({
            url,
            status: 200,
            type: 'image/svg+xml',
          });
        }
        // Every user row: the 32×32 picture starts where the others do, and the names line up.
        const rows = await page.$$eval('fieldset label', (labels) =>
          labels.map((label) => {
            const box = label.querySelector('.avatar')?.getBoundingClientRect();
            const name = label.querySelector('span:not(.avatar)')?.getBoundingClientRect();
            return { avatar: box && [box.left, box.width, box.height], nameLeft: name?.left };
          }),
        );
        expect(rows).toHaveLength(3);
        expect(rows[1]).toEqual(rows[0]);
        expect(rows[2]).toEqual(rows[0]);
        expect(rows[0]!.avatar?.slice(1)).toEqual([32, 32]);
        await page.screenshot({ path: resultPath(`emulator-consent-${miLocale}.png`), fullPage: true });
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});
