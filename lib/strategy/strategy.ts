import type { Agent, IncomingHttpHeaders } from 'node:http';
// Named import: the emitted .d.ts then needs no esModuleInterop in the consumer's tsconfig.
import { Strategy as OAuth2Strategy } from 'passport-oauth2';
import type { AuthenticateOptions } from 'passport';
import type { StateStore, StrategyOptionsWithRequest, VerifyFunctionWithRequest } from 'passport-oauth2';
import { MiAccountClient } from '../client/client';
import { MiAccountError } from '../errors/errors';
import { localeFromAcceptLanguage, toMiLocale } from '../protocol/locale';
import { observeLogin, profileLoaded, tokensObtained } from '../observability/login-trace';
import { expectProfileCalls, parallelProfileCalls, preconnectLogin } from '../transport/preconnect';
import type { MiAccountProfile, ProfileIdentifier } from '../client/profile';
import { compileRedirectUris, RedirectUriMatcher } from '../protocol/redirect-uri';
import { requestOrigin } from './request-origin';
import type { TokenSet } from '../client/response';
import {
  authorizeOptionParams,
  DEFAULT_AUTHORIZATION_URL,
  DEFAULT_OPEN_API_URL,
  DEFAULT_TOKEN_URL,
  normalizeClientID,
  normalizeScopes,
  readAuthorizationError,
  SCOPE_SEPARATOR,
} from '../protocol';
import { oneLine } from '../protocol/one-line';
import {
  defaultSessionKey,
  explainStateFailures,
  SessionStateStore,
  StateStoreLike,
} from '../state/session-state-store';
import { assertVerifyArity } from './verify-arity';

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
  url?: string;
  /** The URL before any router rewrote `url` (Express `req.originalUrl`). */
  originalUrl?: string;
  /** Parsed query string (`req.query`). */
  query?: unknown;
  /** Parsed body, when a body parser ran (a form-POSTed callback carries `code` here). */
  body?: unknown;
  /** The connection (its `encrypted` flag tells https; its `remoteAddress` is checked against `trust proxy`). */
  socket?: unknown;
  /** The Express app (its compiled `trust proxy` setting decides whether forwarded headers are believed). */
  app?: {
    /** Reads an app setting (Express: `app.get('trust proxy fn')`). */
    get?(setting: string): unknown;
  };
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
 * callback as {@link MiAccountVerifyWithProfile} (see the README).
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
  callbackURL?: string;
  /** Names or numeric IDs; default `['profile']`. */
  scope?: MiScopeInput;
  /** Redirect URIs registered on the Mi console (`;`-separated or array); enables validation before redirecting. */
  registeredRedirectURIs?: string | readonly string[];
  /** Sent as `skip_confirm` when set. */
  skipConfirm?: boolean;
  /** `_locale` of Mi pages (`'en_US'`…); `'auto'` derives it from Accept-Language. */
  locale?: string;
  /** Which ID becomes `profile.id`. Default `'openId'`. */
  profileIdentifier?: ProfileIdentifier;
  /** When true, a failing optional data call (phone/email, openid) fails the login. Default false. */
  strictProfile?: boolean;
  /**
   * MAC-sign Open API calls. Default: sign, and stop signing with one `MI_ACCOUNT_MAC_REFUSED` warning if Mi Account
   * refuses a signature (96012) that it accepts unsigned. `true`: always sign; `false`: never sign.
   */
  signRequests?: boolean;
  /** Milliseconds per HTTP call to Mi Account. Default 10000. */
  timeout?: number;
  /** Mi's authorization page. Default `https://account.xiaomi.com/oauth2/authorize`; override for the emulator or a proxy. */
  authorizationURL?: string;
  /** Mi's token endpoint. Default `https://account.xiaomi.com/oauth2/token`. */
  tokenURL?: string;
  /** Base URL of Mi's Open API (`/user/profile`…). Default `https://open.account.xiaomi.com`. */
  openApiURL?: string;
  /** As passport-oauth2, but on by default. */
  state?: boolean;
  /** A passport-oauth2 state store, e.g. `CookieStateStore` for apps without sessions. */
  store?: StateStoreLike;
  /** Session key under which passport-oauth2 keeps the state. Default `'oauth2:' + host of authorizationURL`. */
  sessionKey?: string;
  /** As passport-oauth2: true (or a function deciding per login) skips the Open API profile calls; verify then gets no profile. Default false. */
  skipUserProfile?: boolean | ((...args: unknown[]) => unknown);
  /**
   * Whether `X-Forwarded-Proto`/`X-Forwarded-Host` count when resolving a relative callbackURL. Default: as the app's
   * `trust proxy` setting decides for `req.protocol` (Express 4 and 5); `true` or `false` overrides it.
   */
  proxy?: boolean;
  /**
   * An `http.Agent`/`https.Agent` (or a proxy agent) for every call to Mi Account. Without it, `HTTPS_PROXY`,
   * `HTTP_PROXY` and `NO_PROXY` from the environment are honoured.
   */
  agent?: Agent;
  /** Strategy name. Default `'mi-account'`. */
  name?: string;
}
/** Options of {@link MiAccountStrategy} whose verify callback does not receive the request. */
export interface MiAccountStrategyOptions extends MiAccountStrategyOptionsBase {
  /** Leave unset (or false): verify is called without the request. */
  passReqToCallback?: false;
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

interface StrategySettings {
  callbackURL: string | undefined;
  scope: string[];
  redirectMatcher: RedirectUriMatcher | undefined;
  skipConfirm: boolean | undefined;
  locale: string | undefined;
  profileIdentifier: ProfileIdentifier;
  strictProfile: boolean;
  trustProxy: boolean | undefined;
  /** What a state store's `meta` carries, as passport-oauth2 builds it. */
  authorizationURL: string;
  tokenURL: string;
  clientID: string;
  /** The store handed to passport-oauth2 (failures explained); it also checks `?error=` callbacks. None when `state: false`. */
  stateStore: StateStoreLike | undefined;
  /** The app's verify callback and how passport-oauth2 would call it. */
  verify: (...args: unknown[]) => void;
  passReqToCallback: boolean;
  skipUserProfile: boolean | ((...args: unknown[]) => unknown);
}

/** node-oauth's token call, as passport-oauth2 and passport-oauth2-refresh invoke it. */
type TokenRequest = (
  code: string,
  params: Record<string, unknown>,
  callback: (err: unknown, accessToken?: string, refreshToken?: string, params?: Record<string, unknown>) => void,
) => void;

/** The passport actions of one login (passport's per-request strategy object). */
interface LoginActions {
  fail(challenge: object, status: number): void;
  error(err: Error): void;
}

/** Profile callbacks of passport-oauth2's `userProfile` shape. */
type ProfileCallback = (err?: unknown, profile?: MiAccountProfile) => void;

// passport-oauth2's types want Express's request; it reads only what MiAccountRequest declares.
type ExpressRequest = Parameters<OAuth2Strategy['authenticate']>[0];

/** Key under which `tokenParams` puts the login's actions into that login's own token params (never sent to Mi). */
const LOGIN = Symbol('passport-mi-account login');
/**
 * The checked token set of each token response handed to passport-oauth2 as `params`, keyed by that very object:
 * each login has its own, so the verify wrapper finds its own login's tokens; entries go with the response.
 */
const TOKEN_SETS = new WeakMap<object, TokenSet>();
const MAX_CODE_LENGTH = 4096;
/** Most characters of an `error_description` quoted in a failure message or a MiAccountError. */
const MAX_DESCRIPTION_LENGTH = 300;
/**
 * What node-oauth's OAuth2 object gets instead of the App Secret: it never sends a token request (the token seam
 * does, through MiAccountClient), so the secret stays out of every rendering of the strategy and of passport.
 */
const NODE_OAUTH_CLIENT_SECRET = '[kept by MiAccountClient]';

/**
 * Passport strategy for "Sign in with Mi Account" (Xiaomi OAuth 2.0), name `mi-account`.
 *
 * @example
 * passport.use(new MiAccountStrategy(
 *   { clientID: process.env.MI_CLIENT_ID, clientSecret: process.env.MI_CLIENT_SECRET,
 *     callbackURL: 'https://app.example/auth/mi/callback', scope: ['profile', 'openid'] },
 *   (accessToken, refreshToken, params, profile, done) => done(null, { id: profile.id, name: profile.displayName }),
 * ));
 */
export class MiAccountStrategy extends OAuth2Strategy {
  /** The client all HTTP to Mi Account goes through. */
  readonly client: MiAccountClient;
  // Not #private: passport calls authenticate on Object.create(strategy), which cannot read #fields.
  private readonly settings: StrategySettings;

