import type { MiAccountStep } from '../errors/reasons';

/** Name of the `node:diagnostics_channel` tracing channel on which every call to Mi Account is published. */
export const MI_ACCOUNT_REQUEST_CHANNEL = 'passport-mi-account:request';
/** Name of the `node:diagnostics_channel` channel on which the strategy publishes its login milestones. */
export const MI_ACCOUNT_LOGIN_CHANNEL = 'passport-mi-account:login';

/**
 * The context object of one call to Mi Account on the `passport-mi-account:request` tracing channel. The same object
 * is published on `start`, `end`, `asyncStart`, `asyncEnd` and `error`; it holds nothing secret (no query string,
 * no token, no code, no client secret).
 *
 * @example
 * diagnosticsChannel.tracingChannel('passport-mi-account:request').subscribe({
 *   asyncEnd: (ctx) => console.log(ctx.step, ctx.endpoint, ctx.status, ctx.durationMs),
 *   start() {}, end() {}, asyncStart() {}, error() {},
 * });
 */
export interface MiAccountRequestContext {
  /**
   * The login step: `'token exchange'`, `'token refresh'` or `'open api'`; `'preconnect'` for a failed connection opened
   * ahead of a login (method `'CONNECT'`, endpoint `''`, no status: no HTTP request is sent, only the TCP and TLS
   * handshakes; a failure carries the socket error and changes nothing for the login).
   */
  step: MiAccountStep | 'preconnect';
  /** HTTP method; `'CONNECT'` for a pre-connect. */
  method: 'GET' | 'POST' | 'CONNECT';
  /** `host[:port]` of the Mi Account server. */
  host: string;
  /** Path of the endpoint, e.g. `/oauth2/token` or `/user/profile`; never the query. */
  endpoint: string;
  /** 1, or 2 when the call was sent again on a fresh connection after a reused one failed. */
  attempt: number;
  /** HTTP status of Mi's answer; absent when none arrived (network error, timeout). */
  status?: number;
  /** Mi Account's numeric error code (e.g. 96013), when its answer carried one. */
  code?: number;
  /** Milliseconds from the start of the call until its answer was read (or it failed). */
  durationMs?: number;
  /** Set by the tracing channel when the call failed: a `MiAccountError` (no secret in it), or a pre-connect's socket error. */
  error?: unknown;
}

/** What a login milestone on `passport-mi-account:login` reports. */
export type MiAccountLoginEventName = 'redirect' | 'callback' | 'tokens' | 'profile' | 'success' | 'failure';

/**
 * One milestone of a login on the `passport-mi-account:login` channel. Nothing secret: no code, token, mac_key,
 * state or client secret, and no user data.
 *
 * @example
 * diagnosticsChannel.subscribe('passport-mi-account:login', (event) => console.log(event.event, event.elapsedMs));
 */
export interface MiAccountLoginEvent {
  /**
   * `redirect`: the browser is sent to Mi Account's authorization page; `callback`: Mi Account's callback arrived;
   * `tokens`: the code was exchanged; `profile`: the profile was loaded; `success`: the verify callback accepted the
   * user; `failure`: the login failed (`reason`, `status`, and `code`/`step` for Mi Account errors).
   */
  event: MiAccountLoginEventName;
  /** Strategy name, e.g. `'mi-account'`. */
  strategy: string;
  /** Numbers the HTTP requests seen by the strategy in this process, so the milestones of one callback can be grouped. */
  loginId: number;
  /** Milliseconds since the strategy received this HTTP request (the redirect or the callback). */
  elapsedMs: number;
  /** Why the login failed: the message given to `fail`, or the error's message for a Mi Account error. */
  reason?: string | undefined;
  /** HTTP status a `fail` answers with (absent for an error, which goes to the app's error handler). */
  status?: number;
  /** Mi Account's numeric error code of a failure, when there is one. */
  code?: number | undefined;
  /** Step of a failing Mi Account error, e.g. `'token exchange'`. */
  step?: string;
  /** Name of the error class of an `error` failure, e.g. `'MiAccountRequestError'`. */
  errorName?: string;
  /** The redirect URI sent to Mi Account (`redirect`). */
  redirectURI?: string | undefined;
  /** Granted scopes (`tokens`, `profile`) or requested scopes (`redirect`), numeric strings. */
  scope?: string[] | undefined;
  /** Seconds the access token lives (`tokens`). */
  expiresIn?: number;
  /** Number of `profile.warnings` (`profile`). */
  warnings?: number;
}
