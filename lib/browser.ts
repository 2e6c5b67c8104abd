// Browser helper for the implicit grant (protocol §10). Web-standard APIs only: this file and
// everything it imports must run in a browser, a browser extension or a worker.
import { normalizeClientID } from './client-id';
import { MI_ERROR_CODES, MiAccountError, MiAccountErrorOptions, MiAccountErrorReason, redact } from './errors';
import { normalizeScopes, parseGrantedScopes } from './scopes';

const DEFAULT_AUTHORIZATION_URL = 'https://account.xiaomi.com/oauth2/authorize';
// 32 random bytes = 256 bits, 43 base64url characters.
const STATE_BYTES = 32;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// Parameters this module reads; a second copy of any of them is rejected (parameter pollution).
const KNOWN_PARAMS = [
  'access_token',
  'mac_key',
  'mac_algorithm',
  'token_type',
  'expires_in',
  'scope',
  'state',
  'error',
  'error_description',
] as const;
// Parameters buildImplicitAuthorizeUrl owns; copies already present on authorizationURL are dropped.
const OWN_AUTHORIZE_PARAMS = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'skip_confirm',
  '_locale',
]);
// RFC 6749 refusal names: their reason is access_denied, with no made-up Mi code; Mi itself sends numbers (protocol §3).
const RFC_REFUSALS = new Set(['access_denied']);

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
  scope?: string | number | ReadonlyArray<string | number>;
  /** Your own CSRF state; default 32 random bytes from `crypto.getRandomValues`, base64url. */
  state?: string;
  /** Default `https://account.xiaomi.com/oauth2/authorize`; a query already on it is kept. */
  authorizationURL?: string;
  /** Sent as `skip_confirm` only when set. */
  skipConfirm?: boolean;
  /** Sent as `_locale` (`'en_US'`, `'zh_CN'`…) only when set. */
  locale?: string;
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
 * The tokens of a successful implicit-grant callback. There is no refresh token in this flow.
 *
 * @example
 * const tokens: ImplicitTokenResult = parseImplicitCallback(location.hash, saved, location.search);
 * await fetch('/api/login', { method: 'POST', body: JSON.stringify({ access_token: tokens.accessToken, mac_key: tokens.macKey }) });
 */
export interface ImplicitTokenResult {
  /** `access_token`; send it with `macKey` to your server (e.g. to `MiAccountTokenStrategy`). */
  accessToken: string;
  /** `mac_key` that signs Open API calls with this token; as secret as the token itself. */
  macKey: string;
  /** Normalized to `'HmacSha1'` whatever the letter case Mi Account used. */
  macAlgorithm: 'HmacSha1';
  /** Seconds the access token (and its mac_key) stays valid. */
  expiresIn: number;
  /** Granted scope IDs as numeric strings (may be narrower than requested); `[]` when Mi sent none. */
  scope: string[];
  /** Always `'mac'` (lower-cased). */
  tokenType: 'mac';
  /** The state echoed back (equal to the expected state). */
  state: string;
}

/**
 * Why {@link parseImplicitCallback} rejected a callback: the {@link MiAccountErrorReason} every error carries.
 *
 * - an `error` parameter: the reason of Mi's code (`'access_denied'` when the user cancelled, `'mi_error'` for one
 *   this library does not know); `code` is Mi's number.
 * - `'state_mismatch'`: the state is missing, unknown or different; start the sign-in again.
 * - `'missing_token'`: no `access_token` or no `mac_key` in the fragment.
 * - `'invalid_response'`: a field is malformed (`expires_in`, `token_type`, `mac_algorithm`, a repeated parameter).
 *
 * @example
 * if (err instanceof MiImplicitGrantError && err.reason === 'state_mismatch') restartSignIn();
 */
export type MiImplicitGrantErrorReason = MiAccountErrorReason;

/**
 * The implicit-grant callback was an error or could not be trusted. A {@link MiAccountError}
 * (same `code`, `errorName`, `hint`, `step`, `reason`). Its message names the Mi code, name and hint, and never
 * contains the access token or the mac_key.
 *
 * @example
 * try {
 *   tokens = parseImplicitCallback(location.hash, sessionStorage.getItem('mi-state'), location.search);
 * } catch (err) {
 *   if (err instanceof MiImplicitGrantError && err.reason === 'access_denied') showMessage('Sign-in cancelled');
 *   else throw err;
 * }
 */
export class MiImplicitGrantError extends MiAccountError {
  /** `reason` undefined: derived from Mi's code (see {@link MiAccountErrorReason}). */
  constructor(reason: MiImplicitGrantErrorReason | undefined, options: MiAccountErrorOptions) {
    super({ ...options, reason });
    this.name = 'MiImplicitGrantError';
  }
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
  const scopes = normalizeScopes(options.scope === undefined ? ['profile', 'openid'] : options.scope);
  const state = options.state === undefined ? randomState() : options.state;
  if (typeof state !== 'string' || state.trim() === '') {
    throw new TypeError(
      'buildImplicitAuthorizeUrl: state must be a non-empty string (or leave it out for a random one)',
    );
  }

