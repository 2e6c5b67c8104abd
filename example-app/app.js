'use strict';

const crypto = require('node:crypto');
const path = require('node:path');
const express = require('express');
const session = require('express-session');
const helmet = require('helmet');
const { Passport } = require('passport');
// In your app: require('passport-mi-account'). The example uses the local build.
const {
  MiAccountStrategy,
  MiAccountTokenStrategy,
  MiAccountError,
  MiScopes,
  miAccountButton,
  normalizeScopes,
} = require('../dist');
// In your app: require('passport-mi-account/button').
const { localeFromAcceptLanguage } = require('../dist/entries/button');
const views = require('./views');
const { createRefreshOnce } = require('./refresh-once');

const DEFAULT_SCOPE = ['profile', 'openid', 'phone', 'email'];
const SCOPE_NAMES = new Map(Object.entries(MiScopes).map(([name, id]) => [id, name]));
const UPSTREAM_STEPS = new Set(['authorization', 'token exchange', 'token refresh', 'open api']);
// The only pages that run scripts (the implicit-grant demo); every other page keeps script-src 'none'.
const SCRIPT_PAGES = new Set(['/spa', '/spa/callback']);
// In your app: import from 'passport-mi-account/browser' and let your bundler pick the "browser" build.
const BROWSER_BUNDLE = path.join(__dirname, '..', 'dist', 'browser.bundle.mjs');
const PUBLIC_DIR = path.join(__dirname, 'public');

/**
 * Builds the example Express app. Nothing listens yet: call `app.listen()` or hand it to `http.createServer`.
 *
 * @param {object} config
 * @param {string} config.clientID App ID
 * @param {string} config.clientSecret App Secret
 * @param {string} config.sessionSecret signs the session cookie
 * @param {string} [config.callbackURL] default '/auth/mi/callback' (relative: the host comes from the request)
 * @param {string | string[]} [config.registeredRedirectURIs] as registered on the Mi console
 * @param {string} [config.authorizationURL] @param {string} [config.tokenURL] @param {string} [config.openApiURL]
 * @param {Array<string>} [config.scope] default profile, openid, phone, email
 * @param {import('express-session').Store} [config.sessionStore] default: in memory (one process only)
 * @param {boolean} [config.secureCookies] session cookie only over HTTPS
 * @param {boolean | number | string} [config.trustProxy] Express's 'trust proxy' behind a reverse proxy (true = one hop,
 *   a hop count, or addresses/subnets such as 'loopback'); the strategy resolves the callback URL under it
 * @param {import('redis').RedisClientType} [config.redis] shared Redis: refreshes lock across instances
 * @param {boolean} [config.production] NODE_ENV=production: pages never show setup details; an unregistered Host gets 400
 * @param {string} [config.backendLabel] shown in the page header
 * @param {string[]} [config.imageSources] extra CSP img-src entries (the emulator's origin)
 * @param {{ error: (...args: unknown[]) => void }} [config.logger] default console
 */