  constructor(options: MiAccountStrategyOptions, verify: MiAccountVerifyFunction);
  constructor(options: MiAccountStrategyOptionsWithRequest, verify: MiAccountVerifyFunctionWithRequest);
  constructor(
    options: MiAccountStrategyOptions | MiAccountStrategyOptionsWithRequest,
    verify: MiAccountVerifyFunction | MiAccountVerifyFunctionWithRequest,
  ) {
    if (!options || typeof options !== 'object') throw new TypeError('MiAccountStrategy requires an options object');
    if (typeof verify !== 'function') throw new TypeError('MiAccountStrategy requires a verify callback');
    const scope = normalizeScopes(options.scope ?? ['profile']);
    const clientID = normalizeClientID(options.clientID, 'MiAccountStrategy');
    if (typeof options.clientSecret !== 'string' || options.clientSecret === '') {
      throw new TypeError('MiAccountStrategy requires clientSecret: the App Secret from the Mi developer console');
    }
    if (
      options.profileIdentifier !== undefined &&
      options.profileIdentifier !== 'openId' &&
      options.profileIdentifier !== 'unionId'
    ) {
      throw new TypeError(
        `profileIdentifier must be 'openId' or 'unionId', got ${JSON.stringify(options.profileIdentifier)}`,
      );
    }
    const matcher =
      options.registeredRedirectURIs === undefined ? undefined : compileRedirectUris(options.registeredRedirectURIs);
    if (matcher && options.callbackURL) assertCallbackCanMatch(options.callbackURL, matcher);
    const authorizationURL = options.authorizationURL ?? DEFAULT_AUTHORIZATION_URL;
    const tokenURL = options.tokenURL ?? DEFAULT_TOKEN_URL;
    const stateStore = chooseStateStore(options, authorizationURL);

    super(
      {
        ...options,
        clientID,
        clientSecret: NODE_OAUTH_CLIENT_SECRET,
        authorizationURL,
        tokenURL,
        scope,
        scopeSeparator: SCOPE_SEPARATOR,
        state: stateStore !== undefined,
        store: stateStore as StateStore | undefined,
        // passport-oauth2 would load the profile from the access token alone; the verify wrapper loads it from the
        // whole token response (mac_key, scope, openId), honouring the app's skipUserProfile and verify form.
        skipUserProfile: true,
        passReqToCallback: true,
      } as StrategyOptionsWithRequest,
      // Six parameters, so passport-oauth2 hands over the request and the token response; `this` is the login's
      // strategy object, as passport-oauth2 calls verify on it.
      function (
        this: MiAccountStrategy,
        req: MiAccountRequest,
        accessToken: string,
        refreshToken: string,
        params: Record<string, unknown>,
        _skippedProfile: unknown,
        verified: MiAccountDoneCallback,
      ) {
        this.completeLogin(req, accessToken, refreshToken, params, verified);
      } as VerifyFunctionWithRequest,
    );
    assertVerifyArity(this, verify, options.passReqToCallback === true);
    this.name = options.name ?? 'mi-account';
    this.settings = {
      callbackURL: options.callbackURL,
      scope,
      redirectMatcher: matcher,
      skipConfirm: options.skipConfirm,
      locale: options.locale,
      profileIdentifier: options.profileIdentifier ?? 'openId',
      strictProfile: options.strictProfile ?? false,
      trustProxy: options.proxy,
      authorizationURL,
      tokenURL,
      clientID,
      stateStore,
      verify: verify as (...args: unknown[]) => void,
      passReqToCallback: options.passReqToCallback === true,
      skipUserProfile: options.skipUserProfile ?? false,
    };
    this.client = new MiAccountClient({
      clientID,
      clientSecret: options.clientSecret,
      redirectURI: options.callbackURL && isAbsolute(options.callbackURL) ? options.callbackURL : undefined,
      tokenURL,
      openApiURL: options.openApiURL ?? DEFAULT_OPEN_API_URL,
      timeout: options.timeout,
      signRequests: options.signRequests,
      agent: options.agent,
    });
    expectProfileCalls(this.client, options.skipUserProfile === true ? 0 : parallelProfileCalls(scope));
    // The one seam — Mi's token endpoint differs (GET, &&&START&&& prefix, numeric errors): MiAccountClient answers it.
    (this._oauth2 as unknown as { getOAuthAccessToken: TokenRequest }).getOAuthAccessToken = (code, params, callback) =>
      this.requestTokens(code, params, callback);
  }

