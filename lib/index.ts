/**
 * `passport-mi-account`: the essentials — the strategies, the client, the cookie state store, the errors and the
 * types an app writes down. More in the subpaths `passport-mi-account/protocol` (redirect-URI checks, MAC signing,
 * scopes, error codes, endpoints), `passport-mi-account/button`, `passport-mi-account/browser` and
 * `passport-mi-account/emulator`.
 *
 * @example
 * import { MiAccountStrategy } from 'passport-mi-account';
 * passport.use(new MiAccountStrategy({ clientID, clientSecret, callbackURL: '/auth/mi/callback' }, verify));
 *
 * @module index
 */
// test/package/exports.test.ts snapshots the names of every entry: a list grows only on purpose.
import { MiAccountStrategy } from './strategy/strategy';

export { MiAccountStrategy, MiAccountStrategy as Strategy };
export default MiAccountStrategy;
export type {
  MiAccountStrategyOptions,
  MiAccountStrategyOptionsWithRequest,
  MiAccountAuthenticateOptions,
  MiAccountVerifyFunction,
  MiAccountVerifyFunctionWithRequest,
  MiAccountVerifyWithParams,
  MiAccountVerifyWithProfile,
  MiAccountVerifyWithRequestAndParams,
  MiAccountVerifyWithRequestAndProfile,
  MiAccountDoneCallback,
  MiAccountRequest,
  MiAccountTokenParams,
} from './strategy/strategy';
export type { MiAccountFailureInfo } from './strategy/failure-info';
export type { MiAccountProfile } from './client/profile';
export { MiAccountTokenStrategy } from './strategy/token-strategy';
export type {
  MiAccountTokenStrategyOptions,
  MiAccountTokenVerifyFunction,
  MiAccountTokenVerifyFunctionWithRequest,
} from './strategy/token-strategy-types';
export { MiAccountClient } from './client/client';
export type { MiAccountClientOptions, MiAccountCredentials } from './client/client';
export type { TokenSet } from './client/response';
export { CookieStateStore } from './state/cookie-state-store';
export type { CookieStateStoreOptions, UsedStateStore } from './state/cookie-state-store';
export { MiAccountError, MiAccountRequestError, MiAccountResponseError } from './errors/errors';
export type { MiAccountErrorReason } from './errors/reasons';
export { MI_ACCOUNT_REQUEST_CHANNEL, MI_ACCOUNT_LOGIN_CHANNEL } from './observability/trace';
export type { MiAccountRequestContext, MiAccountLoginEvent } from './observability/trace';

// The protocol helpers of passport-mi-account/protocol that the spec names, also here (the same functions).
export { validateRedirectUri } from './protocol/redirect-uri';
export { signMac, createNonce } from './client/mac';
export { parseMiResponse } from './client/response';
export { MiScopes, normalizeScopes } from './protocol/scopes';
export { MI_ERROR_CODES } from './protocol/error-code';
// The login button of passport-mi-account/button; its code loads on the first call.
export { miAccountButton } from './button/lazy';
