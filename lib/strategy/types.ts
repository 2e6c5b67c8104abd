// The public types of MiAccountStrategy: options, verify callbacks, the token response, and passport's per-login options.
import type { Agent, IncomingHttpHeaders } from 'node:http';
import type { AuthenticateOptions } from 'passport';
import type { MiAccountProfile, ProfileIdentifier } from '../client/profile';
import type { StateStoreLike } from '../state/session-state-store';

/** Scopes as names (`'profile'`, `'openid'`…) or numeric Mi IDs: an array, or one string separated by spaces or commas. */
export type MiScopeInput = string | number | ReadonlyArray<string | number>;
/**
 * Passport's `done` of a verify callback: `done(null, user)` logs the user in, `done(null, false, { message })`
 * refuses the login (401), `done(err)` fails the request.
 */
export type MiAccountDoneCallback = (err?: Error | null | unknown, user?: Express.User | false, info?: object) => void;

/**
 * The request as the strategy reads it: what Express (4 and 5), koa-passport, @fastify/passport and NestJS all
 * provide. Structural on purpose, so that Express 4 and Express 5 type users both compile.
 */
export interface MiAccountRequest {
  /** Request headers, names in lower case. */
  headers: IncomingHttpHeaders;
  /** Path and query string. */
  url?: string | undefined;
  /** The URL before any router rewrote `url` (Express `req.originalUrl`). */
  originalUrl?: string | undefined;
  /** Parsed query string (`req.query`). */
  query?: unknown;
  /** Parsed body, when a body parser ran (a form-POSTed callback carries `code` here). */
  body?: unknown;
  /** The connection (its `encrypted` flag tells https; its `remoteAddress` is checked against `trust proxy`). */
  socket?: unknown;
  /** The Express app (its compiled `trust proxy` setting decides whether forwarded headers are believed). */
  app?:
    | {
        /** Reads an app setting (Express: `app.get('trust proxy fn')`). */
        get?(setting: string): unknown;
      }
    | undefined;
}

/**
 * The token response of a login as Mi Account sent it, keys and string values trimmed (protocol §4): the `params`
 * of a 5-argument verify callback. `access_token`, `mac_key` and `expires_in` are guaranteed (the strategy refuses a
 * response without them); the other fields are present when Mi sends them.
 */
export interface MiAccountTokenParams {
  /** The access token (guaranteed). */
  access_token: string;
  /** The key that signs Open API calls, as long-lived as the access token (guaranteed). Keep it secret. */
  mac_key: string;
  /** Lifetime of the access token in seconds (guaranteed; a number, or a numeric string). */
  expires_in: number | string;
  /** The refresh token (single use): the same value as verify's `refreshToken`. */
  refresh_token?: string;
  /** The scopes actually granted, numeric IDs separated by spaces, e.g. `'1 3'`. */
  scope?: string;
  /** `'mac'`. */
  token_type?: string;
  /** `'HmacSha1'` (any letter case). */
  mac_algorithm?: string;
  /** The user's ID within this app, the stable login key (Mi sends it in every token response). */
  openId?: string;
  /** The user's ID across the developer's apps (2024 docs; often absent). */
  union_id?: string;
  /** Any other field Mi Account adds. */
  [field: string]: unknown;
}

/** Verify callback with the token response: `(accessToken, refreshToken, params, profile, done)`. */
export type MiAccountVerifyWithParams = (
  accessToken: string,
  refreshToken: string,
  params: MiAccountTokenParams,
  profile: MiAccountProfile,
  done: MiAccountDoneCallback,
) => void;
/** Verify callback without the token response: `(accessToken, refreshToken, profile, done)`. */
export type MiAccountVerifyWithProfile = (
  accessToken: string,
  refreshToken: string,
  profile: MiAccountProfile,
  done: MiAccountDoneCallback,
) => void;
/**
 * {@link MiAccountVerifyWithParams} with the request first (`passReqToCallback: true`). Declared as a method so that
 * `req` may be annotated with your framework's request type (Express's `Request`…).
 */
export type MiAccountVerifyWithRequestAndParams = {
  /** The verify callback (method syntax makes `req` bivariant). */
  verify(
    req: MiAccountRequest,
    accessToken: string,
    refreshToken: string,
    params: MiAccountTokenParams,
    profile: MiAccountProfile,
    done: MiAccountDoneCallback,
  ): void;
}['verify'];
/** {@link MiAccountVerifyWithProfile} with the request first (`passReqToCallback: true`); `req` as above. */
export type MiAccountVerifyWithRequestAndProfile = {
  /** The verify callback (method syntax makes `req` bivariant). */
  verify(
    req: MiAccountRequest,
    accessToken: string,
    refreshToken: string,
    profile: MiAccountProfile,
    done: MiAccountDoneCallback,
  ): void;
}['verify'];
/**
 * Verify callback: the number of parameters decides the form, as in passport-oauth2. A callback written inline gets
 * its parameter types from here with 5 parameters; TypeScript cannot tell 4 from 5 by arity, so type a 4-parameter
 * callback as {@link MiAccountVerifyWithProfile} (docs/frameworks.md, "Strict TypeScript").
 */
