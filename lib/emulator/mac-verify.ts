import { parseMacAuthorizationHeader, signMac } from '../mac';
import { safeEqual } from './ids';

/**
 * How far (in minutes) a nonce's timestamp may be from the emulator's clock.
 *
 * @example
 * Math.abs(nonceMinutes - nowMinutes) <= NONCE_WINDOW_MINUTES
 */
export const NONCE_WINDOW_MINUTES = 5;

const NONCE = /^(-?\d{1,19}):(\d{1,15})$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Everything needed to check the MAC of one Open API request.
 *
 * @example
 * verifyMac({ authorization, accessToken, macKey, method: 'GET', hostHeader: '127.0.0.1:4000', path: '/user/profile',
 *             query: { clientId, token }, nowMs: Date.now(), claimNonce: () => true });
 */
export interface MacRequest {
  readonly authorization: string | undefined;
  readonly accessToken: string;
  readonly macKey: string;
  readonly method: string;
  /** The Host header as received (the port is removed before signing). */
  readonly hostHeader: string | undefined;
  readonly path: string;
  /** All query parameters of the request. */
  readonly query: Readonly<Record<string, string>>;
  readonly nowMs: number;
  /** Records the nonce; returns false when it was already used with this token. */
  readonly claimNonce: (nonce: string, minutes: number) => boolean;
}

/**
 * `{ ok: true }`, or why the signature is refused (reported as 96012).
 *
 * @example
 * const check: MacCheck = verifyMac(request);
 * if (!check.ok) sendOpenApiError(res, 96012, check.reason);
 */
export type MacCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * The host name of a Host header, without the port, lower-cased (what the client signed).
 *
 * @example
 * hostWithoutPort('127.0.0.1:4000') // '127.0.0.1'
 * hostWithoutPort('[::1]:4000')     // '[::1]'
 */
export function hostWithoutPort(hostHeader: string | undefined): string {
  const host = (hostHeader ?? '').trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.split(':')[0] ?? '';
}

/**
 * Verifies `Authorization: MAC access_token="…", nonce="…",mac="…"` by protocol §6: the token matches,
 * the nonce is `<int64>:<minutes>` within ±5 minutes and unused, and the HMAC-SHA1 signature is right.
 *
 * @example
 * verifyMac({ authorization: req.headers.authorization, accessToken, macKey, method: 'GET', hostHeader: req.headers.host,
 *             path: '/user/profile', query, nowMs: Date.now(), claimNonce }) // { ok: true }
 */
export function verifyMac(request: MacRequest): MacCheck {
  const fields = parseMacAuthorizationHeader(request.authorization);
  if (!fields) return { ok: false, reason: 'the Authorization header is missing or is not a MAC header' };
  const { access_token: headerToken, nonce, mac } = fields;
  if (headerToken === undefined || nonce === undefined || mac === undefined) {
    return { ok: false, reason: 'the MAC header needs access_token, nonce and mac' };
  }
  if (!safeEqual(headerToken, request.accessToken))
    return { ok: false, reason: 'the MAC header names another access token' };
  const parts = NONCE.exec(nonce);
  const random = parts?.[1];
  const minutesText = parts?.[2];
  if (random === undefined || minutesText === undefined || BigInt(random) < INT64_MIN || BigInt(random) > INT64_MAX) {
    return { ok: false, reason: 'the nonce is not "<64-bit integer>:<minutes since the epoch>"' };
  }
  const minutes = Number(minutesText);
  const nowMinutes = Math.floor(request.nowMs / 60000);
  if (Math.abs(minutes - nowMinutes) > NONCE_WINDOW_MINUTES) {
    return { ok: false, reason: `the nonce time is more than ${NONCE_WINDOW_MINUTES} minutes from the server clock` };
  }
  const expected = signMac({
    macKey: request.macKey,
    nonce,
    method: request.method,
    host: hostWithoutPort(request.hostHeader),
    path: request.path,
    query: request.query,
  });
  if (!safeEqual(mac, expected)) return { ok: false, reason: 'the MAC signature does not verify' };
  // Claimed only after the signature verifies, so forged requests cannot burn a client's nonces.
  if (!request.claimNonce(nonce, minutes)) return { ok: false, reason: 'the nonce was already used (replay)' };
  return { ok: true };
}
