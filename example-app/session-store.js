'use strict';

/**
 * A Redis session store (connect-redis + redis), so several instances of the app share logins.
 * connect-redis and redis are required here, lazily: without REDIS_URL they are never loaded.
 *
 * @param {string} url e.g. redis://127.0.0.1:6379
 * @param {{ prefix?: string, onError?: (message: string) => void }} [options] onError: lost-connection messages
 * @returns {Promise<{ store: import('express-session').Store, client: import('redis').RedisClientType, close: () => Promise<void> }>}
 *   client: the connection itself, also used for the refresh lock
 */
async function createRedisSessionStore(url, { prefix = 'mi-example:sess:', onError = () => undefined } = {}) {
  const { createClient } = require('redis');
  const { RedisStore } = require('connect-redis');
  let connected = false;
  const client = createClient({
    url,
    socket: {
      connectTimeout: 5000,
      // At start-up fail fast with a clear message; once connected, keep reconnecting with a capped backoff.
      reconnectStrategy: (retries, cause) =>
        connected ? Math.min(100 * 2 ** retries, 5000) : retries >= 2 ? cause : 200,
    },
  });
  client.on('ready', () => {
    connected = true;
  });
  // Without a listener, a lost Redis connection would crash the process; the client reconnects by itself.
  client.on('error', (err) => {
    if (connected) onError(`Redis session store: ${err.message} (reconnecting)`);
  });
  try {
    await client.connect();
  } catch (err) {
    client.destroy();
    throw new Error(`Could not connect to Redis at REDIS_URL (${redactUrl(url)}): ${err.message}`, { cause: err });
  }
  return {
    store: new RedisStore({ client, prefix }),
    client,
    close: async () => {
      if (client.isOpen) await client.close();
    },
  };
}

/** The URL without its password, for messages. */
function redactUrl(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a valid URL)';
  }
}

module.exports = { createRedisSessionStore };
