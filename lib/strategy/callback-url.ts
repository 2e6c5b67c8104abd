import type { RedirectUriMatcher } from '../protocol/redirect-uri';
import { requestOrigin, type OriginRequest } from './request-origin';

/** The parts of a request a callback URL is resolved against. */
export interface CallbackRequest extends OriginRequest {
  /** Path and query string. */
  url?: string | undefined;
  /** The URL before any router rewrote `url` (Express `req.originalUrl`). */
  originalUrl?: string | undefined;
}

/** True for a URL with a scheme (`https://app.example/cb`), false for a path (`/auth/mi/callback`). */
export function isAbsolute(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(url);
}

/**
 * The callback URL of this request: `callbackURL` itself when absolute (or unset), else resolved against the origin the
 * browser used, read under the app's `trust proxy` (or the strategy's `proxy`) as Express reads `req.protocol`.
 *
 * @example
 * resolveCallbackURL(req, '/auth/mi/callback', undefined) // 'https://app.example/auth/mi/callback'
 */
export function resolveCallbackURL(
  req: CallbackRequest,
  callbackURL: string | undefined,
  proxy: boolean | undefined,
): string | undefined {
  if (!callbackURL || isAbsolute(callbackURL)) return callbackURL;
  const path = req.originalUrl || req.url || '/';
  // An absolute-form request target (`GET http://other/auth/mi`) names no path of this origin: resolve from the root.
  const requested = `${requestOrigin(req, proxy)}${path.startsWith('/') ? path : '/'}`;
  return new URL(callbackURL, requested).toString();
}

/**
 * Throws a clear TypeError at construction when `callbackURL` could never be accepted by Mi Account: an absolute one
 * that matches no registered redirect URI, or a relative one that fits under no registered path on any origin.
 */
export function assertCallbackCanMatch(callbackURL: string, matcher: RedirectUriMatcher): void {
  if (isAbsolute(callbackURL)) {
    const result = matcher.match(callbackURL);
    if (!result.ok)
      throw new TypeError(`callbackURL "${callbackURL}" can never be accepted by Mi Account: ${result.reason}`);
    return;
  }
  // A relative callback takes its host from the request: it can match if it fits under some registered origin.
  const fits = matcher.registered.some((uri) => matcher.match(new URL(callbackURL, uri).toString()).ok);
  if (!fits) {
    throw new TypeError(
      `callbackURL "${callbackURL}" is under none of the registered redirect URI paths (${matcher.registered.join('; ')})`,
    );
  }
}
