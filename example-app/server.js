'use strict';

const crypto = require('node:crypto');
const http = require('node:http');
const { createApp } = require('./app');
const { debugEnabled, printLoginTimings } = require('./timings');
// In your app: require('passport-mi-account/emulator'). The example uses the local build.
const { startMiAccountEmulator, DEMO_CLIENT, DEMO_USERS } = require('../dist/emulator');

const DEFAULT_PORT = 3000;
const GENERATE_SECRET = `node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))"`;

/**
 * Starts the example app: on `port` (0 = any free port), against the embedded emulator when MI_CLIENT_ID
 * and MI_EMULATOR_URL are unset, against a running emulator with MI_EMULATOR_URL, or against the real Mi
 * Account with MI_CLIENT_ID. Prints a banner through `log`. Until the app is ready every request gets a 503
 * (Retry-After: 1). With NODE_ENV=production it refuses a weak SESSION_SECRET, and sessions in memory unless
 * REDIS_URL or ALLOW_MEMORY_SESSIONS=1 is set, before opening the port.
 *
 * @example
 * const example = await startExample({ port: 0, host: '127.0.0.1', env: { SESSION_SECRET: 'x' } });
 * await fetch(example.url);
 * await example.close();
 */
async function startExample({
  port = DEFAULT_PORT,
  host,
  env = process.env,
  log = console.log,
  warn = console.warn,
  emulatorOptions = {},
} = {}) {
  // Production (NODE_ENV=production): HTTPS behind a TLS-terminating proxy, a real session secret, shared sessions.
  // Checked before the port opens: a refused configuration never accepts a connection.
  const production = text(env.NODE_ENV) === 'production';
  if (production) assertProductionSettings(env);

  let app;
  // Every connection is answered from the first one: 503 until the app is ready, then the app.
  const server = http.createServer((req, res) => (app ? app(req, res) : answerStarting(res)));
  const cleanups = [() => closeServer(server)];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    // Listen first: the registered redirect URIs must carry the real port (also when port is 0).
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const actualPort = server.address().port;
    const url = `http://${displayHost(host)}:${actualPort}`;
    const callbackURL = text(env.MI_CALLBACK_URL) || '/auth/mi/callback';
    const redirectURIs = text(env.MI_REDIRECT_URIS) || defaultRedirectURIs(callbackURL, actualPort);

    const backend = await chooseBackend(env, redirectURIs, emulatorOptions);
    if (backend.emulator) cleanups.push(() => backend.emulator.close());

    let sessionStore;
    let refreshLock;
    let sessionsNote = production
      ? 'in memory (ALLOW_MEMORY_SESSIONS=1): this process only, lost on restart; set REDIS_URL to keep them in Redis'
      : 'in memory (set REDIS_URL to share logins between instances)';
    if (text(env.REDIS_URL)) {
      const { createRedisSessionStore } = require('./session-store');
      const redis = await createRedisSessionStore(text(env.REDIS_URL), { onError: warn });
      cleanups.push(() => redis.close());
      sessionStore = redis.store;
      refreshLock = redis.client;
      sessionsNote = 'Redis (REDIS_URL): instances with the same SESSION_SECRET share logins';
    }

    let sessionSecret = text(env.SESSION_SECRET);
    if (!sessionSecret) {
      sessionSecret = crypto.randomBytes(32).toString('base64url');
      warn(
        'Warning: SESSION_SECRET is not set, so a random one is used: sign-ins end when the app restarts' +
          (sessionStore ? ', and instances sharing Redis cannot read each other’s sessions.' : '.'),
      );
    }

    // DEBUG=passport-mi-account: the library logs every call to Mi Account; the example adds a timing line per login.
    if (debugEnabled(env)) cleanups.push(printLoginTimings(log));

    app = createApp({
      clientID: backend.clientID,
      clientSecret: backend.clientSecret,
      authorizationURL: backend.authorizationURL,
      tokenURL: backend.tokenURL,
      openApiURL: backend.openApiURL,
      callbackURL,
      registeredRedirectURIs: redirectURIs,
      sessionSecret,
      sessionStore,
      secureCookies: production
        ? !falseFlag(env.COOKIE_SECURE)
        : flag(env.COOKIE_SECURE) || /^https:/i.test(callbackURL),
      // Production runs behind a TLS-terminating proxy: one trusted hop unless TRUST_PROXY says otherwise.
      trustProxy: production && text(env.TRUST_PROXY) === undefined ? 1 : trustProxySetting(env.TRUST_PROXY),
      redis: refreshLock,
      production,
      backendLabel: backend.label,
      imageSources: backend.origin ? [backend.origin] : [],
      logger: { error: warn },
    });

    log('');
    log(`passport-mi-account example app: ${url}`);
    log(`  backend:       ${backend.description}`);
    log(`  redirect URIs: ${redirectURIs} (callback ${callbackURL})`);
    if (backend.demoUsers) {
      log(
        `  demo users:    ${DEMO_USERS.map((user) => `${user.nickname} (${user.id})`).join(', ')} — pick one on the consent page`,
      );
    }
    log(`  sessions:      ${sessionsNote}`);
    log(
      `  timings:       ${debugEnabled(env) ? 'printed per login, and every call to Mi Account logged (DEBUG)' : 'set DEBUG=passport-mi-account to print them'}`,
    );
    log('');
    return { url, port: actualPort, server, app, emulator: backend.emulator, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Which Mi Account the app talks to, from the environment. */
async function chooseBackend(env, redirectURIs, emulatorOptions) {
  const clientID = text(env.MI_CLIENT_ID);
  const emulatorURL = text(env.MI_EMULATOR_URL);
  if (emulatorURL) {
    const base = new URL(emulatorURL);
    if (base.protocol !== 'http:' && base.protocol !== 'https:')
      throw new TypeError(`MI_EMULATOR_URL must be an http(s) URL, got "${emulatorURL}"`);
    const origin = base.origin;
    return {
      clientID: clientID || DEMO_CLIENT.clientID,
      clientSecret: clientID ? required(env, 'MI_CLIENT_SECRET') : DEMO_CLIENT.clientSecret,
      authorizationURL: `${origin}/oauth2/authorize`,
      tokenURL: `${origin}/oauth2/token`,
      openApiURL: origin,
      origin,
      label: 'Mi Account emulator',
      description: `Mi Account emulator at ${origin} (MI_EMULATOR_URL)${clientID ? '' : ' with its demo client'}; its MI_REDIRECT_URIS must list this app`,
      demoUsers: !clientID,
    };
  }
  if (clientID) {
    return {
      clientID,
      clientSecret: required(env, 'MI_CLIENT_SECRET'),
      label: 'Mi Account',
      description: `the real Mi Account (account.xiaomi.com), App ID ${clientID}`,
      demoUsers: false,
    };
  }
  const emulator = await startMiAccountEmulator({
    port: Number(text(env.MI_EMULATOR_PORT) || 0),
    clients: [{ ...DEMO_CLIENT, redirectURIs }],
    users: DEMO_USERS,
    ...emulatorOptions,
  });
  return {
    clientID: DEMO_CLIENT.clientID,
    clientSecret: DEMO_CLIENT.clientSecret,
    authorizationURL: emulator.authorizationURL,
    tokenURL: emulator.tokenURL,
    openApiURL: emulator.openApiURL,
    origin: emulator.url,
    emulator,
    label: 'local emulator',
    description: `built-in Mi Account emulator at ${emulator.url} (MI_CLIENT_ID is not set; no real Xiaomi account is used)`,
    demoUsers: true,
  };
}

/** The callback's own origin when MI_CALLBACK_URL is absolute, else this app on localhost and 127.0.0.1. */
function defaultRedirectURIs(callbackURL, port) {
  if (/^https?:/i.test(callbackURL)) return new URL('/', callbackURL).toString();
  return `http://localhost:${port}/;http://127.0.0.1:${port}/`;
}

/** A host a browser can open: wildcard and IPv6 listen addresses become localhost. */
function displayHost(host) {
  return host && host !== '0.0.0.0' && !host.includes(':') ? host : 'localhost';
}

function text(value) {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function flag(value) {
  return /^(?:1|true|yes)$/i.test(text(value) || '');
}

/** TRUST_PROXY as Express's 'trust proxy': 1/true/yes = one hop, a number = hops, else addresses ('loopback'…). */
function trustProxySetting(value) {
  const setting = text(value);
  if (!setting || /^(?:0|false|no)$/i.test(setting)) return false;
  if (/^(?:true|yes)$/i.test(setting)) return 1;
  return /^\d+$/.test(setting) ? Number(setting) : setting;
}

function falseFlag(value) {
  return /^(?:0|false|no)$/i.test(text(value) || '');
}

/** Refuses to run in production on settings that are only fit for trying the app out; names every one to change. */
function assertProductionSettings(env) {
  const problems = [sessionSecretProblem(env.SESSION_SECRET), memorySessionsProblem(env)].filter(Boolean);
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

/** A missing or guessable SESSION_SECRET: it signs every session cookie. */
function sessionSecretProblem(value) {
  const secret = typeof value === 'string' ? value : '';
  const chars = Array.from(secret);
  let problem;
  if (secret.trim() === '') problem = 'it is not set';
  else if (chars.length < 32) problem = `it has ${chars.length} characters, fewer than 32`;
  else if (new Set(chars).size < 10 || repeatsAPattern(chars)) problem = 'it is too predictable';
  if (!problem) return undefined;
  return (
    `SESSION_SECRET must be a strong random value in production (NODE_ENV=production), and ${problem}. ` +
    `Generate one with: ${GENERATE_SECRET}, and give every instance the same one.`
  );
}

/** Sessions in process memory: every login started (even by a bot) holds memory for the cookie's 8 hours. */
function memorySessionsProblem(env) {
  if (text(env.REDIS_URL) || flag(env.ALLOW_MEMORY_SESSIONS)) return undefined;
  return (
    'REDIS_URL is not set, so sessions would be kept in this process’s memory (MemoryStore) in production ' +
    '(NODE_ENV=production): every login started holds about 0.5 KB for 8 hours, and other instances cannot see it. ' +
    'Set REDIS_URL (e.g. redis://127.0.0.1:6379) to keep sessions in Redis, ' +
    'or ALLOW_MEMORY_SESSIONS=1 to keep them in memory anyway (one small instance).'
  );
}

/** Before the app is ready: a plain 503 that says when to retry, on a connection that is then closed. */
function answerStarting(res) {
  res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1', connection: 'close' });
  res.end('Service Unavailable: starting, try again in a moment\n');
}

/** True when the value is one shorter piece repeated (`passwordpassword…`). */
function repeatsAPattern(chars) {
  for (let period = 1; period <= chars.length / 2; period += 1) {
    if (chars.every((char, i) => i < period || char === chars[i - period])) return true;
  }
  return false;
}

function required(env, name) {
  const value = text(env[name]);
  if (!value)
    throw new Error(`${name} is required when MI_CLIENT_ID is set (the App Secret from the Mi developer console)`);
  return value;
}

function closeServer(server) {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

async function main() {
  const portText = text(process.env.PORT) || String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) throw new TypeError(`PORT must be a port number, got "${portText}"`);
  const example = await startExample({ port, host: text(process.env.HOST) });
  const stop = () => {
    example.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`The example app could not start: ${err && err.message ? err.message : err}`);
    process.exit(1);
  });
}

module.exports = { startExample, main };
