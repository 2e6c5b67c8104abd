import fc from 'fast-check';
import { compileRegisteredUris } from '../../lib/emulator/redirect-match';
import { validateRedirectUri } from '../../lib/protocol/redirect-uri';

const ABC = 'https://abc.com/oauth';

describe("the emulator's own redirect URI check (protocol §2)", () => {
  it.each([
    ['https://abc.com/oauth?x=1&y=2', true],
    ['https://x.abc.com/oauth?x=1&y=2', true],
    ['https://x.abc.com/oauth/path?x=1&y=2', true],
    ['http://abc.com/oauth?x=1&y=2', false],
    ['https://abc.com:8080/oauth?x=1&y=2', false],
    ['https://xabc.com/oauth', false],
    ['https://abc.com/oauth2', false],
    ['https://abc.com:443/oauth', true],
    ['https://abc.com/oauth#x', false],
    ['https://user@abc.com/oauth', false],
    ['https://abc.com/oauth/%2e%2e/admin', false],
    ['https://abc.com/oauth/a b', false],
  ])('registered https://abc.com/oauth: %s → %p', (candidate, ok) => {
    expect(compileRegisteredUris(ABC).match(candidate).ok).toBe(ok);
  });

  it('gives an IP literal no sub-domains', () => {
    expect(compileRegisteredUris('http://127.0.0.1:3000/').match('http://1.127.0.0.1:3000/').ok).toBe(false);
  });

  it('refuses a wildcard registration and an empty list when the emulator starts', () => {
    expect(() => compileRegisteredUris('https://mi.com/login.php;http://*.mi.com/login.php')).toThrow(
      /Invalid registered redirect URI/,
    );
    expect(() => compileRegisteredUris(' ; ')).toThrow(/No redirect URI is registered/);
  });

  it('agrees with the library validator on generated candidates (two independent implementations)', () => {
    const registered = 'https://abc.com/oauth;http://127.0.0.1:3000/cb';
    const label = fc.constantFrom('abc', 'x', 'xabc', 'com', '127', '0', '1');
    const candidate = fc
      .record({
        scheme: fc.constantFrom('http', 'https', 'ftp'),
        host: fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.')),
        port: fc.constantFrom('', ':80', ':443', ':3000', ':8080'),
        path: fc.array(fc.constantFrom('oauth', 'oauth2', 'cb', '%2e%2e', '..', 'a'), { maxLength: 3 }),
        query: fc.constantFrom('', '?x=1', '?a=b&c=d'),
      })
      .map(({ scheme, host, port, path, query }) => `${scheme}://${host}${port}/${path.join('/')}${query}`);
    const emulator = compileRegisteredUris(registered);
    fc.assert(
      fc.property(candidate, (uri) => {
        expect(emulator.match(uri).ok).toBe(validateRedirectUri(uri, registered).ok);
      }),
      { numRuns: 1000 },
    );
  });
});
