import { redact } from './redact';

/** One row of the Mi Account error table (protocol §8). */
export interface MiErrorInfo {
  /** Xiaomi's constant name, e.g. `OA_INVALID_CODE`. */
  readonly name: string;
  /** What the code usually means and what to do about it. */
  readonly hint: string;
  /** The {@link MiAccountErrorReason} of the code (96012 is `signature_refused` on an Open API call). */
  readonly reason: MiAccountErrorReason;
}

/**
 * Mi Account's numeric error codes with their names, what to do about them and their {@link MiAccountErrorReason}.
 *
 * @example
 * MI_ERROR_CODES[96013].name // 'OA_INVALID_CODE'
 * MI_ERROR_CODES[96013].reason // 'code_invalid'
 */
export const MI_ERROR_CODES: Readonly<Record<number, MiErrorInfo>> = deepFreeze({
  96001: {
    name: 'OA_CLIENT_NOT_EXISTS',
    hint: 'the App ID is unknown, or the account service is not enabled for this app on the Mi developer console',
    reason: 'client_invalid',
  },
  96002: {
    name: 'OA_INVALID_REQUEST',
    hint: 'a required parameter is missing or malformed',
    reason: 'request_invalid',
  },
  96003: {
    name: 'OA_INVALID_CLIENT',
    hint: 'client_id and client_secret do not match (use the App Secret), or the request was not URL-encoded',
    reason: 'client_invalid',
  },
  96004: {
    name: 'OA_INVALID_GRANT',
    hint: 'invalid grant; the grant type must be code or token',
    reason: 'request_invalid',
  },
  96005: {
    name: 'OA_UNAUTHORIZED_CLIENT',
    hint: 'the app lacks permission for this request; apply for it on the Mi developer console',
    reason: 'client_unauthorized',
  },
  96006: { name: 'OA_UNSUPPORTED_GRANT_TYPE', hint: 'the grant type is not supported', reason: 'request_invalid' },
  96007: {
    name: 'OA_INVALID_SCOPE',
    hint: 'a scope is invalid, unknown or not granted to this app',
    reason: 'scope_invalid',
  },
  96008: {
    name: 'OA_INVALID_TOKEN',
    hint: 'the access token is wrong or expired; ask the user to sign in again',
    reason: 'token_invalid',
  },
  96009: {
    name: 'OA_INVALID_REFRESHTOKEN',
    hint: 'the refresh token is invalid, expired or already used (each refresh token works once; store the new one)',
    reason: 'refresh_token_invalid',
  },
  96010: {
    name: 'OA_INVALID_REDIRECT_URI',
    hint: 'redirect_uri does not match any redirect URI registered on the Mi developer console (same scheme, port, host or sub-domain, path or sub-path)',
    reason: 'redirect_uri_not_registered',
  },
  96011: {
    name: 'OA_UNSUPPORTED_RESPONSE_TYPE',
    hint: 'the response type is not supported (use code or token)',
    reason: 'request_invalid',
  },
  96012: {
    name: 'OA_ACCESS_DENIED',
    hint: 'the user cancelled or the server refused, or the MAC signature did not verify',
    reason: 'access_denied',
  },
  96013: {
    name: 'OA_INVALID_CODE',
    hint: 'the code is invalid or expired (single use, 5–10 minutes)',
    reason: 'code_invalid',
  },
});

// A shared table: one caller must not be able to rewrite the names and hints every other error shows.
function deepFreeze<T extends Record<number, MiErrorInfo>>(table: T): Readonly<T> {
  for (const info of Object.values(table)) Object.freeze(info);
  return Object.freeze(table);
}

// Own rows only: a code read off the wire must not reach Object.prototype (`constructor`, `toString`).
function errorInfo(code: number | undefined): MiErrorInfo | undefined {
  return code !== undefined && Object.prototype.hasOwnProperty.call(MI_ERROR_CODES, code)
    ? MI_ERROR_CODES[code]
    : undefined;
}

/** The step of the login at which an error happened. */
export type MiAccountStep =
  'authorization' | 'token exchange' | 'token refresh' | 'open api' | 'redirect uri' | 'configuration' | 'state';

