import type { IncomingMessage, ServerResponse } from 'node:http';
import { SCOPE_IDS } from './scope-ids';
import { avatarFields } from './avatar';
import type { EmulatorConfig, UserRecord } from './config';
import { send, type Params } from './http';
import { deriveOpenId, deriveUnionId } from './ids';
import { verifyMac } from './mac-verify';
import type { AccessGrant, EmulatorStore } from './store';

interface OpenApiRoute {
  /** The route is allowed when any of these scopes was granted. */
  readonly scopes: readonly string[];
  readonly data: (user: UserRecord, grant: AccessGrant, origin: string) => Record<string, unknown>;
}

const ROUTES: Readonly<Record<string, OpenApiRoute>> = {
  '/user/profile': {
    scopes: [SCOPE_IDS.profile],
    data: (user, _grant, origin) => ({
      miliaoNick: user.nickname,
      ...(user.avatar ? avatarFields(publicAvatar(user, origin)) : {}),
      unionId: user.unionId ?? deriveUnionId(user.id),
      // Only apps enabled before 2018-06-01 see the raw account number.
      ...(user.legacyUserId !== undefined ? { userId: user.legacyUserId } : {}),
    }),
  },
  '/user/openidV2': {
    scopes: [SCOPE_IDS.openid],
    data: (user, grant) => ({ openId: deriveOpenId(grant.clientID, user.id) }),
  },
  '/user/phoneAndEmail': {
    scopes: [SCOPE_IDS.phone, SCOPE_IDS.email],
    data: (user, grant) => ({
      phone: grant.scopes.includes(SCOPE_IDS.phone) ? (user.phone ?? '') : '',
      email: grant.scopes.includes(SCOPE_IDS.email) ? (user.email ?? '') : '',
    }),
  },
  '/user/relation': {
    scopes: [SCOPE_IDS.relation],
    data: () => ({ friends: [] }),
  },
};

const AVATAR_PATH = '/avatar/';
const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+)(;base64)?,(.*)$/s;

// Mi answers avatar URLs on its https CDN, never `data:` URLs: a `data:` avatar is served by the emulator over http.
function publicAvatar(user: UserRecord, origin: string): string {
  if (!user.avatar || !DATA_URL.test(user.avatar)) return user.avatar ?? '';
  return `${origin}${AVATAR_PATH}${encodeURIComponent(String(user.id))}.img`;
}

// GET /avatar/<user id>[_<size>].img: the user's `data:` avatar as an image (every size is the same image).
function sendAvatar(res: ServerResponse, path: string, config: EmulatorConfig): void {
  const match = /^\/avatar\/([^/]+?)(?:_\w+)?\.img$/.exec(path);
  let id: string | undefined;
  try {
    id = match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
  } catch {
    id = undefined;
  }
  const avatar = id === undefined ? undefined : config.users.get(id)?.avatar;
  const data = avatar === undefined ? null : DATA_URL.exec(avatar);
  if (!data) return sendOpenApiError(res, 404, `no avatar at ${path.slice(0, 100)}`, 404);
  let body: Buffer;
  try {
    body = data[2] ? Buffer.from(data[3] ?? '', 'base64') : Buffer.from(decodeURIComponent(data[3] ?? ''), 'utf8');
  } catch {
    return sendOpenApiError(res, 404, `no avatar at ${path.slice(0, 100)}`, 404);
  }
  res.writeHead(200, {
    'content-type': data[1] ?? 'application/octet-stream',
    'content-length': String(body.length),
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

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
  if (path.startsWith(AVATAR_PATH) && req.method === 'GET') return sendAvatar(res, path, config);
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
    JSON.stringify({
      result: 'ok',
      description: 'success',
      data: route.data(user, grant, `http://${req.headers.host ?? '127.0.0.1'}`),
      code: 0,
    }),
  );
}
