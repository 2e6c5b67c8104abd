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

/** The longest `Authorization: MAC …` header read: a real one is a few hundred characters; a longer one is refused unread. */
export const MAX_MAC_HEADER_LENGTH = 8192;

/** What {@link parseMacAuthorizationHeader} read: the parameters, or what is wrong (never quoting the header). */
export type MacAuthorization = { ok: true; fields: Record<string, string> } | { ok: false; problem: string };

/**
 * Reads the `name="value"` pairs of a `MAC …` Authorization header (values quoted or bare, percent-decoded) in one
 * left-to-right pass. Undefined for another scheme; `{ ok: false, problem }` for a header over
 * {@link MAX_MAC_HEADER_LENGTH}, an unclosed quote, text that is not a pair, malformed percent-encoding, or a
 * parameter given twice (RFC 7235 §2.1: each name occurs once). The problem names a position, never a value.
 *
 * @example
 * parseMacAuthorizationHeader('MAC access_token="t", nonce="1%3A2"') // { ok: true, fields: { access_token: 't', nonce: '1:2' } }
 */
export function parseMacAuthorizationHeader(header: string | undefined): MacAuthorization | undefined {
  if (typeof header !== 'string' || !/^MAC[ \t]/i.test(header)) return undefined;
  const malformed = (what: string): MacAuthorization => ({
    ok: false,
    problem: `the Authorization: MAC header ${what}`,
  });
  if (header.length > MAX_MAC_HEADER_LENGTH) return malformed(`is longer than ${MAX_MAC_HEADER_LENGTH} characters`);
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  let at = skip(header, 4, LIST_SPACE);
  while (at < header.length) {
    const nameEnd = skip(header, at, TOKEN);
    if (nameEnd === at) return malformed(`has an unexpected character at position ${at + 1} (expected name="value")`);
    const name = header.slice(at, nameEnd);
    at = skip(header, nameEnd, SPACE);
    if (header[at] !== '=') return malformed(`has a parameter without "=" at position ${at + 1}`);
    const valueStart = skip(header, at + 1, SPACE);
    let raw: string;
    if (header[valueStart] === '"') {
      // One indexOf per value: an unclosed quote costs a single scan, never one per later character.
      const close = header.indexOf('"', valueStart + 1);
      if (close === -1) return malformed(`has a quote opened at position ${valueStart + 1} and never closed`);
      raw = header.slice(valueStart + 1, close);
      at = close + 1;
    } else {
      at = skip(header, valueStart, BARE_VALUE);
      if (at === valueStart) return malformed(`has a parameter without a value at position ${valueStart + 1}`);
      raw = header.slice(valueStart, at);
    }
    at = skip(header, at, SPACE);
    if (at < header.length && header[at] !== ',') return malformed(`lacks a comma at position ${at + 1}`);
    // Two readers of `access_token="a", access_token="b"` could disagree on which token was signed.
    if (name in fields) return malformed(`gives the parameter at position ${nameEnd - name.length + 1} twice`);
    const value = percentDecode(raw);
    if (value === undefined)
      return malformed(`has malformed percent-encoding in the value at position ${valueStart + 1}`);
    fields[name] = value;
    at = skip(header, at, LIST_SPACE);
  }
  return { ok: true, fields };
}

// RFC 7230 token characters (parameter names), and those of a bare value (a token68 may end in `=` and hold `/`).
const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const BARE_VALUE = /[!#$%&'*+\-./:;<=>?@[\]^_`{|}~0-9A-Za-z]/;
const SPACE = /[ \t]/;
// Empty list elements are allowed (RFC 7230 §7): `MAC a="1", , b="2"`.
const LIST_SPACE = /[ \t,]/;

/** The first position at or after `at` whose character is not in `chars`. */
function skip(text: string, at: number, chars: RegExp): number {
  let end = at;
  while (end < text.length && chars.test(text[end] as string)) end += 1;
  return end;
}

function percentDecode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