/**
 * Why an error happened, as a stable string to branch on instead of the message wording: one value per thing a
 * caller would do differently. Mi Account's codes map onto the first group (see {@link MI_ERROR_CODES}); the others
 * are checks of this library or of the connection, and carry no `code`.
 *
 * | reason | when | what to do |
 * |---|---|---|
 * | `access_denied` | the user cancelled, or Mi refused the authorization (96012, `access_denied`) | offer to sign in again |
 * | `code_invalid` | the authorization code is used, expired (96013) or malformed | start the login again |
 * | `token_invalid` | the access token is wrong or expired (96008) | sign in again |
 * | `refresh_token_invalid` | the refresh token is used or expired (96009) | sign in again; store each new refresh token |
 * | `signature_refused` | Mi refused the MAC signature of an Open API call (96012) | check the mac_key (or `signRequests`) |
 * | `scope_invalid` | a scope is unknown or not granted to the app (96007) | fix the scopes, or apply for them |
 * | `client_invalid` | the App ID or App Secret is wrong (96001, 96003) | check `clientID` and `clientSecret` |
 * | `client_unauthorized` | the app lacks a permission (96005) | apply for it on the Mi developer console |
 * | `redirect_uri_not_registered` | the callback URL is not registered (96010, or `registeredRedirectURIs`) | register it |
 * | `request_invalid` | Mi refused the request's shape (96002, 96004, 96006, 96011) | report it: a bug or an endpoint change |
 * | `mi_error` | Mi sent an error this library does not know | log it; retry later |
 * | `state_mismatch` | the callback's state is missing, unknown or another login's | start again; check the session cookie |
 * | `missing_token` | no access_token or mac_key where one was expected | send both (body or `Authorization` header) |
 * | `missing_identifier` | the token cannot give `profile.id` (no openid scope, no unionId) | ask for the scope, or change `profileIdentifier` |
 * | `configuration` | the app's setup is wrong (no clientSecret, no redirect URI, no session, a bad proxy or agent) | fix the setup |
 * | `invalid_argument` | a method was called without a value it needs (a code, a refresh token, a mac_key) | fix the call |
 * | `timeout` | Mi Account did not answer within `timeout` | retry; raise `timeout` |
 * | `network_error` | Mi Account could not be reached (DNS, refused, reset, proxy) | check the network and the endpoint URLs |
 * | `invalid_response` | the answer is not what Mi sends (HTML, not JSON, missing or mistyped fields) | retry later; check the endpoint URLs |
 * | `response_too_large` | the answer exceeded `maxResponseBytes` | check the endpoint URLs: something else answered |
 *
 * @example
 * if (err instanceof MiAccountError && err.reason === 'refresh_token_invalid') return res.redirect('/auth/mi');
 */
export type MiAccountErrorReason =
  | 'access_denied'
  | 'code_invalid'
  | 'token_invalid'
  | 'refresh_token_invalid'
  | 'signature_refused'
  | 'scope_invalid'
  | 'client_invalid'
  | 'client_unauthorized'
  | 'redirect_uri_not_registered'
  | 'request_invalid'
  | 'mi_error'
  | 'state_mismatch'
  | 'missing_token'
  | 'missing_identifier'
  | 'configuration'
  | 'invalid_argument'
  | 'timeout'
  | 'network_error'
  | 'invalid_response'
  | 'response_too_large';

/**
 * Every {@link MiAccountErrorReason}, for exhaustive tables and for validating a reason read back from a log.
 *
 * @example
 * MI_ACCOUNT_ERROR_REASONS.includes('timeout') // true
 */
export const MI_ACCOUNT_ERROR_REASONS: readonly MiAccountErrorReason[] = Object.freeze([
  'access_denied',
  'code_invalid',
  'token_invalid',
  'refresh_token_invalid',
  'signature_refused',
  'scope_invalid',
  'client_invalid',
  'client_unauthorized',
  'redirect_uri_not_registered',
  'request_invalid',
  'mi_error',
  'state_mismatch',
  'missing_token',
  'missing_identifier',
  'configuration',
  'invalid_argument',
  'timeout',
  'network_error',
  'invalid_response',
  'response_too_large',
] as const);

/** Constructor options of {@link MiAccountError} and its subclasses. */
export interface MiAccountErrorOptions {
  /** The login step that failed. */
  step: MiAccountStep;
  /** Mi error code (e.g. 96013), only when Mi Account sent one; never set for a local check. */
  code?: number;
  /** Why, when the code, step and class cannot tell (a timeout, a missing mac_key…); default from {@link errorReasonFor}. */
  reason?: MiAccountErrorReason;
  /** Description sent by Mi Account, already stripped of secrets. */
  description?: string;
  /** Replaces the hint of the error table. */
  hint?: string;
  /** Mi Account's own HTTP status, when it answered (often 200, even for errors). */
  responseStatus?: number;
  /** The HTTP status the app should answer with (400–599); default from {@link httpStatusFor}. */
  status?: number;
  /** Path of the Mi Account endpoint, e.g. `/oauth2/token`. */
  endpoint?: string;
  /** The underlying error, kept as the standard `cause`; give nothing that holds a secret. */
  cause?: unknown;
}