  /** Starts the login (redirect to Mi Account) or completes it on the callback. */
  override authenticate(req: MiAccountRequest, options: MiAccountAuthenticateOptions = {}): void {
    observeLogin(this, req);
    const query = (req.query ?? {}) as Record<string, unknown>;
    if (query.error !== undefined) return this.verifyStateThenReportError(req, options, query);
    let callbackURL: string | undefined;
    let effective: MiAccountAuthenticateOptions;
    try {
      callbackURL = this.effectiveCallbackURL(req, options.callbackURL);
      effective = {
        ...options,
        callbackURL,
        scope: options.scope === undefined ? this.settings.scope : normalizeScopes(options.scope),
      };
    } catch (err) {
      return this.error(err as Error);
    }
    const code = query.code ?? (req.body as Record<string, unknown> | undefined)?.code;
    if (code === undefined) return this.startAuthorization(req, callbackURL, effective);
    if (typeof code !== 'string' || code === '' || code.length > MAX_CODE_LENGTH) {
      return this.fail(
        {
          message: 'The Mi Account callback carried an invalid authorization code; start the login again.',
          reason: 'code_invalid',
        },
        400,
      );
    }
    // passport-oauth2 verifies the state, asks tokenParams, calls the token seam, then the verify wrapper.
    super.authenticate(req as ExpressRequest, effective);
  }

