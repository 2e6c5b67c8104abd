/**
 * `passport-mi-account/protocol`: the Mi Account protocol as functions and tables — redirect-URI checks, MAC signing,
 * response parsing, scopes, error codes and the default endpoints. The strategies and the client apply all of it for
 * you; reach for these to check a configuration, sign your own Open API calls or map codes.
 *
 * @example
 * import { validateRedirectUri, signMac, createNonce } from 'passport-mi-account/protocol';
 * validateRedirectUri('https://app.example/auth/mi/callback', 'https://app.example/auth/') // { ok: true, matched: … }
 *
 * @module protocol
 */
// The helpers the main entry has too come from it: the same functions and the same MiAccountError, from either entry.
export {
  validateRedirectUri,
  signMac,
  createNonce,
  parseMiResponse,
  MiScopes,
  normalizeScopes,
  MI_ERROR_CODES,
} from '../index';
export { compileRedirectUris } from '../protocol/redirect-uri';
export type { RedirectUriResult, RedirectUriMatcher } from '../protocol/redirect-uri';
export type { SignMacInput } from '../client/mac';
export type { ResponseContext } from '../client/response';
export type { MiScopeName } from '../protocol/scopes';
export type { MiScopeInput } from '../strategy/strategy';
export { MI_ACCOUNT_ERROR_REASONS } from '../errors/reasons';
export type { MiErrorInfo } from '../protocol/error-code';
export type { MiAccountStep } from '../errors/reasons';
export { DEFAULT_AUTHORIZATION_URL, DEFAULT_TOKEN_URL, DEFAULT_OPEN_API_URL } from '../protocol/endpoints';
