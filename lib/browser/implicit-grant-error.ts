// The error the implicit-grant callback reader throws, and the reasons a caller branches on.
import { MiAccountError, MiAccountErrorOptions } from '../errors';

/**
 * Why {@link parseImplicitCallback} rejected a callback.
 *
 * - `'error'`: Mi Account redirected with an `error` parameter (`code` is the Mi code, 96012 = the user cancelled).
 * - `'state_mismatch'`: the state is missing, unknown or different; start the sign-in again.
 * - `'missing_token'`: no `access_token` or no `mac_key` in the fragment.
 * - `'invalid_response'`: a field is malformed (`expires_in`, `token_type`, `mac_algorithm`, a repeated parameter).
 *
 * @example
 * if (err instanceof MiImplicitGrantError && err.reason === 'state_mismatch') restartSignIn();
 */
export type MiImplicitGrantErrorReason = 'error' | 'state_mismatch' | 'missing_token' | 'invalid_response';

/**
 * The implicit-grant callback was an error or could not be trusted. A {@link MiAccountError}
 * (same `code`, `errorName`, `hint`, `step`), plus the `reason` to branch on. Its message names
 * the Mi code, name and hint, and never contains the access token or the mac_key.
 *
 * @example
 * try {
 *   tokens = parseImplicitCallback(location.hash, sessionStorage.getItem('mi-state'), location.search);
 * } catch (err) {
 *   if (err instanceof MiImplicitGrantError && err.code === 96012) showMessage('Sign-in cancelled');
 *   else throw err;
 * }
 */
export class MiImplicitGrantError extends MiAccountError {
  /** Why the callback was rejected; branch on it. */
  readonly reason: MiImplicitGrantErrorReason;

  constructor(reason: MiImplicitGrantErrorReason, options: MiAccountErrorOptions) {
    super(options);
    this.name = 'MiImplicitGrantError';
    this.reason = reason;
  }

  /** A plain object for logs; carries nothing secret. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason };
  }
}

/**
 * An `invalid_response` error of the authorization step: a callback field is malformed.
 *
 * @example
 * throw invalidResponse('expires_in is missing');
 */
export function invalidResponse(hint: string): MiImplicitGrantError {
  return new MiImplicitGrantError('invalid_response', { step: 'authorization', hint });
}
