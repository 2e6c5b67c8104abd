import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import vm from 'node:vm';
import {
  buildImplicitAuthorizeUrl,
  ImplicitTokenResult,
  MiImplicitGrantError,
  parseImplicitCallback,
} from '../lib/browser';
import { MiAccountError } from '../lib/errors/errors';
import { MI_ERROR_CODES } from '../lib/protocol/error-code';
import { browserContext, libClosure, loadInSandbox, nodeOnlyUses, specifiers } from './helpers/browser-sandbox';

const CLIENT_ID = '2882303761517383915';
const REDIRECT = 'https://app.example.com/mi/callback.html';
const ACCESS_TOKEN = 'V3_eJxjYGAQydknLLCFsVyIR-DxSqdTnQFGfX4yDAwMjAzxQJIheJfnRTDtvAhM';
const MAC_KEY = 'ORhx44qK6Alqf8vt2rGB5f-oPq0';
const STATE = 'k3JqL0v9Xw2mB7pQe1RtYs6uNcA4fZdH';

/** A callback fragment with the fields of protocol §10; `undefined` leaves a field out. */
function fragment(overrides: Record<string, string | undefined> = {}, prefix = '#'): string {
  const fields: Record<string, string | undefined> = {
    access_token: ACCESS_TOKEN,
    token_type: 'mac',
    expires_in: '7776000',
    mac_algorithm: 'HmacSHA1',
    mac_key: MAC_KEY,
    scope: '1 3',
    state: STATE,
    ...overrides,
  };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) params.append(key, value);
  return prefix + params.toString();
}

function parseError(run: () => unknown): MiImplicitGrantError {
  try {
    run();
  } catch (err) {
    if (err instanceof MiImplicitGrantError) return err;
    throw err;
  }
  throw new Error('expected a MiImplicitGrantError, nothing was thrown');
}

const EXPECTED_TOKENS: ImplicitTokenResult = {
  accessToken: ACCESS_TOKEN,
  macKey: MAC_KEY,
  macAlgorithm: 'HmacSha1',
  expiresIn: 7776000,
  scope: ['1', '3'],
  tokenType: 'mac',
  state: STATE,
};

