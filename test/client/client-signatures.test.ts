import { MiAccountClient, MiAccountError } from '../../lib';
import { RawServer, startRawServer } from '../helpers/raw-server';

const CREDENTIALS = { accessToken: 'access-token-value', macKey: 'mac-key-value' };
const OK = JSON.stringify({ result: 'ok', description: 'success', code: 0, data: { miliaoNick: 'Lei' } });
const REFUSED = JSON.stringify({ result: 'error', description: 'invalid mac', code: 96012 });

/** Mi Account answering by whether the call was signed. */
function byAuthorization(signed: string, unsigned: string) {
  return startRawServer((req, res) => res.end(req.headers.authorization === undefined ? unsigned : signed));
}

describe('MiAccountClient: a refused signature heals itself', () => {
  let server: RawServer;
  let emitWarning: jest.SpiedFunction<typeof process.emitWarning>;

  beforeEach(() => {
    // Jest's sandboxed process does not relay 'warning' events: watch the emitWarning calls themselves.
    emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    emitWarning.mockRestore();
    await server.close();
  });

  function client(signRequests?: boolean): MiAccountClient {
    return new MiAccountClient({ clientID: '2882303761517383915', openApiURL: server.url, signRequests });
  }

  /** The MI_ACCOUNT_MAC_REFUSED warnings emitted so far. */
  function refusedWarnings(): Array<{ message: string; type?: string; code?: string }> {
    return emitWarning.mock.calls
      .map(([message, options]) => ({
        message: String(message),
        ...(typeof options === 'object' ? (options as { type?: string; code?: string }) : {}),
      }))
      .filter((warning) => warning.code === 'MI_ACCOUNT_MAC_REFUSED');
  }

  const signed = (): boolean[] => server.requests.map((request) => request.headers.authorization !== undefined);

  it('retries a 96012 once unsigned, then stops signing for that client', async () => {
    server = await byAuthorization(REFUSED, OK);
    const mi = client();
    expect(await mi.call('/user/profile', CREDENTIALS)).toEqual({ miliaoNick: 'Lei' });
    expect(signed()).toEqual([true, false]);
    expect(mi.signRequests).toBe(false);
    await mi.call('/user/profile', CREDENTIALS);
    expect(signed()).toEqual([true, false, false]);
  });

  it('emits one MI_ACCOUNT_MAC_REFUSED warning that names signRequests and holds no secret', async () => {
    server = await byAuthorization(REFUSED, OK);
    const mi = client();
    await mi.call('/user/profile', CREDENTIALS);
    await mi.call('/user/profile', CREDENTIALS);
    const [warning, ...more] = refusedWarnings();
    expect(more).toEqual([]);
    expect(warning!.type).toBe('MiAccountWarning');
    expect(warning!.message).toMatch(/96012 on \/user\/profile/);
    expect(warning!.message).toMatch(/signRequests: false/);
    expect(warning!.message).toMatch(/signRequests: true/);
    expect(warning!.message).not.toContain(CREDENTIALS.accessToken);
    expect(warning!.message).not.toContain(CREDENTIALS.macKey);
  });

  it('warns once when parallel calls of one getProfile are all refused', async () => {
    server = await startRawServer((req, res) => {
      if (req.headers.authorization !== undefined) return res.end(REFUSED);
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const data = path === '/user/openidV2' ? { openId: '2.0open' } : { miliaoNick: 'Lei' };
      res.end(JSON.stringify({ result: 'ok', description: 'success', code: 0, data }));
    });
    const profile = await client().getProfile({ ...CREDENTIALS, scope: '1 3' });
    expect(profile.openId).toBe('2.0open');
    expect(signed().filter(Boolean)).toHaveLength(2);
    expect(refusedWarnings()).toHaveLength(1);
  });

  it.each([
    ['96008 (invalid token)', JSON.stringify({ result: 'error', description: 'bad token', code: 96008 })],
    ['96007 (scope)', JSON.stringify({ result: 'error', description: 'no scope', code: 96007 })],
    ['an HTML 502 page', '<html>bad gateway</html>'],
  ])('never retries unsigned after %s', async (_what, body) => {
    server = await byAuthorization(body, OK);
    const mi = client();
    await expect(mi.call('/user/profile', CREDENTIALS)).rejects.toBeInstanceOf(MiAccountError);
    expect(signed()).toEqual([true]);
    expect(mi.signRequests).toBe(true);
    expect(refusedWarnings()).toEqual([]);
  });

  it('keeps signing, and fails with 96012, when the unsigned retry is refused too', async () => {
    server = await byAuthorization(REFUSED, REFUSED);
    const mi = client();
    await expect(mi.call('/user/profile', CREDENTIALS)).rejects.toMatchObject({ code: 96012 });
    expect(signed()).toEqual([true, false]);
    expect(mi.signRequests).toBe(true);
    expect(refusedWarnings()).toEqual([]);
  });

  it('with signRequests: true pinned, fails on 96012 without an unsigned retry', async () => {
    server = await byAuthorization(REFUSED, OK);
    const mi = client(true);
    await expect(mi.call('/user/profile', CREDENTIALS)).rejects.toMatchObject({ code: 96012 });
    expect(signed()).toEqual([true]);
    expect(mi.signRequests).toBe(true);
  });

  it('with signRequests: false, never signs and never warns', async () => {
    server = await byAuthorization(REFUSED, OK);
    const mi = client(false);
    await mi.call('/user/profile', { accessToken: CREDENTIALS.accessToken, macKey: '' });
    expect(signed()).toEqual([false]);
    expect(refusedWarnings()).toEqual([]);
  });
});