// Mi codes a user causes (a stale or replayed callback, a refusal, an expired token): 4xx. The others mean the app's
// configuration or request is wrong (App ID, secret, scopes, redirect URI): 500.
const USER_CAUSED: Readonly<Record<number, number>> = { 96008: 401, 96009: 401, 96012: 403, 96013: 400 };
const APP_CAUSED = new Set([96001, 96002, 96003, 96004, 96005, 96006, 96007, 96010, 96011]);

/**
 * The HTTP status an app should answer with for an error (http-errors convention), from its Mi code and step:
 *
 * | cause | status |
 * |---|---|
 * | 96013 invalid or used code | 400 |
 * | 96008 invalid token, 96009 invalid refresh token | 401 |
 * | 96012 or reason `access_denied` (user cancelled, server refused) | 403 |
 * | step `state` (forged or stale callback) | 403 |
 * | 96001–96007, 96010, 96011 (App ID, secret, grant, scope, redirect URI) | 500 |
 * | step `configuration` or `redirect uri`; a local error with no Mi answer | 500 |
 * | an unknown Mi code, an unreadable answer, a network failure | 502 |
 * | a timeout | 504 (set by the request) |
 *
 * @example
 * httpStatusFor({ step: 'token exchange', code: 96013 }) // 400
 */
