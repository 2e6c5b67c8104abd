import { MiAccountStrategy } from './strategy/strategy';

export { MiAccountStrategy, MiAccountStrategy as Strategy };
export type {
  MiAccountStrategyOptions,
  MiAccountStrategyOptionsWithRequest,
  MiAccountAuthenticateOptions,
  MiAccountVerifyFunction,
  MiAccountVerifyFunctionWithRequest,
  MiAccountDoneCallback,
  MiScopeInput,
  MiAccountRequest,
  MiAccountTokenParams,
  MiAccountVerifyWithParams,
  MiAccountVerifyWithProfile,
  MiAccountVerifyWithRequestAndParams,
  MiAccountVerifyWithRequestAndProfile,
} from './strategy/strategy';
export type { StateStoreLike } from './state/session-state-store';
export { MiAccountTokenStrategy } from './strategy/token-strategy';
export { CookieStateStore } from './state/cookie-state-store';
export type {
  CookieStateStoreOptions,
  CookieStateStoreCallback,
  CookieStateVerifyCallback,
  UsedStateStore,
} from './state/cookie-state-store';
export type {
  MiAccountTokenStrategyOptions,
  MiAccountTokenVerifyFunction,
  MiAccountTokenVerifyFunctionWithRequest,
} from './strategy/token-strategy';
export { MiAccountClient, DEFAULT_AUTHORIZATION_URL, DEFAULT_TOKEN_URL, DEFAULT_OPEN_API_URL } from './client/client';
export type { MiAccountClientOptions, MiAccountCredentials, GetProfileInput } from './client/client';
export { validateRedirectUri, compileRedirectUris } from './protocol/redirect-uri';
export type { RedirectUriResult, RedirectUriMatcher } from './protocol/redirect-uri';
export { signMac, createNonce } from './client/mac';
export type { SignMacInput } from './client/mac';
export { parseMiResponse } from './client/response';
export type { TokenSet, ResponseContext } from './client/response';
export { MiScopes, normalizeScopes } from './protocol/scopes';
export type { MiScopeName } from './protocol/scopes';
export {
  MiAccountError,
  MiAccountRequestError,
  MiAccountResponseError,
  MI_ERROR_CODES,
  httpStatusFor,
} from './errors/errors';
export type { MiErrorInfo, MiAccountStep, MiAccountErrorOptions, MiAccountErrorReason } from './errors/errors';
export { MI_ACCOUNT_ERROR_REASONS, errorReasonFor } from './errors/errors';
export type { MiAccountProfile, ProfileWarning, ProfileIdentifier } from './client/profile';
export { miAccountButton, miAccountButtonStyles, localeFromAcceptLanguage, toMiLocale, BUTTON_LOCALES } from './button';
export type { MiAccountButtonOptions, ButtonLocale, ButtonSize, ButtonTheme } from './button';
export { MI_ACCOUNT_REQUEST_CHANNEL, MI_ACCOUNT_LOGIN_CHANNEL } from './observability/trace';
export type { MiAccountRequestContext, MiAccountLoginEvent, MiAccountLoginEventName } from './observability/trace';
export { MI_ACCOUNT_DEBUG_NAMESPACE } from './observability/debug-log';
export default MiAccountStrategy;