function createApp(config) {
  const logger = config.logger || console;
  const callbackURL = config.callbackURL || '/auth/mi/callback';
  const trustProxy = config.trustProxy === true ? 1 : config.trustProxy || false;
  const secureCookies = Boolean(config.secureCookies);
  const production = Boolean(config.production);

  const passport = new Passport();
  const strategy = new MiAccountStrategy(
    {
      clientID: config.clientID,
      clientSecret: config.clientSecret,
      callbackURL,
      registeredRedirectURIs: config.registeredRedirectURIs,
      scope: config.scope || DEFAULT_SCOPE,
      locale: 'auto',
      authorizationURL: config.authorizationURL,
      tokenURL: config.tokenURL,
      openApiURL: config.openApiURL,
      // No `proxy` option: the strategy follows the app's 'trust proxy' setting, as req.protocol does.
    },
    (accessToken, refreshToken, params, profile, done) => {
      const expiresIn = Number(params.expires_in);
      done(null, {
        profile: sessionProfile(profile),
        accessToken,
        refreshToken,
        macKey: typeof params.mac_key === 'string' ? params.mac_key : '',
        expiresAt: Number.isFinite(expiresIn) ? Date.now() + expiresIn * 1000 : undefined,
      });
    },
  );
  passport.use(strategy);
  // The API side of the implicit grant: a browser sends the token it received, Mi Account vouches for it.
  passport.use(
    new MiAccountTokenStrategy(
      { clientID: config.clientID, openApiURL: config.openApiURL },
      (accessToken, profile, done) =>
        done(null, {
          id: profile.id,
          displayName: profile.displayName,
          openId: profile.openId,
          unionId: profile.unionId,
        }),
    ),
  );
  // A demo keeps the whole user record in the session; a real app stores an ID here and the tokens in its database.
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user, done) => done(null, user));

  const app = express();
  app.locals.strategy = strategy;
  if (trustProxy) app.set('trust proxy', trustProxy);
  // One refresh per refresh token across double clicks, tabs and (with Redis) instances.
  const refreshOnce = createRefreshOnce({
    refresh: (refreshToken, redirectURI) => strategy.client.refreshAccessToken(refreshToken, redirectURI),
    redis: config.redis,
  });

  // First of all: a Host (or trusted X-Forwarded-Host) that is not a plain host[:port] gets a plain 400.
  app.use((req, res, next) => {
    const forwarded = trustProxy ? req.get('x-forwarded-host') : undefined;
    if (isValidHost(req.get('host')) && (forwarded === undefined || isValidHost(forwarded))) return next();
    badRequest(res);
  });

  app.use((req, res, next) => {
    res.locals.cspNonce = crypto.randomBytes(16).toString('base64');
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          // Same-origin module files only (no inline code), and only on the implicit-grant pages.
          scriptSrc: [(req) => (SCRIPT_PAGES.has(routePath(req)) ? "'self'" : "'none'")],
          // The page CSS and the button's <style> block carry this request's nonce; no 'unsafe-inline'.
          styleSrc: [(req, res) => `'nonce-${res.locals.cspNonce}'`],
          imgSrc: ["'self'", 'data:', 'https:', ...(config.imageSources || [])],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          upgradeInsecureRequests: secureCookies ? [] : null,
        },
      },
      xFrameOptions: { action: 'deny' },
      strictTransportSecurity: secureCookies ? undefined : false,
    }),
  );
  // Before the session middleware: scripts never need a session.
  app.get('/static/mi-browser.mjs', (req, res, next) => {
    res.sendFile(BROWSER_BUNDLE, (err) => {
      // dist/ built without the bundle: the 404 page.
      if (err) next(err.code === 'ENOENT' ? undefined : err);
    });
  });
  app.use('/static', express.static(PUBLIC_DIR, { index: false }));
  app.use(
    session({
      name: 'mi-example.sid',
      secret: config.sessionSecret,
      store: config.sessionStore, // undefined → MemoryStore: fine for one process, lost on restart
      resave: false,
      saveUninitialized: false, // no cookie until something is stored (the OAuth state when a login starts)
      cookie: {
        httpOnly: true, // page scripts can never read the session cookie
        // 'lax', not 'strict': the return from Mi Account is a cross-site navigation, and with 'strict' the browser
        // would not send the cookie on it, so the OAuth state check would fail. 'lax' still blocks cross-site POSTs.
        sameSite: 'lax',
        secure: secureCookies, // only sent over HTTPS: on whenever the app is served over https (COOKIE_SECURE=1)
        maxAge: 8 * 60 * 60 * 1000, // an 8-hour sign-in
      },
    }),
  );
  app.use(passport.initialize());
  app.use(passport.session());
  app.use(express.urlencoded({ extended: false, limit: '4kb' }));

  const pageContext = (req, res) => ({
    nonce: res.locals.cspNonce,
    backendLabel: config.backendLabel,
    signedIn: Boolean(req.user),
    // Failure pages tell a visitor who is still signed in who they are signed in as.
    userName: req.user && req.user.profile ? req.user.profile.displayName : undefined,
  });
  const button = (req, res) =>
    miAccountButton({
      href: '/auth/mi',
      locale: localeFromAcceptLanguage(req.get('accept-language')),
      styleNonce: res.locals.cspNonce,
    });
  const requestedScopes = describeScopes(normalizeScopes(config.scope || DEFAULT_SCOPE));

  app.get('/', (req, res) => {
    res.send(
      views.homePage(pageContext(req, res), { buttonHtml: button(req, res), scopes: requestedScopes, user: req.user }),
    );
  });

  app.get('/login', (req, res) => {
    if (req.query.failed === undefined) return res.redirect('/');
    const failure = req.session.loginFailure;
    delete req.session.loginFailure;
    res.send(views.loginFailedPage(pageContext(req, res), { failure, buttonHtml: button(req, res) }));
  });

  app.get('/auth/mi', passport.authenticate('mi-account'));

  app.get('/auth/mi/callback', (req, res, next) => {
    passport.authenticate('mi-account', (err, user, info) => {
      if (err) return next(err);
      if (!user) {
        req.session.loginFailure = describeFailure(info);
        return res.redirect('/login?failed=1');
      }
      req.login(user, (loginErr) => (loginErr ? next(loginErr) : res.redirect('/profile')));
    })(req, res, next);
  });

  app.get('/profile', requireLogin, (req, res) => {
    const refreshResult = req.session.refreshResult;
    delete req.session.refreshResult;
    res.send(
      views.profilePage(pageContext(req, res), {
        user: req.user,
        scopes: describeScopes(req.user.profile.scopes),
        csrfToken: csrfToken(req),
        refreshResult,
      }),
    );
  });

  // The refresh-token demo: trade the refresh token for a new token set, then show that the old one is dead.
  app.post('/refresh', requireLogin, checkCsrf, async (req, res) => {
    const user = req.user;
    const redirectURI = absoluteCallbackURL(req, callbackURL);
    // A double click or a second tab sends the same refresh token: both get the one new token set.
    let fresh = await refreshOnce(user.refreshToken, redirectURI);
    let oldTokenError;
    try {
      // Only to prove the point: a real app never reuses a refresh token.
      fresh = await strategy.client.refreshAccessToken(user.refreshToken, redirectURI);
    } catch (err) {
      if (!(err instanceof MiAccountError)) throw err;
      oldTokenError = [err.code, err.errorName].filter((part) => part !== undefined).join(' ') || err.message;
    }
    req.session.passport.user = {
      ...user,
      accessToken: fresh.accessToken,
      refreshToken: fresh.refreshToken || user.refreshToken,
      macKey: fresh.macKey,
      expiresAt: fresh.expiresAt,
    };
    req.session.refreshResult = {
      newAccessToken: views.maskSecret(fresh.accessToken),
      expiresAt: fresh.expiresAt,
      oldRefreshToken: views.maskSecret(user.refreshToken),
      oldTokenRejected: oldTokenError !== undefined,
      oldTokenError,
    };
    res.redirect(303, '/profile');
  });

  app.post('/logout', (req, res, next) => {
    if (!req.user) return res.redirect(303, '/');
    checkCsrf(req, res, () =>
      req.logout((logoutErr) => {
        if (logoutErr) return next(logoutErr);
        req.session.destroy((destroyErr) => {
          if (destroyErr) return next(destroyErr);
          res.clearCookie('mi-example.sid', { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies });
          res.redirect(303, '/');
        });
      }),
    );
  });

  // Implicit grant: the browser gets the token itself (spa.mjs), then calls /api/me with it.
  app.get('/spa', (req, res) => {
    res.send(
      views.spaPage(pageContext(req, res), {
        clientID: config.clientID,
        authorizationURL: config.authorizationURL,
      }),
    );
  });

  app.get('/spa/callback', (req, res) => {
    res.send(views.spaCallbackPage(pageContext(req, res)));
  });

  app.post('/api/me', express.json({ limit: '8kb' }), (req, res, next) => {
    passport.authenticate('mi-account-token', { session: false }, (err, user, info, status) => {
      if (err) return next(err);
      if (!user) {
        const failure = describeFailure(info);
        return res.status(status || 401).json({
          // RFC 6750 names: 400 = no or malformed credentials, 401 = Mi Account rejected the token.
          error: status === 400 ? 'invalid_request' : 'invalid_token',
          message: failure.message || 'The Mi Account token was not accepted',
          code: failure.code,
          reason: failure.reason,
        });
      }
      res.json(user);
    })(req, res, next);
  });

  // API errors answer JSON (malformed JSON, a body too large, Mi Account unreachable), never an HTML page.
  app.use('/api', (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const view = describeError(err, production);
    logError(err, view);
    res.status(view.status).json({
      error: view.status >= 500 ? 'server_error' : 'invalid_request',
      // A MiAccountError message is safe to show (never a secret); anything else gets the generic summary.
      message: view.detail || view.summary,
      code: view.miCode,
    });
  });

  app.use((req, res) => {
    res.status(404).send(views.notFoundPage(pageContext(req, res), req.path));
  });

  // Express 5 sends rejected promises of async handlers here too.
  app.use((err, req, res, next) => {
    if (res.headersSent) return next(err);
    // In production a callback URL built from an unregistered Host is the client's fault: no details of the setup.
    if (production && err instanceof MiAccountError && err.step === 'redirect uri') return badRequest(res);
    const view = describeError(err, production);
    logError(err, view);
    res.status(view.status).send(views.errorPage(pageContext(req, res), view));
  });

  return app;

  /** Server-side failures only: a visitor's bad request (4xx) is answered, not logged. */
  function logError(err, view) {
    if (view.status < 500) return;
    if (err instanceof MiAccountError)
      logger.error(`[example-app] ${err.message}`); // safe: never holds a secret
    else logger.error('[example-app] unexpected error', err);
  }

  function requireLogin(req, res, next) {
    if (req.isAuthenticated()) return next();
    res.redirect(req.method === 'GET' ? 302 : 303, '/');
  }

  function checkCsrf(req, res, next) {
    const expected = req.session && req.session.csrfToken;
    const given = req.body && req.body._csrf;
    if (typeof expected === 'string' && typeof given === 'string' && safeEqual(expected, given)) return next();
    res.status(403).send(
      views.errorPage(pageContext(req, res), {
        status: 403,
        title: 'This form has expired',
        summary:
          'The form was not sent from this site, or your session changed since the page was loaded. Reload the page and try again.',
      }),
    );
  }
}

