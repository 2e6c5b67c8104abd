import * as http from 'node:http';
import * as https from 'node:https';
import { chooseAgent, ChosenAgent, dropIdleSockets, openedBefore, poolOf } from './agents';
import { watchDeadline } from './deadlines';
import { socketHost, socketPort, type Endpoint } from './endpoint';
import { MiAccountError, MiAccountRequestError, MiAccountResponseError } from '../errors/errors';
import { MiAccountStep } from '../errors/reasons';
import { sanitizeCause } from '../errors/sanitize-cause';
import { ProxyConfigurationError, type EnvProxy } from './proxy-env';

export { parseEndpoint, type Endpoint } from './endpoint';

export interface HttpRequest {
  endpoint: Endpoint;
  /** Query parameters, URL-encoded here. */
  query?: Readonly<Record<string, string>>;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  step: MiAccountStep;
  timeoutMs: number;
  maxBytes: number;
  /** Strings to strip from any error text (secret, tokens). */
  secrets: ReadonlyArray<string | undefined>;
  /** The caller's agent (the `agent` option); without it, an environment proxy or the library's keep-alive agents. */
  agent?: http.Agent | undefined;
  /** Told as each attempt is sent: 1, then 2 for the one retry on a fresh connection (tracing publishes it). */
  onAttempt?: (attempt: 1 | 2) => void;
}

export interface HttpResponse {
  status: number;
  contentType: string;
  text: string;
}

// Errors of a connection that died under the request: on a reused socket, the server closed it while it sat idle.
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/**
 * Sends one request with a deadline covering connect, headers and body (both attempts), and a cap on the body size,
 * and settles with `read(response)` (the response itself by default; what `read` throws rejects the call).
 * A request that failed on a reused keep-alive socket before its response began is sent once more on a fresh
 * connection: the server never received it (it had closed that idle socket), so even a single-use code is safe.
 * Never retried: a failure on a fresh socket, or after a response began.
 */
export function httpRequest<T = HttpResponse>(
  request: HttpRequest,
  read: (response: HttpResponse) => T = (response) => response as T,
): Promise<T> {
  const { step, timeoutMs } = request;
  const target = request.endpoint;
  const endpoint = target.pathname;
  const own = request.query ? new URLSearchParams(request.query).toString() : '';
  const query = target.search && own ? `${target.search}&${own}` : target.search || own;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let current: http.ClientRequest | undefined;
    const finish = (err: Error | undefined, response?: HttpResponse) => {
      if (settled) return;
      settled = true;
      settleDeadline();
      if (err) return reject(err);
      // Read here, not in a `.then` of the caller: one promise and one microtask turn fewer per call.
      try {
        resolve(read(response as HttpResponse));
      } catch (readError) {
        reject(readError);
      }
    };
    const settleDeadline = watchDeadline(timeoutMs, () => {
      finish(
        new MiAccountRequestError({
          step,
          endpoint,
          status: 504,
          reason: 'timeout',
          hint: `timed out after ${timeoutMs} ms${through(chosen?.proxy)} (Mi Account did not answer in time; raise the \`timeout\` option or retry)`,
        }),
      );
      current?.destroy();
    });
    let chosen: ChosenAgent | undefined;
    try {
      chosen = chooseAgent(target, request.agent);
    } catch (err) {
      // A proxy variable it cannot use: the message names the variable, never its value (it may hold a password).
      return finish(
        new MiAccountRequestError({
          step,
          endpoint,
          reason: 'configuration',
          hint: err instanceof ProxyConfigurationError ? err.message : 'the proxy environment variables cannot be used',
          cause: sanitizeCause(err, request.secrets),
        }),
      );
    }
    const protocol = target.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    const path = query ? `${target.pathname}?${query}` : target.pathname;
    // Through a proxy, an http request names its host in absolute form; https ones go through a CONNECT tunnel.
    const forward = chosen.proxy !== undefined && target.protocol === 'http:';
    if (forward && chosen.proxy?.authorization) headers['proxy-authorization'] = chosen.proxy.authorization;
    const options: http.RequestOptions = {
      method: request.method,
      protocol: target.protocol,
      hostname: socketHost(target),
      port: socketPort(target),
      path: forward ? `http://${target.host}${path}` : path,
      headers,
      agent: chosen.agent,
    };
    const send = (attempt: 1 | 2) => {
      request.onAttempt?.(attempt);
      let responded = false;
      let req: http.ClientRequest;
      try {
        req = protocol.request(options, (res) => {
          responded = true;
          readResponse(request, res, finish);
        });
      } catch (err) {
        // An agent for the other protocol (an http.Agent for an https: URL…): Node refuses it before sending anything.
        return finish(
          new MiAccountRequestError({
            step,
            endpoint,
            reason: 'configuration',
            hint: `the agent option cannot send ${target.protocol.slice(0, -1)} requests: give an ${target.protocol === 'https:' ? 'https.Agent' : 'http.Agent'} (or a proxy agent) matching the Mi Account URLs`,
            cause: sanitizeCause(err, request.secrets),
          }),
        );
      }
      current = req;
      req.on('error', (err) => {
        // A late error of the first attempt's request must not start another retry.
        if (settled || req !== current) return;
        const code = (err as { code?: unknown }).code;
        // Looked at only here, on the rare error: the socket is still the request's and still in its agent's pool.
        const socket = req.socket;
        if (
          attempt === 1 &&
          !responded &&
          typeof code === 'string' &&
          STALE_SOCKET_CODES.has(code) &&
          socket &&
          openedBefore(chosen.agent, socket, req)
        ) {
          // A connection opened before this request (reused, or opened ahead) died idle: its idle peers are suspect.
          const pool = poolOf(chosen.agent, socket, target);
          if (pool !== undefined) dropIdleSockets(chosen.agent, pool);
          return send(2);
        }
        finish(err instanceof MiAccountError ? err : networkError(request, err, chosen.proxy));
      });
      req.end(request.body);
    };
    send(1);
  });
}

