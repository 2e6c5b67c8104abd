import type { IncomingHttpHeaders } from 'node:http';

/** Express's compiled `trust proxy` setting: is the peer at `address`, `hop` hops away, a trusted proxy? */
type TrustProxyFn = (address: string | undefined, hop: number) => boolean;

/** The parts of an Express request (4 or 5) the origin is read from; a bare Node request works too. */
export interface OriginRequest {
  headers: IncomingHttpHeaders;
  socket?: unknown;
  app?: { get?(setting: string): unknown };
}

/**
 * Whether the forwarded headers of this request may be believed: the strategy's `proxy` option when set (an
 * explicit override either way), else the app's `trust proxy` setting applied to the direct peer, exactly as
 * Express's `req.protocol` and `req.host` decide (true, hop counts, address lists, functions). No app: never.
 */
export function trustsForwardedHeaders(req: OriginRequest, proxy: boolean | undefined): boolean {
  if (proxy !== undefined) return proxy;
  // Express compiles `app.set('trust proxy', …)` into this function (Express 4 and 5 alike).
  const trust = req.app?.get?.('trust proxy fn');
  const peer = (req.socket as { remoteAddress?: string } | undefined)?.remoteAddress;
  return typeof trust === 'function' && Boolean((trust as TrustProxyFn)(peer, 0));
}

/**
 * The origin the browser used (`https://app.example.com`), as Express resolves `req.protocol` and `req.host`:
 * with trust, the first value of `X-Forwarded-Proto` and `X-Forwarded-Host`; without, the socket's TLS state
 * and the `Host` header.
 *
 * @example
 * // behind nginx, app.set('trust proxy', 'loopback')
 * requestOrigin(req, undefined) // 'https://app.example.com'
 */
export function requestOrigin(req: OriginRequest, proxy: boolean | undefined): string {
  const trusted = trustsForwardedHeaders(req, proxy);
  const encrypted = Boolean((req.socket as { encrypted?: boolean } | undefined)?.encrypted);
  const forwarded = trusted ? firstValue(req, 'x-forwarded-proto')?.toLowerCase() : undefined;
  // Only http or https can become a redirect URI; any other forwarded value is ignored.
  const protocol = forwarded === 'https' || forwarded === 'http' ? forwarded : encrypted ? 'https' : 'http';
  const host = (trusted && firstValue(req, 'x-forwarded-host')) || firstValue(req, 'host') || 'localhost';
  return `${protocol}://${host}`;
}

/** The first comma-separated value of a header (the one the outermost proxy set), trimmed. */
function firstValue(req: OriginRequest, name: string): string | undefined {
  const raw = req.headers?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value?.split(',', 1)[0]?.trim() || undefined;
}