/** The path as Express routes it (case-insensitive, a trailing slash ignored), so the CSP matches the page served. */
function routePath(req) {
  return req.path.toLowerCase().replace(/(.)\/+$/, '$1');
}

/** What the session keeps of the profile: no _raw/_json, one avatar. */
function sessionProfile(profile) {
  const photos = profile.photos || [];
  const photo = (photos.find((p) => p.size === 120) || photos[0] || {}).value;
  return {
    id: profile.id,
    openId: profile.openId,
    unionId: profile.unionId,
    legacyUserId: profile.legacyUserId,
    displayName: profile.displayName,
    photo,
    emails: (profile.emails || []).map((e) => e.value),
    phoneNumbers: (profile.phoneNumbers || []).map((p) => p.value),
    scopes: profile.scopes,
    warnings: profile.warnings,
  };
}

function describeScopes(ids) {
  return (ids || []).map((id) => ({ id, name: SCOPE_NAMES.get(id) || `scope ${id}` }));
}

function describeFailure(info) {
  if (typeof info === 'string') return { message: info };
  if (info && typeof info === 'object')
    return {
      message: typeof info.message === 'string' ? info.message : undefined,
      code: info.code,
      reason: info.reason,
    };
  return {};
}

function csrfToken(req) {
  if (!req.session.csrfToken) req.session.csrfToken = crypto.randomBytes(24).toString('base64url');
  return req.session.csrfToken;
}