export type MiAccountVerifyFunction = MiAccountVerifyWithParams | MiAccountVerifyWithProfile;
/** Verify callback with `passReqToCallback: true`: the request first, then as {@link MiAccountVerifyFunction}. */
export type MiAccountVerifyFunctionWithRequest =
  MiAccountVerifyWithRequestAndParams | MiAccountVerifyWithRequestAndProfile;

/** Options shared by {@link MiAccountStrategyOptions} and {@link MiAccountStrategyOptionsWithRequest}. */
export interface MiAccountStrategyOptionsBase {
  /** App ID from the Mi developer console. */
  clientID: string | number;
  /** App Secret from the Mi developer console. */
  clientSecret: string;
  /** Absolute or relative callback URL; must satisfy the registered redirect URIs. */
  callbackURL?: string | undefined;
  /** Names or numeric IDs; default `['profile']`. */
  scope?: MiScopeInput | undefined;
  /** Redirect URIs registered on the Mi console (`;`-separated or array); enables validation before redirecting. */
  registeredRedirectURIs?: string | readonly string[] | undefined;
  /** Sent as `skip_confirm` when set. */
  skipConfirm?: boolean | undefined;
  /** `_locale` of Mi pages (`'en_US'`…); `'auto'` derives it from Accept-Language. */
  locale?: string | undefined;
  /** Which ID becomes `profile.id`. Default `'openId'`. */
  profileIdentifier?: ProfileIdentifier | undefined;
  /** When true, a failing optional data call (phone/email, openid) fails the login. Default false. */
  strictProfile?: boolean | undefined;
  /**
   * MAC-sign Open API calls. Default: sign, and stop signing with one `MI_ACCOUNT_MAC_REFUSED` warning if Mi Account
   * refuses a signature (96012) that it accepts unsigned. `true`: always sign; `false`: never sign.
   */
  signRequests?: boolean | undefined;
  /** Milliseconds per HTTP call to Mi Account: 1 to 2147483647 (Node's longest timer). Default 10000. */
  timeout?: number | undefined;
  /** Mi's authorization page. Default `https://account.xiaomi.com/oauth2/authorize`; override for the emulator or a proxy. */
  authorizationURL?: string | undefined;
  /** Mi's token endpoint. Default `https://account.xiaomi.com/oauth2/token`. */
  tokenURL?: string | undefined;
  /** Base URL of Mi's Open API (`/user/profile`…). Default `https://open.account.xiaomi.com`. */
  openApiURL?: string | undefined;
  /** As passport-oauth2, but on by default. */
  state?: boolean | undefined;
  /** A passport-oauth2 state store, e.g. `CookieStateStore` for apps without sessions. */
  store?: StateStoreLike | undefined;
  /** Session key under which passport-oauth2 keeps the state. Default `'oauth2:' + host of authorizationURL`. */
  sessionKey?: string | undefined;
  /** As passport-oauth2: true (or a function deciding per login) skips the Open API profile calls; verify then gets no profile. Default false. */
  skipUserProfile?: boolean | ((...args: unknown[]) => unknown) | undefined;
  /**
   * Whether `X-Forwarded-Proto`/`X-Forwarded-Host` count when resolving a relative callbackURL. Default: as the app's
   * `trust proxy` setting decides for `req.protocol` (Express 4 and 5); `true` or `false` overrides it.
   */
  proxy?: boolean | undefined;
  /**
   * An `http.Agent`/`https.Agent` (or a proxy agent) for every call to Mi Account. Without it, `HTTPS_PROXY`,
   * `HTTP_PROXY` and `NO_PROXY` from the environment are honoured.
   */
  agent?: Agent | undefined;
  /** Strategy name. Default `'mi-account'`. */
  name?: string | undefined;
}
/** Options of {@link MiAccountStrategy} whose verify callback does not receive the request. */
export interface MiAccountStrategyOptions extends MiAccountStrategyOptionsBase {
  /** Leave unset (or false): verify is called without the request. */
  passReqToCallback?: false | undefined;
}
/** Options of {@link MiAccountStrategy} whose verify callback receives the Express request first. */
export interface MiAccountStrategyOptionsWithRequest extends MiAccountStrategyOptionsBase {
  /** Pass the Express request as verify's first argument. */
  passReqToCallback: true;
}

declare module 'passport' {
  // Per-login options of passport-mi-account, so that `passport.authenticate('mi-account', { … })` type-checks.
  interface AuthenticateOptions {
    /** passport-mi-account: sent as `skip_confirm` (false makes the user confirm the account every time). */
    skipConfirm?: boolean | undefined;
    /** passport-mi-account: `_locale` of Mi pages for this login (`'en_US'`…, or `'auto'`). */
    locale?: string | undefined;
    /** passport-mi-account: callback URL for this login, replacing the strategy's `callbackURL`. */
    callbackURL?: string | undefined;
  }
}

/**
 * Per-request options of `passport.authenticate('mi-account', { … })`: passport's own options (`failureRedirect`,
 * `failureMessage`…) plus `scope` (names or numeric IDs, replacing the strategy's), `callbackURL`, `skipConfirm` and
 * `locale` (`'auto'` derives it from Accept-Language). A string `state` is sent to Mi unchanged (you then check it
 * yourself). Assignable to passport's `AuthenticateOptions`, which this package augments with the Mi options.
 */
export type MiAccountAuthenticateOptions = AuthenticateOptions;
