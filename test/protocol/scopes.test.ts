import fc from 'fast-check';
import { MiScopes, normalizeScopes, parseGrantedScopes, SENSITIVE_SCOPES } from '../../lib/protocol/scopes';

// Every scope ID of protocol §7.
const PROTOCOL_SCOPE_IDS = [
  '1',
  '2',
  '3',
  '4',
  '6',
  '1000',
  '1001',
  '2000',
  '2001',
  '2002',
  '6000',
  '6002',
  '6003',
  '6004',
  '7000',
  '11000',
  '12001',
  '12005',
  '13002',
  '16000',
  '20000',
  '40000',
];

describe('MiScopes', () => {
  it.each([
    ['profile', '1'],
    ['relation', '2'],
    ['openid', '3'],
    ['phone', '4'],
    ['email', '6'],
  ])('maps %s to %s as SPEC §3 names it', (name, id) => {
    expect(MiScopes[name as keyof typeof MiScopes]).toBe(id);
  });

  it('names exactly the scope IDs of protocol §7, each once', () => {
    const ids = Object.values(MiScopes);
    expect([...ids].sort((a, b) => Number(a) - Number(b))).toEqual(PROTOCOL_SCOPE_IDS);
  });

  it('cannot be modified', () => {
    expect(Object.isFrozen(MiScopes)).toBe(true);
  });

  it('marks phone (4) and email (6), and only them, as sensitive', () => {
    expect([...SENSITIVE_SCOPES].sort()).toEqual(['4', '6']);
  });
});

describe('normalizeScopes', () => {
  it.each(Object.entries(MiScopes))('turns the name %s into the ID %s', (name, id) => {
    expect(normalizeScopes([name])).toEqual([id]);
  });

  it.each([
    ['upper case', 'PROFILE', '1'],
    ['capitalized', 'Email', '6'],
    ['a camel-case name in lower case', 'routeradmin', '1001'],
    ['a camel-case name in upper case', 'SMARTHOMEDEVICES', '6002'],
  ])('reads names case-insensitively (%s)', (_label, name, id) => {
    expect(normalizeScopes([name])).toEqual([id]);
  });

  it('passes numeric strings through', () => {
    expect(normalizeScopes(['1', '3', '6'])).toEqual(['1', '3', '6']);
  });

  it('turns numbers into numeric strings', () => {
    expect(normalizeScopes([1, 3, 6])).toEqual(['1', '3', '6']);
  });

  it('accepts a single number', () => {
    expect(normalizeScopes(6)).toEqual(['6']);
  });

  it.each([
    ['string', '99999', '99999'],
    ['number', 424242, '424242'],
  ])('allows an unknown numeric ID given as a %s', (_label, input, id) => {
    expect(normalizeScopes([input])).toEqual([id]);
  });

  it.each([
    ['0006', '6'],
    ['01000', '1000'],
    ['000', '0'],
    ['0', '0'],
  ])('drops the leading zeros of %s', (input, id) => {
    expect(normalizeScopes([input])).toEqual([id]);
  });

  it.each([
    ['above 2^53', '12345678901234567890'],
    ['at 1e21 and above', '1000000000000000000000'],
    ['with leading zeros', '000123456789012345678901234567890'],
  ])('keeps every digit of a large numeric ID (%s)', (_label, input) => {
    expect(normalizeScopes([input])).toEqual([input.replace(/^0+/, '')]);
  });

  it('keeps any digit string exactly, apart from leading zeros', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{0,40}$/), fc.nat({ max: 5 }), (digits, zeros) => {
        expect(normalizeScopes(['0'.repeat(zeros) + digits])).toEqual([digits]);
      }),
      { numRuns: 300 },
    );
  });

  it('removes duplicates, keeping the first occurrence in order', () => {
    expect(normalizeScopes(['email', '1', 'profile', 6, 'openid', '03'])).toEqual(['6', '1', '3']);
  });

  it.each([
    ['spaces', 'profile email', ['1', '6']],
    ['commas', 'profile,email', ['1', '6']],
    ['commas and spaces', ' profile , email  openid ', ['1', '6', '3']],
    ['tabs and newlines', 'profile\temail\nopenid', ['1', '6', '3']],
    ['numeric IDs', '1 3 6', ['1', '3', '6']],
    ['names and IDs mixed', 'profile 3,email', ['1', '3', '6']],
  ])('splits a string on %s', (_label, input, expected) => {
    expect(normalizeScopes(input)).toEqual(expected);
  });

  it('trims array items', () => {
    expect(normalizeScopes([' profile ', '\t6\n'])).toEqual(['1', '6']);
  });

  it('skips blank array items', () => {
    expect(normalizeScopes(['', '  ', 'profile'])).toEqual(['1']);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['an empty string', ''],
    ['a blank string', ' , '],
    ['an empty array', []],
  ])('returns no scopes for %s', (_label, input) => {
    expect(normalizeScopes(input)).toEqual([]);
  });

  it('rejects an unknown name with a TypeError that names it and lists every valid name', () => {
    let error: unknown;
    try {
      normalizeScopes(['profile', 'contact']);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TypeError);
    const message = (error as Error).message;
    expect(message).toContain('Unknown Mi Account scope "contact"');
    for (const name of Object.keys(MiScopes)) expect(message).toContain(name);
  });

  it('rejects an unknown name inside a string list', () => {
    expect(() => normalizeScopes('profile mail')).toThrow(new RegExp('Unknown Mi Account scope "mail"'));
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'rejects %s, which is a property of every object but no scope',
    (name) => {
      expect(() => normalizeScopes([name])).toThrow(TypeError);
    },
  );

  it.each([
    ['a negative number as text', '-1'],
    ['a signed number as text', '+1'],
    ['a decimal as text', '1.0'],
    ['an exponent as text', '1e3'],
    ['Arabic-Indic digits', '\u0663'],
    ['full-width digits', '\uff13'],
  ])('rejects %s as an unknown name', (_label, input) => {
    expect(() => normalizeScopes([input])).toThrow(TypeError);
  });

  it.each([
    ['negative', -1],
    ['fractional', 1.5],
    ['NaN', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
    ['beyond 2^53', 2 ** 53],
  ])('rejects a %s number with a TypeError', (_label, input) => {
    expect(() => normalizeScopes([input])).toThrow(TypeError);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['an object', { id: 1 }],
    ['an array', ['1']],
    ['a boolean', true],
    ['a bigint', 1n],
  ])('rejects an item that is %s with a TypeError', (_label, item) => {
    expect(() => normalizeScopes(['profile', item] as unknown as string[])).toThrow(
      /Mi Account scope must be a name or a numeric ID/,
    );
  });
});

