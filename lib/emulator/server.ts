import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleAuthorizeGet, handleAuthorizePost } from './authorize';
import { normalizeOptions, type EmulatorConfig } from './config';
import { errorPage, HTML_HEADERS } from './consent-page';
import { sendFavicon } from './favicon';
import { answerWithFault, assertFault } from './faults';
import { BodyError, isFormContentType, Params, readBody, send, splitTarget } from './http';
import { handleOpenApi, sendOpenApiError } from './open-api';
import { EmulatorStats } from './stats';
import { EmulatorStore } from './store';
import { handleToken, sendTokenError, TOKEN_PREFIX } from './token-endpoint';
import type { MiEmulator, MiEmulatorFault, MiEmulatorOptions } from './types';

const AUTHORIZE_PATH = '/oauth2/authorize';
const TOKEN_PATH = '/oauth2/token';

interface Context {
  readonly config: EmulatorConfig;
  readonly store: EmulatorStore;
  readonly faults: ReadonlyMap<string, MiEmulatorFault>;
  /** Aborted by close(): pending latency waits stop at once. */
  readonly closing: AbortSignal;
}

function noop(): void {
  // Errors of a single request or socket (client went away) must not crash the emulator.
}

/** Answers an error in the format of the endpoint the request was for (an authorization page in the query's `_locale`). */
function sendError(
  res: ServerResponse,
  path: string,
  ctx: Context,
  status: number,
  code: number,
  description: string,
  query?: URLSearchParams,
): void {
  if (path === TOKEN_PATH) sendTokenError(res, ctx.config, { code, description, status });
  else if (path === AUTHORIZE_PATH) {
    const page = errorPage(code, description, new Params(query ?? new URLSearchParams()).get('_locale'));
    send(res, status, 'text/html; charset=utf-8', page, HTML_HEADERS);
  } else sendOpenApiError(res, code, description, status);
}

function route(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
  body: string,
  ctx: Context,
): void {
  const method = req.method ?? 'GET';
  if (
    (path === AUTHORIZE_PATH || path === TOKEN_PATH) &&
    method === 'POST' &&
    body !== '' &&
    !isFormContentType(req.headers['content-type'])
  ) {
    sendError(res, path, ctx, 415, 96002, 'the body must be application/x-www-form-urlencoded', query);
    return;
  }
  if (path === AUTHORIZE_PATH) {
    if (method === 'GET') handleAuthorizeGet(new Params(query), res, ctx.config, ctx.store);
    else if (method === 'POST') handleAuthorizePost(new Params(new URLSearchParams(body)), res, ctx.config, ctx.store);
    else {
      res.setHeader('allow', 'GET, POST');
      sendError(res, path, ctx, 405, 96002, `method ${method.slice(0, 20)} is not allowed (use GET or POST)`, query);
    }
    return;
  }
  if (path === TOKEN_PATH) {
    handleToken(new Params(query, new URLSearchParams(body)), method, res, ctx.config, ctx.store);
    return;
  }
  if (sendFavicon(method, path, res)) return;
  handleOpenApi(req, res, path, new Params(query), ctx.config, ctx.store);
}

async function handle(req: IncomingMessage, res: ServerResponse, ctx: Context, stats: EmulatorStats): Promise<void> {
  req.on('error', noop);
  res.on('error', noop);
  const { path, query } = splitTarget(req.url);
  stats.countRequest(path);
  const fault = ctx.faults.get(path);
  try {
    const body = req.method === 'POST' ? await readBody(req) : '';
    if (ctx.config.latencyMs > 0) await sleep(ctx.config.latencyMs, undefined, { signal: ctx.closing });
    if (fault !== undefined && typeof fault === 'object')
      await sleep(fault.delayMs, undefined, { signal: ctx.closing });
    else if (fault !== undefined) {
      const prefix = path === TOKEN_PATH ? (ctx.config.standardTokenResponse ? '' : TOKEN_PREFIX) : undefined;
      answerWithFault(fault, res, prefix);
      return;
    }
    route(req, res, path, query, body, ctx);
  } catch (err) {
    if (ctx.closing.aborted || res.headersSent) {
      res.destroy();
      return;
    }
    // The rest of an unread body would be taken for the next request: end this connection after answering.
    res.setHeader('connection', 'close');
    if (err instanceof BodyError) sendError(res, path, ctx, err.status, 96002, err.message, query);
    else sendError(res, path, ctx, 500, 96002, 'the emulator failed to handle this request', query);
  }
}

function checkPort(port: number | undefined): number {
  if (port === undefined) return 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new TypeError('Mi Account emulator: port must be an integer from 0 to 65535');
  return port;
}

/**
 * Starts a local Mi Account (authorization page, token endpoint and Open API) on 127.0.0.1.
 * It follows the protocol: numeric error codes, the `&&&START&&&` prefix, single-use codes,
 * refresh rotation, MAC-signed Open API calls with nonce replay protection, and injectable faults.
 *
 * @example
 * const emulator = await startMiAccountEmulator({
 *   clients: [{ clientID: '2882303761517383915', clientSecret: 'secret', redirectURIs: 'http://localhost:3000/' }],
 *   users: [{ id: '1001', nickname: 'Alex' }],
 *   autoApprove: '1001',
 * });
 * // … point MiAccountStrategy at emulator.authorizationURL / tokenURL / openApiURL …
 * await emulator.close();
 */
export async function startMiAccountEmulator(options: MiEmulatorOptions): Promise<MiEmulator> {
  const config = normalizeOptions(options);
  const port = checkPort(options.port);
  const faults = new Map<string, MiEmulatorFault>();
  const setFault = (path: string, fault: MiEmulatorFault | null): void => {
    if (typeof path !== 'string' || !path.startsWith('/'))
      throw new TypeError('Mi Account emulator: a fault path must start with "/"');
    if (fault === null) {
      faults.delete(path);
      return;
    }
    assertFault(fault);
    faults.set(path, fault);
  };
  for (const [path, fault] of Object.entries(options.faults ?? {})) setFault(path, fault);

  const stats = new EmulatorStats();
  const closing = new AbortController();
  const ctx: Context = {
    config,
    store: new EmulatorStore(config.now, config.codeTtlMs, config.accessTokenTtlSeconds),
    faults,
    closing: closing.signal,
  };
  const server = createServer((req, res) => void handle(req, res, ctx, stats));
  server.on('connection', () => stats.countConnection());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', noop);

  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  const url = `http://127.0.0.1:${actualPort}`;
  let closed: Promise<void> | undefined;
  return {
    url,
    authorizationURL: url + AUTHORIZE_PATH,
    tokenURL: url + TOKEN_PATH,
    openApiURL: url,
    port: actualPort,
    stats,
    setFault,
    close(): Promise<void> {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        // Hanging and keep-alive connections would otherwise hold close() open.
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
