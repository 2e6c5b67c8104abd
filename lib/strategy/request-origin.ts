import type { IncomingHttpHeaders } from 'node:http';
import { MiAccountError } from '../errors/errors';
import { oneLine } from '../protocol/one-line';

/** Longest Host or X-Forwarded-Host read: a 253-character DNS name and a port. */
const MAX_HOST_LENGTH = 253 + ':65535'.length;
// A DNS name, an IPv4 address or a bracketed IPv6 literal, then an optional port: no userinfo, path, query or space.
const HOST_SHAPE = /^(?:[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** Express's compiled `trust proxy` setting: is the peer at `address`, `hop` hops away, a trusted proxy? */
type TrustProxyFn = (address: string | undefined, hop: number) => boolean;

/** The parts of an Express request (4 or 5) the origin is read from; a bare Node request works too. */
export interface OriginRequest {
  headers: IncomingHttpHeaders;
  socket?: unknown;
  app?: { get?(setting: string): unknown } | undefined;
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
 * and the `Host` header. Throws a {@link MiAccountError} (reason `invalid_argument`, status 400) when that host is not
 * a usable `host[:port]` (`foo.1`, `999.1.1.1`, `a b`, `x:99999`, `user@host`, `1.2.3` that URL rewrites, longer than a
 * DNS name and a port): the request's fault, not the app's.
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
  const forwardedHost = trusted ? firstValue(req, 'x-forwarded-host') : undefined;
  const host = forwardedHost || firstValue(req, 'host') || 'localhost';
  const origin = `${protocol}://${host}`;
  if (!isUsableOrigin(host, origin)) throw unusableHost(forwardedHost ? 'X-Forwarded-Host' : 'Host', host);
  return origin;
}

// The shape check refuses what URL would read as something else (`a@b` is user a at host b); URL refuses the rest.
function isUsableOrigin(host: string, origin: string): boolean {
  if (host.length > MAX_HOST_LENGTH || !HOST_SHAPE.test(host)) return false;
  let hostname: string;
  try {
    hostname = new URL(origin).hostname;
  } catch {
    return false; // `foo.1` and `999.1.1.1` (not IPv4, yet numeric last label), a port above 65535, `[::1`
  }
  // URL rewrites `1.2.3` to 1.2.0.3 and `0x7f.1` to 127.0.0.1: a callback there is not where the browser is. An IPv6
  // literal may only be shortened, which names the same address.
  return host.startsWith('[') || hostname === host.replace(/:\d+$/, '').toLowerCase();
}

function unusableHost(header: string, host: string): MiAccountError {
  // A 4xx message may be shown to the visitor (expose): the value is quoted only in characters safe in HTML and logs.
  const shown = oneLine(host.replace(/[^\w.:[\]-]/g, '?'), 60);
  return new MiAccountError({
    step: 'redirect uri',
    reason: 'invalid_argument',
    status: 400, // the browser (or the proxy in front of the app) sent it: a bad request, not a server fault
    hint: `the request's ${header} header "${shown}" is not a host name or address with an optional port, so the relative callbackURL cannot be resolved against it`,
  });
}

/** The first comma-separated value of a header (the one the outermost proxy set), trimmed. */
function firstValue(req: OriginRequest, name: string): string | undefined {
  const raw = req.headers?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value?.split(',', 1)[0]?.trim() || undefined;
}