describe('parseGrantedScopes', () => {
  it.each([
    ['space-separated IDs', '1 3', ['1', '3']],
    ['comma-separated IDs', '1,3', ['1', '3']],
    ['runs of whitespace', '  1 \t 3\n6 ', ['1', '3', '6']],
    ['a single ID', '6', ['6']],
  ])('reads %s', (_label, scope, expected) => {
    expect(parseGrantedScopes(scope)).toEqual(expected);
  });

  it('keeps the order given', () => {
    expect(parseGrantedScopes('6 1 3')).toEqual(['6', '1', '3']);
  });

  it('removes duplicates', () => {
    expect(parseGrantedScopes('1 3 1 3')).toEqual(['1', '3']);
  });

  it('drops leading zeros, as normalizeScopes does', () => {
    expect(parseGrantedScopes('01 1 006')).toEqual(['1', '6']);
  });

  it('drops tokens that are not numeric IDs', () => {
    expect(parseGrantedScopes('profile 1 -2 3.0 x4')).toEqual(['1']);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['an empty string', ''],
    ['an object', { scope: '1' }],
  ])('returns no scopes for %s', (_label, scope) => {
    expect(parseGrantedScopes(scope as unknown as string)).toEqual([]);
  });

  it('reads a lone scope sent as a JSON number', () => {
    expect(parseGrantedScopes(6 as unknown as string)).toEqual(['6']);
  });

  it('agrees with normalizeScopes on any space-separated list of IDs', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^\d{1,25}$/), { maxLength: 8 }), (ids) => {
        expect(parseGrantedScopes(ids.join(' '))).toEqual(normalizeScopes(ids));
      }),
      { numRuns: 300 },
    );
  });
});
