import { createHmac, randomBytes } from 'node:crypto';

/** Input of {@link signMac}: the key and the parts of the request that are signed. */
export interface SignMacInput {
  /** `mac_key` from the token response (the HMAC key). */
  macKey: string;
  /** `<random signed 64-bit integer>:<minutes since the epoch>`, see {@link createNonce}; use each once. */
  nonce: string;
  /** HTTP method; upper-cased before signing. */
  method: string;
  /** API host name without scheme and port, e.g. `open.account.xiaomi.com`. */
  host: string;
  /** Path starting with `/`, e.g. `/user/profile`. */
  path: string;
  /** Request parameters; sorted by name, empty values left out. */
  query: Readonly<Record<string, string | number | undefined | null>>;
}

/**
 * The canonical string of protocol §6: nonce, METHOD, host, path and the sorted raw query, each followed by `\n`.
 *
 * @example
 * canonicalMacString({ nonce: 'n:1', method: 'get', host: 'h', path: '/p', query: { b: '2', a: '1' } })
 * // 'n:1\nGET\nh\n/p\na=1&b=2\n'
 */
export function canonicalMacString(input: Omit<SignMacInput, 'macKey'>): string {
  const query = Object.keys(input.query)
    .filter((name) => {
      const value = input.query[name];
      return value !== undefined && value !== null && String(value) !== '';
    })
    .sort()
    .map((name) => `${name}=${String(input.query[name])}`)
    .join('&');
  return `${input.nonce}\n${input.method.toUpperCase()}\n${input.host}\n${input.path}\n${query}\n`;
}

/**
 * Base64 HMAC-SHA1 of the canonical string, keyed with the token's mac_key.
 *
 * @example
 * signMac({ macKey, nonce: createNonce(), method: 'GET', host: 'open.account.xiaomi.com',
 *           path: '/user/profile', query: { clientId, token } })
 */
export function signMac(input: SignMacInput): string {
  return createHmac('sha1', input.macKey).update(canonicalMacString(input), 'utf8').digest('base64');
}

/**
 * A fresh nonce: `<random signed 64-bit integer>:<whole minutes since the epoch>`.
 *
 * @example
 * createNonce() // '-3371263491826140226:29402120'
 */
export function createNonce(now: number = Date.now()): string {
  const random = random64();
  return `${random.toString()}:${Math.floor(now / 60000)}`;
}

// Random bytes are drawn in blocks: one CSPRNG call serves 128 nonces instead of one.
const POOL_BYTES = 8 * 128;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function random64(): bigint {
  if (poolOffset + 8 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const value = pool.readBigInt64BE(poolOffset);
  poolOffset += 8;
  return value;
}

/**
 * The `Authorization` header of a MAC-signed Open API call (values percent-encoded, as the official SDKs do).
 *
 * @example
 * macAuthorizationHeader(token, nonce, mac) // 'MAC access_token="…", nonce="…",mac="…"'
 */
export function macAuthorizationHeader(accessToken: string, nonce: string, mac: string): string {
  return `MAC access_token="${encodeURIComponent(accessToken)}", nonce="${encodeURIComponent(nonce)}",mac="${encodeURIComponent(mac)}"`;
}

/**
 * Reads the `key="value"` pairs of a `MAC …` Authorization header; values are percent-decoded. Undefined for
 * another scheme, malformed percent-encoding, or a parameter given twice (RFC 7235 §2.1: each name occurs once).
 */
export function parseMacAuthorizationHeader(header: string | undefined): Record<string, string> | undefined {
  if (typeof header !== 'string' || !/^MAC\s/i.test(header)) return undefined;
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const match of header.slice(4).matchAll(/([A-Za-z_]+)\s*=\s*"([^"]*)"/g)) {
    const name = match[1] as string;
    // Two readers of `access_token="a", access_token="b"` could disagree on which token was signed.
    if (name in fields) return undefined;
    try {
      fields[name] = decodeURIComponent(match[2] as string);
    } catch {
      return undefined;
    }
  }
  return fields;
}
