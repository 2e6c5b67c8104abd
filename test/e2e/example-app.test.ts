import { get } from 'node:http';
import { CookieAgent, serverInternals } from './support';
import { startExample, type RunningExample } from '../../example-app/server';
import { BUTTON_LABELS } from '../../lib/button';
import { DEMO_CLIENT } from '../../lib/emulator';

const ENV = { SESSION_SECRET: 'example-app-test-secret' };

function csrfTokenOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token on the page');
  return match[1];
}

/** GET with any Host header (fetch sets its own), on a fresh connection. */
function getWithHost(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.setTimeout(5000, () => request.destroy(new Error('timed out')));
    request.once('error', reject);
  });
}

describe('example app over HTTP (embedded emulator, auto-approving user 1001)', () => {
  let example: RunningExample;
  const banner: string[] = [];
  const serverLog: string[] = [];

  beforeAll(async () => {
    example = await startExample({
      port: 0,
      host: '127.0.0.1',
      env: ENV,
      log: (line) => banner.push(line),
      warn: (...args) => serverLog.push(args.map(String).join(' ')),
      emulatorOptions: { autoApprove: '1001' },
    });
  });
  afterAll(() => example?.close());

  async function signIn(agent = new CookieAgent()): Promise<{ agent: CookieAgent; html: string }> {
    const { response, hops } = await agent.follow(`${example.url}/auth/mi`);
    expect(new URL(hops[hops.length - 1]!).pathname).toBe('/profile');
    expect(response.status).toBe(200);
    return { agent, html: await response.text() };
  }

  /** Starts a login in the agent's session (without going to Mi Account) and returns its state. */
  async function pendingLoginState(agent: CookieAgent): Promise<string> {
    const start = await agent.request(`${example.url}/auth/mi`);
    return new URL(start.headers.get('location')!).searchParams.get('state')!;
  }

  it('prints a banner naming the embedded emulator, the app URL and the demo users', () => {
    const text = banner.join('\n');
    expect(text).toContain(`passport-mi-account example app: ${example.url}`);
    expect(text).toContain(`built-in Mi Account emulator at ${example.emulator!.url}`);
    expect(text).toMatch(/Alex Morgan \(1001\), 李小米 \(1002\), Sam Legacy \(1003\)/);
  });

  it('serves the home page with the sign-in button and helmet security headers', async () => {
    const response = await fetch(`${example.url}/`, { headers: { 'accept-language': 'en-US,en;q=0.9' } });
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain('<a class="mi-account-btn mi-account-btn--orange mi-account-btn--medium" href="/auth/mi"');
    expect(html).toContain(BUTTON_LABELS.en);
    const csp = response.headers.get('content-security-policy') ?? '';
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    // Every <style> block (page CSS and the button's) carries this response's nonce.
    const styleTags = html.match(/<style[^>]*>/g) ?? [];
    expect(styleTags.length).toBeGreaterThanOrEqual(2);
    for (const tag of styleTags) expect(tag).toBe(`<style nonce="${nonce}">`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('uses a fresh CSP nonce on every response', async () => {
    const nonces = await Promise.all(
      [1, 2].map(async () => (await fetch(`${example.url}/`)).headers.get('content-security-policy')),
    );
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it('labels the button in the language of Accept-Language', async () => {
    const html = await (
      await fetch(`${example.url}/`, { headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' } })
    ).text();
    expect(html).toContain(BUTTON_LABELS['zh-CN']);
    expect(html).toMatch(/class="mi-account-btn[^"]*" href="\/auth\/mi" lang="zh-CN" dir="ltr"/);
  });

  it('sets no session cookie for a visitor who only reads the home page', async () => {
    const response = await fetch(`${example.url}/`);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('answers an unknown path with a friendly 404 page', async () => {
    const response = await fetch(`${example.url}/no/such/page?x=<b>`);
    const html = await response.text();
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('<h1>Page not found</h1>');
    expect(html).toContain('<code>/no/such/page</code>');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'none'");
  });

  it('redirects /profile to the home page when signed out', async () => {
    const response = await fetch(`${example.url}/profile`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/');
  });

  it('starts the login at the emulator with the four scopes, the absolute callback and the Mi locale', async () => {
    const response = await fetch(`${example.url}/auth/mi`, {
      redirect: 'manual',
      headers: { 'accept-language': 'de-DE,de;q=0.9' },
    });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(example.emulator!.authorizationURL);
    expect(location.searchParams.get('client_id')).toBe(DEMO_CLIENT.clientID);
    expect(location.searchParams.get('scope')).toBe('1 3 4 6');
    expect(location.searchParams.get('redirect_uri')).toBe(`${example.url}/auth/mi/callback`);
    expect(location.searchParams.get('_locale')).toBe('de_DE');
    expect(location.searchParams.get('state')).toMatch(/\S{8,}/);
  });

  it('keeps the session in an HttpOnly, SameSite=Lax cookie (not Secure over plain http)', async () => {
    const response = await fetch(`${example.url}/auth/mi`, { redirect: 'manual' });
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toMatch(/^mi-example\.sid=/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toMatch(/; Secure/);
  });

  it('signs in and shows the profile with IDs, scopes, phone, email and masked tokens', async () => {
    const { html } = await signIn();
    expect(html).toContain('<h1 id="nickname">Alex Morgan</h1>');
    expect(html).toMatch(/id="open-id"><code>2\.0\S{10,}<\/code>/);
    expect(html).toMatch(/id="union-id"><code>\S+<\/code>/);
    expect(html).toContain('alex.morgan@example.com');
    expect(html).toContain('+1 202 555 0143');
    for (const scope of ['profile', 'openid', 'phone', 'email'])
      expect(html).toContain(`<li>${scope} <span class="muted">`);
    expect(html).toMatch(/id="access-token"><code>\S{6}… \(\d+ characters\)<\/code>/);
    expect(html).toMatch(/id="refresh-token"><code>\S{6}… \(\d+ characters\)<\/code>/);
  });

  it('refuses the refresh demo without the CSRF token (403, friendly page)', async () => {
    const { agent } = await signIn();
    const response = await agent.request(`${example.url}/refresh`, { form: { _csrf: 'forged' } });
    const html = await response.text();
    expect(response.status).toBe(403);
    expect(html).toContain('This form has expired');
  });

  it('refreshes the access token and proves the old refresh token is dead', async () => {
    const { agent, html } = await signIn();
    const before = /id="access-token"><code>([^<]+)</.exec(html)?.[1];
    const response = await agent.request(`${example.url}/refresh`, { form: { _csrf: csrfTokenOf(html) } });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/profile');
    const after = await (await agent.request(`${example.url}/profile`)).text();
    expect(after).toContain('Access token refreshed.');
    expect(after).toContain('96009 OA_INVALID_REFRESHTOKEN');
    expect(/id="access-token"><code>([^<]+)</.exec(after)?.[1]).not.toBe(before);
    // The notice is shown once.
    expect(await (await agent.request(`${example.url}/profile`)).text()).not.toContain('Access token refreshed.');
  });

  it('signs out with POST /logout; /profile then redirects home', async () => {
    const { agent, html } = await signIn();
    const response = await agent.request(`${example.url}/logout`, { form: { _csrf: csrfTokenOf(html) } });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    const profile = await agent.request(`${example.url}/profile`);
    expect(profile.status).toBe(302);
  });

  it('shows the login-failed page when the user refuses on Mi Account', async () => {
    const agent = new CookieAgent();
    const state = await pendingLoginState(agent);
    const { response, hops } = await agent.follow(
      `${example.url}/auth/mi/callback?error=96012&error_description=user%20said%20no&state=${state}`,
    );
    const html = await response.text();
    expect(hops.map((hop) => new URL(hop).pathname + new URL(hop).search)).toEqual([
      `/auth/mi/callback?error=96012&error_description=user%20said%20no&state=${state}`,
      '/login?failed=1',
    ]);
    expect(response.status).toBe(200);
    expect(html).toContain('You cancelled the sign-in');
    expect(html).toContain('Details: user said no');
  });

  it('shows the login-failed page, with the likely causes, when the OAuth state does not match', async () => {
    const agent = new CookieAgent();
    await agent.request(`${example.url}/auth/mi`); // a session with a pending login
    const { response, hops } = await agent.follow(`${example.url}/auth/mi/callback?code=abc&state=forged`);
    const html = await response.text();
    expect(new URL(hops[hops.length - 1]!).pathname).toBe('/login');
    expect(html).toContain('The sign-in did not complete');
    expect(html).toMatch(/Details: .*state/i);
    expect(serverInternals(html)).toEqual([]);
  });

  it('shows a generic login-failed page when there is no failure to report (reload)', async () => {
    const html = await (await fetch(`${example.url}/login?failed=1`)).text();
    expect(html).toContain('The sign-in did not complete');
    expect(html).not.toContain('Details:');
    // Signed out: the header offers no profile, and the page says so.
    expect(html).not.toContain('Your profile');
    expect(html).toContain('No account was signed in.');
  });

  it('a callback loaded again after signing in: title, header and page all say the visitor is still signed in', async () => {
    const agent = new CookieAgent();
    const { hops } = await agent.follow(`${example.url}/auth/mi`);
    const callback = hops.find((hop) => new URL(hop).pathname === '/auth/mi/callback');
    expect(new URL(hops[hops.length - 1]!).pathname).toBe('/profile');
    const replay = await agent.follow(callback!);
    const html = await replay.response.text();
    expect(new URL(replay.hops[replay.hops.length - 1]!).pathname).toBe('/login');
    expect(html).toContain('<title>The sign-in did not complete · passport-mi-account example</title>');
    expect(html).toContain('<a class="home" href="/profile">Your profile</a>');
    expect(html).toContain('<h1>The sign-in did not complete</h1>');
    expect(html).toContain('You are still signed in as <strong>Alex Morgan</strong>. This attempt changed nothing.');
    expect(html).toContain('<a class="btn" href="/profile">Open your profile</a>');
    expect(html).not.toContain('No account was signed in');
    expect((await agent.request(`${example.url}/profile`)).status).toBe(200);
  });

  it('a Mi Account error on a new sign-in while signed in: the error page says the visitor is still signed in', async () => {
    const { agent } = await signIn();
    const response = await agent.request(
      `${example.url}/auth/mi/callback?error=96013&state=${await pendingLoginState(agent)}`,
    );
    const html = await response.text();
    expect(response.status).toBe(400);
    expect(html).toContain('<a class="home" href="/profile">Your profile</a>');
    expect(html).toContain('The sign-in request was not valid or has expired, so it changed nothing.');
    expect(html).toContain(
      '<p id="still-signed-in">You are still signed in as <strong>Alex Morgan</strong>. <a href="/profile">Open your profile</a>.</p>',
    );
    expect(html).not.toContain('sign in again');
  });

  it('shows the Mi code, name and hint of an authorization error (502), without a stack trace', async () => {
    const agent = new CookieAgent();
    const response = await agent.request(
      `${example.url}/auth/mi/callback?error=96010&state=${await pendingLoginState(agent)}`,
    );
    const html = await response.text();
    expect(response.status).toBe(502);
    expect(html).toContain('<code>96010 OA_INVALID_REDIRECT_URI</code>');
    expect(html).toContain('does not match any redirect URI registered on the Mi developer console');
    expect(serverInternals(html)).toEqual([]);
  });

  it('answers a Mi Account error the user caused (96013 on the callback: status 400) with 400, not 502', async () => {
    const agent = new CookieAgent();
    const before = serverLog.length;
    const response = await agent.request(
      `${example.url}/auth/mi/callback?error=96013&state=${await pendingLoginState(agent)}`,
    );
    const html = await response.text();
    expect(response.status).toBe(400);
    expect(html).toContain('<code>96013 OA_INVALID_CODE</code>');
    expect(html).toContain('Go back to the home page and sign in again.');
    expect(html).not.toContain('still signed in');
    expect(serverInternals(html)).toEqual([]);
    // The visitor's mistake, not the server's: nothing to log.
    expect(serverLog.slice(before)).toEqual([]);
  });

  it.each([
    ['a name ending in a number (foo.1), which URL parsers read as an IPv4 address', 'foo.1'],
    ['an IPv4 address with an octet above 255', '999.1.1.1'],
    ['a shortened IPv4 address (1.2.3), which URL parsers rewrite to 1.2.0.3', '1.2.3'],
    ['an empty label (a..b)', 'a..b'],
    ['10 KB long', `${'a'.repeat(63)}.`.repeat(160) + 'example'],
  ])('answers a Host that is %s with a plain 400, logging nothing', async (_name, host) => {
    const before = serverLog.length;
    for (const path of ['/auth/mi', '/auth/mi/callback?code=abc&state=x', '/']) {
      const { status, body } = await getWithHost(example.port, path, host);
      expect({ path, status }).toEqual({ path, status: 400 });
      expect(serverInternals(body)).toEqual([]);
    }
    expect(serverLog.slice(before)).toEqual([]);
  });

  it.each(['127.0.0.1', 'localhost', 'LocalHost', 'app.example:8443', '[::1]', 'xn--bcher-kva.example'])(
    'still serves the home page for Host %s',
    async (host) => {
      expect((await getWithHost(example.port, '/', host)).status).toBe(200);
    },
  );

  it('answers a failing token endpoint with a 502 page that names the problem, without stack trace or secret', async () => {
    example.emulator!.setFault('/oauth2/token', 'html502');
    try {
      const { response } = await new CookieAgent().follow(`${example.url}/auth/mi`);
      const html = await response.text();
      expect(response.status).toBe(502);
      expect(html).toContain('Signing in with Mi Account failed');
      expect(html).toMatch(/answered HTTP 502 with text\/html/);
      expect(serverInternals(html)).toEqual([]);
      expect(html).not.toContain(DEMO_CLIENT.clientSecret);
      expect(serverLog.join('\n')).toContain('Mi Account token exchange failed');
    } finally {
      example.emulator!.setFault('/oauth2/token', null);
    }
  });

  it('answers a malformed form post with a 4xx page, not a crash', async () => {
    const { agent } = await signIn();
    const response = await agent.request(`${example.url}/refresh`, { form: { _csrf: 'x'.repeat(10_000) } });
    expect(response.status).toBe(413);
    expect(serverInternals(await response.text())).toEqual([]);
  });
});

describe('example app start-up', () => {
  it('refuses to start for the real Mi Account without MI_CLIENT_SECRET, leaving nothing open', async () => {
    await expect(
      startExample({ port: 0, host: '127.0.0.1', env: { MI_CLIENT_ID: '2882303761517000000' }, log: () => undefined }),
    ).rejects.toThrow('MI_CLIENT_SECRET is required when MI_CLIENT_ID is set');
  });

  it('warns when SESSION_SECRET is missing and uses a random one', async () => {
    const warnings: string[] = [];
    const example = await startExample({
      port: 0,
      host: '127.0.0.1',
      env: {},
      log: () => undefined,
      warn: (line) => warnings.push(String(line)),
    });
    await example.close();
    expect(warnings.join('\n')).toMatch(/SESSION_SECRET is not set/);
  });

  it('talks to an already running emulator given by MI_EMULATOR_URL, with the demo client', async () => {
    const lines: string[] = [];
    const running = await startExample({ port: 0, host: '127.0.0.1', env: ENV, log: () => undefined });
    try {
      const example = await startExample({
        port: 0,
        host: '127.0.0.1',
        env: { ...ENV, MI_EMULATOR_URL: running.emulator!.url },
        log: (line) => lines.push(line),
      });
      try {
        expect(example.emulator).toBeUndefined();
        expect(lines.join('\n')).toContain(
          `Mi Account emulator at ${running.emulator!.url} (MI_EMULATOR_URL) with its demo client`,
        );
        const response = await fetch(`${example.url}/auth/mi`, { redirect: 'manual' });
        expect(response.headers.get('location')).toMatch(new RegExp(`^${running.emulator!.authorizationURL}\\?`));
      } finally {
        await example.close();
      }
    } finally {
      await running.close();
    }
  });
});

describe('example app with DEBUG=passport-mi-account', () => {
  let example: RunningExample;
  const lines: string[] = [];

  beforeAll(async () => {
    example = await startExample({
      port: 0,
      host: '127.0.0.1',
      env: { ...ENV, DEBUG: 'express:*,passport-mi-account' },
      log: (line) => lines.push(line),
      warn: () => undefined,
      emulatorOptions: { autoApprove: '1001' },
    });
  });
  afterAll(() => example?.close());

  it('prints the time of each milestone of a login, one line per leg', async () => {
    const { hops } = await new CookieAgent().follow(`${example.url}/auth/mi`);
    expect(new URL(hops[hops.length - 1]!).pathname).toBe('/profile');
    expect(lines.join('\n')).toContain('timings:       printed per login');
    expect(lines).toContainEqual(expect.stringMatching(/^login #\d+: redirect \d+\.\d ms$/));
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^login #\d+: callback \d+\.\d ms → tokens \d+\.\d ms → profile \d+\.\d ms → success \d+\.\d ms$/,
      ),
    );
  });

  it('stops printing once closed', async () => {
    const running = await startExample({
      port: 0,
      host: '127.0.0.1',
      env: { ...ENV, DEBUG: '*' },
      log: () => undefined,
      emulatorOptions: { autoApprove: '1001' },
    });
    await running.close();
    const before = lines.length;
    await new CookieAgent().follow(`${example.url}/auth/mi`);
    // Only the still-running example printed: its redirect and its callback line.
    expect(lines.length - before).toBe(2);
  });
});
