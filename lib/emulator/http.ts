import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Largest request body the emulator reads.
 *
 * @example
 * if (size > MAX_BODY_BYTES) reject(new BodyError('too large', 413));
 */
export const MAX_BODY_BYTES = 64 * 1024;
/** Longest parameter value accepted; longer ones are a malformed request. */
const MAX_PARAM_LENGTH = 4096;

/**
 * The request body could not be read within the limits; `status` is the HTTP status to answer.
 *
 * @example
 * if (err instanceof BodyError) sendError(res, path, ctx, err.status, 96002, err.message);
 */
export class BodyError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/**
 * Request parameters from one or more sources, with repeated and over-long values detected
 * (array parameters like `code=a&code=b` are never silently collapsed).
 *
 * @example
 * const params = new Params(new URLSearchParams('a=1&a=2&b=3'));
 * params.get('b')             // '3'
 * params.problem(['a', 'b'])  // 'parameter a is repeated'
 */
export class Params {
  private readonly values = new Map<string, string[]>();

  constructor(...sources: URLSearchParams[]) {
    for (const source of sources) {
      for (const [name, value] of source) {
        const list = this.values.get(name);
        if (list) list.push(value);
        else this.values.set(name, [value]);
      }
    }
  }

  /** The value of a parameter that occurs once; undefined when absent, repeated or too long. */
  get(name: string): string | undefined {
    const list = this.values.get(name);
    return list && list.length === 1 && (list[0] as string).length <= MAX_PARAM_LENGTH ? list[0] : undefined;
  }

  /** Describes the first of the given parameters that is repeated or too long; undefined when all are fine. */
  problem(names: readonly string[]): string | undefined {
    for (const name of names) {
      const list = this.values.get(name);
      if (!list) continue;
      if (list.length > 1) return `parameter ${name} is repeated`;
      if ((list[0] as string).length > MAX_PARAM_LENGTH)
        return `parameter ${name} is longer than ${MAX_PARAM_LENGTH} characters`;
    }
    return undefined;
  }

  /** Every parameter as name → value (first value of repeated ones). */
  toRecord(): Record<string, string> {
    const record: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [name, list] of this.values) record[name] = list[0] as string;
    return record;
  }
}

/**
 * Path and query of a request target, without resolving it against any host (so `//evil/x` stays a path).
 *
 * @example
 * splitTarget('/user/profile?token=a') // { path: '/user/profile', query: URLSearchParams { 'token' => 'a' } }
 */
export function splitTarget(target: string | undefined): { path: string; query: URLSearchParams } {
  let raw = target ?? '/';
  // Absolute-form targets (`GET http://host/path`) are legal HTTP; keep only their path and query.
  if (/^https?:\/\//i.test(raw)) {
    try {
      const url = new URL(raw);
      raw = url.pathname + url.search;
    } catch {
      raw = '/';
    }
  }
  const mark = raw.indexOf('?');
  return {
    path: mark === -1 ? raw : raw.slice(0, mark),
    query: new URLSearchParams(mark === -1 ? '' : raw.slice(mark + 1)),
  };
}

/**
 * Reads a request body of at most {@link MAX_BODY_BYTES}; rejects with a {@link BodyError} beyond that.
 *
 * @example
 * const text = await readBody(req); // '' for a GET
 */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > MAX_BODY_BYTES) {
      reject(new BodyError(`request body is larger than ${MAX_BODY_BYTES} bytes`, 413));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyError(`request body is larger than ${MAX_BODY_BYTES} bytes`, 413));
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    req.on('close', () => reject(new BodyError('request closed before its body ended', 400)));
  });
}

/**
 * Whether a Content-Type header names a form body.
 *
 * @example
 * isFormContentType('application/x-www-form-urlencoded; charset=utf-8') // true
 */
export function isFormContentType(header: string | undefined): boolean {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/**
 * Sends a complete response with Content-Length (keeps the connection reusable) and no caching.
 *
 * @example
 * send(res, 200, 'application/json; charset=utf-8', '{"ok":true}');
 */
export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const payload = Buffer.from(body, 'utf8');
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': String(payload.length),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(payload);
}

/**
 * A 302 redirect.
 *
 * @example
 * redirect(res, 'http://localhost:3000/cb?code=abc&state=xyz');
 */
export function redirect(res: ServerResponse, location: string): void {
  send(res, 302, 'text/plain; charset=utf-8', `Redirecting to ${location}`, { location });
}

export { escapeHtml } from '../util/escape-html';
