import type { IncomingMessage, ServerResponse } from 'node:http';
import { MiScopes } from '../scopes';
import { avatarFields } from './avatar';
import type { EmulatorConfig, UserRecord } from './config';
import { send, type Params } from './http';
import { deriveOpenId, deriveUnionId } from './ids';
import { verifyMac } from './mac-verify';
import type { AccessGrant, EmulatorStore } from './store';

interface OpenApiRoute {
  /** The route is allowed when any of these scopes was granted. */
  readonly scopes: readonly string[];
  readonly data: (user: UserRecord, grant: AccessGrant) => Record<string, unknown>;
}

const ROUTES: Readonly<Record<string, OpenApiRoute>> = {
  '/user/profile': {
    scopes: [MiScopes.profile],
    data: (user) => ({
      miliaoNick: user.nickname,
      ...(user.avatar ? avatarFields(user.avatar) : {}),
      unionId: user.unionId ?? deriveUnionId(user.id),
      // Only apps enabled before 2018-06-01 see the raw account number.
      ...(user.legacyUserId !== undefined ? { userId: user.legacyUserId } : {}),
    }),
  },
  '/user/openidV2': {
    scopes: [MiScopes.openid],
    data: (user, grant) => ({ openId: deriveOpenId(grant.clientID, user.id) }),
  },
  '/user/phoneAndEmail': {
    scopes: [MiScopes.phone, MiScopes.email],
    data: (user, grant) => ({
      phone: grant.scopes.includes(MiScopes.phone) ? (user.phone ?? '') : '',
      email: grant.scopes.includes(MiScopes.email) ? (user.email ?? '') : '',
    }),
  },
  '/user/relation': {
    scopes: [MiScopes.relation],
    data: () => ({ friends: [] }),
  },
};

/**
 * Whether a path is one of the emulated Open API paths.
 *
 * @example
 * isOpenApiPath('/user/profile') // true
 */
export function isOpenApiPath(path: string): boolean {
  return Object.hasOwn(ROUTES, path);
}

/**
 * Writes an Open API error envelope. Mi errors come with HTTP 200 (clients decide by `result`);
 * `status` is only for HTTP-level failures such as 404 and 405.
 *
 * @example
 * sendOpenApiError(res, 96008, 'the access token is invalid or expired');
 */
export function sendOpenApiError(res: ServerResponse, code: number, description: string, status = 200): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify({ result: 'error', description, code }));
}

/**
 * GET /user/profile, /user/openidV2, /user/phoneAndEmail, /user/relation with `clientId` and `token`:
 * checks client, token, MAC signature and scope, then answers the data envelope.
 *
 * @example
 * handleOpenApi(req, res, '/user/profile', new Params(query), config, store);
 */
export function handleOpenApi(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: Params,
  config: EmulatorConfig,
  store: EmulatorStore,
): void {
  const route = ROUTES[path];
  if (!route) {
    sendOpenApiError(res, 404, `no Open API at ${path.slice(0, 100)}`, 404);
    return;
  }
  if (req.method !== 'GET') {
    res.setHeader('allow', 'GET');
    sendOpenApiError(res, 96002, `method ${req.method ?? ''} is not allowed (use GET)`, 405);
    return;
  }
  const problem = query.problem(['clientId', 'token']);
  if (problem) return sendOpenApiError(res, 96002, problem);
  const clientId = query.get('clientId');
  const token = query.get('token');
  if (!clientId || !token) return sendOpenApiError(res, 96002, 'clientId and token are required');
  if (!config.clients.has(clientId))
    return sendOpenApiError(res, 96001, `no app has the App ID "${clientId.slice(0, 40)}"`);
  const grant = store.findAccessToken(token);
  if (!grant || grant.clientID !== clientId)
    return sendOpenApiError(res, 96008, 'the access token is invalid or expired');
  const authorization = req.headers.authorization;
  // A header that is present is always checked; strictMac only decides whether it may be absent.
  if (config.strictMac || authorization !== undefined) {
    const check = verifyMac({
      authorization,
      accessToken: token,
      macKey: grant.macKey,
      method: 'GET',
      hostHeader: req.headers.host,
      path,
      query: query.toRecord(),
      nowMs: config.now(),
      claimNonce: (nonce, minutes) => store.claimNonce(token, nonce, minutes),
    });
    if (!check.ok) return sendOpenApiError(res, 96012, check.reason);
  }
  if (!route.scopes.some((scope) => grant.scopes.includes(scope))) {
    return sendOpenApiError(res, 96007, `the token was not granted scope ${route.scopes.join(' or ')}`);
  }
  const user = config.users.get(grant.userId);
  if (!user) return sendOpenApiError(res, 96008, 'the access token belongs to no user');
  send(
    res,
    200,
    'application/json; charset=utf-8',
    JSON.stringify({ result: 'ok', description: 'success', data: route.data(user, grant), code: 0 }),
  );
}
