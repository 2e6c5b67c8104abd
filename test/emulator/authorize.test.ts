import type { MiEmulator } from '../../lib/emulator';
import {
  approve,
  authorizeGet,
  authorizePost,
  CLIENT,
  codeParams,
  getCode,
  login,
  openApi,
  PLAIN_CLIENT,
  REDIRECT,
  start,
  tokenRequest,
} from './helpers';

let emulator: MiEmulator;

afterEach(async () => {
  await emulator.close();
});

const REQUEST = {
  client_id: CLIENT.clientID,
  redirect_uri: REDIRECT,
  response_type: 'code',
  scope: '1 3 6',
  state: 'st4te',
  skip_confirm: 'false',
  _locale: 'en_US',
};

describe('consent page', () => {
  beforeEach(async () => {
    emulator = await start();
  });

  it('is an HTML page with a lang attribute, a heading naming the app and the scopes in words, and security headers', async () => {
    const res = await authorizeGet(emulator, REQUEST);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain(`<h1>Allow app ${CLIENT.clientID} to access your profile, openId and email address?</h1>`);
  });

  it('has a post form to /oauth2/authorize carrying every original parameter in hidden inputs', async () => {
    const html = await (await authorizeGet(emulator, REQUEST)).text();
    expect(html).toContain('<form method="post" action="/oauth2/authorize">');
    for (const [name, value] of Object.entries(REQUEST)) {
      expect(html).toContain(`<input type="hidden" name="${name}" value="${value}">`);
    }
  });

  it('offers every user as a labelled radio button, the first one checked, and Approve / Deny buttons', async () => {
    const html = await (await authorizeGet(emulator, REQUEST)).text();
    expect(html).toContain('<label for="user-0"><input type="radio" id="user-0" name="user" value="u1" checked>');
    expect(html).toContain('<label for="user-1"><input type="radio" id="user-1" name="user" value="u2">');
    expect(html).toContain('Alex Morgan');
    expect(html).toContain('李小米');
    expect(html).toContain('<legend>Sign in as</legend>');
    expect(html).toContain('<button type="submit" name="decision" value="approve">Approve</button>');
    expect(html).toContain('<button type="submit" name="decision" value="deny">Deny</button>');
  });

  it('HTML-escapes a hostile state', async () => {
    const html = await (await authorizeGet(emulator, { ...REQUEST, state: '"><script>alert(1)</script>' })).text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('HTML-escapes hostile user data', async () => {
    await emulator.close();
    emulator = await start({ users: [{ id: 'x"><b>', nickname: '<img src=x onerror=alert(1)>' }] });
    const html = await (await authorizeGet(emulator, REQUEST)).text();
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('says "sign in" when every requested scope is unavailable to the app', async () => {
    const html = await (
      await authorizeGet(emulator, { ...REQUEST, client_id: PLAIN_CLIENT.clientID, scope: '6' })
    ).text();
    expect(html).toContain(`<h1>Sign in to app ${PLAIN_CLIENT.clientID} with your Mi Account</h1>`);
  });

  it('asks for profile and openId when the request has no scope parameter', async () => {
    const { scope: _omitted, ...rest } = REQUEST;
    const html = await (await authorizeGet(emulator, rest)).text();
    expect(html).toContain(`<h1>Allow app ${CLIENT.clientID} to access your profile and openId?</h1>`);
  });

  it('shows the app by its display name and icon, as Mi does, when the client has them', async () => {
    await emulator.close();
    emulator = await start({
      clients: [{ ...CLIENT, name: 'Tea & Co <Shop>', icon: 'https://cdn.example.com/tea.png?s=64&x=1' }],
    });
    const html = await (await authorizeGet(emulator, { ...REQUEST, scope: '1' })).text();
    expect(html).toContain('<h1>Allow Tea &amp; Co &lt;Shop&gt; to access your profile?</h1>');
    expect(html).toContain('<title>Sign in with Mi Account — Tea &amp; Co &lt;Shop&gt;</title>');
    expect(html).toContain('<img class="app-icon" src="https://cdn.example.com/tea.png?s=64&amp;x=1" alt="">');
    expect(html).not.toContain(`app ${CLIENT.clientID}`);
  });

  it('mentions phone and email as unavailable to an app without the privacy review', async () => {
    const html = await (
      await authorizeGet(emulator, { ...REQUEST, client_id: PLAIN_CLIENT.clientID, scope: '1 4 6' })
    ).text();
    expect(html).toContain(`<h1>Allow app ${PLAIN_CLIENT.clientID} to access your profile?</h1>`);
    expect(html).toContain('Not available to this app (no privacy review): your phone number and your email address.');
  });
});

describe('approve and deny', () => {
  beforeEach(async () => {
    emulator = await start();
  });

  it('Approve redirects (302) to redirect_uri with code and state in the query', async () => {
    const res = await authorizePost(emulator, { ...REQUEST, user: 'u1', decision: 'approve' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get('code')).toMatch(/^[\w-]{20,}$/);
    expect(location.searchParams.get('state')).toBe('st4te');
    expect(location.hash).toBe('');
  });

  it('appends code and state to a redirect_uri that already has a query', async () => {
    const location = await approve(emulator, { redirectUri: 'https://app.example.com/oauth/cb?next=%2Fhome&x=1' });
    expect(location.pathname).toBe('/oauth/cb');
    expect([...location.searchParams.keys()]).toEqual(['next', 'x', 'code', 'state']);
    expect(location.searchParams.get('next')).toBe('/home');
  });

  it('echoes a state with special characters unchanged', async () => {
    const state = 'a b&c=d/é?#"';
    const location = await approve(emulator, { state });
    expect(location.searchParams.get('state')).toBe(state);
  });

  it('signs in the user picked on the form', async () => {
    const tokens = await login(emulator, { user: 'u2', scope: '1' });
    const { body } = await openApi(emulator, '/user/profile', { token: tokens.access_token, macKey: tokens.mac_key });
    expect(body.data?.miliaoNick).toBe('李小米');
  });

  it('Deny redirects with error=96012, an error_description and the state', async () => {
    const res = await authorizePost(emulator, { ...REQUEST, user: 'u1', decision: 'deny' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('96012');
    expect(location.searchParams.get('error_description')).toMatch(/denied/);
    expect(location.searchParams.get('state')).toBe('st4te');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('redirects with 96002 when the form names no known user', async () => {
    const res = await authorizePost(emulator, { ...REQUEST, user: 'nobody', decision: 'approve' });
    expect(new URL(res.headers.get('location') ?? '').searchParams.get('error')).toBe('96002');
  });

  it('redirects with 96002 when the form has no decision', async () => {
    const res = await authorizePost(emulator, { ...REQUEST, user: 'u1' });
    expect(new URL(res.headers.get('location') ?? '').searchParams.get('error')).toBe('96002');
  });

  it('re-validates the redirect_uri on the POST: a tampered one gets the 96010 page, not a redirect', async () => {
    const res = await authorizePost(emulator, {
      ...REQUEST,
      redirect_uri: 'https://evil.example/cb',
      user: 'u1',
      decision: 'approve',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('96010');
  });

  it('re-validates the client on the POST', async () => {
    const res = await authorizePost(emulator, { ...REQUEST, client_id: '42', user: 'u1', decision: 'approve' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('96001');
  });
});

describe('autoApprove', () => {
  it('skips the consent page and approves as the given user at once', async () => {
    emulator = await start({ autoApprove: 'u2' });
    const res = await authorizeGet(emulator, REQUEST);
    expect(res.status).toBe(302);
    const code = new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const reply = await tokenRequest(emulator, codeParams(code));
    const { body } = await openApi(emulator, '/user/profile', {
      token: String(reply.json.access_token),
      macKey: String(reply.json.mac_key),
    });
    expect(body.data?.miliaoNick).toBe('李小米');
  });

  it('rejects a user id that is not one of the users', async () => {
    await expect(start({ autoApprove: 'ghost' })).rejects.toThrow(/autoApprove "ghost" is not one of the users/);
    emulator = await start();
  });
});

describe('client and redirect_uri errors are pages, never redirects', () => {
  beforeEach(async () => {
    emulator = await start();
  });

  it('an unknown client_id gets an HTML page naming 96001 OA_CLIENT_NOT_EXISTS with HTTP 400', async () => {
    const res = await authorizeGet(emulator, { ...REQUEST, client_id: '123456' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('96001');
    expect(html).toContain('OA_CLIENT_NOT_EXISTS');
  });

  it('a missing client_id gets the 96001 page', async () => {
    const { client_id: _omitted, ...rest } = REQUEST;
    const res = await authorizeGet(emulator, rest);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('96001');
  });

  it.each([
    ['another scheme', 'https://localhost:3000/cb'],
    ['another port', 'http://localhost:8080/cb'],
    ['another host', 'http://evil.example/cb'],
    ['a look-alike host that is not a sub-domain', 'https://xapp.example.com/oauth'],
    ['a sibling path that is not a sub-path', 'https://app.example.com/oauth2'],
    ['a fragment', 'http://localhost:3000/cb#x'],
    ['user-info', 'http://user@localhost:3000/cb'],
    ['no URL syntax', 'cb'],
    ['an empty value', ''],
  ])('a redirect_uri with %s gets the 96010 page and no Location header', async (_why, redirectUri) => {
    const res = await authorizeGet(emulator, { ...REQUEST, redirect_uri: redirectUri });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(html).toContain('96010');
    expect(html).toContain('OA_INVALID_REDIRECT_URI');
  });

  it('a missing redirect_uri gets the 96010 page', async () => {
    const { redirect_uri: _omitted, ...rest } = REQUEST;
    const res = await authorizeGet(emulator, rest);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('96010');
  });

  it('accepts a sub-domain and sub-path of a registered URI (protocol §2)', async () => {
    const res = await authorizeGet(emulator, {
      ...REQUEST,
      redirect_uri: 'https://x.app.example.com/oauth/path?x=1&y=2',
    });
    expect(res.status).toBe(200);
    await res.text();
  });
});

describe('errors after the redirect_uri is trusted are redirects with a numeric error', () => {
  beforeEach(async () => {
    emulator = await start();
  });

  async function errorOf(params: Record<string, string>): Promise<URLSearchParams> {
    const res = await authorizeGet(emulator, params);
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location') ?? '').searchParams;
  }

  it.each([['id_token'], ['CODE'], ['']])('response_type "%s" → error=96011 with the state', async (responseType) => {
    const params = await errorOf({ ...REQUEST, response_type: responseType });
    expect(params.get('error')).toBe('96011');
    expect(params.get('state')).toBe('st4te');
  });

  it.each([['profile'], ['1,3'], ['1 x'], ['01'], ['99999']])('scope "%s" → error=96007', async (scope) => {
    const params = await errorOf({ ...REQUEST, scope });
    expect(params.get('error')).toBe('96007');
    expect(params.get('error_description')).toBeTruthy();
  });
});

describe('granted scopes', () => {
  beforeEach(async () => {
    emulator = await start();
  });

  it('grants phone and email to an app with the privacy review', async () => {
    const tokens = await login(emulator, { scope: '1 4 6' });
    expect(tokens.scope).toBe('1 4 6');
  });

  it('silently drops phone and email for an app without the privacy review', async () => {
    const tokens = await login(emulator, {
      clientID: PLAIN_CLIENT.clientID,
      redirectUri: 'http://localhost:3000/cb',
      scope: '1 4 3 6',
    });
    expect(tokens.scope).toBe('1 3');
    const { body } = await openApi(emulator, '/user/phoneAndEmail', {
      clientId: PLAIN_CLIENT.clientID,
      token: tokens.access_token,
      macKey: tokens.mac_key,
    });
    expect(body.code).toBe(96007);
  });

  it('grants the basic scopes 1 and 3 for a blank scope', async () => {
    const tokens = await login(emulator, { scope: '' });
    expect(tokens.scope).toBe('1 3');
  });

  it('grants scopes 1 and 3 without a scope parameter, and the token reads /user/profile (protocol §7)', async () => {
    await emulator.close();
    emulator = await start({ autoApprove: 'u2' });
    const { scope: _omitted, ...rest } = REQUEST;
    const res = await authorizeGet(emulator, rest);
    const code = new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const reply = await tokenRequest(emulator, codeParams(code));
    expect(reply.json.scope).toBe('1 3');
    const profile = await openApi(emulator, '/user/profile', {
      token: String(reply.json.access_token),
      macKey: String(reply.json.mac_key),
    });
    expect(profile.body).toMatchObject({ result: 'ok', data: { miliaoNick: '李小米' } });
  });

  it('de-duplicates repeated scope IDs', async () => {
    const tokens = await login(emulator, { scope: '3 1 3' });
    expect(tokens.scope).toBe('3 1');
  });
});

describe('implicit grant (response_type=token)', () => {
  beforeEach(async () => {
    emulator = await start();
  });

  it('redirects with the tokens in the fragment and no refresh token', async () => {
    const location = await approve(emulator, { responseType: 'token', scope: '1 3', state: 's 1' });
    expect(location.search).toBe('');
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect([...fragment.keys()]).toEqual([
      'access_token',
      'token_type',
      'expires_in',
      'mac_algorithm',
      'mac_key',
      'scope',
      'state',
    ]);
    expect(fragment.get('token_type')).toBe('mac');
    expect(fragment.get('expires_in')).toBe('7776000');
    expect(fragment.get('mac_algorithm')).toBe('HmacSha1');
    expect(fragment.get('scope')).toBe('1 3');
    expect(fragment.get('state')).toBe('s 1');
    expect(location.hash).toContain('scope=1%203');
  });

  it('gives a token that works on the Open API', async () => {
    const location = await approve(emulator, { responseType: 'token', scope: '1' });
    const fragment = new URLSearchParams(location.hash.slice(1));
    const { body } = await openApi(emulator, '/user/profile', {
      token: fragment.get('access_token') ?? '',
      macKey: fragment.get('mac_key') ?? '',
    });
    expect(body.result).toBe('ok');
  });

  it('redirects an implicit-grant request straight to the token fragment under autoApprove', async () => {
    await emulator.close();
    emulator = await start({ autoApprove: 'u1' });
    const res = await authorizeGet(emulator, { ...REQUEST, response_type: 'token' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/#access_token=[\w-]+&token_type=mac&expires_in=7776000&/);
  });
});

describe('hostile input', () => {
  beforeEach(async () => {
    emulator = await start();
  });

  it('a repeated client_id gets a 96002 page', async () => {
    const res = await fetch(
      `${emulator.authorizationURL}?client_id=${CLIENT.clientID}&client_id=1&redirect_uri=${encodeURIComponent(REDIRECT)}`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('96002');
  });

  it('a repeated state is reported with 96002 and not echoed', async () => {
    const res = await fetch(
      `${emulator.authorizationURL}?client_id=${CLIENT.clientID}&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code&state=a&state=b`,
      {
        redirect: 'manual',
      },
    );
    const params = new URL(res.headers.get('location') ?? '').searchParams;
    expect(params.get('error')).toBe('96002');
    expect(params.has('state')).toBe(false);
  });

  it('survives bad percent-encoding', async () => {
    const res = await fetch(`${emulator.authorizationURL}?client_id=%zz&redirect_uri=%E0%A4%A&state=%`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('96001');
  });

  it('rejects a body over 64 KB with 413', async () => {
    const res = await authorizePost(emulator, { ...REQUEST, state: 'x'.repeat(70 * 1024) });
    expect(res.status).toBe(413);
    await res.text();
  });

  it('rejects a 10 KB state with 96002 instead of echoing it', async () => {
    const res = await authorizePost(emulator, {
      ...REQUEST,
      state: 'x'.repeat(10 * 1024),
      user: 'u1',
      decision: 'approve',
    });
    const params = new URL(res.headers.get('location') ?? '').searchParams;
    expect(params.get('error')).toBe('96002');
    expect(params.has('state')).toBe(false);
  });

  it('rejects a POST body that is not a form with 415', async () => {
    const res = await fetch(emulator.authorizationURL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"client_id":1}',
    });
    expect(res.status).toBe(415);
    await res.text();
  });

  it('answers other methods with 405', async () => {
    const res = await fetch(emulator.authorizationURL, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
    await res.text();
  });

  it('still works after all that', async () => {
    await fetch(`${emulator.authorizationURL}?client_id=%zz`).then((res) => res.text());
    const code = await getCode(emulator);
    expect(code).toMatch(/^[\w-]+$/);
  });
});
