// Reading the implicit-grant callback: the fragment and query parameters out of what the page was given.
import { invalidResponse } from './implicit-grant-error';
import { parseUrl } from './parse-url';

// Parameters the callback reader uses; a second copy of any of them in the fragment is rejected (parameter pollution).
const KNOWN_PARAMS: ReadonlySet<string> = new Set([
  'access_token',
  'mac_key',
  'mac_algorithm',
  'token_type',
  'expires_in',
  'scope',
  'state',
  'error',
  'error_description',
]);

/**
 * The fragment and the queries of a callback: the first argument is `location.hash` or a full callback URL (whose
 * query then counts too), the second `location.search`.
 *
 * @example
 * splitCallback('https://abc.chromiumapp.org/cb?x=1#access_token=…', undefined) // { hash: '#access_token=…', searches: ['?x=1'] }
 */
export function splitCallback(first: string, locationSearch: string | undefined): { hash: string; searches: string[] } {
  const input = typeof first === 'string' ? first.trim() : '';
  const searches = typeof locationSearch === 'string' && locationSearch.trim() !== '' ? [locationSearch] : [];
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? parseUrl(input) : undefined;
  if (url !== undefined) return { hash: url.hash, searches: [url.search, ...searches] };
  return { hash: input, searches };
}

/**
 * Form-decoded, trimmed parameters. In the fragment (`strict`) a repeated known parameter is a malformed
 * response; in the query (which also holds the app's own parameters) the first copy wins.
 *
 * @example
 * readCallbackParams('#access_token=a&state=s', true).get('state') // 's'
 */
export function readCallbackParams(text: string, strict: boolean): Map<string, string> {
  const params = new Map<string, string>();
  for (const [rawKey, rawValue] of new URLSearchParams(text.trim().replace(/^[#?]/, ''))) {
    const key = rawKey.trim();
    if (params.has(key)) {
      if (strict && KNOWN_PARAMS.has(key)) throw invalidResponse(`the callback carries "${key}" more than once`);
      continue;
    }
    params.set(key, rawValue.trim());
  }
  return params;
}
