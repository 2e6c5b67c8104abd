import { parseImplicitCallback, MiImplicitGrantError } from '../../lib/browser';
import { readAuthorizationError } from '../../lib/protocol';

describe('readAuthorizationError', () => {
  it('reads a Mi numeric code and its description, trimmed', () => {
    expect(readAuthorizationError(' 96010 ', ' redirect_uri mismatch ')).toEqual({
      error: '96010',
      code: 96010,
      numeric: true,
      cancelled: false,
      description: 'redirect_uri mismatch',
    });
  });

  it("reads 96012 as the user cancelling, with Mi's code", () => {
    expect(readAuthorizationError('96012', undefined)).toMatchObject({ code: 96012, cancelled: true });
  });

  it.each(['access_denied', 'ACCESS_DENIED', ' Access_Denied '])(
    'reads %p as the user cancelling, with no made-up Mi code',
    (error) => {
      expect(readAuthorizationError(error, undefined)).toMatchObject({ code: undefined, cancelled: true });
    },
  );

  it('keeps the RFC name of access_denied as not numeric, so callers can show it as sent', () => {
    expect(readAuthorizationError('access_denied', undefined)).toMatchObject({
      error: 'access_denied',
      numeric: false,
    });
  });

  it.each(['server_error', '1234567890', '0x10', '1e3', '-1', ''])('gives no code for %p', (error) => {
    expect(readAuthorizationError(error, undefined)).toMatchObject({
      code: undefined,
      numeric: false,
      cancelled: false,
    });
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'gives no code for %p (no Object.prototype lookup)',
    (error) => {
      expect(readAuthorizationError(error, undefined).code).toBeUndefined();
    },
  );

  it.each([undefined, null, ['96012', '96013'], 96012])('reads a non-string error %p as empty', (error) => {
    expect(readAuthorizationError(error, undefined)).toMatchObject({ error: '', code: undefined });
  });

  it.each([undefined, '', '   ', ['a', 'b']])('reads description %p as absent', (description) => {
    expect(readAuthorizationError('96012', description).description).toBeUndefined();
  });
});

describe('the implicit-grant callback reads errors by that rule', () => {
  function reject(search: string): MiImplicitGrantError {
    try {
      parseImplicitCallback('', 'state', search);
    } catch (err) {
      if (err instanceof MiImplicitGrantError) return err;
      throw err;
    }
    throw new Error('parseImplicitCallback did not throw');
  }

  it('does not take error=constructor for a Mi code', () => {
    const err = reject('?error=constructor');
    expect(err.code).toBeUndefined();
    expect(err.message).toContain('"constructor"');
  });

  it('does not read a 10-digit error as a (rounded) Mi code', () => {
    expect(reject('?error=99999999999999999999').code).toBeUndefined();
  });
});

describe('readAuthorizationError makes outside text one line', () => {
  it('blanks line breaks in the description, so that it cannot forge a log line', () => {
    expect(readAuthorizationError('96012', 'user denied\r\nINFO login succeeded\u2028x').description).toBe(
      'user denied INFO login succeeded x',
    );
  });

  it('blanks line breaks in a non-numeric error name', () => {
    expect(readAuthorizationError('server_error\nINFO forged', undefined).error).toBe('server_error INFO forged');
  });

  it('still reads a code surrounded by line breaks', () => {
    expect(readAuthorizationError('\r\n96012\n', undefined)).toMatchObject({ code: 96012, cancelled: true });
  });
});
