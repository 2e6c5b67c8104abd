import { escapeHtml, isFormContentType, Params, splitTarget } from '../../lib/emulator/http';

describe('Params', () => {
  const params = new Params(
    new URLSearchParams('a=1&a=2&b=3&long=' + 'x'.repeat(5000)),
    new URLSearchParams('c=4&b=5'),
  );

  it('gives the value of a parameter that occurs once', () => {
    expect(params.get('c')).toBe('4');
    expect(params.get('missing')).toBeUndefined();
  });

  it('gives no value for repeated (also across sources) or over-long parameters', () => {
    expect(params.get('a')).toBeUndefined();
    expect(params.get('b')).toBeUndefined();
    expect(params.get('long')).toBeUndefined();
  });

  it('describes the first problem among the named parameters', () => {
    expect(params.problem(['c', 'b'])).toBe('parameter b is repeated');
    expect(params.problem(['long'])).toBe('parameter long is longer than 4096 characters');
    expect(params.problem(['c', 'missing'])).toBeUndefined();
  });

  it('keeps parameter names like __proto__ as plain keys of a prototype-less record', () => {
    const record = new Params(new URLSearchParams('__proto__=x&constructor=y')).toRecord();
    expect(Object.getPrototypeOf(record)).toBeNull();
    expect(Object.keys(record)).toEqual(['__proto__', 'constructor']);
    expect(record.constructor).toBe('y');
  });
});

describe('splitTarget', () => {
  it('splits path and query', () => {
    const { path, query } = splitTarget('/user/profile?clientId=1&token=a%2Bb');
    expect(path).toBe('/user/profile');
    expect(query.get('token')).toBe('a+b');
  });

  it('keeps a protocol-relative target as a path instead of resolving it to another host', () => {
    expect(splitTarget('//evil.example/oauth2/token').path).toBe('//evil.example/oauth2/token');
  });

  it('reads absolute-form targets', () => {
    expect(splitTarget('http://127.0.0.1:4000/oauth2/token?a=1').path).toBe('/oauth2/token');
  });

  it('survives bad percent-encoding', () => {
    expect(splitTarget('/x?a=%zz&b=%').query.get('a')).toBe('%zz');
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('isFormContentType', () => {
  it('accepts the form type with parameters and any case', () => {
    expect(isFormContentType('Application/X-WWW-Form-Urlencoded; charset=UTF-8')).toBe(true);
    expect(isFormContentType('application/json')).toBe(false);
    expect(isFormContentType(undefined)).toBe(false);
  });
});