  /** The authorization leg: checks the callback URL against the registered ones, then lets passport-oauth2 redirect. */
  private startAuthorization(
    req: MiAccountRequest,
    callbackURL: string | undefined,
    options: MiAccountAuthenticateOptions,
  ): void {
    if (this.settings.redirectMatcher && callbackURL) {
      const result = this.settings.redirectMatcher.match(callbackURL);
      if (!result.ok) {
        return this.error(
          new MiAccountError({
            step: 'redirect uri',
            hint: `${result.reason}. Register "${callbackURL}" (or a parent path) on the Mi developer console and in registeredRedirectURIs, or change callbackURL`,
          }),
        );
      }
    }
    const locale = options.locale ?? this.settings.locale;
    const effective = {
      ...options,
      locale: locale === 'auto' ? toMiLocale(localeFromAcceptLanguage(headerValue(req, 'accept-language'))) : locale,
    };
    super.authenticate(req as ExpressRequest, effective);
    // Warms the connections the callback will use while the user is on Mi's consent page (lib/preconnect).
    const profileCalls =
      this.settings.skipUserProfile === true || !Array.isArray(effective.scope)
        ? 0
        : parallelProfileCalls(effective.scope as string[]);
    preconnectLogin(this.client, req, profileCalls);
  }

  /** Sends `skip_confirm` and `_locale` to Mi's authorization page when set. */
  override authorizationParams(options: MiAccountAuthenticateOptions): object {
    return authorizeOptionParams({
      skipConfirm: options.skipConfirm ?? this.settings.skipConfirm,
      locale: options.locale,
    });
  }

