import { DOCUMENTED_STATUS } from '../helpers/error-status';
import {
  MiAccountError,
  MiAccountErrorOptions,
  MiAccountRequestError,
  MiAccountResponseError,
} from '../../lib/errors/errors';
import { MiAccountErrorReason, MiAccountStep } from '../../lib/errors/reasons';
import { errorReasonFor, MI_ACCOUNT_ERROR_REASONS } from '../../lib/errors/reasons';
import { MI_ERROR_CODES } from '../../lib/protocol/error-code';

// Protocol §8.
const PROTOCOL_CODES: ReadonlyArray<[number, string]> = [
  [96001, 'OA_CLIENT_NOT_EXISTS'],
  [96002, 'OA_INVALID_REQUEST'],
  [96003, 'OA_INVALID_CLIENT'],
  [96004, 'OA_INVALID_GRANT'],
  [96005, 'OA_UNAUTHORIZED_CLIENT'],
  [96006, 'OA_UNSUPPORTED_GRANT_TYPE'],
  [96007, 'OA_INVALID_SCOPE'],
  [96008, 'OA_INVALID_TOKEN'],
  [96009, 'OA_INVALID_REFRESHTOKEN'],
  [96010, 'OA_INVALID_REDIRECT_URI'],
  [96011, 'OA_UNSUPPORTED_RESPONSE_TYPE'],
  [96012, 'OA_ACCESS_DENIED'],
  [96013, 'OA_INVALID_CODE'],
];

const SECRET = 'cl1ent-S3cret+/=value';

describe('MI_ERROR_CODES', () => {
  it.each(PROTOCOL_CODES)('names %d %s', (code, name) => {
    expect(MI_ERROR_CODES[code]?.name).toBe(name);
  });

  it('holds exactly the codes of protocol §8', () => {
    expect(Object.keys(MI_ERROR_CODES).map(Number)).toEqual(PROTOCOL_CODES.map(([code]) => code));
  });

  it.each(PROTOCOL_CODES)('gives %d a hint', (code) => {
    expect(MI_ERROR_CODES[code]?.hint).toMatch(/\w{3}/);
  });

  it.each([
    [96003, 'URL-encoded'],
    [96005, 'console'],
    [96008, 'expired'],
    [96009, 'already used'],
    [96010, 'redirect_uri'],
    [96012, 'MAC signature'],
    [96013, '5–10 minutes'],
  ])('tells what to do about %d (mentions "%s")', (code, words) => {
    expect(MI_ERROR_CODES[code]?.hint).toContain(words);
  });

  it('cannot be modified, neither the table nor a row', () => {
    expect(Object.isFrozen(MI_ERROR_CODES)).toBe(true);
    for (const [code] of PROTOCOL_CODES) expect(Object.isFrozen(MI_ERROR_CODES[code])).toBe(true);
  });
});

describe('MiAccountError: message', () => {
  it('names the step, the endpoint, the Mi code, its name and the hint', () => {
    const error = new MiAccountError({ step: 'token exchange', code: 96013, endpoint: '/oauth2/token' });
    expect(error.message).toBe(
      'Mi Account token exchange failed (/oauth2/token): 96013 OA_INVALID_CODE — the code is invalid or expired (single use, 5–10 minutes)',
    );
  });

  it('leaves out the parentheses when there is no endpoint', () => {
    const error = new MiAccountError({ step: 'token refresh', code: 96009 });
    expect(error.message).toBe(
      `Mi Account token refresh failed: 96009 OA_INVALID_REFRESHTOKEN — ${MI_ERROR_CODES[96009]?.hint}`,
    );
  });

  it.each<[MiAccountStep, string]>([
    ['authorization', 'Mi Account authorization failed'],
    ['token exchange', 'Mi Account token exchange failed'],
    ['token refresh', 'Mi Account token refresh failed'],
    ['open api', 'Mi Account Open API call failed'],
    ['redirect uri', 'Mi Account redirect URI rejected'],
    ['configuration', 'Mi Account configuration error'],
    ['state', 'Mi Account state check failed'],
  ])('starts the message of step "%s" with "%s: "', (step, title) => {
    expect(new MiAccountError({ step, code: 96002 }).message.startsWith(`${title}: 96002 OA_INVALID_REQUEST — `)).toBe(
      true,
    );
  });

  it('shows only the number of a code it does not know', () => {
    expect(new MiAccountError({ step: 'open api', code: 12345 }).message).toBe(
      'Mi Account Open API call failed: 12345',
    );
  });

  it('shows the given hint after a code it does not know', () => {
    expect(new MiAccountError({ step: 'open api', code: 12345, hint: 'ask Xiaomi' }).message).toBe(
      'Mi Account Open API call failed: 12345 — ask Xiaomi',
    );
  });

  it('prefers the given hint over the hint of the table', () => {
    expect(new MiAccountError({ step: 'token exchange', code: 96013, hint: 'the code was already used' }).message).toBe(
      'Mi Account token exchange failed: 96013 OA_INVALID_CODE — the code was already used',
    );
  });

  it('says "unknown error" when there is neither code nor hint', () => {
    expect(new MiAccountError({ step: 'open api' }).message).toBe('Mi Account Open API call failed: unknown error');
  });

  it('shows the hint alone when there is no code', () => {
    expect(new MiAccountError({ step: 'open api', hint: 'timed out after 10000 ms' }).message).toBe(
      'Mi Account Open API call failed: timed out after 10000 ms',
    );
  });

  it('appends the description sent by Mi Account', () => {
    expect(new MiAccountError({ step: 'token exchange', code: 96003, description: 'bad client' }).message).toMatch(
      / — .+ \[Mi Account says: bad client\]$/,
    );
  });

  it('does not repeat a description equal to the hint', () => {
    const error = new MiAccountError({ step: 'open api', hint: 'same words', description: 'same words' });
    expect(error.message).toBe('Mi Account Open API call failed: same words');
  });
});

