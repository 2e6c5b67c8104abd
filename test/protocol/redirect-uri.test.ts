import fc from 'fast-check';
import { compileRedirectUris, splitRegisteredRedirectUris, validateRedirectUri } from '../../lib/protocol/redirect-uri';
import { anyText } from '../helpers/arbitraries';

const ABC = 'https://abc.com/oauth';
const RUNS = 500;

const accepted = (candidate: string, registered: string | readonly string[]): boolean =>
  validateRedirectUri(candidate, registered).ok;

describe('validateRedirectUri: Xiaomi examples (protocol §2)', () => {
  it.each([
    { candidate: 'https://abc.com/oauth?x=1&y=2', ok: true, why: 'same host, same path' },
    { candidate: 'https://x.abc.com/oauth?x=1&y=2', ok: true, why: 'sub-domain' },
    { candidate: 'https://x.abc.com/oauth/path?x=1&y=2', ok: true, why: 'sub-domain and sub-path' },
    { candidate: 'http://abc.com/oauth?x=1&y=2', ok: false, why: 'scheme differs' },
    { candidate: 'https://abc.com:8080/oauth?x=1&y=2', ok: false, why: 'port differs' },
  ])('registered https://abc.com/oauth: $candidate → ok=$ok ($why)', ({ candidate, ok }) => {
    expect(validateRedirectUri(candidate, ABC).ok).toBe(ok);
  });

  it('names the failed rule in the reason of a rejected example', () => {
    expect(validateRedirectUri('http://abc.com/oauth?x=1&y=2', ABC)).toEqual({
      ok: false,
      reason: expect.stringContaining('scheme differs'),
    });
    expect(validateRedirectUri('https://abc.com:8080/oauth?x=1&y=2', ABC)).toEqual({
      ok: false,
      reason: expect.stringContaining('port differs'),
    });
  });

  it('rejects the wildcard host http://*.mi.com/login.php against https://mi.com/login.php;http://miui.com/login.php', () => {
    const result = validateRedirectUri(
      'http://*.mi.com/login.php',
      'https://mi.com/login.php;http://miui.com/login.php',
    );
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('invalid host name') });
  });
});

