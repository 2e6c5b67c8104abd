// Named import: the emitted .d.ts then needs no esModuleInterop in the consumer's tsconfig.
import { Strategy as OAuth2Strategy } from 'passport-oauth2';
import type { StateStore, StrategyOptions, VerifyFunction } from 'passport-oauth2';
import type { OAuth2 } from 'oauth';
import { MiAccountClient } from '../client/client';
import type { MiAccountProfile } from '../client/profile';
import { MiAccountError } from '../errors/errors';
import { observeLogin, profileLoaded, tokensObtained } from './login-trace';
import { authorizeOptionParams, normalizeScopes, SCOPE_SEPARATOR } from '../protocol';
import { localeFromAcceptLanguage, toMiLocale } from '../protocol/locale';
import { expectProfileCalls, parallelProfileCalls, preconnectLogin } from '../transport/preconnect';
import { reportAuthorizationError, type StateMeta } from './authorization-error';
import { isAbsolute, resolveCallbackURL } from './callback-url';
import { PendingTokenSets } from './pending-token-sets';
import { readSettings, type StrategySettings } from './settings';
import { reportTokenErrors } from './token-errors';
import type {
  MiAccountAuthenticateOptions,
  MiAccountRequest,
  MiAccountStrategyOptions,
  MiAccountStrategyOptionsWithRequest,
  MiAccountVerifyFunction,
  MiAccountVerifyFunctionWithRequest,
} from './types';
import { assertVerifyArity } from './verify-arity';

// The public types live in ./types; lib/index.ts exports them from here.
export type {
  MiScopeInput,
  MiAccountDoneCallback,
  MiAccountRequest,
  MiAccountTokenParams,
  MiAccountVerifyWithParams,
  MiAccountVerifyWithProfile,
  MiAccountVerifyWithRequestAndParams,
  MiAccountVerifyWithRequestAndProfile,
  MiAccountVerifyFunction,
  MiAccountVerifyFunctionWithRequest,
  MiAccountStrategyOptionsBase,
  MiAccountStrategyOptions,
  MiAccountStrategyOptionsWithRequest,
  MiAccountAuthenticateOptions,
} from './types';

/** node-oauth's token call, as passport-oauth2 and passport-oauth2-refresh invoke it. */
type TokenCallback = (err: unknown, accessToken?: string, refreshToken?: string, params?: object) => void;

// passport-oauth2's types want Express's request; it reads only what MiAccountRequest declares.
type ExpressRequest = Parameters<OAuth2Strategy['authenticate']>[0];

const MAX_CODE_LENGTH = 4096;
/**
 * What node-oauth's OAuth2 object gets instead of the App Secret: it never sends a token request (the token seam
 * does, through MiAccountClient), so the secret stays out of every rendering of the strategy and of passport.
 */
const NODE_OAUTH_CLIENT_SECRET = '[kept by MiAccountClient]';

