import { MiAccountError, MiAccountStrategy } from '../../lib';
import { freePort, startTestApp, TestApp } from '../helpers/app';
import { UserAgent } from '../helpers/browserless';

const verify = () => undefined;
const base = {
  clientID: '2882303761517383915',
  clientSecret: 'app-secret-value',
  callbackURL: 'https://app.example/auth/mi/callback',
};

describe('MiAccountStrategy constructor', () => {
  it('is named mi-account and sends the profile scope by default', () => {
    const strategy = new MiAccountStrategy(base, verify);
    expect(strategy.name).toBe('mi-account');
    expect(strategy.client.clientID).toBe('2882303761517383915');
  });

  it('accepts a numeric App ID', () => {
    expect(new MiAccountStrategy({ ...base, clientID: 2882303761517383 }, verify).client.clientID).toBe(
      '2882303761517383',
    );
  });

  it('takes a custom name', () => {
    expect(new MiAccountStrategy({ ...base, name: 'mi-cn' }, verify).name).toBe('mi-cn');
  });

  it.each([
    ['clientID', { ...base, clientID: '' }, /clientID/],
    ['clientSecret', { ...base, clientSecret: '' }, /clientSecret/],
  ])('throws a clear error without %s', (_name, options, message) => {
    expect(() => new MiAccountStrategy(options, verify)).toThrow(message);
  });

  it('rejects unknown scope names at construction, listing the valid names', () => {
    expect(() => new MiAccountStrategy({ ...base, scope: ['profile', 'emial'] }, verify)).toThrow(
      /Unknown Mi Account scope "emial".*profile, relation, openid, phone, email/,
    );
  });

  it('rejects a profileIdentifier that does not exist', () => {
    expect(() => new MiAccountStrategy({ ...base, profileIdentifier: 'userId' as 'openId' }, verify)).toThrow(
      /profileIdentifier/,
    );
  });

  it('throws when callbackURL can never match the registered redirect URIs', () => {
    expect(() => new MiAccountStrategy({ ...base, registeredRedirectURIs: 'https://other.example/' }, verify)).toThrow(
      /callbackURL "https:\/\/app.example\/auth\/mi\/callback" can never be accepted by Mi Account/,
    );
  });

  it('accepts a callbackURL under a registered sub-path or sub-domain', () => {
    expect(
      () =>
        new MiAccountStrategy(
          { ...base, registeredRedirectURIs: 'https://example/x;https://app.example/auth' },
          verify,
        ),
    ).not.toThrow();
  });

  it('checks a relative callbackURL against the registered paths', () => {
    expect(
      () =>
        new MiAccountStrategy(
          { ...base, callbackURL: '/auth/mi/callback', registeredRedirectURIs: ['https://app.example/auth'] },
          verify,
        ),
    ).not.toThrow();
    expect(
      () =>
        new MiAccountStrategy(
          { ...base, callbackURL: '/login/cb', registeredRedirectURIs: ['https://app.example/auth'] },
          verify,
        ),
    ).toThrow(/under none of the registered redirect URI paths/);
  });

  it('throws on an invalid registered redirect URI', () => {
    expect(
      () => new MiAccountStrategy({ ...base, registeredRedirectURIs: 'http://*.mi.com/login.php' }, verify),
    ).toThrow(/Invalid registered redirect URI/);
  });

  it('does not show the client secret when the strategy client is serialized', () => {
    const strategy = new MiAccountStrategy(base, verify);
    expect(JSON.stringify(strategy.client)).not.toContain('app-secret-value');
  });

  it('refuses userProfile(accessToken) alone, which cannot be signed without the mac_key', (done) => {
    new MiAccountStrategy(base, verify).userProfile('token', (err) => {
      expect(err).toBeInstanceOf(MiAccountError);
      expect(String(err)).toMatch(/client\.getProfile/);
      done();
    });
  });
});