describe('buildImplicitAuthorizeUrl', () => {
  it('sends exactly response_type=token, client_id, redirect_uri, scope and state to the Xiaomi authorize endpoint', () => {
    const { url, state } = buildImplicitAuthorizeUrl({ clientID: CLIENT_ID, redirectURI: REDIRECT, state: STATE });
    const parsed = new URL(url);
    expect(`${parsed.origin}${parsed.pathname}`).toBe('https://account.xiaomi.com/oauth2/authorize');
    expect([...parsed.searchParams.entries()]).toEqual([
      ['response_type', 'token'],
      ['client_id', CLIENT_ID],
      ['redirect_uri', REDIRECT],
      ['scope', '1 3'],
      ['state', STATE],
    ]);
    expect(parsed.hash).toBe('');
    expect(state).toBe(STATE);
  });

  it('turns scope names and IDs into de-duplicated numeric IDs separated by an encoded space', () => {
    const { url } = buildImplicitAuthorizeUrl({
      clientID: CLIENT_ID,
      redirectURI: REDIRECT,
      scope: ['profile', 'openid', 6, '1'],
    });
    expect(new URL(url).searchParams.get('scope')).toBe('1 3 6');
    expect(url).toContain('scope=1%203%206');
  });

  it.each([
    ['profile email', '1 6'],
    [3, '3'],
    ['6000', '6000'],
    [['relation', 'PHONE'], '2 4'],
  ] as const)('normalizes scope %p to "%s"', (scope, expected) => {
    const { url } = buildImplicitAuthorizeUrl({ clientID: CLIENT_ID, redirectURI: REDIRECT, scope });
    expect(new URL(url).searchParams.get('scope')).toBe(expected);
  });

  it('leaves scope out when an empty list is given (Mi default)', () => {
    const { url } = buildImplicitAuthorizeUrl({ clientID: CLIENT_ID, redirectURI: REDIRECT, scope: [] });
    expect(new URL(url).searchParams.has('scope')).toBe(false);
  });

  it('rejects an unknown scope name', () => {
    expect(() =>
      buildImplicitAuthorizeUrl({ clientID: CLIENT_ID, redirectURI: REDIRECT, scope: 'profile wallet' }),
    ).toThrow(/Unknown Mi Account scope "wallet"/);
  });

  it('creates a random base64url state of at least 128 bits, different on every call', () => {
    const first = buildImplicitAuthorizeUrl({ clientID: CLIENT_ID, redirectURI: REDIRECT });
    const second = buildImplicitAuthorizeUrl({ clientID: CLIENT_ID, redirectURI: REDIRECT });
    for (const { url, state } of [first, second]) {
      expect(state).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(state, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
      expect(new URL(url).searchParams.get('state')).toBe(state);
    }
    expect(first.state).not.toBe(second.state);
  });

  it('draws the state from crypto.getRandomValues (≥16 bytes) and encodes it as unpadded base64url', () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 251) % 256);
    const spy = jest
      .spyOn(globalThis.crypto, 'getRandomValues')
      .mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
        if (array instanceof Uint8Array) array.set(bytes.subarray(0, array.length));
        return array;
      });
    try {
      const { state } = buildImplicitAuthorizeUrl({ clientID: CLIENT_ID, redirectURI: REDIRECT });
      expect(spy).toHaveBeenCalledTimes(1);
      const requested = spy.mock.calls[0]?.[0];
      expect(requested).toBeInstanceOf(Uint8Array);
      expect((requested as Uint8Array).length).toBeGreaterThanOrEqual(16);
      expect(state).toBe(Buffer.from(bytes.subarray(0, (requested as Uint8Array).length)).toString('base64url'));
    } finally {
      spy.mockRestore();
    }
  });

  it('fails clearly without crypto.getRandomValues unless a state is given', () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true, writable: true });
    try {
      expect(() => buildImplicitAuthorizeUrl({ clientID: CLIENT_ID, redirectURI: REDIRECT })).toThrow(
        /getRandomValues/,
      );
      expect(buildImplicitAuthorizeUrl({ clientID: CLIENT_ID, redirectURI: REDIRECT, state: STATE }).state).toBe(STATE);
    } finally {
      if (descriptor) Object.defineProperty(globalThis, 'crypto', descriptor);
    }
  });

  it('keeps the query already present on authorizationURL, byte for byte, and adds its own parameters after it', () => {
    const { url } = buildImplicitAuthorizeUrl({
      clientID: CLIENT_ID,
      redirectURI: REDIRECT,
      state: STATE,
      authorizationURL: 'http://127.0.0.1:4000/oauth2/authorize?idc=sg&note=a%20b',
    });
    const parsed = new URL(url);
    expect(`${parsed.origin}${parsed.pathname}`).toBe('http://127.0.0.1:4000/oauth2/authorize');
    expect(parsed.search.startsWith('?idc=sg&note=a%20b&')).toBe(true);
    expect([...parsed.searchParams.entries()]).toEqual([
      ['idc', 'sg'],
      ['note', 'a b'],
      ['response_type', 'token'],
      ['client_id', CLIENT_ID],
      ['redirect_uri', REDIRECT],
      ['scope', '1 3'],
      ['state', STATE],
    ]);
  });

  it('replaces a parameter of its own already present on authorizationURL instead of sending it twice', () => {
    const { url } = buildImplicitAuthorizeUrl({
      clientID: CLIENT_ID,
      redirectURI: REDIRECT,
      authorizationURL: 'https://account.xiaomi.com/oauth2/authorize?response_type=code&client_id=1&keep=1',
    });
    const params = new URL(url).searchParams;
    expect(params.getAll('response_type')).toEqual(['token']);
    expect(params.getAll('client_id')).toEqual([CLIENT_ID]);
    expect(params.get('keep')).toBe('1');
  });

  it('sends skip_confirm and _locale only when given', () => {
    const plain = new URL(buildImplicitAuthorizeUrl({ clientID: CLIENT_ID, redirectURI: REDIRECT }).url).searchParams;
    expect(plain.has('skip_confirm')).toBe(false);
    expect(plain.has('_locale')).toBe(false);

    const on = new URL(
      buildImplicitAuthorizeUrl({ clientID: CLIENT_ID, redirectURI: REDIRECT, skipConfirm: true, locale: 'en_US' }).url,
    ).searchParams;
    expect(on.get('skip_confirm')).toBe('true');
    expect(on.get('_locale')).toBe('en_US');

    const off = new URL(
      buildImplicitAuthorizeUrl({ clientID: CLIENT_ID, redirectURI: REDIRECT, skipConfirm: false }).url,
    ).searchParams;
    expect(off.get('skip_confirm')).toBe('false');
  });

  it('accepts a numeric clientID that is an exact integer', () => {
    const { url } = buildImplicitAuthorizeUrl({ clientID: 179887661252608, redirectURI: REDIRECT });
    expect(new URL(url).searchParams.get('client_id')).toBe('179887661252608');
  });

  it('rejects a numeric clientID that lost precision (64-bit App IDs must be strings)', () => {
    // eslint-disable-next-line no-loss-of-precision
    expect(() => buildImplicitAuthorizeUrl({ clientID: 2882303761517383915, redirectURI: REDIRECT })).toThrow(
      /as a string/,
    );
  });

  it.each([
    ['an empty clientID', { clientID: ' ', redirectURI: REDIRECT }, /clientID/],
    ['a relative redirectURI', { clientID: CLIENT_ID, redirectURI: '/callback' }, /absolute URL/],
    ['a redirectURI with a fragment', { clientID: CLIENT_ID, redirectURI: `${REDIRECT}#x` }, /fragment/],
    ['an empty state', { clientID: CLIENT_ID, redirectURI: REDIRECT, state: '' }, /state/],
  ])('rejects %s', (_name, options, message) => {
    expect(() => buildImplicitAuthorizeUrl(options)).toThrow(message);
  });
});