/** Reads the body under the size cap and settles the call with it. */
function readResponse(
  request: HttpRequest,
  res: http.IncomingMessage,
  finish: (err: Error | undefined, response?: HttpResponse) => void,
): void {
  const { step, maxBytes } = request;
  const endpoint = request.endpoint.pathname;
  const declared = Number(rawHeader(res.rawHeaders, 'content-length'));
  if (declared > maxBytes) {
    finish(tooLarge(step, endpoint, maxBytes));
    res.destroy();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) {
      finish(tooLarge(step, endpoint, maxBytes));
      res.destroy();
    } else {
      chunks.push(chunk);
    }
  });
  res.on('end', () =>
    finish(undefined, {
      status: res.statusCode ?? 0,
      contentType: rawHeader(res.rawHeaders, 'content-type') ?? 'no content type',
      text: Buffer.concat(chunks, size).toString('utf8'),
    }),
  );
  // A connection closed (reset or in good order) before the body is complete destroys the response with an error.
  res.on('error', (err) => finish(cutOff(request, err)));
}

/** The first value of header `name` (lower case): a scan of the raw list, cheaper than building `res.headers`. */
function rawHeader(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length === name.length && key.toLowerCase() === name) return raw[i + 1];
  }
  return undefined;
}

function networkError(request: HttpRequest, err: unknown, proxy?: EnvProxy): MiAccountRequestError {
  return connectionError(
    request,
    err,
    (cause, code) =>
      `could not reach ${request.endpoint.host}${through(proxy)}${code}: ${cause.message}; check the network or the endpoint URL options`,
  );
}

function cutOff(request: HttpRequest, err: unknown): MiAccountRequestError {
  return connectionError(
    request,
    err,
    (_cause, code) =>
      `the connection to ${request.endpoint.host} closed before the response was complete${code}; retry, or check the network and any proxy between the app and Mi Account`,
  );
}

/** A failed connection as a MiAccountRequestError: `hint` gets the secret-free cause and its code as " (CODE)" or "". */
function connectionError(
  request: HttpRequest,
  err: unknown,
  hint: (cause: Error, code: string) => string,
): MiAccountRequestError {
  const cause = sanitizeCause(err, request.secrets);
  const code = (cause as { code?: unknown }).code;
  return new MiAccountRequestError({
    step: request.step,
    endpoint: request.endpoint.pathname,
    hint: hint(cause, typeof code === 'string' ? ` (${code})` : ''),
    cause,
  });
}

/** Names the environment proxy a call went through (host and port, never its credentials), or nothing. */
function through(proxy: EnvProxy | undefined): string {
  return proxy ? ` through the proxy ${proxy.label} (from ${proxy.variable}; NO_PROXY excludes hosts)` : '';
}

function tooLarge(step: MiAccountStep, endpoint: string, maxBytes: number): MiAccountResponseError {
  return new MiAccountResponseError({
    step,
    endpoint,
    reason: 'response_too_large',
    hint: `the response is larger than ${maxBytes} bytes (maxResponseBytes); Mi Account responses are small, so something else answered`,
  });
}