describe('validateRedirectUri: the registered list', () => {
  const LIST = 'https://mi.com/login;https://id.mi.com/cb';

  it('accepts a candidate matching the second entry of a ";"-separated string and reports that entry', () => {
    expect(validateRedirectUri('https://x.id.mi.com/cb/done', LIST)).toEqual({
      ok: true,
      matched: 'https://id.mi.com/cb',
    });
  });

  it('accepts the same candidates with the array form', () => {
    expect(
      validateRedirectUri('https://x.id.mi.com/cb/done', ['https://mi.com/login', 'https://id.mi.com/cb']),
    ).toEqual({
      ok: true,
      matched: 'https://id.mi.com/cb',
    });
  });

  it('reports the first registered entry that matches', () => {
    expect(validateRedirectUri('https://id.mi.com/cb', 'https://mi.com/;https://id.mi.com/cb')).toEqual({
      ok: true,
      matched: 'https://mi.com/',
    });
  });

  it('reports the registered entry, not the candidate, as matched', () => {
    const result = validateRedirectUri('https://X.ABC.com:443/oauth/deep?q=1', ABC);
    expect(result).toEqual({ ok: true, matched: ABC });
  });

  it('trims whitespace around string entries and reports the trimmed entry', () => {
    const result = validateRedirectUri(
      'http://x.miui.com/login.php',
      ' https://mi.com/login.php ;\thttp://miui.com/login.php \n',
    );
    expect(result).toEqual({ ok: true, matched: 'http://miui.com/login.php' });
  });

  it('trims whitespace around array entries', () => {
    expect(validateRedirectUri('https://abc.com/oauth', ['  https://abc.com/oauth  '])).toEqual({
      ok: true,
      matched: ABC,
    });
  });

  it('ignores empty entries between, before and after separators', () => {
    expect(validateRedirectUri('https://abc.com/oauth', ';;https://abc.com/oauth;;')).toEqual({
      ok: true,
      matched: ABC,
    });
  });

  it('lists every registered entry with the rule it failed when nothing matches', () => {
    const result = validateRedirectUri('http://mi.com/', LIST);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(
      /https:\/\/mi\.com\/login: scheme differs; https:\/\/id\.mi\.com\/cb: scheme differs/,
    );
  });

  it.each([
    { label: 'empty string', registered: '' },
    { label: 'only separators and blanks', registered: ' ; ;' },
    { label: 'empty array', registered: [] },
  ])('returns ok:false "No redirect URI is registered" for $label', ({ registered }) => {
    expect(validateRedirectUri(ABC, registered)).toEqual({
      ok: false,
      reason: expect.stringContaining('No redirect URI is registered'),
    });
  });

  it.each([
    { label: 'undefined', registered: undefined },
    { label: 'null', registered: null },
    { label: 'a number', registered: 42 },
  ])('returns ok:false instead of throwing when a JavaScript caller registers $label', ({ registered }) => {
    expect(validateRedirectUri(ABC, registered as unknown as string)).toEqual({
      ok: false,
      reason: expect.stringContaining('No redirect URI is registered'),
    });
  });

  it.each([
    ['a wildcard host', 'http://*.x.com/', 'invalid host name'],
    ['user information', 'https://evil.com@abc.com/', 'user information'],
    ['a fragment', 'https://abc.com/#cb', 'fragment'],
    ['a non-http scheme', 'ftp://abc.com/', 'http or https'],
    ['a relative URI', '/oauth', 'not an absolute URL'],
    ['a trailing-dot host', 'https://abc.com./', 'invalid host name'],
    ['a percent-encoded dot segment', 'https://abc.com/a/%2e%2e/b', 'percent-encoded'],
  ])('returns ok:false naming a registered entry with %s, even when another entry matches', (_label, bad, why) => {
    const result = validateRedirectUri(ABC, [ABC, bad]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(`"${bad}"`);
    expect(!result.ok && result.reason).toContain(why);
  });
});

describe('compileRedirectUris', () => {
  it('throws a TypeError naming every invalid registered entry', () => {
    expect(() => compileRedirectUris('https://abc.com/oauth;http://*.x.com/;ftp://q/')).toThrow(
      new TypeError(
        'Invalid registered redirect URI: registered redirect URI "http://*.x.com/" has an invalid host name "*.x.com" (wildcards and trailing dots are not allowed); registered redirect URI "ftp://q/" must use http or https, not ftp:',
      ),
    );
  });

  it('throws a TypeError when nothing is registered', () => {
    expect(() => compileRedirectUris(' ; ')).toThrow(/No redirect URI is registered/);
  });

  it('exposes the trimmed registered entries', () => {
    expect(compileRedirectUris(' https://a.com/ ; https://b.com/cb ').registered).toEqual([
      'https://a.com/',
      'https://b.com/cb',
    ]);
  });

  it('gives the same answers as validateRedirectUri', () => {
    const matcher = compileRedirectUris(ABC);
    for (const candidate of ['https://x.abc.com/oauth/p', 'http://abc.com/oauth', 'https://abc.com@evil.com/oauth']) {
      expect(matcher.match(candidate)).toEqual(validateRedirectUri(candidate, ABC));
    }
  });
});

describe('splitRegisteredRedirectUris', () => {
  it('splits on ";", trims and drops empty entries', () => {
    expect(splitRegisteredRedirectUris(' https://a.com/ ;; https://b.com/ ;')).toEqual([
      'https://a.com/',
      'https://b.com/',
    ]);
  });

  it('trims and filters an array without splitting its entries', () => {
    expect(splitRegisteredRedirectUris([' https://a.com/ ', '', 'https://b.com/'])).toEqual([
      'https://a.com/',
      'https://b.com/',
    ]);
  });
});

describe('validateRedirectUri: matching rules', () => {
  it.each([
    ['registered http, candidate https', 'https://abc.com/cb', 'http://abc.com/cb'],
    ['registered https, candidate http', 'http://abc.com/cb', 'https://abc.com/cb'],
  ])('rejects a different scheme (%s)', (_label, candidate, registered) => {
    expect(accepted(candidate, registered)).toBe(false);
  });

  it('treats an upper-case scheme as the same scheme', () => {
    expect(accepted('HTTPS://abc.com/oauth', ABC)).toBe(true);
  });

  it.each([
    ['https with :443 against none', 'https://abc.com:443/oauth', 'https://abc.com/oauth'],
    ['https with none against :443', 'https://abc.com/oauth', 'https://abc.com:443/oauth'],
    ['http with :80 against none', 'http://abc.com:80/oauth', 'http://abc.com/oauth'],
    ['the same explicit port', 'http://localhost:3000/cb', 'http://localhost:3000/cb'],
  ])('treats the default port as that port (%s)', (_label, candidate, registered) => {
    expect(accepted(candidate, registered)).toBe(true);
  });

  it.each([
    ['another port', 'https://abc.com:8443/oauth', 'https://abc.com/oauth'],
    ['no port against an explicit one', 'http://localhost/cb', 'http://localhost:3000/cb'],
    ['a neighbouring port', 'http://localhost:3001/cb', 'http://localhost:3000/cb'],
    ['https on :80', 'https://abc.com:80/oauth', 'https://abc.com/oauth'],
    ['http on :443', 'http://abc.com:443/oauth', 'http://abc.com/oauth'],
  ])('rejects a different port (%s)', (_label, candidate, registered) => {
    expect(accepted(candidate, registered)).toBe(false);
  });

  it.each([
    ['upper-case host', 'https://ABC.com/oauth'],
    ['mixed-case sub-domain', 'https://X.Abc.COM/oauth'],
    ['deep sub-domain', 'https://a.b.c.abc.com/oauth'],
  ])('accepts the host or a sub-domain of it (%s)', (_label, candidate) => {
    expect(accepted(candidate, ABC)).toBe(true);
  });

  it.each([
    ['suffix without a dot', 'https://xabc.com/oauth'],
    ['longer suffix without a dot', 'https://evilabc.com/oauth'],
    ['registered host as a prefix', 'https://abc.com.evil.com/oauth'],
    ['registered host as a middle label', 'https://x.abc.com.evil.com/oauth'],
    ['a different TLD', 'https://abc.co/oauth'],
    ['a hyphenated neighbour', 'https://x-abc.com/oauth'],
  ])('rejects a host that is neither the host nor a sub-domain (%s)', (_label, candidate) => {
    expect(validateRedirectUri(candidate, ABC)).toEqual({
      ok: false,
      reason: expect.stringContaining('host is neither abc.com nor a sub-domain of it'),
    });
  });

  it('rejects the parent domain of a registered sub-domain', () => {
    expect(accepted('https://abc.com/oauth', 'https://id.abc.com/oauth')).toBe(false);
  });

  it.each([
    ['the path itself', 'https://abc.com/oauth'],
    ['the path with a trailing slash', 'https://abc.com/oauth/'],
    ['a sub-path', 'https://abc.com/oauth/path'],
    ['a deep sub-path', 'https://abc.com/oauth/a/b/c'],
    ['a single-dot segment that stays under the path', 'https://abc.com/oauth/./x'],
    ['a double-dot segment that stays under the path', 'https://abc.com/oauth/x/../y'],
    ['ordinary percent-encoding in a sub-path', 'https://abc.com/oauth/a%20b'],
    ['a sub-path containing "@"', 'https://abc.com/oauth/@evil.com'],
  ])('accepts %s', (_label, candidate) => {
    expect(accepted(candidate, ABC)).toBe(true);
  });

  it.each([
    ['a prefix glued with a digit', 'https://abc.com/oauth2'],
    ['a prefix glued with a letter', 'https://abc.com/oauthx'],
    ['a prefix glued with ";"', 'https://abc.com/oauth;x'],
    ['a different letter case', 'https://abc.com/OAuth'],
    ['the parent path', 'https://abc.com/'],
    ['a sibling path', 'https://abc.com/admin'],
    ['"/oauth/../admin", which normalizes to /admin', 'https://abc.com/oauth/../admin'],
    ['"/oauth/..", which normalizes to /', 'https://abc.com/oauth/..'],
    ['a percent-encoded letter of the path', 'https://abc.com/%6fauth'],
  ])('rejects a path that is not the path or below it: %s', (_label, candidate) => {
    expect(accepted(candidate, ABC)).toBe(false);
  });

  it('does not accept the path without its trailing slash when the slash is registered', () => {
    expect(accepted('https://abc.com/oauth', 'https://abc.com/oauth/')).toBe(false);
  });

  it('accepts any path under a registered root', () => {
    expect(accepted('https://abc.com/any/where', 'https://abc.com')).toBe(true);
  });

  it.each([
    ['a different query', 'https://abc.com/oauth?a=1'],
    ['no query against a registered query', 'https://abc.com/oauth'],
    ['a query holding encoded dots and slashes', 'https://abc.com/oauth?next=%2e%2e%2fadmin'],
    ['an empty query', 'https://abc.com/oauth?'],
  ])('lets the query differ freely (%s)', (_label, candidate) => {
    expect(accepted(candidate, 'https://abc.com/oauth?registered=1')).toBe(true);
  });
});

describe('validateRedirectUri: IP literals', () => {
  const LOOPBACK = 'http://127.0.0.1:3000/';

  it('accepts the registered IPv4 address with a path below the registered one', () => {
    expect(validateRedirectUri('http://127.0.0.1:3000/cb', LOOPBACK)).toEqual({ ok: true, matched: LOOPBACK });
  });

  it.each([
    ['a "sub-domain" of an IPv4 address', 'http://1.127.0.0.1:3000/'],
    ['a label before an IPv4 address', 'http://x.127.0.0.1:3000/'],
    ['the next address', 'http://127.0.0.2:3000/'],
    ['a hex form of another address', 'http://0x7f.0.0.2:3000/'],
    ['localhost', 'http://localhost:3000/'],
    ['the IPv4-mapped IPv6 form', 'http://[::ffff:127.0.0.1]:3000/'],
    ['another port', 'http://127.0.0.1:3001/'],
  ])('rejects %s', (_label, candidate) => {
    expect(accepted(candidate, LOOPBACK)).toBe(false);
  });

  it.each([
    ['hex first octet', 'http://0x7f.0.0.1:3000/cb'],
    ['octal first octet', 'http://0177.0.0.1:3000/cb'],
    ['a single 32-bit number', 'http://2130706433:3000/cb'],
    ['a single hex number', 'http://0x7f000001:3000/cb'],
    ['the short form 127.1', 'http://127.1:3000/cb'],
  ])('accepts an IPv4 form that normalizes to the registered address (%s)', (_label, candidate) => {
    expect(validateRedirectUri(candidate, LOOPBACK)).toEqual({ ok: true, matched: LOOPBACK });
  });

  it('accepts the registered IPv6 address written in full', () => {
    expect(accepted('http://[0:0:0:0:0:0:0:1]:8080/cb/x', 'http://[::1]:8080/cb')).toBe(true);
  });

  it.each([
    ['another IPv6 address', 'http://[::2]:8080/cb'],
    ['a label before an IPv6 literal', 'http://x.[::1]:8080/cb'],
    ['an unbracketed IPv6 address', 'http://::1:8080/cb'],
    ['the default port', 'http://[::1]/cb'],
  ])('rejects %s against http://[::1]:8080/cb', (_label, candidate) => {
    expect(accepted(candidate, 'http://[::1]:8080/cb')).toBe(false);
  });
});

describe('validateRedirectUri: internationalized hosts', () => {
  it('rejects a homograph with a Cyrillic "а" in place of the Latin "a"', () => {
    expect(accepted('https://\u0430bc.com/oauth', ABC)).toBe(false);
  });

  it('accepts the punycode form of a registered Unicode host', () => {
    expect(validateRedirectUri('https://xn--bcher-kva.example/cb', 'https://bücher.example/')).toEqual({
      ok: true,
      matched: 'https://bücher.example/',
    });
  });

  it('accepts the Unicode form of a registered punycode host', () => {
    expect(accepted('https://bücher.example/cb', 'https://xn--bcher-kva.example/')).toBe(true);
  });

  it('accepts an upper-case Unicode sub-domain of a registered punycode host', () => {
    expect(accepted('https://x.BÜCHER.example/cb', 'https://xn--bcher-kva.example/')).toBe(true);
  });

  it('rejects the ASCII look-alike of a registered Unicode host', () => {
    expect(accepted('https://bucher.example/cb', 'https://bücher.example/')).toBe(false);
  });

  it('compares full-width letters and ideographic dots as the host IDNA maps them to', () => {
    expect(accepted('https://\uff41\uff42\uff43\u3002com/oauth', ABC)).toBe(true);
  });
});

describe('validateRedirectUri: hostile candidates are rejected (zero false accepts)', () => {
  it.each([
    ['registered host as user name', 'https://abc.com@evil.com/oauth'],
    ['evil user name before the registered host', 'https://evil.com@abc.com/oauth'],
    ['user and password', 'https://user:pw@abc.com/oauth'],
    ['empty user information', 'https://@abc.com/oauth'],
    ['user information with ";"', 'https://abc.com;@evil.com/oauth'],
  ])('user information: %s', (_label, candidate) => {
    expect(validateRedirectUri(candidate, ABC)).toEqual({
      ok: false,
      reason: expect.stringContaining('user information'),
    });
  });

  it.each([
    ['backslash before "@"', 'https://abc.com\\@evil.com/oauth'],
    ['backslash before the registered host', 'https://evil.com\\.abc.com/oauth'],
    ['backslash as the path separator', 'https://abc.com\\oauth'],
    ['backslash in the path', 'https://abc.com/oauth\\..\\admin'],
  ])('backslash: %s', (_label, candidate) => {
    expect(validateRedirectUri(candidate, ABC)).toEqual({ ok: false, reason: expect.stringContaining('backslash') });
  });

  it.each([
    ['%2e%2e segment', 'https://abc.com/oauth/%2e%2e/admin'],
    ['upper-case %2E%2E%2F', 'https://abc.com/oauth/%2E%2E%2Fadmin'],
    ['double-encoded %252e', 'https://abc.com/oauth/%252e%252e/admin'],
    ['%2e%2e that normalizes back under the path', 'https://abc.com/oauth/x/%2e%2e/y'],
    ['trailing %2E%2e', 'https://abc.com/oauth/x/%2E%2e'],
    ['mixed .%2e', 'https://abc.com/oauth/.%2e/admin'],
    ['single %2e segment', 'https://abc.com/oauth/%2e/x'],
    ['encoded slash', 'https://abc.com/oauth%2f..%2fadmin'],
    ['encoded backslash', 'https://abc.com/oauth/%5c..%5cadmin'],
    ['encoded NUL', 'https://abc.com/oauth/..%00'],
    ['encoded CR LF', 'https://abc.com/oauth/%0d%0aSet-Cookie:x'],
    ['encoded DEL', 'https://abc.com/oauth/%7f'],
  ])('percent-encoded path trick: %s', (_label, candidate) => {
    expect(validateRedirectUri(candidate, ABC)).toEqual({
      ok: false,
      reason: expect.stringContaining('percent-encoded'),
    });
  });

  it.each([
    ['encoded dot in a sub-domain', 'https://x%2eabc.com/oauth'],
    ['encoded "@"', 'https://abc.com%40evil.com/oauth'],
    ['encoded slash', 'https://evil.com%2f.abc.com/oauth'],
    ['encoded letter', 'https://%61bc.com/oauth'],
  ])('percent-encoded host: %s', (_label, candidate) => {
    expect(accepted(candidate, ABC)).toBe(false);
  });

  it.each([
    ['wildcard sub-domain', 'https://*.abc.com/oauth'],
    ['bare wildcard', 'https://*/oauth'],
    ['trailing dot', 'https://abc.com./oauth'],
    ['trailing dot on a sub-domain', 'https://x.abc.com./oauth'],
    ['trailing ideographic full stop', 'https://x.abc.com\u3002/oauth'],
    ['leading dot', 'https://.abc.com/oauth'],
    ['empty label', 'https://x..abc.com/oauth'],
    ['underscore', 'https://x_y.abc.com/oauth'],
    ['label starting with a hyphen', 'https://-x.abc.com/oauth'],
    ['over-long label', `https://${'a'.repeat(64)}.abc.com/oauth`],
  ])('invalid host name: %s', (_label, candidate) => {
    expect(accepted(candidate, ABC)).toBe(false);
  });

  it.each([
    ['"#x"', 'https://abc.com/oauth#x'],
    ['an empty "#"', 'https://abc.com/oauth#'],
    ['"#" after an empty query', 'https://abc.com/oauth?#'],
    ['"#@evil.com"', 'https://abc.com/oauth#@evil.com'],
  ])('fragment: %s', (_label, candidate) => {
    expect(validateRedirectUri(candidate, ABC)).toEqual({ ok: false, reason: expect.stringContaining('fragment') });
  });

  it.each([
    ['leading space', ' https://abc.com/oauth'],
    ['trailing space', 'https://abc.com/oauth '],
    ['space in the path', 'https://abc.com/oauth/a b'],
    ['tab', 'https://abc.com/oa\tuth'],
    ['newline', 'https://abc.com/oauth\n'],
    ['CR LF header injection', 'https://abc.com/oauth\r\nLocation: https://evil.com'],
    ['NUL', 'https://abc.com/oauth\u0000.evil.com'],
    ['vertical tab', 'https://abc.com/oauth\u000b'],
    ['DEL', 'https://abc.com/oauth\u007f'],
    ['C1 control NEL', 'https://abc.com/oauth/\u0085'],
    ['no-break space', 'https://abc.com/oauth\u00a0'],
    ['line separator', 'https://abc.com/oauth/\u2028'],
    ['soft hyphen in the host', 'https://ab\u00adc.com/oauth'],
    ['zero-width space in the host', 'https://ab\u200bc.com/oauth'],
    ['right-to-left override in the path', 'https://abc.com/oauth/\u202e'],
    ['byte-order mark', '\ufeffhttps://abc.com/oauth'],
  ])('whitespace or control character: %s', (_label, candidate) => {
    expect(validateRedirectUri(candidate, ABC)).toEqual({
      ok: false,
      reason: expect.stringContaining('whitespace, control characters or a backslash'),
    });
  });

  it.each([
    ['javascript:', 'javascript:alert(1)//abc.com/oauth'],
    ['javascript: with an authority', 'javascript://abc.com/oauth%0aalert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['ftp:', 'ftp://abc.com/oauth'],
    ['file:', 'file://abc.com/oauth'],
    ['ws:', 'ws://abc.com/oauth'],
    ['a custom scheme', 'myapp://abc.com/oauth'],
  ])('non-http scheme: %s', (_label, candidate) => {
    expect(validateRedirectUri(candidate, ABC)).toEqual({
      ok: false,
      reason: expect.stringContaining('http or https'),
    });
  });

  it.each([
    ['empty string', ''],
    ['path only', '/oauth'],
    ['scheme-relative', '//abc.com/oauth'],
    ['no scheme', 'abc.com/oauth'],
    ['query only', '?x=1'],
    ['no slashes after the scheme', 'https:abc.com/oauth'],
    ['one slash after the scheme', 'https:/abc.com/oauth'],
    ['three slashes after the scheme', 'https:///abc.com/oauth'],
    ['user information without slashes', 'https:evil.com@abc.com/oauth'],
    ['scheme only', 'https://'],
  ])('empty, relative or not absolute: %s', (_label, candidate) => {
    expect(accepted(candidate, ABC)).toBe(false);
  });

  it('accepts a candidate of exactly 2048 characters', () => {
    const candidate = `https://abc.com/${'a'.repeat(2048 - 'https://abc.com/'.length)}`;
    expect(candidate).toHaveLength(2048);
    expect(accepted(candidate, 'https://abc.com/')).toBe(true);
  });

  it('rejects a candidate of 2049 characters', () => {
    const candidate = `https://abc.com/${'a'.repeat(2049 - 'https://abc.com/'.length)}`;
    expect(validateRedirectUri(candidate, 'https://abc.com/')).toEqual({
      ok: false,
      reason: expect.stringContaining('longer than 2048'),
    });
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an object', { href: ABC }],
  ])('returns ok:false without throwing for a non-string candidate (%s)', (_label, candidate) => {
    expect(validateRedirectUri(candidate as unknown as string, ABC).ok).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties

const DEFAULT_PORT = { http: 80, https: 443 } as const;
type Scheme = keyof typeof DEFAULT_PORT;

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/).filter((l) => !l.startsWith('xn--'));
const tld = fc.constantFrom('com', 'net', 'org', 'cn', 'io');
// No ';' in segments: it separates the entries of the registered list.
// Segments made only of dots (`...`, once `;params` are dropped) are refused as dot-segment look-alikes (#14).
const segment = fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,=:@-]{1,10}$/).filter((s) => !/^\.+$/.test(s.split(';')[0]!));
const glue = fc.stringMatching(/^[A-Za-z0-9._~-]{1,5}$/);
const query = fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@/?%-]{0,20}$/);

interface Registered {
  scheme: Scheme;
  host: string;
  port: number | undefined;
  /** '' (no path), or '/a/b' with an optional trailing slash. */
  path: string;
}

const registeredArb = (options: { minSegments: number; trailingSlash: boolean }): fc.Arbitrary<Registered> =>
  fc.record({
    scheme: fc.constantFrom<Scheme>('http', 'https'),
    host: fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), tld).map(([ls, t]) => [...ls, t].join('.')),
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    path: fc
      .tuple(fc.array(segment, { minLength: options.minSegments, maxLength: 3 }), fc.boolean())
      .map(([segs, slash]) =>
        segs.length === 0 ? '' : `/${segs.join('/')}${slash && options.trailingSlash ? '/' : ''}`,
      ),
  });

