import fc from 'fast-check';
import { validateRedirectUri } from '../../lib/protocol/redirect-uri';

const ABC = 'https://abc.com/oauth';
const RUNS = 1000;

// Spellings of "." that some server, proxy or framework folds into a dot (percent-encoded UTF-8 included).
const DOTS = [
  '\uff0e',
  '\u2024',
  '\ufe52',
  '\u3002',
  '\uff61',
  '%EF%BC%8E',
  '%ef%bc%8e',
  '%E2%80%A4',
  '%EF%B9%92',
  '%E3%80%82',
];
// Path parameters that Tomcat, Jetty and Spring strip before resolving dot segments.
const PARAMS = ['', ';', ';x', ';jsessionid=1', '%3B', '%3bx', '\uff1b'];

describe('redirect URI: dot-segment look-alikes under a registered path (#14)', () => {
  it.each([
    'https://abc.com/oauth/..;/evil',
    'https://abc.com/oauth/..;x=1/evil',
    'https://abc.com/oauth/.;/evil',
    'https://abc.com/oauth/..;',
    'https://abc.com/oauth/cb/..;/..;/evil',
    'https://abc.com/oauth/\uff0e\uff0e/evil',
    'https://abc.com/oauth/\uff0e/evil',
    'https://abc.com/oauth/%EF%BC%8E%EF%BC%8E/evil',
    'https://abc.com/oauth/.\uff0e/evil',
    'https://abc.com/oauth/\u2025/evil',
    'https://abc.com/oauth/\u2024\u2024/evil',
    'https://abc.com/oauth/\ufe52\ufe52/evil',
    'https://abc.com/oauth/\u3002\u3002/evil',
    'https://abc.com/oauth/\uff61\uff61/evil',
    'https://abc.com/oauth/%E2%80%A5/evil',
    'https://abc.com/oauth/..%3B/evil',
    'https://abc.com/oauth/..\uff1b/evil',
    'https://abc.com/oauth/..%20/evil',
    'https://abc.com/oauth/...',
    'https://abc.com/oauth/..\uff0f..\uff0fevil',
    'https://abc.com/oauth/..%EF%BC%8Fevil',
    'https://abc.com/oauth/..\uff3cevil',
    'https://abc.com/oauth/%E0%A4',
    'https://x.abc.com/oauth/cb/..;/..;/..;/evil?x=1',
  ])('refuses %s', (candidate) => {
    const result = validateRedirectUri(candidate, ABC);
    expect(result.ok).toBe(false);
  });

  it('names the segment in the reason', () => {
    expect(validateRedirectUri('https://abc.com/oauth/..;/evil', ABC)).toEqual({
      ok: false,
      reason: expect.stringContaining('"..;" that a server may read as "." or ".."'),
    });
  });

  it.each([
    'https://abc.com/oauth/cb',
    'https://abc.com/oauth/cb;jsessionid=1',
    'https://abc.com/oauth/v1.2/cb',
    'https://abc.com/oauth/cb.',
    'https://abc.com/oauth/.well-known/cb',
    'https://abc.com/oauth/caf%C3%A9',
    'https://abc.com/oauth/%E4%B8%AD%E6%96%87',
    'https://abc.com/oauth/x/../cb',
  ])('still accepts %s', (candidate) => {
    expect(validateRedirectUri(candidate, ABC).ok).toBe(true);
  });

  const registeredPath = fc.array(fc.stringMatching(/^[a-z0-9]{1,6}$/), { minLength: 1, maxLength: 3 });
  const below = fc.array(fc.stringMatching(/^[A-Za-z0-9_~-]{1,6}$/), { maxLength: 2 });

  it('property: a look-alike dot segment (1–3 dots of any spelling, with or without a path parameter) is refused', () => {
    fc.assert(
      fc.property(
        registeredPath,
        below,
        fc.array(fc.oneof(fc.constantFrom(...DOTS), fc.constant('.')), { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...PARAMS),
        fc.constantFrom('/evil', '/', '', '/evil?x=1'),
        (path, sub, dots, param, tail) => {
          const segment = dots.join('') + param;
          fc.pre(segment !== '.' && segment !== '..'); // plain dot segments are resolved by the URL parser itself
          const registered = `https://abc.com/${path.join('/')}`;
          const candidate = `${registered}/${[...sub, segment].join('/')}${tail}`;
          expect(validateRedirectUri(candidate, registered).ok).toBe(false);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('property: ordinary segments (letters, digits, dots inside names, parameters after a name) are accepted', () => {
    fc.assert(
      fc.property(
        registeredPath,
        fc.array(fc.stringMatching(/^[A-Za-z0-9_~-]([A-Za-z0-9._~-]{0,6})$/), { maxLength: 3 }),
        fc.constantFrom('', ';jsessionid=1', ';v=2'),
        (path, sub, param) => {
          const registered = `https://abc.com/${path.join('/')}`;
          const candidate = `${registered}/${sub.join('/')}${sub.length > 0 ? param : ''}`;
          expect(validateRedirectUri(candidate, registered).ok).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