describe('parseImplicitCallback — success', () => {
  it('returns the tokens of a protocol §10 fragment', () => {
    expect(parseImplicitCallback(fragment(), STATE)).toEqual(EXPECTED_TOKENS);
  });

  it('accepts the fragment without the leading #', () => {
    expect(parseImplicitCallback(fragment({}, ''), STATE)).toEqual(EXPECTED_TOKENS);
  });

  it.each(['HmacSha1', 'HmacSHA1', 'HMACSHA1', 'hmacsha1', 'HMAC-SHA1'])('accepts mac_algorithm %s', (algorithm) => {
    expect(parseImplicitCallback(fragment({ mac_algorithm: algorithm }), STATE).macAlgorithm).toBe('HmacSha1');
  });

  it.each(['mac', 'MAC', 'Mac'])('accepts token_type %s', (tokenType) => {
    expect(parseImplicitCallback(fragment({ token_type: tokenType }), STATE).tokenType).toBe('mac');
  });

  it('trims keys and values (Mi documents "mac_key " and " HmacSha1")', () => {
    const hash =
      `# access_token = ${ACCESS_TOKEN} &token_type%20=%20mac&expires_in=%207776000%20` +
      `&mac_algorithm=%20HmacSha1&mac_key%20=${MAC_KEY}%20&scope=%201%203%20&state=%20${STATE}%20`;
    expect(parseImplicitCallback(hash, STATE)).toEqual(EXPECTED_TOKENS);
  });

  it('reads expires_in, which arrives as a string, as a number', () => {
    const tokens = parseImplicitCallback(fragment({ expires_in: '259200' }), STATE);
    expect(tokens.expiresIn).toBe(259200);
  });

  it.each([
    ['1+3+6', ['1', '3', '6']],
    ['1%203', ['1', '3']],
    ['1,6', ['1', '6']],
  ])('splits scope %s into numeric IDs', (rawScope, expected) => {
    const hash = fragment({ scope: undefined }) + `&scope=${rawScope}`;
    expect(parseImplicitCallback(hash, STATE).scope).toEqual(expected);
  });

  it('returns an empty scope list when Mi sends no scope', () => {
    expect(parseImplicitCallback(fragment({ scope: undefined }), STATE).scope).toEqual([]);
  });

  it('assumes token_type mac and mac_algorithm HmacSha1 when they are absent', () => {
    const tokens = parseImplicitCallback(fragment({ token_type: undefined, mac_algorithm: undefined }), STATE);
    expect(tokens.tokenType).toBe('mac');
    expect(tokens.macAlgorithm).toBe('HmacSha1');
  });

  it('accepts location.search of a successful callback (the app may keep its own query on the redirect URI)', () => {
    expect(parseImplicitCallback(fragment(), STATE, '?from=home&from=menu')).toEqual(EXPECTED_TOKENS);
  });

  it('accepts a full callback URL as the first argument (e.g. chrome.identity.launchWebAuthFlow)', () => {
    const full = `https://abcdefgh.chromiumapp.org/cb?x=1${fragment()}`;
    expect(parseImplicitCallback(full, STATE)).toEqual(EXPECTED_TOKENS);
  });

  it('trims the expected state as well', () => {
    expect(parseImplicitCallback(fragment(), ` ${STATE}\n`).state).toBe(STATE);
  });
});

