import { MAX_REDACT_TEXT_LENGTH, MAX_SECRET_LENGTH, redact } from '../../lib/errors/redact';
import { sanitizeCause } from '../../lib/errors/sanitize-cause';

// The forms a secret is found in are specified by redact-encodings.test.ts; this file specifies
// what redaction costs and where it stops. Before, each secret compiled a regular expression: ~36 ms for 24
// characters, ~300 ms for 128, seconds for 2,000 and "Stack overflow" near 4,000. Limits are generous.

const MARK = '[redacted]';
const DESCRIPTION = `${'y'.repeat(295)} end`;

/** A secret of `length` characters, different on every call, mixing characters that every encoding treats differently. */
let serial = 0;
function fresh(length: number): string {
  serial += 1;
  const alphabet = 'aZ09+/=-_~.!*() é€';
  let out = `${serial}:`;
  while (out.length < length) out += alphabet[(out.length * 7 + serial) % alphabet.length];
  return out.slice(0, length);
}

function elapsed(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

describe('redact: cost', () => {
  it('costs well under a millisecond per fresh 24-character secret (50 of them under 100 ms)', () => {
    expect(elapsed(() => Array.from({ length: 50 }, () => redact(DESCRIPTION, [fresh(24)])))).toBeLessThan(100);
  });

  it('costs about a millisecond per fresh 128-character secret (20 of them under 100 ms)', () => {
    expect(elapsed(() => Array.from({ length: 20 }, () => redact(DESCRIPTION, [fresh(128)])))).toBeLessThan(100);
  });

  it.each([
    [2000, 100],
    [4000, 100],
    [100_000, 500],
  ])('neither throws nor stalls on a %i-character secret someone else chose (under %i ms)', (length, limit) => {
    const secret = fresh(length);
    let out = '';
    expect(elapsed(() => (out = redact(`token=${secret} is invalid`, [secret, fresh(length)])))).toBeLessThan(limit);
    expect(out).toBe(`token=${MARK} is invalid`);
  });

  it('is linear in the text: 1 MiB of near-misses of a 512-character secret in under 2 s', () => {
    const secret = fresh(MAX_SECRET_LENGTH);
    const nearMiss = `${secret.slice(0, -1)}!%25&amp;\\`;
    const text = nearMiss.repeat(Math.floor(MAX_REDACT_TEXT_LENGTH / nearMiss.length));
    expect(elapsed(() => redact(text, [secret, fresh(MAX_SECRET_LENGTH)]))).toBeLessThan(2000);
  });

  it('copes with a periodic secret in a periodic text (no rescan per position)', () => {
    const secret = 'a'.repeat(MAX_SECRET_LENGTH);
    const text = 'a'.repeat(MAX_REDACT_TEXT_LENGTH - 1);
    let out = '';
    expect(elapsed(() => (out = redact(text, [secret])))).toBeLessThan(2000);
    expect(out).toMatch(/^(\[redacted\])+a*$/);
    expect(out.replace(/\[redacted\]/g, '').length).toBeLessThan(MAX_SECRET_LENGTH);
  });

  it('redacts the secrets of a long stack in sanitizeCause in milliseconds', () => {
    const secret = fresh(4000);
    const err = new Error(`GET /user/profile?token=${encodeURIComponent(secret)} failed`);
    err.stack = `${err.message}\n${'    at frame (file.js:1:1)\n'.repeat(2000)}`;
    let copy = new Error();
    expect(elapsed(() => (copy = sanitizeCause(err, [secret])))).toBeLessThan(100);
    expect(copy.message).toBe(`GET /user/profile?token=${MARK} failed`);
  });
});

describe('redact: bounds', () => {
  it(`finds a secret of ${MAX_SECRET_LENGTH} characters in every kind of form`, () => {
    const secret = fresh(MAX_SECRET_LENGTH);
    const forms = [
      secret,
      encodeURIComponent(encodeURIComponent(secret)).toLowerCase(),
      Buffer.from(`id:${secret}`).toString('base64'),
      [...secret].map((c, i) => (i % 2 ? `&#${c.codePointAt(0)};` : encodeURIComponent(c))).join(''),
      JSON.stringify(JSON.stringify(secret)).slice(1, -1),
    ];
    for (const form of forms) expect(redact(`<${form}>`, [secret])).not.toContain(form.slice(8, 24));
  });

  describe(`a secret over ${MAX_SECRET_LENGTH} characters (no Mi secret is that long)`, () => {
    const secret = `${'Zq8+/xW2'.repeat(64)}e`;

    it.each([
      ['as is', secret],
      ['percent-encoded once', encodeURIComponent(secret)],
      ['percent-encoded once, lower-case hex', encodeURIComponent(secret).toLowerCase()],
    ])('is removed %s', (_name, echo) => {
      expect(redact(`a ${echo} b`, [secret])).toBe(`a ${MARK} b`);
    });

    it.each([
      ['percent-encoded twice', encodeURIComponent(encodeURIComponent(secret))],
      ['as base64', Buffer.from(secret).toString('base64')],
      ['JSON-escaped with \\/', secret.replace(/\//g, '\\/')],
    ])('is kept %s: only the cheapest forms are searched for', (_name, echo) => {
      expect(redact(`a ${echo} b`, [secret])).toBe(`a ${echo} b`);
    });
  });

  it('cuts a text over MAX_REDACT_TEXT_LENGTH, marks the cut, and never returns its tail unscanned', () => {
    const secret = 'oF3X+WPWRO9Xml/RZjNj6Kfg==';
    const text = `${'x'.repeat(MAX_REDACT_TEXT_LENGTH + 10)}${secret}`;
    const out = redact(text, [secret]);
    expect(out.length).toBeLessThanOrEqual(MAX_REDACT_TEXT_LENGTH);
    expect(out.endsWith('…')).toBe(true);
    expect(out).not.toContain(secret.slice(0, 8));
  });

  it('removes a secret near the cut whole, never leaving its head before the mark', () => {
    const secret = encodeURIComponent(encodeURIComponent('oF3X+WPWRO9Xml/RZjNj6Kfg=='));
    const text = `${'x'.repeat(MAX_REDACT_TEXT_LENGTH - secret.length / 2)}${secret}${'x'.repeat(100)}`;
    const out = redact(text, ['oF3X+WPWRO9Xml/RZjNj6Kfg==']);
    expect(out).not.toContain('oF3X');
    expect(out.endsWith('…')).toBe(true);
  });

  it('returns a text at the limit whole', () => {
    const text = `${'x'.repeat(MAX_REDACT_TEXT_LENGTH - 4)}abcd`;
    expect(redact(text, ['abcd'])).toBe(`${'x'.repeat(MAX_REDACT_TEXT_LENGTH - 4)}${MARK}`);
  });
});