describe('MiAccountError: fields', () => {
  const error = new MiAccountError({
    step: 'token exchange',
    code: 96013,
    endpoint: '/oauth2/token',
    responseStatus: 200,
    description: 'code expired',
  });

  it.each([
    ['code', 96013],
    ['errorName', 'OA_INVALID_CODE'],
    ['hint', MI_ERROR_CODES[96013]?.hint],
    ['status', 400],
    ['statusCode', 400],
    ['expose', true],
    ['responseStatus', 200],
    ['endpoint', '/oauth2/token'],
    ['step', 'token exchange'],
    ['description', 'code expired'],
    ['name', 'MiAccountError'],
  ])('exposes %s', (field, value) => {
    expect(error[field as keyof MiAccountError]).toBe(value);
  });

  it('is an Error whose toString starts with its name', () => {
    expect(error).toBeInstanceOf(Error);
    expect(String(error).startsWith('MiAccountError: Mi Account token exchange failed')).toBe(true);
  });

  it('has no code, name or hint without a code', () => {
    const bare = new MiAccountError({ step: 'open api' });
    expect([bare.code, bare.errorName, bare.hint]).toEqual([undefined, undefined, undefined]);
  });

  it('keeps the number but has no name or hint for an unknown code', () => {
    const unknown = new MiAccountError({ step: 'open api', code: 12345 });
    expect([unknown.code, unknown.errorName, unknown.hint]).toEqual([12345, undefined, undefined]);
  });

  it.each(['constructor', 'toString', '__proto__'])('treats a code "%s" read off the wire as unknown', (code) => {
    const odd = new MiAccountError({ step: 'open api', code: code as unknown as number });
    expect([odd.errorName, odd.hint]).toEqual([undefined, undefined]);
  });

  it('keeps the cause', () => {
    const cause = new Error('socket hang up');
    expect(new MiAccountError({ step: 'open api', cause }).cause).toBe(cause);
  });

  it('has no cause property when none is given', () => {
    expect('cause' in new MiAccountError({ step: 'open api' })).toBe(false);
  });
});

describe('MiAccountError: toJSON', () => {
  const cause = new Error(`request to /oauth2/token?client_secret=${SECRET} failed`);
  const error = new MiAccountError({
    step: 'token exchange',
    code: 96013,
    endpoint: '/oauth2/token',
    responseStatus: 200,
    cause,
  });

  it('lists the public fields', () => {
    expect(error.toJSON()).toEqual({
      name: 'MiAccountError',
      message: error.message,
      step: 'token exchange',
      reason: 'code_invalid',
      code: 96013,
      errorName: 'OA_INVALID_CODE',
      hint: MI_ERROR_CODES[96013]?.hint,
      status: 400,
      expose: true,
      responseStatus: 200,
      endpoint: '/oauth2/token',
    });
  });

  it('has neither cause nor stack', () => {
    expect(error.toJSON()).not.toHaveProperty('cause');
    expect(error.toJSON()).not.toHaveProperty('stack');
  });

  it('keeps the text of the cause out of JSON.stringify', () => {
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });
});