describe('parseImplicitCallback — errors', () => {
  it('throws on a Mi error in the query: 96012 OA_ACCESS_DENIED means the user cancelled', () => {
    const err = parseError(() =>
      parseImplicitCallback('', STATE, `?error=96012&error_description=user%20denied&state=${STATE}`),
    );
    expect(err).toBeInstanceOf(MiImplicitGrantError);
    expect(err).toBeInstanceOf(MiAccountError);
    expect(err.name).toBe('MiImplicitGrantError');
    expect(err.reason).toBe('access_denied');
    expect(err.code).toBe(96012);
    expect(err.errorName).toBe('OA_ACCESS_DENIED');
    expect(err.message).toContain('96012 OA_ACCESS_DENIED');
    expect(err.message).toContain('the user cancelled');
    expect(err.message).toContain('user denied');
  });

  it.each(Object.entries(MI_ERROR_CODES))('names code %s, its name and its hint', (code, info) => {
    const err = parseError(() => parseImplicitCallback('', STATE, `error=${code}`));
    expect(err.reason).toBe(info.reason);
    expect(err.code).toBe(Number(code));
    expect(err.errorName).toBe(info.name);
    expect(err.message).toContain(`${code} ${info.name}`);
    expect(err.message).toContain(info.hint);
  });

  it('throws on an error in the query even when the fragment holds tokens, and leaves them out of the message', () => {
    const err = parseError(() =>
      parseImplicitCallback(fragment(), STATE, `?error=96008&error_description=bad%20${ACCESS_TOKEN}`),
    );
    expect(err.code).toBe(96008);
    expect(err.message).not.toContain(ACCESS_TOKEN);
    expect(err.message).toContain('[redacted]');
  });

  it('throws on an error in the fragment', () => {
    const err = parseError(() => parseImplicitCallback(`#error=96007&state=${STATE}`, STATE));
    expect(err.reason).toBe('scope_invalid');
    expect(err.errorName).toBe('OA_INVALID_SCOPE');
  });

  it('throws on an error in the query of a full callback URL', () => {
    const err = parseError(() => parseImplicitCallback(`${REDIRECT}?error=96010&state=${STATE}`, STATE));
    expect(err.code).toBe(96010);
    expect(err.errorName).toBe('OA_INVALID_REDIRECT_URI');
  });

  it('reports the Mi error before checking the state', () => {
    const err = parseError(() => parseImplicitCallback('', STATE, '?error=96012&state=other'));
    expect(err.reason).toBe('access_denied');
  });

  it('reads the RFC 6749 error access_denied as reason access_denied (403), with no made-up Mi code', () => {
    const err = parseError(() => parseImplicitCallback('', STATE, '?error=access_denied'));
    expect(err.reason).toBe('access_denied');
    expect(err.code).toBeUndefined();
    expect(err.errorName).toBeUndefined();
    expect(err.status).toBe(403);
    expect(err.message).toContain('access_denied');
  });

  it('keeps an unknown numeric code and says it is unknown', () => {
    const err = parseError(() => parseImplicitCallback('', STATE, '?error=70016'));
    expect(err.code).toBe(70016);
    expect(err.reason).toBe('mi_error');
    expect(err.errorName).toBeUndefined();
    expect(err.message).toContain('70016');
    expect(err.message).toContain('does not know');
  });

  it('quotes an unknown error name without a code', () => {
    const err = parseError(() => parseImplicitCallback('', STATE, '?error=server_error'));
    expect(err.code).toBeUndefined();
    expect(err.reason).toBe('mi_error');
    expect(err.message).toContain('"server_error"');
  });

  it.each([
    ['null (nothing in sessionStorage)', null, /no expected state/],
    ['undefined', undefined, /no expected state/],
    ['an empty string', '', /no expected state/],
  ])('rejects an expected state that is %s', (_name, expected, message) => {
    const err = parseError(() => parseImplicitCallback(fragment(), expected));
    expect(err.reason).toBe('state_mismatch');
    expect(err.message).toMatch(message);
  });

  it('rejects a callback without state', () => {
    const err = parseError(() => parseImplicitCallback(fragment({ state: undefined }), STATE));
    expect(err.reason).toBe('state_mismatch');
    expect(err.message).toContain('no state');
  });

  it.each([
    ['a different state of the same length', `${STATE.slice(0, -1)}X`],
    ['a longer state with the same prefix', `${STATE}X`],
    ['a shorter state', STATE.slice(0, -1)],
    ['an empty state', ''],
  ])('rejects %s', (_name, received) => {
    const err = parseError(() => parseImplicitCallback(fragment({ state: received }), STATE));
    expect(err.reason).toBe('state_mismatch');
    expect(err.step).toBe('state');
  });

  it('checks the state before the tokens', () => {
    const err = parseError(() => parseImplicitCallback(fragment({ access_token: undefined, state: 'other' }), STATE));
    expect(err.reason).toBe('state_mismatch');
  });

  it.each([
    ['access_token', { access_token: undefined }],
    ['access_token', { access_token: '  ' }],
    ['mac_key', { mac_key: undefined }],
    ['mac_key', { mac_key: '' }],
  ])('rejects a fragment without %s', (field, overrides) => {
    const err = parseError(() => parseImplicitCallback(fragment(overrides), STATE));
    expect(err.reason).toBe('missing_token');
    expect(err.message).toContain(field);
  });

  it.each(['', '#', '   ', '# '])(
    'rejects an empty fragment %p as missing_token and says the fragment is missing',
    (hash) => {
      const err = parseError(() => parseImplicitCallback(hash, STATE));
      expect(err.reason).toBe('missing_token');
      expect(err.message).toContain('no #fragment');
    },
  );

  it.each([
    ['state_mismatch', 403, () => parseImplicitCallback(fragment(), 'another-state')],
    ['missing_token', 400, () => parseImplicitCallback('', STATE)],
    ['invalid_response', 502, () => parseImplicitCallback(fragment({ expires_in: 'soon' }), STATE)],
    ['mi_error', 502, () => parseImplicitCallback('', STATE, '?error=server_error')],
    ['code_invalid', 400, () => parseImplicitCallback('', STATE, '?error=96013')],
  ])('a %s error has the status of its reason, %d', (reason, status, run) => {
    const err = parseError(run);
    expect([err.reason, err.status, err.expose]).toEqual([reason, status, status < 500]);
  });

  it('names access_token when only the state arrived', () => {
    const err = parseError(() => parseImplicitCallback(`#state=${STATE}`, STATE));
    expect(err.reason).toBe('missing_token');
    expect(err.message).toContain('carries no access_token');
  });

  it.each([`#state=${STATE}`, ''])(
    'explains a code in the query (fragment %p): the request used response_type=code',
    (hash) => {
      const err = parseError(() => parseImplicitCallback(hash, STATE, `?code=abc&state=${STATE}`));
      expect(err.reason).toBe('missing_token');
      expect(err.message).toContain('response_type=code');
    },
  );

  it.each([undefined, '', '0', '-1', '1.5', '1e3', '+5', 'abc', '0x10', '99999999999999999999'])(
    'rejects expires_in %p',
    (expiresIn) => {
      const err = parseError(() => parseImplicitCallback(fragment({ expires_in: expiresIn }), STATE));
      expect(err.reason).toBe('invalid_response');
      expect(err.message).toContain('expires_in');
    },
  );

  it('rejects a token_type other than mac', () => {
    const err = parseError(() => parseImplicitCallback(fragment({ token_type: 'bearer' }), STATE));
    expect(err.reason).toBe('invalid_response');
    expect(err.message).toContain('token_type');
  });

  it('rejects a mac_algorithm other than HMAC-SHA1', () => {
    const err = parseError(() => parseImplicitCallback(fragment({ mac_algorithm: 'HmacSha256' }), STATE));
    expect(err.reason).toBe('invalid_response');
    expect(err.message).toContain('mac_algorithm');
  });

  it.each(['access_token', 'state', 'mac_key'])('rejects a fragment that carries %s twice', (key) => {
    const err = parseError(() => parseImplicitCallback(`${fragment()}&${key}=second`, STATE));
    expect(err.reason).toBe('invalid_response');
    expect(err.message).toContain(key);
  });

  it('gives a log-safe toJSON with the reason', () => {
    const err = parseError(() => parseImplicitCallback(fragment({ state: 'x' }), STATE));
    expect(err.toJSON()).toMatchObject({ name: 'MiImplicitGrantError', reason: 'state_mismatch', step: 'state' });
  });

  it('never puts the access token or the mac_key in a message, stack, string or JSON of any error', () => {
    const cases: [string, string?][] = [
      [fragment(), `?error=96012&error_description=${ACCESS_TOKEN}%20${MAC_KEY}`],
      [fragment({ error: `${MAC_KEY}`, error_description: ACCESS_TOKEN })],
      [fragment({ error: ACCESS_TOKEN })],
      [fragment({ state: ACCESS_TOKEN })],
      [fragment({ state: undefined })],
      [fragment({ mac_key: undefined })],
      [fragment({ access_token: undefined })],
      [fragment({ expires_in: ACCESS_TOKEN })],
      [fragment({ expires_in: MAC_KEY })],
      [fragment({ token_type: ACCESS_TOKEN })],
      [fragment({ mac_algorithm: MAC_KEY })],
      [`${fragment()}&access_token=${ACCESS_TOKEN}`],
      [`${fragment()}&mac_key=${MAC_KEY}`],
    ];
    for (const [hash, search] of cases) {
      const err = parseError(() => parseImplicitCallback(hash, STATE, search));
      for (const text of [err.message, err.stack ?? '', String(err), JSON.stringify(err)]) {
        expect(text).not.toContain(ACCESS_TOKEN);
        expect(text).not.toContain(MAC_KEY);
        expect(text).not.toContain(ACCESS_TOKEN.slice(0, 20));
        expect(text).not.toContain(MAC_KEY.slice(0, 12));
      }
    }
  });
});

