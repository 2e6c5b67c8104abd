import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time string comparison; both sides are hashed first, so their lengths do not leak either.
 *
 * @example
 * safeEqual(given, client.secret) // true or false
 */
export function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right) && a === b;
}