  /**
   * Adds no parameter Mi reads: hands the token seam this login's passport actions (`this` is passport's per-request
   * strategy object), so that a code Mi refuses as used fails this login, not another. A subclass that overrides it
   * spreads `super.tokenParams(options)` into its result.
   */
  override tokenParams(_options: MiAccountAuthenticateOptions): object {
    return { [LOGIN]: this as LoginActions };
  }

  /** node-oauth's token call, answered by MiAccountClient: code exchange, or refresh for passport-oauth2-refresh. */
  private requestTokens(code: string, params: Record<string, unknown>, callback: Parameters<TokenRequest>[2]): void {
    const login = (params as { [LOGIN]?: LoginActions })[LOGIN];
    const redirectURI = typeof params.redirect_uri === 'string' ? params.redirect_uri : undefined;
    const request =
      params.grant_type === 'refresh_token'
        ? this.client.refreshAccessToken(code, redirectURI)
        : this.client.exchangeCode(code, redirectURI);
    deliver(request, (err, tokens) => {
      if (tokens) {
        TOKEN_SETS.set(tokens.raw, tokens);
        return callback(null, tokens.accessToken, tokens.refreshToken ?? '', tokens.raw);
      }
      if (!login) return callback(err); // passport-oauth2-refresh hands the MiAccountError to the app as it is
      // A code already used or expired is the user's doing (a callback loaded twice, a slow user): a failed login.
      if (isUsedCode(err)) return login.fail({ message: USED_CODE_MESSAGE, code: 96013, reason: 'code_invalid' }, 400);
      // Straight to the login: passport-oauth2 would hide the MiAccountError inside a vaguer InternalOAuthError.
      login.error(err as Error);
    });
  }

  /**
   * The verify wrapper's work, on the login's strategy object: publishes the tokens, loads the profile from the whole
   * token set unless skipUserProfile says not to, then calls the app's verify in the form its length asks for.
   */
  private completeLogin(
    req: MiAccountRequest,
    accessToken: string,
    refreshToken: string,
    params: Record<string, unknown>,
    verified: MiAccountDoneCallback,
  ): void {
    const tokens = TOKEN_SETS.get(params);
    if (tokens) tokensObtained(req, this.name, tokens);
    const callVerify = (profile: MiAccountProfile | undefined) =>
      this.callAppVerify(req, accessToken, refreshToken, params, profile, verified);
    this.decideProfileLoad(accessToken, (err, load) => {
      if (err) return verified(err);
      if (!load) return callVerify(undefined);
      const loaded: ProfileCallback = (profileErr, profile) =>
        profileErr ? verified(profileErr) : callVerify(profile);
      if (tokens) this.loadProfile(tokens, profileLoaded(req, this.name, loaded));
      else this.userProfile(accessToken, loaded);
    });
  }

  /** skipUserProfile as passport-oauth2 reads it: a value, a function of no argument, or `(accessToken, done)`. */
  private decideProfileLoad(accessToken: string, done: (err: unknown, load?: boolean) => void): void {
    const skip = this.settings.skipUserProfile;
    if (typeof skip === 'function' && skip.length > 1) {
      skip.call(this, accessToken, (err: unknown, skipIt: unknown) => (err ? done(err) : done(null, !skipIt)));
      return;
    }
    done(null, !(typeof skip === 'function' ? skip.call(this) : skip));
  }

