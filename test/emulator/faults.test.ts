import type { MiEmulator, MiEmulatorFault } from '../../lib/emulator';
import { codeParams, getCode, login, openApi, query, start } from './helpers';

let emulator: MiEmulator;

beforeEach(async () => {
  emulator = await start();
});

afterEach(async () => {
  await emulator.close();
});

function tokenUrl(): string {
  return `${emulator.tokenURL}?${query(codeParams('some-code'))}`;
}

function profileUrl(): string {
  return `${emulator.openApiURL}/user/profile?clientId=1&token=t`;
}

describe('html502', () => {
  it('answers the token path with an HTTP 502 HTML page', async () => {
    emulator.setFault('/oauth2/token', 'html502');
    const res = await fetch(tokenUrl());
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('<h1>502 Bad Gateway</h1>');
  });
});

describe('truncated', () => {
  it('answers the token path with HTTP 200, the prefix and JSON cut in the middle', async () => {
    emulator.setFault('/oauth2/token', 'truncated');
    const res = await fetch(tokenUrl());
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text.startsWith('&&&START&&&{"access_token":')).toBe(true);
    expect(() => JSON.parse(text.slice('&&&START&&&'.length))).toThrow(SyntaxError);
  });

  it('answers an Open API path with cut JSON and no prefix', async () => {
    emulator.setFault('/user/profile', 'truncated');
    const text = await (await fetch(profileUrl())).text();
    expect(text.startsWith('{"result":"ok"')).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('leaves out the prefix when standardTokenResponse is on', async () => {
    await emulator.close();
    emulator = await start({ standardTokenResponse: true, faults: { '/oauth2/token': 'truncated' } });
    const text = await (await fetch(tokenUrl())).text();
    expect(text.startsWith('{"access_token":')).toBe(true);
  });
});

describe('reset', () => {
  it('resets the connection without an answer', async () => {
    emulator.setFault('/user/profile', 'reset');
    const error = await fetch(profileUrl()).then(
      () => undefined,
      (err: unknown) => err,
    );
    // fetch errors come from Node's realm, not jest's: compare names, not constructors.
    expect((error as Error).name).toBe('TypeError');
    expect((error as Error).message).toBe('fetch failed');
    expect(((error as Error).cause as { code?: string }).code).toBe('ECONNRESET');
  });

  it('leaves other paths working', async () => {
    emulator.setFault('/user/profile', 'reset');
    await fetch(profileUrl()).catch(() => undefined);
    expect((await fetch(tokenUrl())).status).toBe(200);
  });
});

describe('json500', () => {
  it('answers an Open API path with HTTP 500 and an error envelope', async () => {
    emulator.setFault('/user/profile', 'json500');
    const res = await fetch(profileUrl());
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ result: 'error', description: expect.any(String), code: 500 });
  });

  it('answers the token path with HTTP 500 and a prefixed error body', async () => {
    emulator.setFault('/oauth2/token', 'json500');
    const res = await fetch(tokenUrl());
    expect(res.status).toBe(500);
    expect(await res.text()).toMatch(/^&&&START&&&\{"error":500,"error_description":"[^"]+"\}$/);
  });
});

describe('delay', () => {
  it('answers normally after delayMs', async () => {
    const code = await getCode(emulator);
    emulator.setFault('/oauth2/token', { delayMs: 150 });
    const started = performance.now();
    const text = await (await fetch(`${emulator.tokenURL}?${query(codeParams(code))}`)).text();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(text).toMatch(/^&&&START&&&\{"access_token":/);
  });
});

describe('hang', () => {
  it('never answers: the client times out, and other paths still work', async () => {
    emulator.setFault('/user/profile', 'hang');
    const error = await fetch(profileUrl(), { signal: AbortSignal.timeout(200) }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect((error as Error).name).toBe('TimeoutError');
    expect((await fetch(tokenUrl())).status).toBe(200);
  });
});

describe('setFault', () => {
  it('null clears a fault', async () => {
    const tokens = await login(emulator, { scope: '1' });
    emulator.setFault('/user/profile', 'html502');
    emulator.setFault('/user/profile', null);
    const { body } = await openApi(emulator, '/user/profile', { token: tokens.access_token, macKey: tokens.mac_key });
    expect(body.result).toBe('ok');
  });

  it('only touches its own path', async () => {
    emulator.setFault('/user/openidV2', 'html502');
    expect((await fetch(profileUrl())).status).toBe(200);
  });

  it.each<unknown>(['explode', { delayMs: -1 }, { delayMs: Number.NaN }, {}, 42])(
    'rejects the unknown fault %p',
    (fault) => {
      expect(() => emulator.setFault('/oauth2/token', fault as MiEmulatorFault)).toThrow(TypeError);
    },
  );

  it('rejects a path that does not start with /', () => {
    expect(() => emulator.setFault('oauth2/token', 'hang')).toThrow(/start with "\/"/);
  });

  it('takes initial faults from the faults option', async () => {
    await emulator.close();
    emulator = await start({ faults: { '/oauth2/token': 'html502' } });
    expect((await fetch(tokenUrl())).status).toBe(502);
  });
});
