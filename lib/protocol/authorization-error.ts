// The error redirect of the authorization request: `?error=…&error_description=…` (protocol §3, §10).
import { readMiErrorCode } from './error-code';
import { oneLine } from './one-line';

/** The Mi code of OA_ACCESS_DENIED: the user cancelled (or the server refused). */
export const ACCESS_DENIED_CODE = 96012;

// The RFC 6749 refusal name: a cancellation, but no Mi code (a code is only what Mi sent; Mi itself sends numbers).
const RFC_REFUSAL = 'access_denied';

/**
 * What an authorization error redirect said, read by {@link readAuthorizationError}. Values are the wire text made
 * one line (control characters and line separators blanked) and trimmed, not yet clipped or redacted: the caller
 * redacts, then clips what it quotes.
 *
 * @example
 * const { code, cancelled, description } = readAuthorizationError('96012', 'user denied');
 */
export interface AuthorizationErrorParams {
  /** The `error` parameter, one line, trimmed; `''` when it was empty or not a string. */
  error: string;
  /** The Mi code: the number Mi sent; `undefined` for a name such as `access_denied` (no code is made up). */
  code: number | undefined;
  /** True when `error` was a Mi numeric code (not a name, not garbage). */
  numeric: boolean;
  /** True when the user cancelled (96012 OA_ACCESS_DENIED, or `access_denied`). */
  cancelled: boolean;
  /** `error_description`, one line, trimmed; `undefined` when absent, blank or not a string. */
  description: string | undefined;
}

/**
 * Reads the `error` and `error_description` parameters of an authorization error redirect (a callback query, or an
 * implicit-grant fragment). Mi sends a numeric code; the RFC 6749 name `access_denied` (any case) is a cancellation too.
 *
 * @example
 * readAuthorizationError('96012', 'user denied')  // { error: '96012', code: 96012, numeric: true, cancelled: true, description: 'user denied' }
 * readAuthorizationError('access_denied', undefined) // { error: 'access_denied', code: undefined, numeric: false, cancelled: true, description: undefined }
 * readAuthorizationError('server_error', '')        // { error: 'server_error', code: undefined, numeric: false, cancelled: false, description: undefined }
 */
export function readAuthorizationError(error: unknown, description: unknown): AuthorizationErrorParams {
  // One line before anything quotes them: a forged CR/LF would otherwise start a fake line in the app's log.
  const text = typeof error === 'string' ? oneLine(error).trim() : '';
  const numericCode = readMiErrorCode(text);
  const code = numericCode;
  const described = typeof description === 'string' ? oneLine(description).trim() : '';
  return {
    error: text,
    code,
    numeric: numericCode !== undefined,
    cancelled: code === ACCESS_DENIED_CODE || text.toLowerCase() === RFC_REFUSAL,
    description: described === '' ? undefined : described,
  };
}
