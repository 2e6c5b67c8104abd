// The authorization request (protocol §3): its parameters and the URL the browser is sent to.
import { DEFAULT_AUTHORIZATION_URL } from './endpoints';
import { SCOPE_SEPARATOR } from './scopes';

/**
 * The optional parameters an app adds to the authorization request; what a passport-oauth2
 * `authorizationParams` hook returns.
 *
 * @example
 * const options: AuthorizeOptions = { skipConfirm: false, locale: 'en_US' };
 */
export interface AuthorizeOptions {
  /** Sent as `skip_confirm` (`'true'`/`'false'`) only when set. */
  skipConfirm?: boolean | undefined;
  /** Sent as `_locale` (`'en_US'`, `'zh_CN'`…), trimmed, only when not blank. */
  locale?: string | undefined;
}

/**
 * Everything an authorization request carries. Values are already normalized (App ID, scope IDs).
 *
 * @example
 * const request: AuthorizeRequest = { responseType: 'token', clientID: '2882303761517383915',
 *   redirectURI: 'https://app.example.com/cb.html', scope: ['1', '3'], state: 'k3Jq…' };
 */
export interface AuthorizeRequest extends AuthorizeOptions {
  /** `code` (authorization code grant) or `token` (implicit grant, protocol §10). */
  responseType: 'code' | 'token';
  /** The App ID, as a string. */
  clientID: string;
  /** The absolute redirect URI, registered on the Mi developer console. */
  redirectURI: string;
  /** Numeric scope IDs; an empty list sends no `scope` (Mi then grants the basic scopes). */
  scope: readonly string[];
  /** The CSRF state, echoed back by Mi Account. */
  state: string;
}

// Parameters a request sets; copies already present on the authorization URL are dropped.
const REQUEST_PARAMS = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'skip_confirm',
  '_locale',
]);

/**
 * The `skip_confirm` and `_locale` parameters of the authorization request, sent only when the app set them.
 *
 * @example
 * authorizeOptionParams({ skipConfirm: false, locale: ' en_US ' }) // { skip_confirm: 'false', _locale: 'en_US' }
 * authorizeOptionParams({})                                        // {}
 */
export function authorizeOptionParams(options: AuthorizeOptions): Record<string, string> {
  const params: Record<string, string> = {};
  if (options.skipConfirm !== undefined) params.skip_confirm = String(Boolean(options.skipConfirm));
  const locale = typeof options.locale === 'string' ? options.locale.trim() : '';
  if (locale !== '') params._locale = locale;
  return params;
}

/**
 * The parameters of an authorization request, in the order they are sent.
 *
 * @example
 * authorizeRequestParams({ responseType: 'code', clientID: '1', redirectURI: 'https://a.example/cb', scope: ['1'], state: 's' })
 * // [['response_type', 'code'], ['client_id', '1'], ['redirect_uri', 'https://a.example/cb'], ['scope', '1'], ['state', 's']]
 */
export function authorizeRequestParams(request: AuthorizeRequest): [string, string][] {
  const params: [string, string][] = [
    ['response_type', request.responseType],
    ['client_id', request.clientID],
    ['redirect_uri', request.redirectURI],
  ];
  if (request.scope.length > 0) params.push(['scope', request.scope.join(SCOPE_SEPARATOR)]);
  params.push(['state', request.state]);
  params.push(...Object.entries(authorizeOptionParams(request)));
  return params;
}

/**
 * The URL that sends the browser to Mi Account's authorization page. A query already on `authorizationURL` is kept
 * byte for byte, except copies of the request's own parameters; scope IDs are joined by `%20`, never `+`.
 *
 * @throws TypeError when `authorizationURL` is not an absolute URL
 *
 * @example
 * buildAuthorizeUrl({ responseType: 'token', clientID: '1', redirectURI: 'https://a.example/cb', scope: ['1', '3'], state: 's' })
 * // 'https://account.xiaomi.com/oauth2/authorize?response_type=token&client_id=1&redirect_uri=https%3A%2F%2Fa.example%2Fcb&scope=1%203&state=s'
 */
export function buildAuthorizeUrl(request: AuthorizeRequest, authorizationURL = DEFAULT_AUTHORIZATION_URL): string {
  const url = new URL(authorizationURL);
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !REQUEST_PARAMS.has(decodeName(pair)));
  const added = authorizeRequestParams(request).map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
  url.search = [...kept, ...added].join('&');
  return url.href;
}

function decodeName(pair: string): string {
  const raw = pair.split('=', 1)[0] ?? '';
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).trim();
  } catch {
    return raw;
  }
}
