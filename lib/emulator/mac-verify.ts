import { createHmac } from 'node:crypto';
import { safeEqual } from './ids';

// Written from protocol §6 on its own, not with lib/mac.ts: the library signs, the emulator checks, and each
// catches the other's mistakes (the documented test vector pins both).

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
const SIGNED_FIELDS = ['access_token', 'nonce', 'mac'] as const;

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
 * The parts of a request that protocol §6 signs.
 *
 * @example
 * const input: MacInput = { macKey, nonce: '1:23282360', method: 'GET', host: '127.0.0.1', path: '/user/profile', query };
 */
export interface MacInput {
  readonly macKey: string;
  readonly nonce: string;
  readonly method: string;
  /** Host name without scheme and port. */
  readonly host: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
}

/**
 * The MAC the emulator expects: Base64(HMAC-SHA1(mac_key, nonce \n METHOD \n host \n path \n sorted-raw-query \n)).
 *
 * @example
 * expectedMac({ macKey: 'ORhx44qK6Alqf8vt2rGB5f-oPq0', nonce: '2870867952176701445:23282360', method: 'GET',
 *               host: 'open.account.xiamomi.com', path: '/user/profile', query }) // '9uvros2WcjMaJ3pH25eQZU9p5pA='
 */
export function expectedMac(input: MacInput): string {
  const pairs: string[] = [];
  for (const name of Object.keys(input.query).sort()) {
    const value = input.query[name];
    // Empty values are left out of the signed string; values are signed as sent, not percent-encoded.
    if (value !== undefined && value !== '') pairs.push(`${name}=${value}`);
  }
  const signed = [input.nonce, input.method.toUpperCase(), input.host, input.path, pairs.join('&')].join('\n') + '\n';
  return createHmac('sha1', input.macKey).update(signed, 'utf8').digest('base64');
}

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
 * The `key="value"` pairs of a `MAC …` header, values as sent (not decoded). Undefined for another scheme or a
 * name given twice (two readers could disagree on which one was signed).
 *
 * @example
 * readMacHeader('MAC access_token="t", nonce="1:2",mac="m"') // { access_token: 't', nonce: '1:2', mac: 'm' }
 */
export function readMacHeader(header: string | undefined): Record<string, string> | undefined {
  if (typeof header !== 'string' || !/^mac\s/i.test(header)) return undefined;
  const fields = new Map<string, string>();
  for (const match of header.slice(4).matchAll(/([A-Za-z_]+)\s*=\s*"([^"]*)"/g)) {
    const name = match[1] ?? '';
    if (fields.has(name)) return undefined;
    fields.set(name, match[2] ?? '');
  }
  return Object.fromEntries(fields);
}

/**
 * The readings of one header value: as sent, and percent-decoded when that differs (the SDKs disagree on
 * which values they encode, so each one may come either way).
 *
 * @example
 * readings('2870867952176701445%3A23282360') // ['2870867952176701445%3A23282360', '2870867952176701445:23282360']
 */
export function readings(value: string): string[] {
  try {
    const decoded = decodeURIComponent(value);
    return decoded === value ? [value] : [value, decoded];
  } catch {
    return [value];
  }
}

/**
 * Verifies `Authorization: MAC access_token="…", nonce="…",mac="…"` by protocol §6: the token matches, the nonce is
 * `<int64>:<minutes>` within ±5 minutes and unused, and the HMAC-SHA1 signature is right. Each of the three values
 * is accepted raw or percent-encoded.
 *
 * @example
 * verifyMac({ authorization: req.headers.authorization, accessToken, macKey, method: 'GET', hostHeader: req.headers.host,
 *             path: '/user/profile', query, nowMs: Date.now(), claimNonce }) // { ok: true }
 */
export function verifyMac(request: MacRequest): MacCheck {
  const fields = readMacHeader(request.authorization);
  if (!fields) return { ok: false, reason: 'the Authorization header is missing or is not a MAC header' };
  if (SIGNED_FIELDS.some((name) => fields[name] === undefined)) {
    return { ok: false, reason: 'the MAC header needs access_token, nonce and mac' };
  }
  const { access_token: headerToken = '', nonce: sentNonce = '', mac = '' } = fields;
  if (!readings(headerToken).some((token) => safeEqual(token, request.accessToken)))
    return { ok: false, reason: 'the MAC header names another access token' };
  const nonce = readings(sentNonce).find((candidate) => isInt64Nonce(candidate));
  if (nonce === undefined)
    return { ok: false, reason: 'the nonce is not "<64-bit integer>:<minutes since the epoch>"' };
  const minutes = Number(nonce.slice(nonce.indexOf(':') + 1));
  const nowMinutes = Math.floor(request.nowMs / 60000);
  if (Math.abs(minutes - nowMinutes) > NONCE_WINDOW_MINUTES) {
    return { ok: false, reason: `the nonce time is more than ${NONCE_WINDOW_MINUTES} minutes from the server clock` };
  }
  const expected = expectedMac({
    macKey: request.macKey,
    nonce,
    method: request.method,
    host: hostWithoutPort(request.hostHeader),
    path: request.path,
    query: request.query,
  });
  if (!readings(mac).some((candidate) => safeEqual(candidate, expected)))
    return { ok: false, reason: 'the MAC signature does not verify' };
  // Claimed (decoded) only after the signature verifies, so forged requests cannot burn a client's nonces.
  if (!request.claimNonce(nonce, minutes)) return { ok: false, reason: 'the nonce was already used (replay)' };
  return { ok: true };
}

function isInt64Nonce(nonce: string): boolean {
  const random = NONCE.exec(nonce)?.[1];
  return random !== undefined && BigInt(random) >= INT64_MIN && BigInt(random) <= INT64_MAX;
}