describe('browser compatibility', () => {
  const LIB = resolve(__dirname, '..', 'lib');

  it.each([
    ["import { randomBytes } from 'node:crypto';", 'imports node:crypto'],
    ["import { createHash } from 'crypto';", 'imports crypto'],
    ["import * as fs from 'fs';", 'imports fs'],
    ["export { x } from 'node:path';", 'imports node:path'],
    ["const fs = require('fs');", 'calls require('],
    ["const m = await import('fs/promises');", 'imports fs/promises'],
    ['const b = Buffer.from(x);', 'uses Buffer'],
  ])('the checker flags %s', (source, problem) => {
    expect(nodeOnlyUses(source)).toContain(problem);
  });

  it('lib/browser.ts and every lib file it imports use no Node built-in', () => {
    const closure = libClosure(join(LIB, 'browser.ts'));
    const browserModules = readdirSync(join(LIB, 'browser')).map((name) => join(LIB, 'browser', name));
    expect([...closure.keys()]).toEqual(
      expect.arrayContaining([
        join(LIB, 'browser.ts'),
        ...browserModules,
        join(LIB, 'errors', 'errors.ts'),
        join(LIB, 'protocol', 'index.ts'),
        join(LIB, 'protocol', 'scopes.ts'),
        join(LIB, 'protocol', 'authorize-url.ts'),
        join(LIB, 'protocol', 'authorization-error.ts'),
        join(LIB, 'protocol', 'token-fields.ts'),
      ]),
    );
    for (const [file, source] of closure) {
      expect({ file, problems: nodeOnlyUses(source) }).toEqual({ file, problems: [] });
      for (const name of specifiers(source)) expect(name.startsWith('.')).toBe(true);
    }
  });

  it('runs in a sandbox that has only URL, URLSearchParams and crypto.getRandomValues', () => {
    const context = browserContext();
    const loaded = new Set<string>();
    const mod = loadInSandbox(join(LIB, 'browser.ts'), context, loaded);
    expect([...loaded]).toEqual(
      expect.arrayContaining(readdirSync(join(LIB, 'browser')).map((name) => join(LIB, 'browser', name))),
    );
    context.mod = mod;
    context.hash = fragment();
    context.expectedState = STATE;
    const out: unknown = vm.runInContext(
      `(() => {
        const request = mod.buildImplicitAuthorizeUrl({ clientID: '1', redirectURI: 'https://a.example/cb', scope: 'profile openid' });
        const tokens = mod.parseImplicitCallback(hash, expectedState);
        let reason;
        try { mod.parseImplicitCallback(hash, 'other'); } catch (err) { reason = err.reason; }
        let denied;
        try { mod.parseImplicitCallback('', expectedState, '?error=access_denied'); } catch (err) { denied = [err.reason, err.code === undefined]; }
        return JSON.stringify({ state: request.state, url: request.url, tokens, reason, denied,
          hasNode: typeof process !== 'undefined' || typeof Buffer !== 'undefined' || typeof require !== 'undefined' });
      })()`,
      context,
    );
    const result = JSON.parse(String(out)) as {
      state: string;
      url: string;
      tokens: unknown;
      reason: string;
      denied: [string, boolean];
      hasNode: boolean;
    };
    expect(result.hasNode).toBe(false);
    expect(result.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new URL(result.url).searchParams.get('scope')).toBe('1 3');
    expect(result.tokens).toEqual(EXPECTED_TOKENS);
    expect(result.reason).toBe('state_mismatch');
    expect(result.denied).toEqual(['access_denied', true]);
  });
});
