import * as http from 'node:http';
import * as https from 'node:https';
import { MiAccountError, MiAccountRequestError, MiAccountResponseError, MiAccountStep, sanitizeCause } from './errors';

/** A Mi Account URL parsed once, so that each request only appends its query. */
export interface Endpoint {
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly host: string;
  readonly port: string;
  readonly pathname: string;
  /** The query already on the configured URL, without `?` (kept in front of the request's own). */
  readonly search: string;
}

/** Parses an absolute http(s) URL into an {@link Endpoint}; `undefined` when it is not one. */
export function parseEndpoint(value: string): Endpoint | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return {
    protocol: url.protocol,
    hostname: url.hostname,
    host: url.host,
    port: url.port,
    pathname: url.pathname,
    search: url.search.slice(1),
  };
}

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
}

export interface HttpResponse {
  status: number;
  contentType: string;
  text: string;
}

// Keep-alive agents of this library: logins reuse connections to Mi Account without touching the app's global agents.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 32, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 32, scheduling: 'lifo' }),
};

/** Sends one request with a deadline covering connect, headers and body, and a cap on the body size. */
export function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  const { step, timeoutMs, maxBytes } = request;
  const target = request.endpoint;
  const endpoint = target.pathname;
  const query = [target.search, request.query ? new URLSearchParams(request.query).toString() : '']
    .filter(Boolean)
    .join('&');
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, response?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(response as HttpResponse);
    };
    const protocol = target.protocol === 'https:' ? https : http;
    const agent = agents[target.protocol];
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    const options = {
      method: request.method,
      hostname: target.hostname.replace(/^\[|\]$/g, ''),
      port: target.port || undefined,
      path: query ? `${target.pathname}?${query}` : target.pathname,
      headers,
      agent,
    };
    const req = protocol.request(options, (res) => {
      const declared = Number(res.headers['content-length']);
      if (declared > maxBytes) {
        finish(tooLarge(step, endpoint, maxBytes));
        return res.destroy();
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
          contentType: res.headers['content-type'] ?? 'no content type',
          text: Buffer.concat(chunks, size).toString('utf8'),
        }),
      );
      res.on('error', (err) => finish(networkError(request, err)));
      res.on('close', () => {
        if (!res.complete)
          finish(networkError(request, new Error('the connection closed before the response was complete')));
      });
    });
    const timer = setTimeout(() => {
      finish(
        new MiAccountRequestError({
          step,
          endpoint,
          status: 504,
          hint: `timed out after ${timeoutMs} ms (Mi Account did not answer in time; raise the \`timeout\` option or retry)`,
        }),
      );
      req.destroy();
    }, timeoutMs);
    req.on('error', (err) => finish(err instanceof MiAccountError ? err : networkError(request, err)));
    req.end(request.body);
  });
}

function networkError(request: HttpRequest, err: unknown): MiAccountRequestError {
  const cause = sanitizeCause(err, request.secrets);
  const code = (cause as { code?: unknown }).code;
  return new MiAccountRequestError({
    step: request.step,
    endpoint: request.endpoint.pathname,
    hint: `could not reach ${request.endpoint.host}${typeof code === 'string' ? ` (${code})` : ''}: ${cause.message}; check the network or the endpoint URL options`,
    cause,
  });
}

function tooLarge(step: MiAccountStep, endpoint: string, maxBytes: number): MiAccountResponseError {
  return new MiAccountResponseError({
    step,
    endpoint,
    hint: `the response is larger than ${maxBytes} bytes (maxResponseBytes); Mi Account responses are small, so something else answered`,
  });
}