  const url = new URL(options.authorizationURL ?? DEFAULT_AUTHORIZATION_URL);
  const params: [string, string][] = [
    ['response_type', 'token'],
    ['client_id', clientID],
    ['redirect_uri', redirectURI],
  ];
  if (scopes.length > 0) params.push(['scope', scopes.join(' ')]);
  params.push(['state', state]);
  if (options.skipConfirm !== undefined) params.push(['skip_confirm', String(options.skipConfirm)]);
  if (options.locale !== undefined && options.locale.trim() !== '') params.push(['_locale', options.locale.trim()]);

  // Existing query pairs stay byte for byte; ours are added with %20 (not '+') between scope IDs.
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !OWN_AUTHORIZE_PARAMS.has(decodeName(pair)));
  const added = params.map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
  url.search = [...kept, ...added].join('&');
  return { url: url.href, state };
}

/**
 * Reads the tokens of an implicit-grant callback and checks them. Pass `location.hash` (with or
 * without `#`), the state kept before redirecting, and `location.search`: Mi Account sends errors
 * as query parameters (`?error=96012&error_description=...`). A full callback URL string (e.g. the
 * result of `chrome.identity.launchWebAuthFlow`) is accepted as the first argument too; its query
 * is then checked for errors as well as `locationSearch`.
 *
 * Checks, in order: error parameters (in the query or the fragment), an empty fragment, the state (missing or
 * different; compared in constant time), `access_token` and `mac_key`, `expires_in` (a positive
 * integer), `token_type` (`mac`, any case; assumed when absent) and `mac_algorithm` (HMAC-SHA1, any
 * case; assumed when absent). Keys and values are trimmed. Throws {@link MiImplicitGrantError}.
 *
 * @example
 * const tokens = parseImplicitCallback(location.hash, sessionStorage.getItem('mi-state'), location.search);
 * // { accessToken, macKey, macAlgorithm: 'HmacSha1', expiresIn: 7776000, scope: ['1', '3'], tokenType: 'mac', state }
 *
 * @example
 * parseImplicitCallback('https://abc.chromiumapp.org/cb#access_token=…&mac_key=…&expires_in=7776000&state=s1', 's1');
 */
export function parseImplicitCallback(
  locationHash: string,
  expectedState: string | null | undefined,
  locationSearch?: string,
): ImplicitTokenResult {
  const { hash, searches } = splitInput(locationHash, locationSearch);
  const fragment = readParams(hash, true);
  const queries = searches.map((search) => readParams(search, false));
  const secrets = [fragment.get('access_token'), fragment.get('mac_key')];
  // Wire values quoted in a message never carry the token or the mac_key, whatever the field.
  const quote = (value: string, max?: number): string => clip(redact(value, secrets), max);

  for (const params of [...queries, fragment]) {
    const error = params.get('error');
    if (error !== undefined) throw errorFromParams(error, params.get('error_description'), quote);
  }

  // Nothing in the fragment at all: say so rather than blame the state.
  if (fragment.size === 0) throw missingToken(hash, queries, 'access_token');
  checkState(fragment.get('state'), expectedState);

  const accessToken = fragment.get('access_token');
  const macKey = fragment.get('mac_key');
  if (!accessToken || !macKey) throw missingToken(hash, queries, accessToken ? 'mac_key' : 'access_token');

  const expiresIn = parseExpiresIn(fragment.get('expires_in'), quote);

  const tokenType = fragment.get('token_type');
  if (tokenType !== undefined && tokenType.toLowerCase() !== 'mac') {
    throw invalid(`token_type is "${quote(tokenType)}", expected "mac" (Mi Account tokens are MAC tokens)`);
  }
  const macAlgorithm = fragment.get('mac_algorithm');
  if (macAlgorithm !== undefined && !/^hmac-?sha-?1$/i.test(macAlgorithm)) {
    throw invalid(
      `mac_algorithm is "${quote(macAlgorithm)}", expected HmacSha1 (the only algorithm Mi Account signs with)`,
    );
  }

  return {
    accessToken,
    macKey,
    macAlgorithm: 'HmacSha1',
    expiresIn,
    scope: parseGrantedScopes(fragment.get('scope')),
    tokenType: 'mac',
    // checkState proved it equals expectedState.
    state: fragment.get('state') ?? '',
  };
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

function randomState(): string {
  const webCrypto = globalThis.crypto;
  if (typeof webCrypto?.getRandomValues !== 'function') {
    throw new TypeError('buildImplicitAuthorizeUrl: crypto.getRandomValues is unavailable; pass your own random state');
  }
  return base64url(webCrypto.getRandomValues(new Uint8Array(STATE_BYTES)));
}

function base64url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] ?? 0;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    const chunk = (b0 << 16) | ((b1 ?? 0) << 8) | (b2 ?? 0);
    out += BASE64URL.charAt((chunk >> 18) & 63) + BASE64URL.charAt((chunk >> 12) & 63);
    if (b1 !== undefined) out += BASE64URL.charAt((chunk >> 6) & 63);
    if (b2 !== undefined) out += BASE64URL.charAt(chunk & 63);
  }
  return out;
}

