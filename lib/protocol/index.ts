// The Mi Account protocol rules, each in one place. Browser-safe: no Node built-ins, no imports outside this folder.
export { normalizeClientID } from './client-id';
export { DEFAULT_AUTHORIZATION_URL, DEFAULT_TOKEN_URL, DEFAULT_OPEN_API_URL } from './endpoints';
export {
  MiScopes,
  SENSITIVE_SCOPES,
  SCOPE_SEPARATOR,
  normalizeScopes,
  parseGrantedScopes,
  type MiScopeName,
} from './scopes';
export {
  authorizeOptionParams,
  authorizeRequestParams,
  buildAuthorizeUrl,
  type AuthorizeOptions,
  type AuthorizeRequest,
} from './authorize-url';
export { readMiErrorCode } from './error-code';
export { readAuthorizationError, ACCESS_DENIED_CODE, type AuthorizationErrorParams } from './authorization-error';
export {
  readTokenFields,
  readExpiresIn,
  isMacTokenType,
  isHmacSha1,
  type TokenFields,
  type TokenFieldProblem,
  type TokenFieldsResult,
} from './token-fields';