export function httpStatusFor(
  options: Pick<MiAccountErrorOptions, 'step' | 'code' | 'responseStatus' | 'reason'>,
): number {
  const { step, code } = options;
  if (step === 'configuration' || step === 'redirect uri') return 500;
  const userCaused = code !== undefined && Object.prototype.hasOwnProperty.call(USER_CAUSED, code);
  if (userCaused) return USER_CAUSED[code] ?? 400;
  if (code !== undefined && APP_CAUSED.has(code)) return 500;
  // A refusal is the user's doing whether Mi sent 96012 or the RFC 6749 name `access_denied`.
  if (step === 'state' || options.reason === 'access_denied') return 403;
  // Mi answered something we cannot act on, or the authorization redirect carried an error we do not know.
  if (code !== undefined || options.responseStatus !== undefined || step === 'authorization') return 502;
  return 500;
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
export function errorReasonFor(
  options: Pick<MiAccountErrorOptions, 'step' | 'code' | 'reason' | 'responseStatus'>,
  fallback?: MiAccountErrorReason,
): MiAccountErrorReason {
  const { step, code, reason } = options;
  if (reason !== undefined && REASONS.has(reason)) return reason;
  if (code !== undefined) {
    if (code === 96012 && step === 'open api') return 'signature_refused';
    return errorInfo(code)?.reason ?? 'mi_error';
  }
  if (fallback !== undefined) return fallback;
  if (step === 'configuration') return 'configuration';
  if (step === 'redirect uri') return 'redirect_uri_not_registered';
  if (step === 'state') return 'state_mismatch';
  // Mi answered with an error we cannot name, or the authorization redirect carried one we do not know.
  if (options.responseStatus !== undefined || step === 'authorization') return 'mi_error';
  return 'invalid_argument';
}

const REASONS: ReadonlySet<string> = new Set(MI_ACCOUNT_ERROR_REASONS);

// An explicit 4xx/5xx status wins; then the Mi code; then the subclass's default (502 for request and response errors).
function answerStatus(options: MiAccountErrorOptions, fallback: number | undefined): number {
  const given = options.status;
  if (typeof given === 'number' && Number.isInteger(given) && given >= 400 && given <= 599) return given;
  return options.code === undefined && fallback !== undefined ? fallback : httpStatusFor(options);
}

/**
 * An error from Mi Account or from talking to it. The message names the step, the Mi code
 * and name, and a hint; it never contains a client secret, a token or a mac_key.
 *
 * Branch on `reason` (a {@link MiAccountErrorReason}, on every error); `code` is Mi's number, set only when Mi
 * Account sent one. Follows the http-errors convention: `status` and `statusCode` are the HTTP status the app should
 * answer with (see {@link httpStatusFor}), `expose` is true for 4xx, and Mi Account's own HTTP status is
 * `responseStatus`.
 *
 * @example
 * if (err instanceof MiAccountError && err.reason === 'refresh_token_invalid') reauthorize();
 * app.use((err, req, res, next) => res.status(err.status ?? 500).send(err.expose ? err.message : 'Sign-in failed'));
 */
export class MiAccountError extends Error {
  /** Mi error code, e.g. 96013, only when Mi Account sent one (a token or Open API answer, an `?error=` callback). */
  readonly code: number | undefined;
  /** Why, as a stable string to branch on (never the message wording); see {@link MiAccountErrorReason}. */
  readonly reason: MiAccountErrorReason;
  /** Name of the code, e.g. `OA_INVALID_CODE`. */
  readonly errorName: string | undefined;
  /** What to do about it: the given hint, else the error table's hint for `code`. */
  readonly hint: string | undefined;
  /** The HTTP status the app should answer with (http-errors convention): 4xx user-caused, 500 configuration, 502 Mi fault, 504 timeout. */
  readonly status: number;
  /** Same as `status` (http-errors and Express read either). */
  readonly statusCode: number;
  /** True for a 4xx status: the message may be shown to the user (http-errors convention). */
  readonly expose: boolean;
  /** Mi Account's own HTTP status, when it answered (often 200, even for errors); undefined otherwise. */
  readonly responseStatus: number | undefined;
  /** Path of the Mi Account endpoint, e.g. `/oauth2/token`. */
  readonly endpoint: string | undefined;
  /** The login step that failed, e.g. `'token exchange'`. */
  readonly step: MiAccountStep;
  /** Mi Account's own description (`error_description` or `description`), secrets redacted. */
  readonly description: string | undefined;

  constructor(options: MiAccountErrorOptions, defaultStatus?: number, defaultReason?: MiAccountErrorReason) {
    const known = errorInfo(options.code);
    const hint = options.hint ?? known?.hint;
    super(
      formatMessage(options, known?.name, hint),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'MiAccountError';
    this.step = options.step;
    this.code = options.code;
    this.reason = errorReasonFor(options, defaultReason);
    this.errorName = known?.name;
    this.hint = hint;
    this.status = answerStatus(options, defaultStatus);
    this.statusCode = this.status;
    this.expose = this.status < 500;
    this.responseStatus = options.responseStatus;
    this.endpoint = options.endpoint;
    this.description = options.description;
  }

  /** A plain object for logs; carries nothing secret. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      step: this.step,
      reason: this.reason,
      code: this.code,
      errorName: this.errorName,
      hint: this.hint,
      status: this.status,
      expose: this.expose,
      responseStatus: this.responseStatus,
      endpoint: this.endpoint,
    };
  }
}

/** The request to Mi Account could not be completed (network failure: `status` 502; timeout: 504). */
export class MiAccountRequestError extends MiAccountError {
  constructor(options: MiAccountErrorOptions) {
    super(options, 502, 'network_error');
    this.name = 'MiAccountRequestError';
  }
}

/** Mi Account answered something that is not a valid response (HTML, truncated JSON, missing fields); `status` 502. */
export class MiAccountResponseError extends MiAccountError {
  constructor(options: MiAccountErrorOptions) {
    super(options, 502, 'invalid_response');
    this.name = 'MiAccountResponseError';
  }
}

const STEP_TITLES: Record<MiAccountStep, string> = {
  authorization: 'Mi Account authorization failed',
  'token exchange': 'Mi Account token exchange failed',
  'token refresh': 'Mi Account token refresh failed',
  'open api': 'Mi Account Open API call failed',
  'redirect uri': 'Mi Account redirect URI rejected',
  configuration: 'Mi Account configuration error',
  state: 'Mi Account state check failed',
};

function formatMessage(options: MiAccountErrorOptions, name: string | undefined, hint: string | undefined): string {
  const where = options.endpoint ? ` (${options.endpoint})` : '';
  const what = [options.code, name].filter((part) => part !== undefined).join(' ');
  const detail = [what, hint].filter(Boolean).join(' — ');
  const described =
    options.description && options.description !== hint ? ` [Mi Account says: ${options.description}]` : '';
  return `${STEP_TITLES[options.step]}${where}: ${detail || 'unknown error'}${described}`;
}

// Redaction lives in lib/redact.ts (linear in the text); `redact` stays importable from here.
export { redact };

/** A copy of an error (code, message, nested cause) safe to attach as `cause`: secrets redacted, no request objects. Never throws. */
export function sanitizeCause(err: unknown, secrets: ReadonlyArray<string | undefined>, depth = 0): Error {
  if (!(err instanceof Error)) return new Error(redact(safeString(err), secrets));
  const copy = new Error(redact(safeString(err.message), secrets));
  copy.name = safeString(err.name);
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') Object.assign(copy, { code });
  copy.stack = redact(safeString(err.stack ?? ''), secrets);
  if (err.cause !== undefined && depth < 3) copy.cause = sanitizeCause(err.cause, secrets, depth + 1);
  return copy;
}

// String() throws for objects without a usable toString (Object.create(null)); an error path must not throw.
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
