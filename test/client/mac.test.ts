import fc from 'fast-check';
import {
  canonicalMacString,
  createNonce,
  MAX_MAC_HEADER_LENGTH,
  macAuthorizationHeader,
  parseMacAuthorizationHeader,
  signMac,
} from '../../lib/client/mac';

// Protocol §6 test vector.
const VECTOR = {
  macKey: 'ORhx44qK6Alqf8vt2rGB5f-oPq0',
  nonce: '2870867952176701445:23282360',
  method: 'GET',
  path: '/user/profile',
  query: {
    clientId: '179887661252608',
    token: 'eJxjYGAQydknLLCFsVyIR-DxSqdTnQFGfX4yDAwMjAzxQJIheJfnRTDtvAhMM8SE_2FgWDw7Rg3MYzdUMFIwVjABMplzE5MBClYRuw',
  },
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

describe('signMac: the documented test vector (protocol §6)', () => {
  it('reproduces 9uvros2WcjMaJ3pH25eQZU9p5pA= with the host misspelled as in the documentation', () => {
    expect(signMac({ ...VECTOR, host: 'open.account.xiamomi.com' })).toBe('9uvros2WcjMaJ3pH25eQZU9p5pA=');
  });

  it('gives vLXZ8fqoGPik4yqDj2XP2Mbd+is= with the correctly spelled host', () => {
    expect(signMac({ ...VECTOR, host: 'open.account.xiaomi.com' })).toBe('vLXZ8fqoGPik4yqDj2XP2Mbd+is=');
  });

  it('gives the same signature whatever the order of the query parameters', () => {
    const reversed = { token: VECTOR.query.token, clientId: VECTOR.query.clientId };
    expect(signMac({ ...VECTOR, host: 'open.account.xiaomi.com', query: reversed })).toBe(
      'vLXZ8fqoGPik4yqDj2XP2Mbd+is=',
    );
  });

  it('gives the same signature for a lower-case method', () => {
    expect(signMac({ ...VECTOR, host: 'open.account.xiaomi.com', method: 'get' })).toBe('vLXZ8fqoGPik4yqDj2XP2Mbd+is=');
  });

  it('gives the same signature when empty parameters are added', () => {
    const query = { ...VECTOR.query, empty: '', missing: undefined, nothing: null };
    expect(signMac({ ...VECTOR, host: 'open.account.xiaomi.com', query })).toBe('vLXZ8fqoGPik4yqDj2XP2Mbd+is=');
  });
});

describe('signMac', () => {
  const base = { ...VECTOR, host: 'open.account.xiaomi.com' };

  it.each([
    ['mac key', { macKey: 'another-key' }],
    ['nonce', { nonce: '2870867952176701445:23282361' }],
    ['method', { method: 'POST' }],
    ['host', { host: 'open.account.xiaomi.com.cn' }],
    ['path', { path: '/user/profilE' }],
    ['query value', { query: { ...VECTOR.query, clientId: '179887661252609' } }],
    ['query name', { query: { clientid: VECTOR.query.clientId, token: VECTOR.query.token } }],
  ])('changes when the %s changes', (_part, change) => {
    expect(signMac({ ...base, ...change })).not.toBe('vLXZ8fqoGPik4yqDj2XP2Mbd+is=');
  });

  it('is the Base64 of a 20-byte HMAC-SHA1 for any input', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.string(),
        fc.dictionary(fc.string(), fc.string()),
        (macKey, nonce, path, query) => {
          const mac = signMac({ macKey, nonce, method: 'GET', host: 'h', path, query });
          expect(mac).toMatch(/^[A-Za-z0-9+/]{27}=$/);
          expect(Buffer.from(mac, 'base64')).toHaveLength(20);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('canonicalMacString', () => {
  const input = (query: Parameters<typeof canonicalMacString>[0]['query']) => ({
    nonce: 'n:1',
    method: 'GET',
    host: 'open.account.xiaomi.com',
    path: '/user/profile',
    query,
  });
  const queryLine = (query: Parameters<typeof canonicalMacString>[0]['query']): string =>
    canonicalMacString(input(query)).split('\n')[4] ?? '';

  it('is nonce, METHOD, host, path and query, each followed by a newline', () => {
    expect(canonicalMacString(input({ b: '2', a: '1' }))).toBe(
      'n:1\nGET\nopen.account.xiaomi.com\n/user/profile\na=1&b=2\n',
    );
  });

  it('upper-cases the method', () => {
    expect(canonicalMacString({ ...input({}), method: 'post' }).split('\n')[1]).toBe('POST');
  });

  it('keeps the host and path exactly as given', () => {
    const text = canonicalMacString({ ...input({}), host: 'Open.Account.Xiaomi.com', path: '/User/Profile' });
    expect(text.split('\n').slice(2, 4)).toEqual(['Open.Account.Xiaomi.com', '/User/Profile']);
  });

  it('leaves an empty line for an empty query, still ending with a newline', () => {
    expect(canonicalMacString(input({}))).toBe('n:1\nGET\nopen.account.xiaomi.com\n/user/profile\n\n');
  });

  it.each([
    ['by name', { token: 't', clientId: 'c' }, 'clientId=c&token=t'],
    ['by code unit, upper case before lower case', { a: '1', B: '2', _: '3' }, 'B=2&_=3&a=1'],
    ['a prefix before its extensions', { ab: '2', a: '1', b: '3' }, 'a=1&ab=2&b=3'],
  ])('sorts the parameters %s', (_label, query, expected) => {
    expect(queryLine(query)).toBe(expected);
  });

  it.each([
    ['an empty string', ''],
    ['undefined', undefined],
    ['null', null],
  ])('leaves out a parameter whose value is %s', (_label, value) => {
    expect(queryLine({ a: '1', empty: value, z: '2' })).toBe('a=1&z=2');
  });

  it('keeps the number 0, which is not empty', () => {
    expect(queryLine({ zero: 0 })).toBe('zero=0');
  });

  it('writes numbers in decimal', () => {
    expect(queryLine({ clientId: 179887661252608 })).toBe('clientId=179887661252608');
  });

  it('does not percent-encode values', () => {
    expect(queryLine({ q: 'a b&c=d/e+f%20ü' })).toBe('q=a b&c=d/e+f%20ü');
  });
});

describe('createNonce', () => {
  afterEach(() => jest.restoreAllMocks());

  it('has the form "<signed integer>:<integer>"', () => {
    expect(createNonce()).toMatch(/^-?\d+:\d+$/);
  });

  it.each([
    [0, 0],
    [59_999, 0],
    [60_000, 1],
    [23282360 * 60_000 + 59_999, 23282360],
    [Date.UTC(2024, 0, 1, 12, 30, 45), Math.floor(Date.UTC(2024, 0, 1, 12, 30) / 60_000)],
  ])('takes the minutes of now=%d as %d (floor of now / 60000)', (now, minutes) => {
    expect(createNonce(now).split(':')[1]).toBe(String(minutes));
  });

  it('uses the current time by default', () => {
    jest.spyOn(Date, 'now').mockReturnValue(1_700_000_123_456);
    expect(createNonce().split(':')[1]).toBe(String(Math.floor(1_700_000_123_456 / 60_000)));
  });

  it('draws the random part from the whole signed 64-bit range', () => {
    const randoms = Array.from({ length: 2000 }, () => BigInt(createNonce(0).split(':')[0] ?? ''));
    for (const value of randoms) {
      expect(value >= INT64_MIN && value <= INT64_MAX).toBe(true);
    }
    expect(randoms.some((value) => value < 0n)).toBe(true);
    expect(randoms.some((value) => value > 0n)).toBe(true);
    // Beyond what a double could carry: not Math.random() scaled up.
    expect(randoms.some((value) => value > 2n ** 53n || value < -(2n ** 53n))).toBe(true);
  });

  it('writes the random part in canonical decimal (no leading zeros, no "+")', () => {
    for (let i = 0; i < 500; i += 1) {
      const random = createNonce(0).split(':')[0] ?? '';
      expect(BigInt(random).toString()).toBe(random);
    }
  });

  it('never repeats over 10000 calls in the same minute', () => {
    const nonces = new Set(Array.from({ length: 10_000 }, () => createNonce(1_700_000_000_000)));
    expect(nonces.size).toBe(10_000);
  });
});

describe('macAuthorizationHeader', () => {
  it('writes the format of the official SDKs', () => {
    expect(macAuthorizationHeader('token', '2870867952176701445:23282360', 'abc=')).toBe(
      'MAC access_token="token", nonce="2870867952176701445%3A23282360",mac="abc%3D"',
    );
  });

  it('percent-encodes the characters that could break the quoted values', () => {
    const header = macAuthorizationHeader('a"b,c d', 'n', 'x+y/z=');
    expect(header).toBe('MAC access_token="a%22b%2Cc%20d", nonce="n",mac="x%2By%2Fz%3D"');
  });
});

describe('parseMacAuthorizationHeader', () => {
  const fields = { access_token: 'tok', nonce: '1:2', mac: 'm+/=' };
  const read = (header: string | undefined) => parseMacAuthorizationHeader(header);
  const problem = (header: string) => {
    const result = read(header);
    return result?.ok === false ? result.problem : undefined;
  };

  it('reads back what macAuthorizationHeader wrote', () => {
    expect(read(macAuthorizationHeader('tok', '1:2', 'm+/='))).toEqual({ ok: true, fields });
  });

  it('round-trips any access token, nonce and mac', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.string({ unit: 'grapheme' }),
        fc.string({ unit: 'grapheme' }),
        (token, nonce, mac) => {
          expect(read(macAuthorizationHeader(token, nonce, mac))).toEqual({
            ok: true,
            fields: { access_token: token, nonce, mac },
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([
    ['no spaces', 'MAC access_token="tok",nonce="1%3A2",mac="m%2B%2F%3D"'],
    ['spaces after commas', 'MAC access_token="tok", nonce="1%3A2", mac="m%2B%2F%3D"'],
    ['spaces around "=" and ","', 'MAC access_token = "tok" , nonce = "1%3A2" , mac = "m%2B%2F%3D"'],
    ['several spaces after the scheme', 'MAC    access_token="tok",nonce="1%3A2",mac="m%2B%2F%3D"'],
    ['a tab after the scheme', 'MAC\taccess_token="tok",nonce="1%3A2",mac="m%2B%2F%3D"'],
    ['a lower-case scheme', 'mac access_token="tok",nonce="1%3A2",mac="m%2B%2F%3D"'],
    ['values not percent-encoded', 'MAC access_token="tok", nonce="1:2",mac="m+/="'],
    ['another order', 'MAC mac="m%2B%2F%3D", nonce="1%3A2", access_token="tok"'],
    ['bare (unquoted) values', 'MAC access_token=tok, nonce=1%3A2, mac=m+/='],
    ['empty list elements', 'MAC , access_token="tok",, nonce="1:2" ,mac="m+/=",'],
  ])('reads a header with %s', (_label, header) => {
    expect(read(header)).toEqual({ ok: true, fields });
  });

  it.each([
    ['undefined', undefined],
    ['an empty string', ''],
    ['a Bearer header', 'Bearer tok'],
    ['a Basic header', 'Basic dXNlcjpwdw=='],
    ['"MAC" alone', 'MAC'],
    ['"MAC" glued to the parameters', 'MACaccess_token="tok"'],
    ['a scheme ending in MAC', 'HMAC access_token="tok"'],
    ['a leading space', ' MAC access_token="tok"'],
  ])('returns undefined (not a MAC header) for %s', (_label, header) => {
    expect(read(header)).toBeUndefined();
  });

  it.each([
    ['a truncated escape', 'MAC access_token="%E0%A4%A", nonce="n", mac="m"'],
    ['a lone "%"', 'MAC access_token="tok", nonce="%", mac="m"'],
    ['a non-hex escape', 'MAC access_token="tok", nonce="n", mac="%zz"'],
    ['an escape of a lone surrogate half', 'MAC access_token="%ED%A0%80", nonce="n", mac="m"'],
  ])('refuses malformed percent-encoding: %s', (_label, header) => {
    expect(problem(header)).toMatch(/malformed percent-encoding in the value at position \d+/);
  });

  it('refuses a parameter given twice', () => {
    expect(problem('MAC access_token="a", nonce="n", mac="m", access_token="b"')).toMatch(
      /gives the parameter at position 43 twice/,
    );
  });

  it.each([
    ["a quote closed by the next value's", 'MAC access_token="tok, nonce="n', /lacks a comma at position 31/],
    ['a quote never closed at all', 'MAC access_token="tok', /quote opened at position 18 and never closed/],
    ['a name without "="', 'MAC access_token', /parameter without "=" at position 17/],
    ['a name with "=" and nothing after', 'MAC access_token=', /parameter without a value at position 18/],
    ['two pairs without a comma', 'MAC access_token="a" nonce="n"', /lacks a comma at position 22/],
    ['text that is no name', 'MAC "tok"', /unexpected character at position 5/],
    ['a bare token68 instead of pairs', 'MAC dG9rZW4/', /parameter without "=" at position 12/],
  ])('refuses %s, naming where', (_label, header, expected) => {
    expect(problem(header)).toMatch(expected);
  });

  it('never quotes a value in a problem', () => {
    const token = 'SECRET-token-value';
    for (const header of [
      `MAC access_token="${token}`,
      `MAC access_token="${token}" nonce="n"`,
      `MAC access_token="${token}", access_token="${token}"`,
      `MAC access_token="%zz${token}"`,
      `MAC ${token}`,
    ]) {
      expect(problem(header)).toMatch(/^the Authorization: MAC header /);
      expect(problem(header)).not.toContain(token.slice(0, 6));
    }
  });

  it('refuses a header over MAX_MAC_HEADER_LENGTH unread, and reads one at the limit', () => {
    const at = (length: number) => `MAC access_token="${'a'.repeat(length - 'MAC access_token=""'.length)}"`;
    expect(problem(at(MAX_MAC_HEADER_LENGTH + 1))).toBe(
      `the Authorization: MAC header is longer than ${MAX_MAC_HEADER_LENGTH} characters`,
    );
    expect(read(at(MAX_MAC_HEADER_LENGTH))).toMatchObject({ ok: true });
  });

  // Quadratic before (a rescan from every position): 20 ms at 4 KB, 289 ms at 16 KB, 2.4 s at 64 KB.
  it.each([
    ['one letter run', (n: number) => `MAC ${'a'.repeat(n)}`],
    ['an unclosed quote', (n: number) => `MAC access_token="${'a'.repeat(n)}`],
    ['name=value pairs without quotes or commas', (n: number) => `MAC ${'a=b '.repeat(n / 4)}`],
    ['many spaces', (n: number) => `MAC ${' '.repeat(n)}x`],
    ['many commas', (n: number) => `MAC ${','.repeat(n)}x`],
  ])('reads a header at the length limit in linear time: %s', (_label, build) => {
    const header = build(8000); // just under the 8 KB limit
    read(header); // warm up
    const started = performance.now();
    for (let i = 0; i < 10; i += 1) read(header);
    expect((performance.now() - started) / 10).toBeLessThan(5);
  });

  it('refuses a 64 KB header in well under a millisecond per call, whatever it holds', () => {
    const headers = [`MAC ${'a'.repeat(65536)}`, `MAC access_token="${'a'.repeat(65536)}`];
    const started = performance.now();
    for (const header of headers) expect(problem(header)).toMatch(/longer than/);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('stores "__proto__" as a plain field without touching any prototype', () => {
    const parsed = read('MAC __proto__="x", access_token="tok"');
    expect(parsed?.ok).toBe(true);
    const read_ = parsed?.ok ? parsed.fields : {};
    expect(Object.getPrototypeOf(read_)).toBeNull();
    expect(Object.keys(read_)).toEqual(['__proto__', 'access_token']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