  /** Calls the app's verify as passport-oauth2 would: the request first when asked, `params` when its length says so. */
  private callAppVerify(
    req: MiAccountRequest,
    accessToken: string,
    refreshToken: string,
    params: Record<string, unknown>,
    profile: MiAccountProfile | undefined,
    verified: MiAccountDoneCallback,
  ): void {
    const { verify, passReqToCallback } = this.settings;
    const withParams = verify.length === (passReqToCallback ? 6 : 5);
    const args = [accessToken, refreshToken, ...(withParams ? [params] : []), profile, verified];
    try {
      verify.apply(this, passReqToCallback ? [req, ...args] : args);
    } catch (err) {
      verified(err);
    }
  }

  /**
   * Loads the profile for a bare access token. A login uses the full token response instead (mac_key, scope,
   * openId); call `strategy.client.getProfile(...)` yourself when you hold a stored token set.
   */
  override userProfile(accessToken: string, done: (err?: unknown, profile?: MiAccountProfile) => void): void {
    if (this.client.signRequests) {
      done(
        new MiAccountError({
          step: 'open api',
          reason: 'invalid_argument',
          hint: 'userProfile(accessToken) cannot sign Open API calls without the mac_key: use strategy.client.getProfile({ accessToken, macKey, scope, openId })',
        }),
      );
      return;
    }
    deliver(
      this.client.getProfile({
        accessToken,
        macKey: '',
        profileIdentifier: this.settings.profileIdentifier,
        strictProfile: this.settings.strictProfile,
      }),
      (err, profile) => done(err, profile),
    );
  }

  private loadProfile(tokens: TokenSet, done: ProfileCallback): void {
    const profile = this.client.getProfile({
      accessToken: tokens.accessToken,
      macKey: tokens.macKey,
      scope: tokens.scope.length > 0 ? tokens.scope : this.settings.scope,
      openId: tokens.openId,
      unionId: tokens.unionId,
      profileIdentifier: this.settings.profileIdentifier,
      strictProfile: this.settings.strictProfile,
    });
    deliver(profile, (err, result) => done(err, result));
  }

  /**
   * An error callback is only believed once its state verifies, like a code callback: otherwise anyone could send a
   * user to the callback with their own error text. An unverified one is a state failure that shows none of its text.
   */
  private verifyStateThenReportError(
    req: MiAccountRequest,
    options: MiAccountAuthenticateOptions,
    query: Record<string, unknown>,
  ): void {
    const store = this.settings.stateStore;
    if (!store) return this.authorizationError(query); // `state: false`: nothing to verify
    let callbackURL: string | undefined;
    try {
      callbackURL = this.effectiveCallbackURL(req, options.callbackURL);
    } catch {
      callbackURL = undefined; // only informative for the store; the state decides
    }
    const { authorizationURL, tokenURL, clientID } = this.settings;
    const meta = { authorizationURL, tokenURL, clientID, callbackURL };
    const verified = (err: Error | null, ok?: unknown, info?: unknown) => {
      if (err) return this.error(err);
      if (!ok) return this.fail(info as { message: string }, 403);
      this.authorizationError(query);
    };
    try {
      if (store.verify.length === 4) store.verify(req, query.state, meta, verified);
      else store.verify(req, query.state, verified);
    } catch (err) {
      this.error(err as Error);
    }
  }

  private authorizationError(query: Record<string, unknown>): void {
    const { error, code, cancelled, description: text } = readAuthorizationError(query.error, query.error_description);
    const description = text === undefined ? undefined : oneLine(text, MAX_DESCRIPTION_LENGTH);
    if (cancelled) {
      return this.fail(
        { message: description || 'The Mi Account sign-in was cancelled.', code, reason: 'access_denied' },
        403,
      );
    }
    return this.error(
      new MiAccountError({
        step: 'authorization',
        code,
        description:
          code === undefined && error ? `${oneLine(error, 60)}${description ? `: ${description}` : ''}` : description,
      }),
    );
  }

