import { InternalOAuthError } from 'passport-oauth2';
import { MiAccountError } from '../errors/errors';
import type { LoginActions } from './authorization-error';

/** The failure message of a code Mi Account refuses as used or expired (96013): what happened and what to do. */
export const USED_CODE_MESSAGE =
  'This Mi Account sign-in link was already used or has expired (Mi Account error 96013 OA_INVALID_CODE: a code ' +
  'works once, for 5–10 minutes, and the callback page was probably loaded twice or too late). Start the login again.';

/**
 * Makes the error action of one login report a failed token call as Mi Account answered it. passport-oauth2 wraps the
 * token seam's error in an `InternalOAuthError` ('Failed to obtain access token'); this gives the app the
 * `MiAccountError` itself (step, Mi code, hint), and turns a code already used or expired — the user's doing: a
 * callback loaded twice, a slow user — into a failed login (400), so that `failureRedirect` applies.
 *
 * @example
 * reportTokenErrors(this) // in authenticate, on passport's strategy object of the login
 */
export function reportTokenErrors(login: LoginActions): void {
  const error = login.error;
  login.error = function (this: unknown, err: Error) {
    const cause: unknown = err instanceof InternalOAuthError ? err.oauthError : undefined;
    if (!(cause instanceof MiAccountError)) return error.call(this, err);
    if (cause.reason === 'code_invalid' && cause.step === 'token exchange') {
      return login.fail({ message: USED_CODE_MESSAGE, code: 96013, reason: 'code_invalid' }, 400);
    }
    error.call(this, cause);
  };
}
