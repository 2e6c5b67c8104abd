import { MiAccountStrategy } from './strategy';

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
} from './strategy';
export type { StateStoreLike } from './state';
export { MiAccountTokenStrategy } from './token-strategy';
export { CookieStateStore } from './cookie-state-store';
export type {
  CookieStateStoreOptions,
  CookieStateStoreCallback,
  CookieStateVerifyCallback,
  UsedStateStore,
} from './cookie-state-store';
export type {
  MiAccountTokenStrategyOptions,
  MiAccountTokenVerifyFunction,
  MiAccountTokenVerifyFunctionWithRequest,
} from './token-strategy';
export { MiAccountClient, DEFAULT_AUTHORIZATION_URL, DEFAULT_TOKEN_URL, DEFAULT_OPEN_API_URL } from './client';
export type { MiAccountClientOptions, MiAccountCredentials, GetProfileInput } from './client';
export { validateRedirectUri, compileRedirectUris } from './redirect-uri';
export type { RedirectUriResult, RedirectUriMatcher } from './redirect-uri';
export { signMac, createNonce } from './mac';
export type { SignMacInput } from './mac';
export { parseMiResponse } from './response';
export type { TokenSet, ResponseContext } from './response';
export { MiScopes, normalizeScopes } from './scopes';
export type { MiScopeName } from './scopes';
export { MiAccountError, MiAccountRequestError, MiAccountResponseError, MI_ERROR_CODES, httpStatusFor } from './errors';
export type { MiErrorInfo, MiAccountStep, MiAccountErrorOptions, MiAccountErrorReason } from './errors';
export { MI_ACCOUNT_ERROR_REASONS, errorReasonFor } from './errors';
export type { MiAccountProfile, ProfileWarning, ProfileIdentifier } from './profile';
export { miAccountButton, miAccountButtonStyles, localeFromAcceptLanguage, toMiLocale, BUTTON_LOCALES } from './button';
export type { MiAccountButtonOptions, ButtonLocale, ButtonSize, ButtonTheme } from './button';
export { MI_ACCOUNT_REQUEST_CHANNEL, MI_ACCOUNT_LOGIN_CHANNEL } from './trace';
export type { MiAccountRequestContext, MiAccountLoginEvent, MiAccountLoginEventName } from './trace';
export { MI_ACCOUNT_DEBUG_NAMESPACE } from './debug-log';
export default MiAccountStrategy;