describe('MiAccountRequestError and MiAccountResponseError', () => {
  it.each([
    ['MiAccountRequestError', MiAccountRequestError],
    ['MiAccountResponseError', MiAccountResponseError],
  ])('%s is a MiAccountError and an Error', (_name, ErrorClass) => {
    const error = new ErrorClass({ step: 'open api' });
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(MiAccountError);
    expect(error).toBeInstanceOf(Error);
  });

  it.each([
    ['MiAccountRequestError', MiAccountRequestError],
    ['MiAccountResponseError', MiAccountResponseError],
  ])('%s carries its own name in name, toString and toJSON', (name, ErrorClass) => {
    const error = new ErrorClass({ step: 'open api' });
    expect(error.name).toBe(name);
    expect(String(error).startsWith(`${name}: `)).toBe(true);
    expect(error.toJSON().name).toBe(name);
  });

  it.each([
    ['MiAccountRequestError', MiAccountRequestError],
    ['MiAccountResponseError', MiAccountResponseError],
  ])('%s formats its message and fields like MiAccountError', (_name, ErrorClass) => {
    const options = { step: 'token exchange', code: 96013, endpoint: '/oauth2/token', responseStatus: 502 } as const;
    const error = new ErrorClass(options);
    const base = new MiAccountError(options);
    expect({ ...error.toJSON(), name: undefined }).toEqual({ ...base.toJSON(), name: undefined });
  });

  it('keeps the cause of a request error', () => {
    const cause = Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' });
    expect(new MiAccountRequestError({ step: 'token exchange', cause }).cause).toBe(cause);
  });

  it('is not mistaken for the other subclass', () => {
    expect(new MiAccountRequestError({ step: 'open api' })).not.toBeInstanceOf(MiAccountResponseError);
    expect(new MiAccountResponseError({ step: 'open api' })).not.toBeInstanceOf(MiAccountRequestError);
  });
});

describe('MiAccountError: reason', () => {
  const CODE_REASONS: ReadonlyArray<[number, MiAccountErrorReason]> = [
    [96001, 'client_invalid'],
    [96002, 'request_invalid'],
    [96003, 'client_invalid'],
    [96004, 'request_invalid'],
    [96005, 'client_unauthorized'],
    [96006, 'request_invalid'],
    [96007, 'scope_invalid'],
    [96008, 'token_invalid'],
    [96009, 'refresh_token_invalid'],
    [96010, 'redirect_uri_not_registered'],
    [96011, 'request_invalid'],
    [96012, 'access_denied'],
    [96013, 'code_invalid'],
  ];

  it.each(CODE_REASONS)('Mi code %d is reason %s, in the error and in MI_ERROR_CODES', (code, reason) => {
    expect(new MiAccountError({ step: 'token exchange', code }).reason).toBe(reason);
    expect(MI_ERROR_CODES[code]?.reason).toBe(reason);
  });

  it('96012 on an Open API call is a refused signature, elsewhere a refusal', () => {
    expect(new MiAccountError({ step: 'open api', code: 96012 }).reason).toBe('signature_refused');
    expect(new MiAccountError({ step: 'authorization', code: 96012 }).reason).toBe('access_denied');
  });

  it('a Mi code this library does not know is mi_error, even in a subclass', () => {
    expect(new MiAccountError({ step: 'open api', code: 70016 }).reason).toBe('mi_error');
    expect(new MiAccountResponseError({ step: 'open api', code: 70016 }).reason).toBe('mi_error');
  });

  it.each<[string, () => MiAccountError, MiAccountErrorReason]>([
    ['a request error', () => new MiAccountRequestError({ step: 'token exchange' }), 'network_error'],
    ['a response error', () => new MiAccountResponseError({ step: 'open api' }), 'invalid_response'],
    ['step configuration', () => new MiAccountError({ step: 'configuration' }), 'configuration'],
    ['step redirect uri', () => new MiAccountError({ step: 'redirect uri' }), 'redirect_uri_not_registered'],
    ['step state', () => new MiAccountError({ step: 'state' }), 'state_mismatch'],
    ['an authorization error', () => new MiAccountError({ step: 'authorization' }), 'mi_error'],
    ['an answer with no code', () => new MiAccountError({ step: 'open api', responseStatus: 200 }), 'mi_error'],
    ['a local check', () => new MiAccountError({ step: 'token exchange' }), 'invalid_argument'],
  ])('without a code, %s is %s', (_name, make, reason) => {
    expect(make().reason).toBe(reason);
  });

  it('an explicit reason wins over the code, the class and the step', () => {
    expect(new MiAccountRequestError({ step: 'open api', reason: 'timeout', status: 504 }).reason).toBe('timeout');
    expect(new MiAccountError({ step: 'state', reason: 'configuration' }).reason).toBe('configuration');
  });

  it('a reason outside the union (from JavaScript) is ignored and derived instead', () => {
    const options = { step: 'token refresh', code: 96009, reason: 'oops' } as unknown as MiAccountErrorOptions;
    expect(new MiAccountError(options).reason).toBe('refresh_token_invalid');
  });

  it('errorReasonFor agrees with the constructor', () => {
    for (const [code, reason] of CODE_REASONS) expect(errorReasonFor({ step: 'token refresh', code })).toBe(reason);
  });

  it('MI_ACCOUNT_ERROR_REASONS holds each reason once and cannot be modified', () => {
    expect(new Set(MI_ACCOUNT_ERROR_REASONS).size).toBe(MI_ACCOUNT_ERROR_REASONS.length);
    expect(Object.isFrozen(MI_ACCOUNT_ERROR_REASONS)).toBe(true);
  });

  it('a refusal sent by name (no Mi code) answers 403, like 96012', () => {
    expect(new MiAccountError({ step: 'authorization', reason: 'access_denied' }).status).toBe(403);
  });
});

