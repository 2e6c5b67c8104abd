// The error the implicit-grant callback reader throws, and the reasons a caller branches on.
import { MiAccountError, MiAccountErrorOptions } from '../errors/errors';
import { MiAccountErrorReason } from '../errors/reasons';

/**
 * Why {@link parseImplicitCallback} rejected a callback: the {@link MiAccountErrorReason} every error carries.
 *
 * - an `error` parameter: the reason of Mi's code (`'access_denied'` when the user cancelled, `'mi_error'` for one
 *   this library does not know); `code` is Mi's number.
 * - `'state_mismatch'` (403): the state is missing, unknown or different; start the sign-in again.
 * - `'missing_token'` (400): no `access_token` or no `mac_key` in the fragment.
 * - `'invalid_response'` (502): a field is malformed (`expires_in`, `token_type`, `mac_algorithm`, a repeated parameter).
 *
 * `status` is the status of the reason, as for every {@link MiAccountError}.
 *
 * @example
 * if (err instanceof MiImplicitGrantError && err.reason === 'state_mismatch') restartSignIn();
 */
export type MiImplicitGrantErrorReason = MiAccountErrorReason;

/**
 * The implicit-grant callback was an error or could not be trusted. A {@link MiAccountError}
 * (same `code`, `errorName`, `hint`, `step`, `reason`). Its message names the Mi code, name and hint, and never
 * contains the access token or the mac_key.
 *
 * @example
 * try {
 *   tokens = parseImplicitCallback(location.hash, sessionStorage.getItem('mi-state'), location.search);
 * } catch (err) {
 *   if (err instanceof MiImplicitGrantError && err.reason === 'access_denied') showMessage('Sign-in cancelled');
 *   else throw err;
 * }
 */
export class MiImplicitGrantError extends MiAccountError {
  /** `reason` undefined: derived from Mi's code (see {@link MiAccountErrorReason}). */
  constructor(reason: MiImplicitGrantErrorReason | undefined, options: MiAccountErrorOptions) {
    super({ ...options, reason });
    this.name = 'MiImplicitGrantError';
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
