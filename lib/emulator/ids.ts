import { createHmac, randomBytes } from 'node:crypto';

// Fixed key so IDs stay the same across emulator restarts (sessions of the example app survive).
const ID_KEY = 'passport-mi-account emulator identifiers';

/**
 * A random, URL-safe secret (codes, tokens, mac keys).
 *
 * @example
 * randomToken(32) // 'q3J0…' (43 characters)
 */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * The user's openId within one app: stable for a (client, user) pair, different across apps.
 *
 * @example
 * deriveOpenId('2882303761517383915', '1001') // '2.0Xq…'
 */
export function deriveOpenId(clientID: string, userId: string): string {
  const digest = createHmac('sha256', ID_KEY).update(`openId\n${clientID}\n${userId}`).digest('base64url');
  return `2.0${digest.slice(0, 24)}`;
}

/**
 * The user's unionId, the same in every app of the (single, emulated) developer.
 *
 * @example
 * deriveUnionId('1001') // 'uQk…'
 */
export function deriveUnionId(userId: string): string {
  return createHmac('sha256', ID_KEY).update(`unionId\n${userId}`).digest('base64url').slice(0, 28);
}

export { safeEqual } from '../util/safe-equal';
