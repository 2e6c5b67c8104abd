// The fields of a token response (protocol §4, §10): which are required, their types, their defaults.
import { parseGrantedScopes } from './scopes';

/**
 * The fields of a token response, type-checked. Used by the token endpoint reader (server) and the implicit-grant
 * callback reader (browser).
 *
 * @example
 * const result = readTokenFields({ access_token: 'V3_…', mac_key: 'k', expires_in: '7776000', scope: '1 3' });
 * if (result.ok) result.fields.expiresIn // 7776000
 */
export interface TokenFields {
  /** `access_token`, a non-empty string. */
  accessToken: string;
  /** `mac_key`, a non-empty string. */
  macKey: string;
  /** `expires_in` in seconds: a positive integer, sent as a number (token endpoint) or a string (implicit grant). */
  expiresIn: number;
  /** Granted scope IDs as numeric strings; `[]` when Mi sent none. */
  scope: string[];
  /** `refresh_token`; never sent by the implicit grant. */
  refreshToken: string | undefined;
  /** `token_type` as sent, `'mac'` when absent. */
  tokenType: string;
  /** `mac_algorithm` as sent, `'HmacSha1'` when absent. */
  macAlgorithm: string;
  /** `openId` (or `openid`, `open_id`); a string only. */
  openId: string | undefined;
  /** `union_id` (or `unionId`); a string only. */
  unionId: string | undefined;
}

/**
 * The first field of a token response that failed its check: `missing` (absent or empty) or `invalid` (wrong type
 * or value). `value` is the wire value, which may be a secret: never quote it unredacted.
 *
 * @example
 * const problem: TokenFieldProblem = { field: 'expires_in', kind: 'invalid', value: '1e3' };
 */
export interface TokenFieldProblem {
  /** The wire name of the field, e.g. `'expires_in'`. */
  field: string;
  /** `missing`: absent or empty; `invalid`: of the wrong type or value. */
  kind: 'missing' | 'invalid';
  /** The value received. */
  value: unknown;
}

/**
 * What {@link readTokenFields} found: the fields, or the first problem.
 *
 * @example
 * const result: TokenFieldsResult = readTokenFields(body);
 */
export type TokenFieldsResult = { ok: true; fields: TokenFields } | { ok: false; problem: TokenFieldProblem };

/**
 * Checks the fields of a token response whose keys and string values are already trimmed. Checks, in order:
 * `access_token`, `mac_key`, `expires_in`, then the optional `scope`, `refresh_token`, `token_type`, `mac_algorithm`
 * (string or number) and the identifiers (strings only: a JSON number above 2^53 is rounded).
 *
 * @example
 * readTokenFields({ access_token: 'V3_…', mac_key: 'k', expires_in: 7776000 }).ok // true
 * readTokenFields({ access_token: 'V3_…', expires_in: 7776000 })
 * // { ok: false, problem: { field: 'mac_key', kind: 'missing', value: undefined } }
 */
export function readTokenFields(body: Readonly<Record<string, unknown>>): TokenFieldsResult {
  const read = (name: string): unknown => (Object.prototype.hasOwnProperty.call(body, name) ? body[name] : undefined);
  const fail = (field: string, kind: TokenFieldProblem['kind']): TokenFieldsResult => ({
    ok: false,
    problem: { field, kind, value: read(field) },
  });
  const absent = (value: unknown): boolean => value === undefined || value === null || value === '';

  const accessToken = read('access_token');
  if (typeof accessToken !== 'string' || accessToken === '') return fail('access_token', 'missing');
  const macKey = read('mac_key');
  if (typeof macKey !== 'string' || macKey === '') return fail('mac_key', 'missing');
  if (absent(read('expires_in'))) return fail('expires_in', 'missing');
  const expiresIn = readExpiresIn(read('expires_in'));
  if (expiresIn === undefined) return fail('expires_in', 'invalid');

  const optional: Record<string, string | undefined> = {};
  for (const name of ['scope', 'refresh_token', 'token_type', 'mac_algorithm']) {
    const value = read(name);
    if (absent(value)) continue;
    if (typeof value !== 'string' && typeof value !== 'number') return fail(name, 'invalid');
    optional[name] = String(value);
  }
  const identifiers: (string | undefined)[] = [];
  for (const names of [
    ['openId', 'openid', 'open_id'],
    ['union_id', 'unionId'],
  ]) {
    const name = names.find((candidate) => !absent(read(candidate)));
    if (name !== undefined && typeof read(name) !== 'string') return fail(name, 'invalid');
    identifiers.push(name === undefined ? undefined : (read(name) as string));
  }

  return {
    ok: true,
    fields: {
      accessToken,
      macKey,
      expiresIn,
      scope: parseGrantedScopes(optional.scope),
      refreshToken: optional.refresh_token,
      tokenType: optional.token_type ?? 'mac',
      macAlgorithm: optional.mac_algorithm ?? 'HmacSha1',
      openId: identifiers[0],
      unionId: identifiers[1],
    },
  };
}

/**
 * `expires_in` as a number of seconds: a positive safe integer, given as a number or as decimal digits
 * (`Number()` would also read `"0x10"`, `"1e3"` and `"0b1"`); `undefined` for anything else.
 *
 * @example
 * readExpiresIn('7776000') // 7776000
 * readExpiresIn('1e3')     // undefined
 */
export function readExpiresIn(value: unknown): number | undefined {
  const seconds = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof seconds === 'number' && Number.isSafeInteger(seconds) && seconds > 0 ? seconds : undefined;
}

/**
 * True for the token type of Mi Account tokens, `mac`, in any letter case.
 *
 * @example
 * isMacTokenType('MAC')    // true
 * isMacTokenType('bearer') // false
 */
export function isMacTokenType(tokenType: string): boolean {
  return tokenType.toLowerCase() === 'mac';
}

/**
 * True for HMAC-SHA1, the only algorithm Mi Account signs with, however it is spelled (`HmacSha1`, `HMAC-SHA1`…).
 *
 * @example
 * isHmacSha1('HmacSHA1')   // true
 * isHmacSha1('HmacSha256') // false
 */
export function isHmacSha1(macAlgorithm: string): boolean {
  return /^hmac-?sha-?1$/i.test(macAlgorithm);
}

/** Longest access token or mac_key a caller may present: Mi Account's are far shorter. */
export const MAX_TOKEN_LENGTH = 512;
// RFC 6750 b64token characters, which are all Mi Account's tokens and mac_keys are made of.
const TOKEN_SHAPE = new RegExp(`^[A-Za-z0-9\\-._~+/=]{1,${MAX_TOKEN_LENGTH}}$`);

/**
 * Why a presented access token or mac_key cannot be one Mi Account issued (too long, or a character outside RFC 6750's
 * b64token), or `undefined` when it has the shape. Lets a server refuse such a value before any call to Mi Account.
 *
 * @example
 * tokenShapeProblem('mac_key', 'k3y/+=')  // undefined
 * tokenShapeProblem('mac_key', 'a b')     // 'mac_key is not a Mi Account token: at most 512 letters, digits and - . _ ~ + / ='
 */
export function tokenShapeProblem(field: string, value: string): string | undefined {
  if (TOKEN_SHAPE.test(value)) return undefined;
  return `${field} is not a Mi Account token: at most ${MAX_TOKEN_LENGTH} letters, digits and - . _ ~ + / =`;
}
