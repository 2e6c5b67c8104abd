import { MiAccountClient, MiAccountError, MiAccountRequestError, MiAccountResponseError, signMac } from '../../lib';
import { RawServer, startRawServer } from '../helpers/raw-server';

const SECRET = 'a+b/c=&d e%f';
const tokenBody = {
  access_token: 'access-token-value',
  expires_in: 7776000,
  refresh_token: 'refresh-token-value',
  scope: '1 3',
  token_type: 'mac',
  mac_key: 'mac-key-value',
  mac_algorithm: 'HmacSha1',
  openId: '2.0open',
};

describe('MiAccountClient over HTTP', () => {
  let server: RawServer;
  afterEach(() => server.close());

  function client(overrides: Partial<ConstructorParameters<typeof MiAccountClient>[0]> = {}) {
    return new MiAccountClient({
      clientID: '2882303761517383915',
      clientSecret: SECRET,
      redirectURI: 'https://app.example/cb?x=1',
      tokenURL: `${server.url}/oauth2/token`,
      openApiURL: server.url,
      ...overrides,
    });
  }

  it('exchanges a code with GET, a URL-encoded query and token_type=mac', async () => {
    server = await startRawServer((_req, res) => res.end(`&&&START&&&${JSON.stringify(tokenBody)}`));
    const tokens = await client().exchangeCode('code/with+chars');
    expect(tokens.accessToken).toBe('access-token-value');
    const [request] = server.requests;
    expect(request!.method).toBe('GET');
    expect(Object.fromEntries(request!.url.searchParams)).toEqual({
      client_id: '2882303761517383915',
      redirect_uri: 'https://app.example/cb?x=1',
      client_secret: SECRET,
      grant_type: 'authorization_code',
      code: 'code/with+chars',
      token_type: 'mac',
    });
  });

  it('refreshes with grant_type=refresh_token and the redirect URI', async () => {
    server = await startRawServer((_req, res) =>
      res.end(JSON.stringify({ ...tokenBody, refresh_token: 'next-refresh' })),
    );
    const tokens = await client().refreshAccessToken('old-refresh');
    expect(tokens.refreshToken).toBe('next-refresh');
    expect(server.requests[0]!.url.searchParams.get('grant_type')).toBe('refresh_token');
    expect(server.requests[0]!.url.searchParams.get('refresh_token')).toBe('old-refresh');
    expect(server.requests[0]!.url.searchParams.get('redirect_uri')).toBe('https://app.example/cb?x=1');
  });

  it('decides errors by the body: a 200 with error 96009 is a MiAccountError', async () => {
    server = await startRawServer((_req, res) =>
      res.end('&&&START&&&{"error":96009,"error_description":"refresh token used"}'),
    );
    await expect(client().refreshAccessToken('old-refresh')).rejects.toMatchObject({
      code: 96009,
      errorName: 'OA_INVALID_REFRESHTOKEN',
      status: 401,
      responseStatus: 200,
      step: 'token refresh',
    });
  });

  it('signs Open API calls with a MAC header over the host without port and the sorted query', async () => {
    server = await startRawServer((_req, res) =>
      res.end('{"result":"ok","description":"success","data":{"miliaoNick":"Lei"},"code":0}'),
    );
    const data = await client().call('/user/profile', { accessToken: 'tok', macKey: 'key' });
    expect(data).toEqual({ miliaoNick: 'Lei' });
    const [request] = server.requests;
    const header = request!.headers.authorization!;
    const fields = Object.fromEntries(
      [...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], decodeURIComponent(m[2]!)]),
    );
    expect(header.startsWith('MAC ')).toBe(true);
    expect(fields.access_token).toBe('tok');
    expect(fields.nonce).toMatch(/^-?\d+:\d+$/);
    const expected = signMac({
      macKey: 'key',
      nonce: fields.nonce!,
      method: 'GET',
      host: '127.0.0.1',
      path: '/user/profile',
      query: { clientId: '2882303761517383915', token: 'tok' },
    });
    expect(fields.mac).toBe(expected);
    expect(request!.url.searchParams.get('clientId')).toBe('2882303761517383915');
  });

  it('sends no Authorization header with signRequests false', async () => {
    server = await startRawServer((_req, res) => res.end('{"result":"ok","data":{}}'));
    await client({ signRequests: false }).call('/user/profile', { accessToken: 'tok', macKey: '' });
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('reuses keep-alive connections for sequential calls (at most 2 for 20 calls)', async () => {
    server = await startRawServer((_req, res) => res.end('{"result":"ok","data":{}}'));
    const c = client();
    for (let i = 0; i < 20; i += 1) await c.call('/user/profile', { accessToken: 'tok', macKey: 'key' });
    expect(server.requests).toHaveLength(20);
    expect(server.connections).toBeLessThanOrEqual(2);
  });

  it('times out a hanging endpoint with a clear message within the timeout', async () => {
    server = await startRawServer(() => undefined);
    const started = Date.now();
    const error = await client({ timeout: 300 })
      .exchangeCode('c')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MiAccountRequestError);
    expect((error as Error).message).toContain('timed out after 300 ms');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out a body that stalls after the headers', async () => {
    server = await startRawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('&&&START&&&{"access_token":');
    });
    const error = await client({ timeout: 300 })
      .exchangeCode('c')
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain('timed out after 300 ms');
  });

  it('keeps the network cause of a reset connection, without the secret', async () => {
    server = await startRawServer((req) => req.socket.destroy());
    const error = (await client()
      .exchangeCode('the-code-value')
      .catch((e: unknown) => e)) as MiAccountRequestError;
    expect(error).toBeInstanceOf(MiAccountRequestError);
    expect(error.cause).toBeInstanceOf(Error);
    const text = [
      error.message,
      error.stack,
      JSON.stringify(error),
      String(error.cause),
      (error.cause as Error).stack,
    ].join('\n');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(encodeURIComponent(SECRET));
    expect(text).not.toContain('the-code-value');
  });

  it('reports a non-JSON answer with the HTTP status and content type', async () => {
    server = await startRawServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>Bad gateway</body></html>');
    });
    const error = await client()
      .exchangeCode('c')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MiAccountResponseError);
    expect((error as Error).message).toMatch(/HTTP 502 with text\/html that is not JSON/);
  });

  it('refuses a response larger than maxResponseBytes', async () => {
    server = await startRawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('x'.repeat(2 * 1024 * 1024));
    });
    await expect(client().exchangeCode('c')).rejects.toThrow(/larger than 1048576 bytes/);
  });

  it('refuses a streamed response larger than the limit without a content-length', async () => {
    server = await startRawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = 'y'.repeat(64 * 1024);
      for (let i = 0; i < 20; i += 1) res.write(chunk);
      res.end();
    });
    await expect(client({ maxResponseBytes: 256 * 1024 }).exchangeCode('c')).rejects.toThrow(
      /larger than 262144 bytes/,
    );
  });

  it('calls /user/openidV2 only when the token response had no openId, in parallel with /user/profile', async () => {
    // The server answers only once both calls are in flight: sequential calls would time out.
    const pending: Array<() => void> = [];
    server = await startRawServer((req, res) => {
      const data = req.url!.startsWith('/user/openidV2') ? { openId: 'from-openid-v2' } : { miliaoNick: 'Lei' };
      pending.push(() => res.end(JSON.stringify({ result: 'ok', data })));
      if (pending.length >= 2) pending.splice(0).forEach((answer) => answer());
    });
    const profile = await client({ timeout: 2000 }).getProfile({ accessToken: 'tok', macKey: 'key', scope: '1 3' });
    expect(profile.id).toBe('from-openid-v2');
    expect(server.requests.map((r) => r.url.pathname).sort()).toEqual(['/user/openidV2', '/user/profile']);
    server.requests.length = 0;
    pending.push(() => undefined);
    await client().getProfile({ accessToken: 'tok', macKey: 'key', scope: '1 3', openId: 'from-token' });
    expect(server.requests.map((r) => r.url.pathname)).toEqual(['/user/profile']);
  });

  it('needs a redirect URI for token requests', async () => {
    server = await startRawServer((_req, res) => res.end('{}'));
    await expect(client({ redirectURI: undefined }).exchangeCode('c')).rejects.toThrow(MiAccountError);
    expect(server.requests).toHaveLength(0);
  });

  it.each([0, -1, Number.NaN, Infinity, 2 ** 31, '5000'])(
    'refuses timeout %p at construction, naming the range',
    (timeout) => {
      expect(() => new MiAccountClient({ clientID: '1', timeout: timeout as number })).toThrow(
        /timeout must be a number of milliseconds from 1 to 2147483647/,
      );
    },
  );

  it('rejects relative endpoint URLs at construction', () => {
    expect(() => new MiAccountClient({ clientID: '1', clientSecret: 's', tokenURL: '/oauth2/token' })).toThrow(
      /tokenURL must be an absolute/,
    );
  });
});