function safeEqual(a, b) {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}

/** The redirect URI the login used: token requests (refresh too) must send the same one. */
function absoluteCallbackURL(req, callbackURL) {
  // req.host: X-Forwarded-Host (with its port) behind a trusted proxy, as the strategy resolved it at login.
  return new URL(callbackURL, `${req.protocol}://${req.host}`).toString();
}

const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const IPV6_LITERAL = /^\[[0-9a-f:.]+\]$/i;

/**
 * A single `host[:port]`: a DNS name, IPv4 or [IPv6] literal, and a port from 1 to 65535, that a URL keeps as written
 * (the callback URL is built from it: `new URL` throws on `foo.1` and `999.1.1.1`, and turns `1.2.3` into 1.2.0.3).
 */
function isValidHost(value) {
  if (typeof value !== 'string' || value.length > 255) return false;
  const match = /^(.+?)(?::([1-9]\d{0,4}))?$/.exec(value);
  if (!match) return false;
  const [, name, port] = match;
  if (port !== undefined && Number(port) > 65535) return false;
  return (HOST_NAME.test(name) || IPV6_LITERAL.test(name)) && urlKeepsHost(name);
}

function urlKeepsHost(name) {
  try {
    return new URL(`http://${name}`).hostname === name.toLowerCase();
  } catch {
    return false;
  }
}

