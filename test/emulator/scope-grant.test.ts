import { grantScopes, scopeWords } from '../../lib/emulator/scope-grant';

describe('grantScopes', () => {
  it('grants every known scope, phone and email included, to an app with the privacy review', () => {
    expect(grantScopes('1 3 4 6', true)).toEqual({
      ok: true,
      requested: ['1', '3', '4', '6'],
      granted: ['1', '3', '4', '6'],
      dropped: [],
    });
  });

  it('drops phone and email for an app without the privacy review', () => {
    expect(grantScopes('6 1 4', false)).toEqual({
      ok: true,
      requested: ['6', '1', '4'],
      granted: ['1'],
      dropped: ['6', '4'],
    });
  });

  it('grants the basic scopes 1 and 3 for an absent or blank scope (protocol §7)', () => {
    const basic = { ok: true, requested: ['1', '3'], granted: ['1', '3'], dropped: [] };
    expect(grantScopes(undefined, false)).toEqual(basic);
    expect(grantScopes('', false)).toEqual(basic);
    expect(grantScopes('  ', false)).toEqual(basic);
  });

  it.each(['profile', '1,3', '-1', '0', '01', '1e3', '12345678901'])('refuses the malformed scope "%s"', (scope) => {
    expect(grantScopes(scope, true)).toEqual({ ok: false, reason: expect.stringContaining('not a numeric scope ID') });
  });

  it('refuses a numeric scope that is not in the protocol table', () => {
    expect(grantScopes('1 5', true)).toEqual({ ok: false, reason: 'scope 5 is unknown' });
  });
});

describe('scopeWords', () => {
  it('names the scopes in words', () => {
    expect(scopeWords('1').short).toBe('profile');
    expect(scopeWords('4').long).toBe('your phone number');
    expect(scopeWords('77').short).toBe('scope 77');
  });
});