function decodeName(pair: string): string {
  const raw = pair.split('=', 1)[0] ?? '';
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).trim();
  } catch {
    return raw;
  }
}

function splitInput(first: string, locationSearch: string | undefined): { hash: string; searches: string[] } {
  const input = typeof first === 'string' ? first.trim() : '';
  const searches = typeof locationSearch === 'string' && locationSearch.trim() !== '' ? [locationSearch] : [];
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? parseUrl(input) : undefined;
  if (url !== undefined) return { hash: url.hash, searches: [url.search, ...searches] };
  return { hash: input, searches };
}

/**
 * Form-decoded, trimmed parameters. In the fragment a repeated known parameter is a malformed
 * response; in the query (which also holds the app's own parameters) the first copy wins.
 */
function readParams(text: string, strict: boolean): Map<string, string> {
  const params = new Map<string, string>();
  for (const [rawKey, rawValue] of new URLSearchParams(text.trim().replace(/^[#?]/, ''))) {
    const key = rawKey.trim();
    if (params.has(key)) {
      if (strict && (KNOWN_PARAMS as readonly string[]).includes(key)) {
        throw invalid(`the callback carries "${key}" more than once`);
      }
      continue;
    }
    params.set(key, rawValue.trim());
  }
  return params;
}

function errorFromParams(
  error: string,
  description: string | undefined,
  quote: (value: string, max?: number) => string,
): MiImplicitGrantError {
  const value = quote(error);
  const code = /^\d+$/.test(error) ? Number(error) : undefined;
  const options: MiAccountErrorOptions = { step: 'authorization', code };
  if (code === undefined) options.hint = `Mi Account answered error "${value}"`;
  else if (MI_ERROR_CODES[code] === undefined) options.hint = 'an error code this library does not know';
  if (description) options.description = quote(description, 300);
  return new MiImplicitGrantError(RFC_REFUSALS.has(error.toLowerCase()) ? 'access_denied' : undefined, options);
}

function checkState(received: string | undefined, expected: string | null | undefined): void {
  const wanted = typeof expected === 'string' ? expected.trim() : '';
  if (wanted === '') {
    throw stateError(
      'no expected state was given: the state kept before the redirect was not found (sessionStorage is per tab and per origin; was the sign-in started in another tab or on another origin, or was storage cleared?); start the sign-in again',
    );
  }
  if (received === undefined || received === '') {
    throw stateError(
      'the callback carries no state: it was not produced by the sign-in this page started (possible CSRF); start the sign-in again',
    );
  }
  if (!constantTimeEqual(received, wanted)) {
    throw stateError(
      'the state in the callback differs from the one kept before the redirect: it belongs to another sign-in attempt (an older tab, a second sign-in in parallel) or to a forged link; start the sign-in again',
    );
  }
}

function stateError(hint: string): MiImplicitGrantError {
  return new MiImplicitGrantError('state_mismatch', { step: 'state', hint });
}

// Same work whatever the position of the first difference.
function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}

function missingToken(hash: string, queries: Map<string, string>[], field: string): MiImplicitGrantError {
  let hint: string;
  if (queries.some((query) => query.has('code'))) {
    hint = `no ${field} in the fragment but a "code" in the query: the request used response_type=code (use MiAccountStrategy on a server, or buildImplicitAuthorizeUrl)`;
  } else if (hash.trim().replace(/^#/, '').trim() === '') {
    hint = `no ${field}: the callback URL has no #fragment (was this page opened by the Mi Account redirect, or did a server redirect or a router drop the fragment?)`;
  } else {
    hint = `the callback fragment carries no ${field}`;
  }
  return new MiImplicitGrantError('missing_token', { step: 'authorization', hint });
}

function parseExpiresIn(value: string | undefined, quote: (value: string) => string): number {
  if (value === undefined || value === '') throw invalid('expires_in is missing');
  const seconds = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw invalid(`expires_in must be a positive whole number of seconds, got "${quote(value)}"`);
  }
  return seconds;
}

function invalid(hint: string): MiImplicitGrantError {
  return new MiImplicitGrantError('invalid_response', { step: 'authorization', hint });
}

// URL.canParse is too recent for some supported browsers.
function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

// Wire values quoted in messages: short, single-line.
function clip(text: string, max = 60): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