describe('MiAccountStrategy authorization redirect', () => {
  let app: TestApp;
  const authorizationURL = 'http://127.0.0.1:9/oauth2/authorize';

  afterEach(() => app.close());

  async function start(
    options: Parameters<typeof startTestApp>[0],
    path = '/auth/mi',
    headers: Record<string, string> = {},
  ) {
    app = await startTestApp({ authorizationURL, tokenURL: 'http://127.0.0.1:9/oauth2/token', ...options });
    const response = await fetch(app.url + path, { redirect: 'manual', headers });
    return response;
  }

  it('redirects to Mi Account with client_id, absolute redirect_uri, response_type, numeric space-separated scope and a state', async () => {
    const response = await start({
      clientID: 42,
      clientSecret: 's3cret-value',
      scope: ['profile', 'openid', 'email', 'profile'],
    });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(authorizationURL);
    expect(location.searchParams.get('client_id')).toBe('42');
    expect(location.searchParams.get('redirect_uri')).toBe(`${app.url}/auth/mi/callback`);
    expect(location.searchParams.get('response_type')).toBe('code');
    expect(location.searchParams.get('scope')).toBe('1 3 6');
    expect(location.searchParams.get('state')).toMatch(/^.{16,}$/);
    expect(location.searchParams.has('skip_confirm')).toBe(false);
    expect(location.searchParams.has('_locale')).toBe(false);
    expect(location.searchParams.has('client_secret')).toBe(false);
  });

  it('normalizes a per-request scope', async () => {
    const response = await start({ clientID: 42, clientSecret: 's3cret-value' }, '/auth/mi?scope=openid%20phone');
    expect(new URL(response.headers.get('location')!).searchParams.get('scope')).toBe('3 4');
  });

  it('sends skip_confirm and a fixed _locale when configured', async () => {
    const response = await start({ clientID: 42, clientSecret: 's3cret-value', skipConfirm: false, locale: 'en_US' });
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('skip_confirm')).toBe('false');
    expect(location.searchParams.get('_locale')).toBe('en_US');
  });

  it.each([
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh_CN'],
    ['pt-BR,pt;q=0.9', 'pt_BR'],
    ['fr-CA;q=0.9, de;q=0.95', 'de_DE'],
  ])('derives _locale from Accept-Language %s with locale auto', async (header, expected) => {
    const response = await start({ clientID: 42, clientSecret: 's3cret-value', locale: 'auto' }, '/auth/mi', {
      'accept-language': header,
    });
    expect(new URL(response.headers.get('location')!).searchParams.get('_locale')).toBe(expected);
  });

  it('refuses to redirect when the effective callback URL is not registered (reason, no made-up Mi code)', async () => {
    const response = await start({
      clientID: 42,
      clientSecret: 's3cret-value',
      registeredRedirectURIs: 'http://localhost/auth',
    });
    expect(response.status).toBe(500);
    const body = (await response.json()) as { message: string };
    expect(body.message).toContain('Mi Account redirect URI rejected: ');
    expect(body.message).toContain('http://localhost/auth: port differs');
    expect(app.errors[0]).toBeInstanceOf(MiAccountError);
    expect(app.errors[0]).toMatchObject({ reason: 'redirect_uri_not_registered', code: undefined });
  });

  it('redirects when the effective callback URL is under a registered URI', async () => {
    const port = await freePort();
    app = await startTestApp(
      {
        clientID: 42,
        clientSecret: 's3cret-value',
        authorizationURL,
        tokenURL: 'http://127.0.0.1:9/t',
        registeredRedirectURIs: ['http://localhost/', `http://127.0.0.1:${port}/auth`],
      },
      port,
    );
    const response = await fetch(`${app.url}/auth/mi`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get('location')!).searchParams.get('redirect_uri')).toBe(
      `http://127.0.0.1:${port}/auth/mi/callback`,
    );
  });

  it('fails with 400 when the callback carries an array of codes', async () => {
    app = await startTestApp({
      clientID: 42,
      clientSecret: 's3cret-value',
      authorizationURL,
      tokenURL: 'http://127.0.0.1:9/t',
    });
    const agent = new UserAgent();
    await agent.get(`${app.url}/auth/mi`);
    const response = await agent.get(`${app.url}/auth/mi/callback?code=a&code=b&state=x`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login-failed');
  });
});