const effectivePort = (scheme: Scheme, port: number | undefined): number => port ?? DEFAULT_PORT[scheme];
const portText = (port: number | undefined): string => (port === undefined ? '' : `:${port}`);
const uri = (scheme: string, host: string, port: string, path: string, q = ''): string =>
  `${scheme}://${host}${port}${path}${q === '' ? '' : `?${q}`}`;
const registeredUri = (r: Registered): string => uri(r.scheme, r.host, portText(r.port), r.path);
const randomCase = (text: string, flips: readonly boolean[]): string =>
  [...text].map((c, i) => (flips[i % Math.max(flips.length, 1)] ? c.toUpperCase() : c)).join('');

describe('validateRedirectUri: properties', () => {
  it('(a) accepts every candidate built under a registered URI', () => {
    fc.assert(
      fc.property(
        registeredArb({ minSegments: 0, trailingSlash: true }),
        fc.array(label, { maxLength: 3 }),
        fc.array(segment, { maxLength: 3 }),
        query,
        fc.boolean(),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        (reg, subLabels, segments, q, explicitDefaultPort, flips) => {
          const host = randomCase([...subLabels, reg.host].join('.'), flips);
          const port =
            reg.port === undefined && explicitDefaultPort ? `:${DEFAULT_PORT[reg.scheme]}` : portText(reg.port);
          const base = reg.path.replace(/\/$/, '');
          const path = segments.length === 0 ? reg.path : `${base}/${segments.join('/')}`;
          const candidate = uri(reg.scheme, host, port, path, q);
          expect(validateRedirectUri(candidate, registeredUri(reg))).toEqual({ ok: true, matched: registeredUri(reg) });
        },
      ),
      { numRuns: RUNS },
    );
  });

  const outside = registeredArb({ minSegments: 1, trailingSlash: false }).chain((reg) =>
    fc.tuple(
      fc.constant(reg),
      fc.oneof(
        // another scheme
        fc.constant(uri(reg.scheme === 'http' ? 'https' : 'http', reg.host, portText(reg.port), reg.path)),
        // another effective port
        fc
          .integer({ min: 1, max: 65535 })
          .filter((p) => p !== effectivePort(reg.scheme, reg.port))
          .map((p) => uri(reg.scheme, reg.host, `:${p}`, reg.path)),
        // a random prefix glued to the host without a dot
        fc
          .tuple(fc.array(label, { maxLength: 2 }), label)
          .map(([subs, prefix]) =>
            uri(reg.scheme, [...subs, `${prefix}${reg.host}`].join('.'), portText(reg.port), reg.path),
          ),
        // random characters glued to the path without a slash
        fc
          .tuple(glue, fc.array(segment, { maxLength: 2 }))
          .map(([g, segs]) => uri(reg.scheme, reg.host, portText(reg.port), [`${reg.path}${g}`, ...segs].join('/'))),
        // the parent path
        fc.constant(uri(reg.scheme, reg.host, portText(reg.port), reg.path.replace(/\/[^/]*$/, '') || '/')),
        // another top-level domain
        tld
          .filter((t) => !reg.host.endsWith(`.${t}`))
          .map((t) => uri(reg.scheme, reg.host.replace(/\.[a-z]+$/, `.${t}`), portText(reg.port), reg.path)),
        // the registered host followed by more labels (.example: never one of the generated TLDs)
        label.map((l) => uri(reg.scheme, `${reg.host}.${l}.example`, portText(reg.port), reg.path)),
        // the parent domain
        fc.constant(uri(reg.scheme, reg.host.split('.').slice(1).join('.'), portText(reg.port), reg.path)),
      ),
      query,
    ),
  );

  it('(b) rejects every candidate built outside a registered URI', () => {
    fc.assert(
      fc.property(outside, ([reg, candidate, q]) => {
        expect(validateRedirectUri(`${candidate}${q === '' ? '' : `?${q}`}`, registeredUri(reg)).ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('(c) never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(anyText({ maxLength: 300 }), (candidate) => {
        expect(() => validateRedirectUri(candidate, ABC)).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  });

  it('(c) never throws on arbitrary strings as the registered list', () => {
    fc.assert(
      fc.property(anyText({ maxLength: 300 }), (registered) => {
        expect(() => validateRedirectUri(ABC, registered)).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  });

  const webUrl = fc.webUrl({
    validSchemes: ['http', 'https', 'ftp'],
    withQueryParameters: true,
    withFragments: true,
    authoritySettings: { withUserInfo: true, withPort: true, withIPv4: true, withIPv6: true, withIPv4Extended: true },
  });

  it('(c) never throws on arbitrary web URLs and accepts only hosts equal to or under the registered host', () => {
    fc.assert(
      fc.property(webUrl, (candidate) => {
        const result = validateRedirectUri(candidate, 'https://abc.com/');
        if (result.ok) expect(new URL(candidate).hostname).toMatch(/(^|\.)abc\.com$/);
      }),
      { numRuns: RUNS },
    );
  });

  // A registered web URL and a candidate that is either unrelated or the registered URL with random text appended.
  const registeredAndCandidate = fc.webUrl({ validSchemes: ['http', 'https'] }).chain((registered) =>
    fc.tuple(
      fc.constant(registered),
      fc.oneof(
        webUrl,
        anyText({ maxLength: 40 }).map((suffix) => `${registered}${suffix}`),
      ),
    ),
  );

  it('(c) accepts a candidate only on the registered host or under it', () => {
    fc.assert(
      fc.property(registeredAndCandidate, ([registered, candidate]) => {
        const result = validateRedirectUri(candidate, registered);
        if (result.ok) {
          const host = new URL(candidate).hostname;
          const registeredHost = new URL(registered).hostname;
          expect(host === registeredHost || host.endsWith(`.${registeredHost}`)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  // Hostile fragments glued at random around the registered host and path: whatever passes must be a clean https URL
  // under https://abc.com/oauth by every reading.
  const AUTHORITY_TOKENS = [
    'x.',
    'evil.com',
    '@',
    '.',
    '\\',
    '%2e',
    '%40',
    ':443',
    ':8080',
    ':',
    '\uff41',
    '\u3002',
    '*',
    '[::1]',
    '127.0.0.1',
    'xn--',
    '-',
    '\u00ad',
    '%00',
    ' ',
    '#',
    'user:pw',
  ];
  const PATH_TOKENS = [
    '/oauth',
    '/',
    '..',
    '.',
    '%2e',
    '%2E',
    '%2f',
    '%252e',
    '%00',
    'x',
    '?',
    '#',
    '@',
    'abc.com',
    ';',
    '\\',
    '\n',
    '\u202e',
    '%0a',
  ];
  // Biased towards the clean parts, so that a good share of the concoctions come close to being accepted.
  const mostly = (value: string, others: readonly string[]): fc.Arbitrary<string> =>
    fc.oneof({ weight: 4, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: fc.constantFrom(...others) });
  const sometimes = (tokens: readonly string[]): fc.Arbitrary<readonly string[]> =>
    fc.oneof(
      { weight: 2, arbitrary: fc.constant([]) },
      { weight: 1, arbitrary: fc.array(fc.constantFrom(...tokens), { maxLength: 3 }) },
    );
  const hostile = fc
    .tuple(
      mostly('https://', ['http://', 'HTTPS://', 'https:', 'https:/', 'https:///', '//', 'javascript://', '']),
      sometimes(AUTHORITY_TOKENS),
      mostly('abc.com', AUTHORITY_TOKENS),
      sometimes(AUTHORITY_TOKENS),
      mostly('/oauth', PATH_TOKENS),
      fc.array(fc.constantFrom(...PATH_TOKENS), { maxLength: 5 }),
    )
    .map((parts) => parts.flat().join(''));

  it('(c) accepts a hostile concoction only when it is a clean https URL under https://abc.com/oauth', () => {
    fc.assert(
      fc.property(hostile, (candidate) => {
        const result = validateRedirectUri(candidate, ABC);
        if (!result.ok) return;
        const url = new URL(candidate);
        expect(url.protocol).toBe('https:');
        expect(url.port).toBe('');
        expect(url.username + url.password).toBe('');
        expect(url.hash).toBe('');
        expect(url.hostname).toMatch(/(^|\.)abc\.com$/);
        expect(url.pathname).toMatch(/^\/oauth(\/|$)/);
        expect(candidate).not.toMatch(/[\s\p{Cc}\p{Cf}\\#]/u);
        const rest = candidate.slice('https://'.length);
        const authority = rest.split(/[/?]/, 1)[0] ?? '';
        const path = rest.slice(authority.length).split('?', 1)[0] ?? '';
        expect(authority).not.toMatch(/[@%]/);
        expect(path).not.toMatch(/%(2e|2f|25|00|0a)/i);
      }),
      { numRuns: 1000 },
    );
  });
});
