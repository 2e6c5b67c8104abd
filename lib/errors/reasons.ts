// Why an error happened (`reason`) and the one table that gives its HTTP status.
import { miCodeReason, type MiCodeReason } from '../protocol/error-code';

/** The step of the login at which an error happened. */
export type MiAccountStep =
  'authorization' | 'token exchange' | 'token refresh' | 'open api' | 'redirect uri' | 'configuration' | 'state';

/**
 * Why an error happened, as a stable string to branch on instead of the message wording: one value per thing a
 * caller would do differently. Mi Account's codes map onto the first group (see `MI_ERROR_CODES`); the others are
 * checks of this library or of the connection, and carry no `code`. The reason alone gives the error's `status`, the
 * HTTP status the app should answer with:
 *
 * | reason | when | status | what to do |
 * |---|---|---|---|
 * | `access_denied` | the user cancelled, or Mi refused the authorization (96012, `access_denied`) | 403 | offer to sign in again |
 * | `code_invalid` | the authorization code is used, expired (96013) or malformed | 400 | start the login again |
 * | `token_invalid` | the access token is wrong or expired (96008) | 401 | sign in again |
 * | `refresh_token_invalid` | the refresh token is used or expired (96009) | 401 | sign in again; store each new refresh token |
 * | `signature_refused` | Mi refused the MAC signature of an Open API call (96012) | 401 | check the mac_key (or `signRequests`) |
 * | `scope_invalid` | a scope is unknown or not granted to the app (96007) | 500 | fix the scopes, or apply for them |
 * | `client_invalid` | the App ID or App Secret is wrong (96001, 96003) | 500 | check `clientID` and `clientSecret` |
 * | `client_unauthorized` | the app lacks a permission (96005) | 500 | apply for it on the Mi developer console |
 * | `redirect_uri_not_registered` | the callback URL is not registered (96010, or `registeredRedirectURIs`) | 500 | register it |
 * | `request_invalid` | Mi refused the request's shape (96002, 96004, 96006, 96011) | 500 | report it: a bug or an endpoint change |
 * | `mi_error` | Mi sent an error this library does not know | 502 | log it; retry later |
 * | `state_mismatch` | the callback's state is missing, unknown or another login's | 403 | start again; check the session cookie |
 * | `missing_token` | no access_token or mac_key where one was expected | 400 | send both (body or `Authorization` header) |
 * | `missing_identifier` | the token cannot give `profile.id` (no openid scope, no unionId) | 403 | ask for the scope, or change `profileIdentifier` |
 * | `configuration` | the app's setup is wrong (no clientSecret, no redirect URI, no session, a bad proxy or agent) | 500 | fix the setup |
 * | `invalid_argument` | a method was called without a value it needs (a code, a refresh token, a mac_key) | 500 | fix the call |
 * | `timeout` | Mi Account did not answer within `timeout` | 504 | retry; raise `timeout` |
 * | `network_error` | Mi Account could not be reached (DNS, refused, reset, proxy) | 502 | check the network and the endpoint URLs |
 * | `invalid_response` | the answer is not what Mi sends (HTML, not JSON, missing or mistyped fields) | 502 | retry later; check the endpoint URLs |
 * | `response_too_large` | the answer exceeded `maxResponseBytes` | 502 | check the endpoint URLs: something else answered |
 *
 * @example
 * if (err instanceof MiAccountError && err.reason === 'refresh_token_invalid') return res.redirect('/auth/mi');
 */
export type MiAccountErrorReason =
  // The reasons Mi Account's codes map onto (lib/protocol/error-code), then this library's own checks.
  | MiCodeReason
  | 'state_mismatch'
  | 'missing_token'
  | 'missing_identifier'
  | 'configuration'
  | 'invalid_argument'
  | 'timeout'
  | 'network_error'
  | 'invalid_response'
  | 'response_too_large';

// The one table: the HTTP status of each reason (http-errors convention). 4xx: the user's or the caller's doing;
// 500: the app's setup or a misuse of this library; 502/504: Mi Account or the way to it failed.
const STATUS: Readonly<Record<MiAccountErrorReason, number>> = Object.freeze({
  access_denied: 403,
  code_invalid: 400,
  token_invalid: 401,
  refresh_token_invalid: 401,
  signature_refused: 401,
  scope_invalid: 500,
  client_invalid: 500,
  client_unauthorized: 500,
  redirect_uri_not_registered: 500,
  request_invalid: 500,
  mi_error: 502,
  state_mismatch: 403,
  missing_token: 400,
  missing_identifier: 403,
  configuration: 500,
  invalid_argument: 500,
  timeout: 504,
  network_error: 502,
  invalid_response: 502,
  response_too_large: 502,
});

/**
 * Every {@link MiAccountErrorReason}, for exhaustive tables and for validating a reason read back from a log.
 *
 * @example
 * MI_ACCOUNT_ERROR_REASONS.includes('timeout') // true
 */
export const MI_ACCOUNT_ERROR_REASONS: readonly MiAccountErrorReason[] = Object.freeze(
  Object.keys(STATUS) as MiAccountErrorReason[],
);

/**
 * True for a value of {@link MiAccountErrorReason} (a string from JavaScript or a log may be anything).
 *
 * @example
 * isErrorReason('timeout') // true
 */
export function isErrorReason(value: unknown): value is MiAccountErrorReason {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(STATUS, value);
}

/**
 * The HTTP status the app should answer with for an error of this reason: the table of {@link MiAccountErrorReason}.
 *
 * @example
 * statusForReason('code_invalid') // 400
 */
export function statusForReason(reason: MiAccountErrorReason): number {
  return STATUS[reason];
}

/** What {@link errorReasonFor} reads: the fields of `MiAccountErrorOptions` that decide the reason. */
export interface ErrorReasonInput {
  step: MiAccountStep;
  code?: number | undefined;
  reason?: MiAccountErrorReason | undefined;
  responseStatus?: number | undefined;
}

/**
 * The {@link MiAccountErrorReason} of an error: a valid explicit `reason` wins; then Mi's code (96012 is
 * `signature_refused` on an Open API call, an unknown code `mi_error`); then `fallback` (a subclass's own:
 * `network_error`, `invalid_response`); then the step (`configuration`, `redirect uri` → `redirect_uri_not_registered`,
 * `state` → `state_mismatch`); an answer from Mi with no known code, or an authorization error, is `mi_error`; any
 * other local check is `invalid_argument`.
 *
 * @example
 * errorReasonFor({ step: 'token refresh', code: 96009 }) // 'refresh_token_invalid'
 * errorReasonFor({ step: 'open api', code: 96012 }) // 'signature_refused'
 */
export function errorReasonFor(input: ErrorReasonInput, fallback?: MiAccountErrorReason): MiAccountErrorReason {
  const { step, code, reason } = input;
  if (isErrorReason(reason)) return reason;
  if (code !== undefined) return miCodeReason(code, step === 'open api');
  if (fallback !== undefined) return fallback;
  if (step === 'configuration') return 'configuration';
  if (step === 'redirect uri') return 'redirect_uri_not_registered';
  if (step === 'state') return 'state_mismatch';
  // Mi answered with an error we cannot name, or the authorization redirect carried one we do not know.
  if (input.responseStatus !== undefined || step === 'authorization') return 'mi_error';
  return 'invalid_argument';
}
