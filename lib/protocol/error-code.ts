// Mi Account's error codes: how one is read off the wire, and what each means (protocol §3, §4, §8).

/**
 * The reason of an error Mi Account sent: the part of `MiAccountErrorReason` that Mi's codes map onto.
 * `mi_error` is a code (or an error name) this library does not know.
 */
export type MiCodeReason =
  | 'access_denied'
  | 'code_invalid'
  | 'token_invalid'
  | 'refresh_token_invalid'
  | 'signature_refused'
  | 'scope_invalid'
  | 'client_invalid'
  | 'client_unauthorized'
  | 'redirect_uri_not_registered'
  | 'request_invalid'
  | 'mi_error';

/** One row of the Mi Account error table (protocol §8). */
export interface MiErrorInfo {
  /** Xiaomi's constant name, e.g. `OA_INVALID_CODE`. */
  readonly name: string;
  /** What the code usually means and what to do about it. */
  readonly hint: string;
  /** The reason of the code (96012 is `signature_refused` on an Open API call). */
  readonly reason: MiCodeReason;
}

/**
 * Mi Account's numeric error codes with their names, what to do about them and their reason.
 *
 * @example
 * MI_ERROR_CODES[96013].name // 'OA_INVALID_CODE'
 * MI_ERROR_CODES[96013].reason // 'code_invalid'
 */
export const MI_ERROR_CODES: Readonly<Record<number, MiErrorInfo>> = deepFreeze({
  96001: {
    name: 'OA_CLIENT_NOT_EXISTS',
    hint: 'the App ID is unknown, or the account service is not enabled for this app on the Mi developer console',
    reason: 'client_invalid',
  },
  96002: {
    name: 'OA_INVALID_REQUEST',
    hint: 'a required parameter is missing or malformed',
    reason: 'request_invalid',
  },
  96003: {
    name: 'OA_INVALID_CLIENT',
    hint: 'client_id and client_secret do not match (use the App Secret), or the request was not URL-encoded',
    reason: 'client_invalid',
  },
  96004: {
    name: 'OA_INVALID_GRANT',
    hint: 'invalid grant; the grant type must be code or token',
    reason: 'request_invalid',
  },
  96005: {
    name: 'OA_UNAUTHORIZED_CLIENT',
    hint: 'the app lacks permission for this request; apply for it on the Mi developer console',
    reason: 'client_unauthorized',
  },
  96006: { name: 'OA_UNSUPPORTED_GRANT_TYPE', hint: 'the grant type is not supported', reason: 'request_invalid' },
  96007: {
    name: 'OA_INVALID_SCOPE',
    hint: 'a scope is invalid, unknown or not granted to this app',
    reason: 'scope_invalid',
  },
  96008: {
    name: 'OA_INVALID_TOKEN',
    hint: 'the access token is wrong or expired; ask the user to sign in again',
    reason: 'token_invalid',
  },
  96009: {
    name: 'OA_INVALID_REFRESHTOKEN',
    hint: 'the refresh token is invalid, expired or already used (each refresh token works once; store the new one)',
    reason: 'refresh_token_invalid',
  },
  96010: {
    name: 'OA_INVALID_REDIRECT_URI',
    hint: 'redirect_uri does not match any redirect URI registered on the Mi developer console (same scheme, port, host or sub-domain, path or sub-path)',
    reason: 'redirect_uri_not_registered',
  },
  96011: {
    name: 'OA_UNSUPPORTED_RESPONSE_TYPE',
    hint: 'the response type is not supported (use code or token)',
    reason: 'request_invalid',
  },
  96012: {
    name: 'OA_ACCESS_DENIED',
    hint: 'the user cancelled or the server refused, or the MAC signature did not verify',
    reason: 'access_denied',
  },
  96013: {
    name: 'OA_INVALID_CODE',
    hint: 'the code is invalid or expired (single use, 5–10 minutes)',
    reason: 'code_invalid',
  },
});

// A shared table: one caller must not be able to rewrite the names and hints every other error shows.
function deepFreeze<T extends Record<number, MiErrorInfo>>(table: T): Readonly<T> {
  for (const info of Object.values(table)) Object.freeze(info);
  return Object.freeze(table);
}

/**
 * The row of {@link MI_ERROR_CODES} for a code; `undefined` for a code Mi does not document. Own rows only: a code
 * read off the wire must not reach `Object.prototype` (`constructor`, `toString`).
 *
 * @example
 * miErrorInfo(96009)?.name // 'OA_INVALID_REFRESHTOKEN'
 * miErrorInfo(70016)       // undefined
 */
export function miErrorInfo(code: number | undefined): MiErrorInfo | undefined {
  return code !== undefined && Object.prototype.hasOwnProperty.call(MI_ERROR_CODES, code)
    ? MI_ERROR_CODES[code]
    : undefined;
}

/**
 * The reason of a code Mi sent: its row's, except that 96012 on an Open API call is a refused MAC signature (the
 * user cannot cancel an API call); `mi_error` for a code Mi does not document.
 *
 * @example
 * miCodeReason(96012, false) // 'access_denied'
 * miCodeReason(96012, true)  // 'signature_refused'
 */
export function miCodeReason(code: number, onOpenApi: boolean): MiCodeReason {
  if (code === 96012 && onOpenApi) return 'signature_refused';
  return miErrorInfo(code)?.reason ?? 'mi_error';
}

/**
 * The Mi error code in an `error` or `code` field: an integer, or a string of 1–9 decimal digits (surrounding
 * blanks ignored); `undefined` for anything else, so that an unreadable value is never taken for a Mi code.
 *
 * @example
 * readMiErrorCode(96013)      // 96013
 * readMiErrorCode(' 96012 ')  // 96012
 * readMiErrorCode('0x10')     // undefined
 */
export function readMiErrorCode(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,9}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}
