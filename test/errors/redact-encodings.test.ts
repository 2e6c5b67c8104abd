import fc from 'fast-check';
import { redact } from '../../lib/errors/redact';

const RUNS = 300;
const MARK = '[redacted]';

const hex2 = (n: number) => n.toString(16).padStart(2, '0');
const utf8 = (text: string) => [...new TextEncoder().encode(text)];
const upperOrLower = (text: string, upper: boolean) =>
  text.replace(/%[0-9a-fA-F]{2}/g, (e) => (upper ? e.toUpperCase() : e.toLowerCase()));

/** Character-level encodings a server may apply to each character independently. */
const CHAR_FORMS: Array<(c: string) => string> = [
  (c) => c,
  (c) =>
    utf8(c)
      .map((b) => `%${hex2(b)}`)
      .join(''),
  (c) =>
    utf8(c)
      .map((b) => `%25${hex2(b).toUpperCase()}`)
      .join(''),
  (c) =>
    utf8(c)
      .map((b) => `%2525${hex2(b)}`)
      .join(''),
  (c) => [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  (c) => `&#${c.codePointAt(0)};`,
  (c) => `&#x${c.codePointAt(0)!.toString(16).toUpperCase()};`,
];

/** Whole-string encodings: percent-encoding 0–3 times, then at most one escape for the carrier format. */
const percentLayers = (s: string, depth: number, form: boolean) => {
  let out = s;
  for (let i = 0; i < depth; i++)
    out = form ? new URLSearchParams([['', out]]).toString().slice(1) : encodeURIComponent(out);
  return out;
};
const CARRIERS: Array<(s: string) => string> = [
  (s) => s,
  (s) => JSON.stringify(s).slice(1, -1).replace(/\//g, '\\/'),
  (s) => JSON.stringify(JSON.stringify(s)).slice(1, -1),
  (s) => Buffer.from(s).toString('base64'),
  (s) => Buffer.from(s).toString('base64url'),
  (s) => Buffer.from(s).toString('hex'),
];

// Secrets: printable ASCII (App Secrets, tokens) and any Unicode; 8+ characters so a base64 core exists.
const secretArb = fc
  .oneof(fc.string({ minLength: 8, maxLength: 40 }), fc.string({ unit: 'grapheme', minLength: 8, maxLength: 20 }))
  .filter((s) => !MARK.includes(s) && s.trim() === s);
const textArb = fc.string({ maxLength: 30 });
/**
 * A secret holding what reads as an escape (`%41`, `&#65;`, `&amp;`, `\u0041`): its own `%41` and an escaped `A` look
 * alike once the text is decoded, so it is found as is and wholly encoded, not with some characters encoded.
 */
const escapeLike = (secret: string) => /%[0-9a-f]{2}|&(?:#|amp;|lt;|gt;|quot;|apos;)|\\[ux]/i.test(secret);

describe('redact: every encoded form of a secret (#14)', () => {
  // Bounded by spaces: an escape the neighbouring text begins (`…%2` then `8…`) is the text's, not the secret's.
  it('removes a secret whose characters are each encoded in any of 7 ways, mixed freely', () => {
    fc.assert(
      fc.property(
        secretArb.filter((secret) => !escapeLike(secret)),
        textArb,
        textArb,
        fc.infiniteStream(fc.nat(CHAR_FORMS.length - 1)),
        (secret, before, after, picks) => {
          const echo = [...secret].map((c) => CHAR_FORMS[picks.next().value]!(c)).join('');
          const out = redact(`${before} ${echo} ${after}`, [secret]);
          expect(out).not.toContain(echo);
          expect(out).not.toContain(secret);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('removes a secret percent-encoded 0–3 times (URI or form rules, either hex case) inside any carrier', () => {
    fc.assert(
      fc.property(
        secretArb,
        textArb,
        textArb,
        fc.nat(3),
        fc.boolean(),
        fc.boolean(),
        fc.nat(CARRIERS.length - 1),
        (secret, before, after, depth, form, upper, carrier) => {
          const layered = depth === 0 ? secret : upperOrLower(percentLayers(secret, depth, form), upper);
          // Base64 and hex carry the raw or once-encoded secret (a Basic header, a byte dump), not deeper layers.
          fc.pre(carrier < 3 || depth <= 1);
          const echo = CARRIERS[carrier]!(carrier < 3 ? layered : percentLayers(secret, depth, false));
          const out = redact(`${before} ${echo} ${after}`, [secret]);
          expect(out).not.toContain(echo);
          expect(out).not.toContain(secret);
        },
      ),
      { numRuns: RUNS },
    );
  });

  // One linear decoding pass reads `%41` one way; telling a secret's own `%41` from an escaped `A` takes a per-secret automaton.
  describe('secrets that read as escapes: what is and is not found', () => {
    const secret = 'key%41value/Zq8'; // holds "%41", which also reads as an escaped "A"

    it.each([
      ['as is', secret],
      ['percent-encoded', encodeURIComponent(secret)],
      ['percent-encoded twice, lower-case hex', encodeURIComponent(encodeURIComponent(secret)).toLowerCase()],
      ['JSON-escaped with \\/', JSON.stringify(secret).slice(1, -1).replace(/\//g, '\\/')],
      ['as base64', Buffer.from(secret).toString('base64')],
    ])('an escape-like secret is still removed when it appears %s', (_name, echo) => {
      expect(redact(`a ${echo} b`, [secret])).toBe(`a ${MARK} b`);
    });

    it('an escape-like secret is kept when only some of its characters are encoded', () => {
      const echo = `key%41value%2FZq8`; // the secret's "%41" left alone, its "/" encoded
      expect(redact(`a ${echo} b`, [secret])).toBe(`a ${echo} b`);
    });

    it('a partly encoded secret whose first character completes an escape the text before it began is kept', () => {
      // "%2" + "8" reads as "(": the decoded text holds "(Zq8xW2AeK", not "8Zq8xW2AeK".
      expect(redact('100%28%5Aq8xW2AeK', ['8Zq8xW2AeK'])).toBe('100%28%5Aq8xW2AeK');
    });

    it('the same partly encoded secret is removed once a space parts it from that text', () => {
      expect(redact('100%2 8%5Aq8xW2AeK', ['8Zq8xW2AeK'])).toBe(`100%2 ${MARK}`);
    });
  });

  it('removes a base64-encoded secret at any byte offset inside a longer base64 text', () => {
    fc.assert(
      fc.property(secretArb, fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), (secret, before, after) => {
        const whole = Buffer.from(`${before}${secret}${after}`).toString('base64');
        const out = redact(whole, [secret]);
        // What is left are the few characters that mix the secret's bits with its neighbours'.
        const kept = out.split(MARK).join('');
        expect(out).toContain(MARK);
        expect(kept.length).toBeLessThanOrEqual(whole.length - Math.floor((Buffer.byteLength(secret) * 8) / 6) + 2);
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves text that does not hold the secret unchanged', () => {
    fc.assert(
      fc.property(secretArb, fc.string({ maxLength: 200 }), (secret, text) => {
        fc.pre(![...secret].some((c) => text.includes(c)));
        expect(redact(text, [secret])).toBe(text);
      }),
      { numRuns: RUNS },
    );
  });

  it('cuts nothing short of a whole match: a redacted secret in the middle of a long text leaves the rest intact', () => {
    const secret = 'oF3X+WPWRO9Xml/RZjNj6Kfg==';
    expect(redact(`a ${encodeURIComponent(encodeURIComponent(secret))} b`, [secret])).toBe(`a ${MARK} b`);
  });

  // Linear, not quadratic: 1 MiB of near-misses of each kind takes ~0.1 s on a laptop (a quadratic scan takes minutes).
  it.each([
    ['near-misses of the secret', (s: string) => `${s.slice(0, -1)}!`],
    ['backslashes', () => '\\'],
    ['nested percent escapes', () => '%25'],
    ['HTML entity starts', () => '&amp;&#'],
    ['base64-looking text', () => 'QUJDREVGR0g='],
  ])('redacts 1 MiB of %s in linear time', (_name, unit) => {
    const secret = 'oF3X+WPWRO9Xml/RZjNj6Kfg==';
    const piece = unit(secret);
    const text = piece.repeat(Math.ceil((1024 * 1024) / piece.length));
    const secrets = [secret, 'V3_access-token+value/Zq8xW2', 'mac+key/value=Zq8xW2AeK'];
    redact(piece.repeat(100), secrets); // let V8 compile the patterns before timing
    const started = performance.now();
    redact(text, secrets);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('redact: the plain forms', () => {
  const SECRET = 'cl1ent-S3cret+/=value';

  it('replaces every occurrence of a secret', () => {
    expect(redact(`a=${SECRET}&b=${SECRET}`, [SECRET])).toBe('a=[redacted]&b=[redacted]');
  });

  it('replaces the encodeURIComponent form of a secret', () => {
    expect(redact(`client_secret=${encodeURIComponent(SECRET)}`, [SECRET])).toBe('client_secret=[redacted]');
  });

  it('replaces the form-encoded (URLSearchParams) form of a secret', () => {
    const secret = "it's (a) secret!~*";
    const text = new URLSearchParams({ client_secret: secret }).toString();
    expect(redact(text, [secret])).toBe('client_secret=[redacted]');
  });

  it('replaces a percent-encoded secret written with lower-case hex', () => {
    expect(redact('client_secret=cl1ent-S3cret%2b%2f%3dvalue', [SECRET])).toBe('client_secret=[redacted]');
  });

  it('replaces several secrets', () => {
    expect(redact('token=access-123 key=mac-key-456', ['access-123', undefined, 'mac-key-456'])).toBe(
      'token=[redacted] key=[redacted]',
    );
  });

  it('ignores secrets shorter than 4 characters', () => {
    expect(redact('a=abc&b=', ['abc', 'a', ''])).toBe('a=abc&b=');
  });

  it('replaces a secret of exactly 4 characters', () => {
    expect(redact('a=abcd', ['abcd'])).toBe('a=[redacted]');
  });

  it('matches regex characters in a secret literally', () => {
    expect(redact('aXbbbc+d a.b*c+d', ['a.b*c+d'])).toBe('aXbbbc+d [redacted]');
  });

  it('leaves text without secrets unchanged', () => {
    expect(redact('nothing to hide', [SECRET])).toBe('nothing to hide');
  });
});
