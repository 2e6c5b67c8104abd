import type { ServerResponse } from 'node:http';
import type { ClientRecord, EmulatorConfig } from './config';
import { send, type Params } from './http';
import { deriveOpenId, deriveUnionId, safeEqual } from './ids';
import type { AccessGrant, EmulatorStore } from './store';

/**
 * Literal text Mi Account puts before every token endpoint body (protocol §4).
 *
 * @example
 * TOKEN_PREFIX + JSON.stringify({ error: 96013, error_description: 'code is invalid' })
 */
export const TOKEN_PREFIX = '&&&START&&&';

const TOKEN_PARAMS = [
  'grant_type',
  'client_id',
  'client_secret',
  'redirect_uri',
  'code',
  'refresh_token',
  'token_type',
] as const;

// RFC 6749 §5.2 names for the standardTokenResponse baseline.
const RFC_ERRORS: Readonly<Record<number, string>> = {
  96001: 'invalid_client',
  96002: 'invalid_request',
  96003: 'invalid_client',
  96004: 'unsupported_grant_type',
  96009: 'invalid_grant',
  96010: 'invalid_grant',
  96013: 'invalid_grant',
};

/**
 * A Mi error of the token endpoint.
 *
 * @example
 * const error: TokenError = { code: 96009, description: 'refresh_token is invalid, expired or already used' };
 */
export interface TokenError {
  readonly code: number;
  readonly description: string;
  /** HTTP status for protocol-level failures (405, 413); Mi errors themselves come with 200. */
  readonly status?: number;
}

/**
 * Writes a token endpoint error: `&&&START&&&{"error":<code>,…}` with HTTP 200 (Mi Account), or RFC 6749
 * JSON with HTTP 400 when `standardTokenResponse` is on.
 *
 * @example
 * sendTokenError(res, config, { code: 96013, description: 'code is invalid or expired' });
 */
export function sendTokenError(res: ServerResponse, config: EmulatorConfig, error: TokenError): void {
  if (config.standardTokenResponse) {
    const json = { error: RFC_ERRORS[error.code] ?? 'invalid_request', error_description: error.description };
    send(res, error.status ?? 400, 'application/json; charset=utf-8', JSON.stringify(json));
    return;
  }
  const json = { error: error.code, error_description: error.description };
  send(res, error.status ?? 200, 'application/json; charset=utf-8', TOKEN_PREFIX + JSON.stringify(json));
}

function sendTokenSuccess(res: ServerResponse, config: EmulatorConfig, body: Readonly<Record<string, unknown>>): void {
  const prefix = config.standardTokenResponse ? '' : TOKEN_PREFIX;
  send(res, 200, 'application/json; charset=utf-8', prefix + JSON.stringify(body));
}

function tokenResponse(grant: AccessGrant, config: EmulatorConfig): Record<string, unknown> {
  const user = config.users.get(grant.userId);
  return {
    access_token: grant.accessToken,
    expires_in: config.accessTokenTtlSeconds,
    refresh_token: grant.refreshToken,
    scope: grant.scopes.join(' '),
    token_type: 'mac',
    mac_key: grant.macKey,
    mac_algorithm: 'HmacSha1',
    openId: deriveOpenId(grant.clientID, grant.userId),
    union_id: user?.unionId ?? deriveUnionId(grant.userId),
  };
}

type Authenticated =
  { ok: true; client: ClientRecord; grantType: string; redirectUri: string } | { ok: false; error: TokenError };

function authenticate(params: Params, config: EmulatorConfig): Authenticated {
  const problem = params.problem(TOKEN_PARAMS);
  if (problem) return { ok: false, error: { code: 96002, description: problem } };
  const grantType = params.get('grant_type');
  if (!grantType) return { ok: false, error: { code: 96002, description: 'grant_type is missing' } };
  const clientID = params.get('client_id');
  if (!clientID) return { ok: false, error: { code: 96002, description: 'client_id is missing' } };
  const client = config.clients.get(clientID);
  if (!client)
    return { ok: false, error: { code: 96001, description: `no app has the App ID "${clientID.slice(0, 40)}"` } };
  const secret = params.get('client_secret');
  if (!secret) return { ok: false, error: { code: 96002, description: 'client_secret is missing' } };
  if (!safeEqual(secret, client.secret))
    return { ok: false, error: { code: 96003, description: 'client_secret does not match client_id' } };
  // Protocol §8 words 96004 OA_INVALID_GRANT as "grant type must be code or token"; 96006 stays unused.
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    return {
      ok: false,
      error: {
        code: 96004,
        description: `grant_type "${grantType.slice(0, 40)}" is not authorization_code or refresh_token`,
      },
    };
  }
  const redirectUri = params.get('redirect_uri');
  if (!redirectUri) return { ok: false, error: { code: 96002, description: 'redirect_uri is missing' } };
  return { ok: true, client, grantType, redirectUri };
}

type Exchanged = { ok: true; body: Record<string, unknown> } | { ok: false; error: TokenError };

function fail(code: number, description: string): Exchanged {
  return { ok: false, error: { code, description } };
}

function exchange(params: Params, config: EmulatorConfig, store: EmulatorStore): Exchanged {
  const auth = authenticate(params, config);
  if (!auth.ok) return auth;
  const { client, redirectUri } = auth;
  if (auth.grantType === 'authorization_code') {
    const code = params.get('code');
    if (!code) return fail(96002, 'code is missing');
    // Taking the code consumes it, whatever happens next: a code is good for one attempt.
    const grant = store.takeCode(code);
    if (!grant || grant.clientID !== client.id) return fail(96013, 'code is invalid, expired or already used');
    if (grant.redirectUri !== redirectUri) {
      return fail(96010, 'redirect_uri is not the one of the authorization request');
    }
    return { ok: true, body: tokenResponse(store.issueTokens(grant, true), config) };
  }
  const refreshToken = params.get('refresh_token');
  if (!refreshToken) return fail(96002, 'refresh_token is missing');
  // A refresh request has no authorization request to compare with, so redirect_uri only has to be registered.
  const matched = client.redirectUris.match(redirectUri);
  if (!matched.ok) return fail(96010, matched.reason);
  const rotated = store.rotateRefreshToken(refreshToken, client.id);
  if (!rotated) return fail(96009, 'refresh_token is invalid, expired or already used');
  return { ok: true, body: tokenResponse(rotated, config) };
}

/**
 * /oauth2/token over GET (query) or POST (form body): authorization_code and refresh_token grants.
 *
 * @example
 * handleToken(new Params(query, body), 'GET', res, config, store);
 */
export function handleToken(
  params: Params,
  method: string,
  res: ServerResponse,
  config: EmulatorConfig,
  store: EmulatorStore,
): void {
  if (method !== 'GET' && method !== 'POST') {
    res.setHeader('allow', 'GET, POST');
    sendTokenError(res, config, {
      code: 96002,
      description: `method ${method} is not allowed (use GET or POST)`,
      status: 405,
    });
    return;
  }
  const result = exchange(params, config, store);
  if (result.ok) sendTokenSuccess(res, config, result.body);
  else sendTokenError(res, config, result.error);
}