describe('MiAccountError: status follows from the reason alone', () => {
  const STATUS = DOCUMENTED_STATUS;
  const STEPS: MiAccountStep[] = [
    'authorization',
    'token exchange',
    'token refresh',
    'open api',
    'redirect uri',
    'configuration',
    'state',
  ];
  const CLASSES = [MiAccountError, MiAccountRequestError, MiAccountResponseError] as const;

  it('the table has a status for every reason of the union', () => {
    expect(Object.keys(STATUS).sort()).toEqual([...MI_ACCOUNT_ERROR_REASONS].sort());
  });

  it.each(MI_ACCOUNT_ERROR_REASONS.map((reason) => [reason, STATUS[reason]] as const))(
    'reason %s answers %d whatever the class and the step',
    (reason, status) => {
      for (const ErrorClass of CLASSES) {
        for (const step of STEPS) {
          const err = new ErrorClass({ step, reason });
          expect({ step, name: err.name, status: err.status, statusCode: err.statusCode, expose: err.expose }).toEqual({
            step,
            name: err.name,
            status,
            statusCode: status,
            expose: status < 500,
          });
        }
      }
    },
  );

  it.each(Object.keys(MI_ERROR_CODES).map(Number))(
    'Mi code %d answers the status of its reason at every step',
    (code) => {
      for (const ErrorClass of CLASSES) {
        for (const step of STEPS) {
          const err = new ErrorClass({ step, code, responseStatus: 200 });
          expect(err.status).toBe(STATUS[err.reason]);
        }
      }
    },
  );

  it('96012 answers 403 as a refusal and 401 as a refused signature of an Open API call', () => {
    expect(new MiAccountError({ step: 'authorization', code: 96012 }).status).toBe(403);
    expect(new MiAccountError({ step: 'open api', code: 96012, responseStatus: 200 }).status).toBe(401);
  });

  it('a configuration error answers 500 whether the request or the app’s setup found it', () => {
    expect(new MiAccountRequestError({ step: 'token exchange', reason: 'configuration' }).status).toBe(500);
    expect(new MiAccountError({ step: 'configuration' }).status).toBe(500);
  });

  it('a timeout answers 504 without an explicit status', () => {
    expect(new MiAccountRequestError({ step: 'open api', reason: 'timeout' }).status).toBe(504);
  });

  it('an explicit 4xx or 5xx status wins over the reason', () => {
    const err = new MiAccountError({ step: 'redirect uri', reason: 'invalid_argument', status: 400 });
    expect([err.reason, err.status, err.statusCode, err.expose]).toEqual(['invalid_argument', 400, 400, true]);
  });

  it.each([200, 302, 399, 600, 404.5, Number.NaN, '500'])('an explicit status %p is ignored', (status) => {
    const options = { step: 'state', status } as unknown as MiAccountErrorOptions;
    expect(new MiAccountError(options).status).toBe(403);
  });
});