  /**
   * A summary of the settings for logs and `JSON.stringify`: names and URLs, never the App Secret or a state key.
   *
   * @example
   * JSON.stringify(strategy) // '{"name":"mi-account","clientID":"2882303761517383915","callbackURL":"/auth/mi/callback",…}'
   */
  toJSON(): Record<string, unknown> {
    const { callbackURL, scope, authorizationURL, tokenURL, clientID } = this.settings;
    return {
      name: this.name,
      clientID,
      callbackURL,
      scope,
      authorizationURL,
      tokenURL,
      openApiURL: this.client.openApiURL,
    };
  }

  private effectiveCallbackURL(req: MiAccountRequest, override: string | undefined): string | undefined {
    const callbackURL = override ?? this.settings.callbackURL;
    if (!callbackURL || isAbsolute(callbackURL)) return callbackURL;
    return new URL(callbackURL, originalURL(req, this.settings.trustProxy)).toString();
  }
}

/**
 * The state store passport-oauth2 gets as its `store` option, wrapped so its failures say why they usually happen:
 * the app's store, else (state on, the default) the session store passport-oauth2 would have made. None without state.
 */
function chooseStateStore(options: MiAccountStrategyOptionsBase, authorizationURL: string): StateStoreLike | undefined {
  if (options.store && typeof options.store === 'object') return explainStateFailures(options.store);
  if (!(options.state ?? true)) return undefined; // passport-oauth2 reads the option as truthy or not
  return explainStateFailures(new SessionStateStore(options.sessionKey || defaultSessionKey(authorizationURL)));
}

const USED_CODE_MESSAGE =
  'This Mi Account sign-in link was already used or has expired (Mi Account error 96013 OA_INVALID_CODE: a code ' +
  'works once, for 5–10 minutes, and the callback page was probably loaded twice or too late). Start the login again.';

function isUsedCode(err: unknown): boolean {
  return err instanceof MiAccountError && err.code === 96013 && err.step === 'token exchange';
}

function isAbsolute(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(url);
}

function headerValue(req: MiAccountRequest, name: string): string | undefined {
  const value = req.headers?.[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** The URL the browser requested, with the origin Express gives it under the app's `trust proxy` (or `proxy`). */
function originalURL(req: MiAccountRequest, trustProxy: boolean | undefined): string {
  const path = req.originalUrl || req.url || '/';
  // An absolute-form request target (`GET http://other/auth/mi`) names no path of this origin: resolve from the root.
  return `${requestOrigin(req, trustProxy)}${path.startsWith('/') ? path : '/'}`;
}

function assertCallbackCanMatch(callbackURL: string, matcher: RedirectUriMatcher): void {
  if (isAbsolute(callbackURL)) {
    const result = matcher.match(callbackURL);
    if (!result.ok)
      throw new TypeError(`callbackURL "${callbackURL}" can never be accepted by Mi Account: ${result.reason}`);
    return;
  }
  // A relative callback takes its host from the request: it can match if it fits under some registered origin.
  const fits = matcher.registered.some((uri) => matcher.match(new URL(callbackURL, uri).toString()).ok);
  if (!fits) {
    throw new TypeError(
      `callbackURL "${callbackURL}" is under none of the registered redirect URI paths (${matcher.registered.join('; ')})`,
    );
  }
}

/** Settles a promise into a Node-style callback outside the promise chain, so a throwing callback is not swallowed. */
function deliver<T>(promise: Promise<T>, callback: (err: unknown, value?: T) => void): void {
  promise.then(
    (value) => process.nextTick(callback, null, value),
    (err: unknown) => process.nextTick(callback, err),
  );
}
