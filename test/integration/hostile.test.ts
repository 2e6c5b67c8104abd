import { MiAccountClient, MiAccountError } from '../../lib';
import { startTestApp } from '../helpers/app';
import { UserAgent } from '../helpers/browserless';
import { Harness, startHarness } from '../helpers/mi';
import { RawServer, startRawServer } from '../helpers/raw-server';

describe('hostile input on the callback', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, { autoApprove: undefined });
  });
  afterAll(() => h.close());

  /** Starts a login (so the session has a state) and returns the agent and that state. */
  async function started() {
    const agent = new UserAgent();
    const start = await agent.get(`${h.app.url}/auth/mi`);
    return { agent, state: new URL(start.headers.get('location')!).searchParams.get('state')! };
  }

  it.each([
    ['a 5 KB code', (state: string) => `code=${'a'.repeat(5 * 1024)}&state=${state}`],
    ['two codes', (state: string) => `code=a&code=b&state=${state}`],
    ['two states', (state: string) => `code=abc&state=${state}&state=${state}`],
    ['no state', () => 'code=abc'],
    ['an empty code', (state: string) => `code=&state=${state}`],
  ])('%s ends in a Passport failure, with no token request', async (_name, query) => {
    const { agent, state } = await started();
    h.emulator.stats.reset();
    const response = await agent.get(`${h.app.url}/auth/mi/callback?${query(state)}`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login-failed');
    expect(h.emulator.stats.requests['/oauth2/token'] ?? 0).toBe(0);
  });

  it('a 100 KB code is refused by the HTTP server with 431, before any app code runs', async () => {
    const { agent, state } = await started();
    const response = await agent.get(`${h.app.url}/auth/mi/callback?code=${'a'.repeat(100 * 1024)}&state=${state}`);
    expect(response.status).toBe(431);
  });

  it('an array-style code[] is no code: the callback starts a new login instead of a token request', async () => {
    const { agent, state } = await started();
    h.emulator.stats.reset();
    const response = await agent.get(`${h.app.url}/auth/mi/callback?code[]=a&code[]=b&state=${state}`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth2\/authorize\?/);
    expect(h.emulator.stats.requests['/oauth2/token'] ?? 0).toBe(0);
  });

  it.each([
    ['NUL bytes in the code', 'abc%00def'],
    ['invalid percent-encoding', 'abc%zz%e0%a4'],
    ['a code with unicode', '%F0%9F%98%80'],
  ])('%s reaches Mi Account safely and ends, as 96013, in the failureRedirect', async (_name, code) => {
    const { agent, state } = await started();
    h.app.errors.length = 0;
    h.emulator.stats.reset();
    const response = await agent.get(`${h.app.url}/auth/mi/callback?code=${code}&state=${state}`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login-failed');
    expect(h.emulator.stats.requests['/oauth2/token']).toBe(1);
    expect(h.app.errors).toEqual([]);
  });

  it('an error parameter given twice is still an authorization error, not a crash', async () => {
    const { agent, state } = await started();
    h.app.errors.length = 0;
    const response = await agent.get(`${h.app.url}/auth/mi/callback?error=96012&error=96012&state=${state}`);
    expect(response.status).toBe(500);
    expect(h.app.errors[0]).toBeInstanceOf(MiAccountError);
    expect(h.app.errors[0]!.message).toMatch(/^Mi Account authorization failed/);
  });
});

describe('hostile token endpoint answers', () => {
  let server: RawServer;
  afterEach(() => server.close());

  async function exchangeWith(body: string | Buffer, contentType = 'application/json') {
    server = await startRawServer((_req, res) => {
      res.writeHead(200, { 'content-type': contentType });
      res.end(body);
    });
    const client = new MiAccountClient({
      clientID: '1',
      clientSecret: 'secret-value',
      redirectURI: 'http://127.0.0.1/cb',
      tokenURL: `${server.url}/oauth2/token`,
      timeout: 2000,
    });
    return client.exchangeCode('code');
  }

  it('refuses a 10 MB answer at the 1 MB default limit', async () => {
    await expect(exchangeWith(Buffer.alloc(10 * 1024 * 1024, 'x'))).rejects.toThrow(/larger than 1048576 bytes/);
  });

  it('does not let __proto__ keys pollute prototypes', async () => {
    const body =
      '&&&START&&&{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}},"access_token":"a","expires_in":1,"mac_key":"k"}';
    const tokens = await exchangeWith(body);
    expect(({} as { isAdmin?: boolean }).isAdmin).toBeUndefined();
    expect((tokens.raw as { isAdmin?: boolean }).isAdmin).toBeUndefined();
    expect(Object.getPrototypeOf(tokens.raw)).toBe(Object.prototype);
  });

  it.each([
    ['a number as access_token', '{"access_token":12345,"expires_in":1,"mac_key":"k"}'],
    ['an object as mac_key', '{"access_token":"a","expires_in":1,"mac_key":{"x":1}}'],
    ['a string expires_in that is not a number', '{"access_token":"a","expires_in":"soon","mac_key":"k"}'],
    ['an array body', '[{"access_token":"a"}]'],
    ['a JSON string', '"access_token"'],
    ['null', 'null'],
  ])('turns %s into a MiAccountResponseError', async (_name, body) => {
    const error = await exchangeWith(body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MiAccountError);
    expect((error as Error).name).toBe('MiAccountResponseError');
  });

  it('accepts a decimal string expires_in (the implicit flow sends one)', async () => {
    const tokens = await exchangeWith('{"access_token":"a","expires_in":"360000","mac_key":"k","openId":"2.0o"}');
    expect(tokens.expiresIn).toBe(360000);
    expect(tokens.openId).toBe('2.0o');
  });
});

describe('hostile configuration', () => {
  it('answers an error on the authorization leg when the callback URL cannot be resolved', async () => {
    const app = await startTestApp({
      clientID: '1',
      clientSecret: 'secret-value',
      authorizationURL: 'http://127.0.0.1:9/a',
      tokenURL: 'http://127.0.0.1:9/t',
      scope: ['profile'],
    });
    try {
      const response = await fetch(`${app.url}/auth/mi?scope=not-a-scope`, { redirect: 'manual' });
      expect(response.status).toBe(500);
      expect(((await response.json()) as { message: string }).message).toMatch(
        /Unknown Mi Account scope "not-a-scope"/,
      );
    } finally {
      await app.close();
    }
  });
});