/**
 * Passport strategy for "Sign in with Mi Account" (Xiaomi OAuth 2.0), name `mi-account`. A passport-oauth2 strategy:
 * passport-oauth2 keeps the state, runs the profile step (`skipUserProfile`) and calls verify in the form its length
 * asks for; Mi Account's token endpoint, profile and authorization parameters plug into its hooks.
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
  // Plain fields, not #private: passport calls authenticate on Object.create(strategy), which cannot read #fields.
  private readonly settings: StrategySettings;
  // userProfile gets only the access token; Mi's profile calls also need its mac_key, scope and openId.
  private readonly pendingTokenSets = new PendingTokenSets();

  constructor(options: MiAccountStrategyOptions, verify: MiAccountVerifyFunction);
  constructor(options: MiAccountStrategyOptionsWithRequest, verify: MiAccountVerifyFunctionWithRequest);
  constructor(
    options: MiAccountStrategyOptions | MiAccountStrategyOptionsWithRequest,
    verify: MiAccountVerifyFunction | MiAccountVerifyFunctionWithRequest,
  ) {
    if (!options || typeof options !== 'object') throw new TypeError('MiAccountStrategy requires an options object');
    if (typeof verify !== 'function') throw new TypeError('MiAccountStrategy requires a verify callback');
    const settings = readSettings(options);
    const { clientID, authorizationURL, tokenURL, scope, stateStore } = settings;
    // The app's verify, skipUserProfile and passReqToCallback go to passport-oauth2 as they are.
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
      } as StrategyOptions,
      verify as VerifyFunction,
    );
    assertVerifyArity(this, verify, options.passReqToCallback === true);
    this.name = options.name ?? 'mi-account';
    this.settings = settings;
    this.client = new MiAccountClient({
      clientID,
      clientSecret: options.clientSecret,
      redirectURI: options.callbackURL && isAbsolute(options.callbackURL) ? options.callbackURL : undefined,
      tokenURL,
      openApiURL: options.openApiURL,
      timeout: options.timeout,
      signRequests: options.signRequests,
      agent: options.agent,
    });
    expectProfileCalls(this.client, options.skipUserProfile === true ? 0 : parallelProfileCalls(scope));
    // The one seam — Mi's token endpoint differs (GET, &&&START&&& prefix, numeric errors): MiAccountClient answers it.
    this._oauth2.getOAuthAccessToken = ((code: string, params: Record<string, unknown>, callback: TokenCallback) =>
      this.requestTokens(code, params, callback)) as OAuth2['getOAuthAccessToken'];
  }

  /**
   * Starts the login (redirect to Mi Account) or completes it on the callback. Runs on passport's strategy object of
   * the request, like every method passport-oauth2 calls from here.
   */
  override authenticate(req: MiAccountRequest, options: MiAccountAuthenticateOptions = {}): void {
    observeLogin(this, req);
    const query = (req.query ?? {}) as Record<string, unknown>;
    if (query.error !== undefined) {
      return reportAuthorizationError(this, req, query, this.settings.stateStore, this.stateMeta(req, options));
    }
    let effective: MiAccountAuthenticateOptions;
    try {
      effective = {
        ...options,
        callbackURL: this.callbackURLFor(req, options),
        scope: options.scope === undefined ? this.settings.scope : normalizeScopes(options.scope),
      };
    } catch (err) {
      return this.error(err as Error);
    }
    const code = query.code ?? (req.body as Record<string, unknown> | undefined)?.code;
    if (code === undefined) return this.startAuthorization(req, effective);
    if (typeof code !== 'string' || code === '' || code.length > MAX_CODE_LENGTH) {
      return this.fail(
        {
          message: 'The Mi Account callback carried an invalid authorization code; start the login again.',
          reason: 'code_invalid',
        },
        400,
      );
    }
    reportTokenErrors(this);
    // passport-oauth2 verifies the state, calls the token seam, then userProfile (unless skipped), then verify.
    super.authenticate(req as ExpressRequest, effective);
  }

  /** Sends `skip_confirm` and `_locale` to Mi's authorization page when set. */
  override authorizationParams(options: MiAccountAuthenticateOptions): object {
    return authorizeOptionParams({
      skipConfirm: options.skipConfirm ?? this.settings.skipConfirm,
      locale: options.locale,
    });
  }

  /**
   * Loads the Mi Account profile of a login: passport-oauth2 calls it with the access token the token seam just
   * obtained, whose mac_key, granted scope and openId the profile calls need. For an access token alone (not one of a
   * login in progress) it can only make unsigned calls: with `signRequests` it refuses; call
   * `strategy.client.getProfile({ accessToken, macKey, scope, openId })` when you hold a stored token set.
   *
   * @example
   * strategy.userProfile(accessToken, (err, profile) => console.log(profile?.displayName)); // signRequests: false
   */
  override userProfile(accessToken: string, done: (err?: unknown, profile?: MiAccountProfile) => void): void {
    const tokens = this.pendingTokenSets.take(accessToken);
    if (!tokens) return this.bareTokenProfile(accessToken, done);
    tokensObtained(this, this.name, tokens);
    const profile = this.client.getProfile({
      accessToken,
      macKey: tokens.macKey,
      scope: tokens.scope.length > 0 ? tokens.scope : this.settings.scope,
      openId: tokens.openId,
      unionId: tokens.unionId,
      profileIdentifier: this.settings.profileIdentifier,
      strictProfile: this.settings.strictProfile,
    });
    deliver(profile, profileLoaded(this, this.name, done));
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

  /** The authorization leg: checks the callback URL against the registered ones, then lets passport-oauth2 redirect. */
  private startAuthorization(req: MiAccountRequest, options: MiAccountAuthenticateOptions): void {
    const { callbackURL } = options;
    const result = callbackURL ? this.settings.redirectMatcher?.match(callbackURL) : undefined;
    if (result && !result.ok) {
      return this.error(
        new MiAccountError({
          step: 'redirect uri',
          hint: `${result.reason}. Register "${callbackURL}" (or a parent path) on the Mi developer console and in registeredRedirectURIs, or change callbackURL`,
        }),
      );
    }
    const locale = options.locale ?? this.settings.locale;
    const effective = {
      ...options,
      locale: locale === 'auto' ? toMiLocale(localeFromAcceptLanguage(headerValue(req, 'accept-language'))) : locale,
    };
    super.authenticate(req as ExpressRequest, effective);
    // Warms the connections the callback will use while the user is on Mi's consent page (lib/transport/preconnect).
    const scope = effective.scope;
    const profileCalls =
      this.settings.skipUserProfile === true || !Array.isArray(scope) ? 0 : parallelProfileCalls(scope as string[]);
    preconnectLogin(this.client, req, profileCalls);
  }

  /** node-oauth's token call, answered by MiAccountClient: code exchange, or refresh for passport-oauth2-refresh. */
  private requestTokens(code: string, params: Record<string, unknown>, callback: TokenCallback): void {
    const redirectURI = typeof params.redirect_uri === 'string' ? params.redirect_uri : undefined;
    const refresh = params.grant_type === 'refresh_token';
    const request = refresh
      ? this.client.refreshAccessToken(code, redirectURI)
      : this.client.exchangeCode(code, redirectURI);
    deliver(request, (err, tokens) => {
      if (!tokens) return callback(err);
      // A login's profile step takes its token set back by access token (userProfile); a refresh has none.
      if (!refresh && this.settings.skipUserProfile !== true) this.pendingTokenSets.put(tokens);
      callback(null, tokens.accessToken, tokens.refreshToken ?? '', tokens.raw);
    });
  }

  /** The profile of an access token without its token set: unsigned calls only, so refused when signing. */
  private bareTokenProfile(accessToken: string, done: (err?: unknown, profile?: MiAccountProfile) => void): void {
    if (this.client.signRequests) {
      return done(
        new MiAccountError({
          step: 'open api',
          reason: 'invalid_argument',
          hint: 'userProfile(accessToken) cannot sign Open API calls without the mac_key: use strategy.client.getProfile({ accessToken, macKey, scope, openId })',
        }),
      );
    }
    const { profileIdentifier, strictProfile } = this.settings;
    deliver(this.client.getProfile({ accessToken, macKey: '', profileIdentifier, strictProfile }), done);
  }

  /** The callback URL of this login: the per-login one or the strategy's, resolved against the request's origin. */
  private callbackURLFor(req: MiAccountRequest, options: MiAccountAuthenticateOptions): string | undefined {
    return resolveCallbackURL(req, options.callbackURL ?? this.settings.callbackURL, this.settings.trustProxy);
  }

  /** What passport-oauth2 gives a state store as `meta`; the callback URL is informative only, so never throws. */
  private stateMeta(req: MiAccountRequest, options: MiAccountAuthenticateOptions): StateMeta {
    const { authorizationURL, tokenURL, clientID } = this.settings;
    let callbackURL: string | undefined;
    try {
      callbackURL = this.callbackURLFor(req, options);
    } catch {
      callbackURL = undefined; // the state decides, not the Host header
    }
    return { authorizationURL, tokenURL, clientID, callbackURL };
  }
}

function headerValue(req: MiAccountRequest, name: string): string | undefined {
  const value = req.headers?.[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Settles a promise into a Node-style callback outside the promise chain, so a throwing callback is not swallowed. */
function deliver<T>(promise: Promise<T>, callback: (err: unknown, value?: T) => void): void {
  promise.then(
    (value) => process.nextTick(callback, null, value),
    (err: unknown) => process.nextTick(callback, err),
  );
}
