import type { MiAccountErrorReason } from '../errors/reasons';

/**
 * The `info` of a login the strategies refuse themselves (passport's `this.fail(info, status)`): a refusal on Mi's
 * consent page, a state that does not verify, a used or expired code, a token Mi Account refuses, a request without
 * a token. Passport hands it to `failureMessage`/`failureFlash`, to `failWithError` and to a custom callback of
 * `passport.authenticate`. A refusal your verify callback makes (`done(null, false, info)`) passes your own `info`.
 *
 * @example
 * passport.authenticate('mi-account', (err: unknown, user: unknown, info?: MiAccountFailureInfo) => {
 *   if (!user && info?.reason === 'access_denied') return res.redirect('/login?cancelled=1');
 * })(req, res, next);
 */
export interface MiAccountFailureInfo {
  /** What went wrong and what to do, fit for a log or a flash message; never holds a token or a secret. */
  message: string;
  /** Why, as a stable string to branch on: `'access_denied'`, `'state_mismatch'`, `'code_invalid'`, `'token_invalid'`… */
  reason: MiAccountErrorReason;
  /** Mi Account's error code (e.g. 96013), only when Mi Account sent one. */
  code?: number | undefined;
}
