// The end of the implicit grant: the tokens of the callback page, checked (protocol §10).
import type { MiAccountErrorOptions } from '../errors/errors';
import { redact } from '../errors/redact';
import {
  isHmacSha1,
  isMacTokenType,
  readAuthorizationError,
  readTokenFields,
  type TokenFieldProblem,
} from '../protocol';
import { miErrorInfo } from '../protocol/error-code';
import { readCallbackParams, splitCallback } from './callback-params';
import { clip } from './clip';
import { invalidResponse, MiImplicitGrantError } from './implicit-grant-error';
import { checkState } from './state-check';

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

type Quote = (value: string, max?: number) => string;

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
  const { hash, searches } = splitCallback(locationHash, locationSearch);
  const fragment = readCallbackParams(hash, true);
  const queries = searches.map((search) => readCallbackParams(search, false));
  const secrets = [fragment.get('access_token'), fragment.get('mac_key')];
  // Wire values quoted in a message never carry the token or the mac_key, whatever the field.
  const quote: Quote = (value, max) => clip(redact(value, secrets), max);

  for (const params of [...queries, fragment]) {
    const error = params.get('error');
    if (error !== undefined) throw errorFromParams(error, params.get('error_description'), quote);
  }

  // Nothing in the fragment at all: say so rather than blame the state.
  if (fragment.size === 0) throw missingToken(hash, queries, 'access_token');
  checkState(fragment.get('state'), expectedState);

  const result = readTokenFields(Object.fromEntries(fragment));
  if (!result.ok) throw tokenFieldError(result.problem, hash, queries, quote);
  const { fields } = result;
  if (!isMacTokenType(fields.tokenType)) {
    throw invalidResponse(
      `token_type is "${quote(fields.tokenType)}", expected "mac" (Mi Account tokens are MAC tokens)`,
    );
  }
  if (!isHmacSha1(fields.macAlgorithm)) {
    throw invalidResponse(
      `mac_algorithm is "${quote(fields.macAlgorithm)}", expected HmacSha1 (the only algorithm Mi Account signs with)`,
    );
  }

  return {
    accessToken: fields.accessToken,
    macKey: fields.macKey,
    macAlgorithm: 'HmacSha1',
    expiresIn: fields.expiresIn,
    scope: fields.scope,
    tokenType: 'mac',
    // checkState proved it equals expectedState.
    state: fragment.get('state') ?? '',
  };
}

function errorFromParams(error: string, description: string | undefined, quote: Quote): MiImplicitGrantError {
  const params = readAuthorizationError(error, description);
  const options: MiAccountErrorOptions = { step: 'authorization', code: params.code };
  if (params.code === undefined) options.hint = `Mi Account answered error "${quote(params.error)}"`;
  else if (miErrorInfo(params.code) === undefined) options.hint = 'an error code this library does not know';
  if (params.description !== undefined) options.description = quote(params.description, 300);
  // No reason given: derived from Mi's code (96012 → access_denied); the RFC name carries no code, so it is named.
  return new MiImplicitGrantError(params.cancelled ? 'access_denied' : undefined, options);
}

function tokenFieldError(
  problem: TokenFieldProblem,
  hash: string,
  queries: Map<string, string>[],
  quote: Quote,
): MiImplicitGrantError {
  if (problem.field === 'access_token' || problem.field === 'mac_key')
    return missingToken(hash, queries, problem.field);
  if (problem.kind === 'missing') return invalidResponse(`${problem.field} is missing`);
  if (problem.field === 'expires_in') {
    return invalidResponse(
      `expires_in must be a positive whole number of seconds, got "${quote(String(problem.value))}"`,
    );
  }
  return invalidResponse(`${problem.field} is malformed`);
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
