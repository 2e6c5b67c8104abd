'use strict';

const crypto = require('node:crypto');

const RESULT_TTL_MS = 30_000;
const LOCK_TTL_MS = 15_000;
const POLL_MS = 50;
// Deletes the lock only while it is still ours: after a slow refresh it may have expired and been taken by another.
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

/**
 * Refreshes each refresh token at most once, however many requests ask for it: Mi refresh tokens are single-use.
 *
 * - In one process, requests that ask at the same time share one refresh, and its result is kept for 30 s: a double
 *   click whose second request read the session before the first saved it gets the same new tokens, not 96009.
 * - With `redis` (several instances behind a load balancer), a Redis lock (SET NX PX) lets one instance refresh;
 *   the others wait for the result it stores under the same key. Keys hold a SHA-256 of the token, never the token.
 *
 * @param {object} options
 * @param {(refreshToken: string, redirectURI: string) => Promise<object>} options.refresh the real refresh call
 * @param {import('redis').RedisClientType} [options.redis] a connected node-redis client, shared by the instances
 * @param {string} [options.prefix] Redis key prefix
 * @returns {(refreshToken: string, redirectURI: string) => Promise<object>}
 */
function createRefreshOnce({ refresh, redis, prefix = 'mi-example:refresh:' }) {
  const recent = new Map(); // token hash → { promise, expires }
  const owner = crypto.randomBytes(12).toString('base64url');

  return function refreshOnce(refreshToken, redirectURI) {
    const key = crypto.createHash('sha256').update(refreshToken).digest('base64url');
    const now = Date.now();
    for (const [oldKey, entry] of recent) if (entry.expires <= now) recent.delete(oldKey);
    const known = recent.get(key);
    if (known) return known.promise;
    const promise = redis ? refreshWithLock(key, refreshToken, redirectURI) : refresh(refreshToken, redirectURI);
    const entry = { promise, expires: Infinity };
    recent.set(key, entry);
    promise.then(
      () => (entry.expires = Date.now() + RESULT_TTL_MS),
      () => recent.delete(key), // a failed refresh is not remembered: the next click tries again
    );
    return promise;
  };

  async function refreshWithLock(key, refreshToken, redirectURI) {
    const resultKey = `${prefix}result:${key}`;
    const lockKey = `${prefix}lock:${key}`;
    const deadline = Date.now() + LOCK_TTL_MS;
    for (;;) {
      const stored = await redis.get(resultKey);
      if (stored) return JSON.parse(stored);
      if (await redis.set(lockKey, owner, { NX: true, PX: LOCK_TTL_MS })) {
        try {
          const fresh = await refresh(refreshToken, redirectURI);
          // What the session needs; kept briefly, like the sessions themselves, in the app's own Redis.
          const result = {
            accessToken: fresh.accessToken,
            refreshToken: fresh.refreshToken,
            macKey: fresh.macKey,
            expiresAt: fresh.expiresAt,
          };
          await redis.set(resultKey, JSON.stringify(result), { PX: RESULT_TTL_MS });
          return result;
        } finally {
          await redis.eval(RELEASE_SCRIPT, { keys: [lockKey], arguments: [owner] });
        }
      }
      if (Date.now() > deadline) throw new Error('Another instance is refreshing these tokens and did not finish');
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

module.exports = { createRefreshOnce };
