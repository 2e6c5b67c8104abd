import { sanitizeCause } from '../../lib/errors/sanitize-cause';

const SECRET = 'cl1ent-S3cret+/=value';

describe('sanitizeCause', () => {
  it('returns a new Error with the message redacted', () => {
    const original = new Error(`GET /oauth2/token?client_secret=${SECRET} failed`);
    const copy = sanitizeCause(original, [SECRET]);
    expect(copy).not.toBe(original);
    expect(copy).toBeInstanceOf(Error);
    expect(copy.message).toBe('GET /oauth2/token?client_secret=[redacted] failed');
  });

  it('redacts the stack', () => {
    const copy = sanitizeCause(new Error(`token ${encodeURIComponent(SECRET)}`), [SECRET]);
    expect(copy.stack).toContain('[redacted]');
    expect(copy.stack).not.toContain(encodeURIComponent(SECRET));
  });

  it('keeps the name', () => {
    expect(sanitizeCause(new TypeError('x'), []).name).toBe('TypeError');
  });

  it.each([
    ['a string code', 'ECONNRESET'],
    ['a numeric code', 96013],
  ])('keeps %s', (_label, code) => {
    expect((sanitizeCause(Object.assign(new Error('x'), { code }), []) as Error & { code?: unknown }).code).toBe(code);
  });

  it('drops a code that is not a string or a number', () => {
    const copy = sanitizeCause(Object.assign(new Error('x'), { code: { secret: SECRET } }), [SECRET]);
    expect('code' in copy).toBe(false);
  });

  it('drops every other property, such as the request', () => {
    const original = Object.assign(new Error('x'), { config: { url: `/token?client_secret=${SECRET}` } });
    expect(JSON.stringify(Object.entries(sanitizeCause(original, [])))).not.toContain(SECRET);
  });

  it('redacts nested causes', () => {
    const inner = new Error(`inner ${SECRET}`);
    const outer = new Error(`outer ${SECRET}`, { cause: inner });
    const copy = sanitizeCause(outer, [SECRET]);
    const nested = copy.cause as Error;
    expect(nested).not.toBe(inner);
    expect(nested.message).toBe('inner [redacted]');
    expect(nested.stack).not.toContain(SECRET);
  });

  it('keeps at most three levels of nested causes', () => {
    let chain: Error = new Error('level 6');
    for (let level = 5; level >= 0; level -= 1) chain = new Error(`level ${level}`, { cause: chain });
    const messages: string[] = [];
    for (let error: unknown = sanitizeCause(chain, []); error instanceof Error; error = error.cause)
      messages.push(error.message);
    expect(messages).toEqual(['level 0', 'level 1', 'level 2', 'level 3']);
  });

  it('stops on a cause that refers to itself', () => {
    const loop: Error = new Error('loop');
    loop.cause = loop;
    expect(sanitizeCause(loop, []).message).toBe('loop');
  });

  it('turns a non-Error into an Error with the redacted text', () => {
    expect(sanitizeCause(`failed with ${SECRET}`, [SECRET]).message).toBe('failed with [redacted]');
  });

  it.each([
    ['an object without a prototype', Object.create(null) as unknown],
    [
      'an object whose toString throws',
      {
        toString: () => {
          throw new Error('boom');
        },
      },
    ],
    ['undefined', undefined],
  ])('does not throw for %s', (_label, value) => {
    expect(sanitizeCause(value, [SECRET])).toBeInstanceOf(Error);
  });

  it('redacts a non-Error cause nested in an Error', () => {
    const copy = sanitizeCause(new Error('outer', { cause: `token=${SECRET}` }), [SECRET]);
    expect((copy.cause as Error).message).toBe('token=[redacted]');
  });
});
