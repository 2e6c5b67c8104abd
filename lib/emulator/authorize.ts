import type { ServerResponse } from 'node:http';
import type { ClientRecord, EmulatorConfig, UserRecord } from './config';
import { consentPage, errorPage, HTML_HEADERS } from './consent-page';
import { Params, redirect, send } from './http';
import { grantScopes } from './scope-grant';
import type { EmulatorStore } from './store';

/** Parameters of an authorization request that the consent form carries back, in this order. */
const CARRIED_PARAMS = [
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'skip_confirm',
  '_locale',
] as const;

interface ValidRequest {
  readonly client: ClientRecord;
  readonly redirectUri: string;
  readonly responseType: 'code' | 'token';
  readonly granted: readonly string[];
  readonly dropped: readonly string[];
  readonly state: string | undefined;
}

type Checked = { ok: true; request: ValidRequest } | { ok: false };

/** The error page, in the language of the request's `_locale`. */
function htmlError(res: ServerResponse, status: number, code: number, detail: string, params: Params): void {
  send(res, status, 'text/html; charset=utf-8', errorPage(code, detail, params.get('_locale')), HTML_HEADERS);
}

/** Appends `name=value` pairs to the query of a (validated) redirect URI, keeping its own query. */
function withQuery(redirectUri: string, pairs: Readonly<Record<string, string | undefined>>): string {
  const url = new URL(redirectUri);
  const extra = encodePairs(pairs);
  url.search = url.search.length > 1 ? `${url.search}&${extra}` : `?${extra}`;
  return url.href;
}

function encodePairs(pairs: Readonly<Record<string, string | undefined>>): string {
  return Object.entries(pairs)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
}

/** Redirects to the app with a numeric Mi error, as Xiaomi does for errors found after the redirect URI is trusted. */
function redirectError(
  res: ServerResponse,
  redirectUri: string,
  code: number,
  description: string,
  state: string | undefined,
): void {
  redirect(res, withQuery(redirectUri, { error: String(code), error_description: description, state }));
}

/**
 * Validates client, redirect_uri, response_type and scope. Answers the error itself (HTML page when the
 * client or redirect_uri cannot be trusted, redirect otherwise) and returns `{ ok: false }` then.
 */
function check(params: Params, config: EmulatorConfig, res: ServerResponse): Checked {
  const clientProblem = params.problem(['client_id']);
  if (clientProblem) {
    htmlError(res, 400, 96002, clientProblem, params);
    return { ok: false };
  }
  const clientID = params.get('client_id') ?? '';
  const client = config.clients.get(clientID);
  if (!client) {
    htmlError(
      res,
      400,
      96001,
      clientID === '' ? 'client_id is missing' : `no app has the App ID "${clientID.slice(0, 40)}"`,
      params,
    );
    return { ok: false };
  }
  const redirectUri = params.get('redirect_uri');
  if (redirectUri === undefined) {
    htmlError(res, 400, 96010, params.problem(['redirect_uri']) ?? 'redirect_uri is missing', params);
    return { ok: false };
  }
  const matched = client.redirectUris.match(redirectUri);
  if (!matched.ok) {
    htmlError(res, 400, 96010, matched.reason, params);
    return { ok: false };
  }
  // A repeated or over-long state is not echoed: it could not be echoed "unchanged".
  const state = params.get('state');
  const problem = params.problem(CARRIED_PARAMS);
  if (problem) {
    redirectError(res, redirectUri, 96002, problem, state);
    return { ok: false };
  }
  const responseType = params.get('response_type');
  if (responseType !== 'code' && responseType !== 'token') {
    const what =
      responseType === undefined
        ? 'response_type is missing'
        : `response_type "${responseType.slice(0, 40)}" is not supported`;
    redirectError(res, redirectUri, 96011, `${what} (use code or token)`, state);
    return { ok: false };
  }
  const scopes = grantScopes(params.get('scope'), client.sensitiveScopes);
  if (!scopes.ok) {
    redirectError(res, redirectUri, 96007, scopes.reason, state);
    return { ok: false };
  }
  return {
    ok: true,
    request: { client, redirectUri, responseType, granted: scopes.granted, dropped: scopes.dropped, state },
  };
}

/** Issues the code (query) or, for the implicit grant, the tokens (fragment) and redirects to the app. */
function approve(res: ServerResponse, request: ValidRequest, user: UserRecord, store: EmulatorStore): void {
  const grant = { clientID: request.client.id, userId: user.id, scopes: request.granted };
  if (request.responseType === 'code') {
    const code = store.issueCode({ ...grant, redirectUri: request.redirectUri });
    redirect(res, withQuery(request.redirectUri, { code, state: request.state }));
    return;
  }
  const tokens = store.issueTokens(grant, false);
  const url = new URL(request.redirectUri);
  // expires_in is a string here (protocol §4); the implicit grant has no refresh token.
  url.hash = encodePairs({
    access_token: tokens.accessToken,
    token_type: 'mac',
    expires_in: String(store.expiresInSeconds),
    mac_algorithm: 'HmacSha1',
    mac_key: tokens.macKey,
    scope: request.granted.join(' '),
    state: request.state,
  });
  redirect(res, url.href);
}

/**
 * GET /oauth2/authorize: validates the request, then shows the consent page (or approves at once
 * with `autoApprove`).
 *
 * @example
 * handleAuthorizeGet(new Params(query), res, config, store);
 */
export function handleAuthorizeGet(
  params: Params,
  res: ServerResponse,
  config: EmulatorConfig,
  store: EmulatorStore,
): void {
  const checked = check(params, config, res);
  if (!checked.ok) return;
  if (config.autoApprove) {
    approve(res, checked.request, config.autoApprove, store);
    return;
  }
  const hidden = CARRIED_PARAMS.flatMap((name) => {
    const value = params.get(name);
    return value === undefined ? [] : [[name, value] as const];
  });
  const page = consentPage({
    clientID: checked.request.client.id,
    appName: checked.request.client.name,
    locale: params.get('_locale'),
    appIcon: checked.request.client.icon,
    granted: checked.request.granted,
    dropped: checked.request.dropped,
    users: config.userList,
    hidden,
  });
  send(res, 200, 'text/html; charset=utf-8', page, HTML_HEADERS);
}

/**
 * POST /oauth2/authorize (the consent form): re-validates everything, then approves as the chosen
 * user or redirects with error 96012 when the user denied.
 *
 * @example
 * handleAuthorizePost(new Params(formBody), res, config, store);
 */
export function handleAuthorizePost(
  params: Params,
  res: ServerResponse,
  config: EmulatorConfig,
  store: EmulatorStore,
): void {
  const checked = check(params, config, res);
  if (!checked.ok) return;
  const { request } = checked;
  const decision = params.get('decision');
  if (decision === 'deny') {
    redirectError(res, request.redirectUri, 96012, 'the user denied the authorization request', request.state);
    return;
  }
  if (decision !== 'approve') {
    redirectError(res, request.redirectUri, 96002, 'decision must be approve or deny', request.state);
    return;
  }
  const user = config.users.get(params.get('user') ?? '');
  if (!user) {
    redirectError(res, request.redirectUri, 96002, 'user is missing or not a known test user', request.state);
    return;
  }
  approve(res, request, user, store);
}
