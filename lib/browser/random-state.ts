// The CSRF state of the implicit grant: random bytes from Web Crypto, base64url without padding.

// 32 random bytes = 256 bits, 43 base64url characters.
const STATE_BYTES = 32;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A fresh random state: 32 bytes from `crypto.getRandomValues`, base64url.
 *
 * @throws TypeError when `crypto.getRandomValues` is unavailable
 *
 * @example
 * randomState() // 'k3JqL0v9Xw2mB7pQe1RtYs6uNcA4fZdH…' (43 characters)
 */
export function randomState(): string {
  const webCrypto = globalThis.crypto;
  if (typeof webCrypto?.getRandomValues !== 'function') {
    throw new TypeError('buildImplicitAuthorizeUrl: crypto.getRandomValues is unavailable; pass your own random state');
  }
  return base64url(webCrypto.getRandomValues(new Uint8Array(STATE_BYTES)));
}

function base64url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] ?? 0;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    const chunk = (b0 << 16) | ((b1 ?? 0) << 8) | (b2 ?? 0);
    out += BASE64URL.charAt((chunk >> 18) & 63) + BASE64URL.charAt((chunk >> 12) & 63);
    if (b1 !== undefined) out += BASE64URL.charAt((chunk >> 6) & 63);
    if (b2 !== undefined) out += BASE64URL.charAt(chunk & 63);
  }
  return out;
}
