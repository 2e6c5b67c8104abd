// The start of the implicit grant: the authorization URL and the state to keep (protocol §3, §10).
import { DEFAULT_AUTHORIZATION_URL, buildAuthorizeUrl, normalizeClientID, normalizeScopes } from '../protocol';
import { clip } from './clip';
import { parseUrl } from './parse-url';
import { randomState } from './random-state';

/**
 * Options of {@link buildImplicitAuthorizeUrl}.
 *
 * @example
 * const options: ImplicitAuthorizeOptions = {
 *   clientID: '2882303761517383915',
 *   redirectURI: 'https://app.example.com/callback.html',
 *   scope: ['profile', 'openid'],
 * };
 */
export interface ImplicitAuthorizeOptions {
  /** App ID. Pass it as a string: App IDs are 64-bit and do not fit a JavaScript number exactly. */
  clientID: string | number;
  /** Absolute callback URL, registered on the Mi developer console. Sent as given. */
  redirectURI: string;
  /**
   * Scope names or numeric IDs; default `['profile', 'openid']`, what `MiAccountTokenStrategy` needs to identify the
   * user by openId. An empty list sends no `scope` (Mi then grants the basic scopes).
   */
  scope?: string | number | ReadonlyArray<string | number> | undefined;
  /** Your own CSRF state; default 32 random bytes from `crypto.getRandomValues`, base64url. */
  state?: string | undefined;
  /** Default `https://account.xiaomi.com/oauth2/authorize`; a query already on it is kept. */
  authorizationURL?: string | undefined;
  /** Sent as `skip_confirm` only when set. */
  skipConfirm?: boolean | undefined;
  /** Sent as `_locale` (`'en_US'`, `'zh_CN'`…) only when set. */
  locale?: string | undefined;
}

/**
 * What {@link buildImplicitAuthorizeUrl} returns: where to send the browser, and the state to keep.
 *
 * @example
 * const { url, state }: ImplicitAuthorizeRequest = buildImplicitAuthorizeUrl(options);
 */
export interface ImplicitAuthorizeRequest {
  /** The Mi Account authorization URL to navigate to (`response_type=token`). */
  url: string;
  /** The state sent in `url`; keep it (e.g. in `sessionStorage`) for {@link parseImplicitCallback}. */
  state: string;
}

/**
 * Builds the Mi Account authorization URL of the implicit grant (`response_type=token`) with a
 * random `state`. Keep the returned `state` where the callback page can read it — for a web page
 * `sessionStorage` (per tab and per origin, so the callback must be on the same origin and open
 * in the same tab) — navigate to `url`, and on the callback page hand the stored value to
 * {@link parseImplicitCallback}, which rejects any other state. Remove it once used.
 *
 * Throws a `TypeError` on a missing `clientID`, a `clientID` number that is not exact (pass
 * 64-bit App IDs as strings), a relative `redirectURI` or one with a `#fragment`, an unknown scope
 * name, or when no `crypto.getRandomValues` exists and no `state` was given.
 *
 * @example
 * // login page
 * const { url, state } = buildImplicitAuthorizeUrl({
 *   clientID: '2882303761517383915',
 *   redirectURI: `${location.origin}/callback.html`,
 *   scope: ['profile', 'openid'],
 *   locale: 'en_US',
 * });
 * sessionStorage.setItem('mi-state', state);
 * location.assign(url);
 *
 * // callback.html
 * const tokens = parseImplicitCallback(location.hash, sessionStorage.getItem('mi-state'), location.search);
 * sessionStorage.removeItem('mi-state');
 * history.replaceState(null, '', location.pathname); // take the token out of the address bar
 */
export function buildImplicitAuthorizeUrl(options: ImplicitAuthorizeOptions): ImplicitAuthorizeRequest {
  const clientID = normalizeClientID(options.clientID, 'buildImplicitAuthorizeUrl');
  const redirectURI = normalizeRedirectURI(options.redirectURI);
  // The token strategy identifies users by openId: the default asks for it, so the two defaults work together.
  const scope = normalizeScopes(options.scope === undefined ? ['profile', 'openid'] : options.scope);
  const state = options.state === undefined ? randomState() : options.state;
  if (typeof state !== 'string' || state.trim() === '') {
    throw new TypeError(
      'buildImplicitAuthorizeUrl: state must be a non-empty string (or leave it out for a random one)',
    );
  }
  const url = buildAuthorizeUrl(
    {
      responseType: 'token',
      clientID,
      redirectURI,
      scope,
      state,
      skipConfirm: options.skipConfirm,
      locale: options.locale,
    },
    options.authorizationURL ?? DEFAULT_AUTHORIZATION_URL,
  );
  return { url, state };
}

function normalizeRedirectURI(redirectURI: string): string {
  if (typeof redirectURI !== 'string' || redirectURI.trim() === '') {
    throw new TypeError('buildImplicitAuthorizeUrl: redirectURI is required');
  }
  const trimmed = redirectURI.trim();
  if (parseUrl(trimmed) === undefined) {
    throw new TypeError(`buildImplicitAuthorizeUrl: redirectURI must be an absolute URL, got "${clip(trimmed)}"`);
  }
  if (trimmed.includes('#')) {
    throw new TypeError(
      'buildImplicitAuthorizeUrl: redirectURI must not contain a #fragment (the tokens arrive in it)',
    );
  }
  return trimmed;
}