function badRequest(res) {
  res.status(400).type('text/plain').send('Bad Request: invalid Host header\n');
}

/**
 * Display-safe fields of an error: Mi code, name and hint for MiAccountError; never a stack. In production the
 * details of a setup error (registered redirect URIs, hints) stay in the server log.
 */
function describeError(err, production = false) {
  if (visitorCaused(err)) {
    return {
      status: err.status,
      title: 'Signing in with Mi Account failed',
      summary: 'The sign-in request was not valid or has expired. Go back to the home page and sign in again.',
      signedInSummary: 'The sign-in request was not valid or has expired, so it changed nothing.',
      miCode: err.code,
      miName: err.errorName,
      // A 4xx MiAccountError's message is meant for the visitor (http-errors `expose`), in production too.
      hint: err.hint,
      step: err.step,
      detail: err.message,
    };
  }
  if (err instanceof MiAccountError && production && !UPSTREAM_STEPS.has(err.step)) {
    return {
      status: 500,
      title: 'Signing in with Mi Account failed',
      summary: 'This app is not set up correctly for Mi Account. The details are in the server log.',
    };
  }
  if (err instanceof MiAccountError) {
    const upstream = UPSTREAM_STEPS.has(err.step);
    return {
      // 502: Mi Account (or the way to it) failed; 500: this app is misconfigured.
      status: upstream ? 502 : 500,
      title:
        err.step === 'token refresh' ? 'Refreshing the Mi Account token failed' : 'Signing in with Mi Account failed',
      summary: upstream
        ? 'Mi Account could not complete the request. Try again in a moment; if it keeps happening, the details below say why.'
        : 'This app is not set up correctly for Mi Account. The details below say what to change.',
      miCode: err.code,
      miName: err.errorName,
      hint: err.hint,
      step: err.step,
      detail: err.message,
    };
  }
  const status = Number.isInteger(err && err.status) && err.status >= 400 && err.status < 500 ? err.status : 500;
  if (status < 500) {
    return {
      status,
      title: 'That request could not be handled',
      summary: 'The request was malformed or too large. Go back and try again.',
    };
  }
  return {
    status,
    title: 'Something went wrong',
    summary: 'An unexpected error happened on our side. It has been logged; please try again.',
  };
}

/** A MiAccountError the visitor caused (a stale callback, a Host no URL can hold): status 4xx, nothing to log. */
function visitorCaused(err) {
  return err instanceof MiAccountError && Number.isInteger(err.status) && err.status >= 400 && err.status < 500;
}

module.exports = { createApp, DEFAULT_SCOPE };
