/** The consumer projects of test/consumers: each a map of file name → content, written into a fresh directory. */

export type Files = Record<string, string>;

/**
 * What the framework consumers (NestJS, Fastify, Koa) install next to the packed package. The docs blocks importing
 * packages this repository does not install compile there too: test/docs/code-blocks.test.ts checks that each of
 * their packages is in this list.
 */
export const APPS_DEPENDENCIES: Readonly<Record<string, string>> = {
  '@nestjs/common': '^11.0.0',
  '@nestjs/core': '^11.0.0',
  '@nestjs/platform-express': '^11.0.0',
  '@nestjs/passport': '^11.0.0',
  'reflect-metadata': '^0.2.0',
  rxjs: '^7.8.0',
  passport: '^0.7.0',
  'express-session': '^1.18.0',
  '@types/express-session': '^1.18.0',
  fastify: '^5.0.0',
  '@fastify/passport': '^3.0.0 || ^4.0.0',
  '@fastify/session': '^11.0.0',
  '@fastify/cookie': '^11.0.0',
  koa: '^3.0.0',
  '@types/koa': '^3.0.0',
  '@koa/router': '^15.0.0',
  'koa-passport': '^6.0.0',
  '@types/koa-passport': '^6.0.0',
  'koa-session': '^7.0.0',
  '@types/node': '^20.19.0',
};

/** What every runnable consumer shares: a free port, the emulator from the package, and a cookie-keeping login. */
export const HARNESS = `'use strict';
const net = require('node:net');
const { startMiAccountEmulator } = require('passport-mi-account/emulator');

const CLIENT_ID = '2882303761517383915';
const CLIENT_SECRET = 'consumer-app-secret-Zq8x';

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function startEmulator(port) {
  return startMiAccountEmulator({
    clients: [{ clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectURIs: 'http://127.0.0.1:' + port + '/auth' }],
    users: [{ id: '1001', nickname: 'Alex Chen', unionId: 'union-1001' }],
    autoApprove: '1001',
  });
}

// Follows redirects across hosts like a browser, keeping cookies per host.
async function login(startUrl) {
  const jar = new Map();
  const hops = [];
  let url = startUrl;
  for (let i = 0; i < 10; i++) {
    hops.push(new URL(url).pathname);
    const host = new URL(url).host;
    const cookie = [...jar].filter(([k]) => k.startsWith(host + ' ')).map(([k, v]) => k.slice(host.length + 1) + '=' + v).join('; ');
    const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0];
      const eq = pair.indexOf('=');
      jar.set(host + ' ' + pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    if (res.status >= 300 && res.status < 400) {
      await res.arrayBuffer();
      url = new URL(res.headers.get('location'), url).toString();
      continue;
    }
    const text = await res.text();
    let body;
    try { body = JSON.parse(text); } catch { body = text; }
    return { status: res.status, body, hops };
  }
  throw new Error('too many redirects: ' + hops.join(' -> '));
}

function options(emulator) {
  return {
    clientID: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    callbackURL: '/auth/mi/callback',
    authorizationURL: emulator.authorizationURL,
    tokenURL: emulator.tokenURL,
    openApiURL: emulator.openApiURL,
    scope: ['profile', 'openid'],
  };
}

module.exports = { freePort, startEmulator, login, options };
`;

/**
 * Compiler options a docs block needs beyond test/docs/blocks.ts tsconfigOptions: NestJS's decorators, as in the
 * tsconfig.json of `nest new`.
 */
export function docsBlockOptions(block: { packages: readonly string[] }): Record<string, unknown> {
  return block.packages.some((name) => name.startsWith('@nestjs/'))
    ? { experimentalDecorators: true, emitDecoratorMetadata: true }
    : {};
}

/** Strict TypeScript under module node16 against Express's types: every verify form, per-login options. */
export const TYPES_SOURCE = `import express from 'express';
import passport from 'passport';
import {
  MiAccountStrategy,
  type MiAccountAuthenticateOptions,
  type MiAccountFailureInfo,
  type MiAccountVerifyWithProfile,
  type MiAccountVerifyWithRequestAndProfile,
} from 'passport-mi-account';
import { miAccountButton, localeFromAcceptLanguage } from 'passport-mi-account/button';
import { validateRedirectUri, type RedirectUriResult } from 'passport-mi-account/protocol';

const base = { clientID: '2882303761517383915', clientSecret: 'secret', callbackURL: '/auth/mi/callback' };

// The 5-argument form, written inline with no annotation: every parameter is typed.
passport.use(
  new MiAccountStrategy(base, (accessToken, refreshToken, params, profile, done) => {
    const macKey: string = params.mac_key;
    const expiresIn: number | string = params.expires_in;
    const openId: string | undefined = params.openId;
    done(null, { id: profile.id, name: profile.displayName, accessToken, refreshToken, macKey, expiresIn, openId });
  }),
);

// The 4-argument form: typed by its exported type (TypeScript cannot pick a verify form by arity).
const verify4: MiAccountVerifyWithProfile = (accessToken, refreshToken, profile, done) =>
  done(null, { id: profile.id, accessToken, refreshToken });
passport.use('mi-4', new MiAccountStrategy(base, verify4));

// passReqToCallback: the request first; the 6-argument form inline, the 5-argument form by its type.
passport.use(
  'mi-req',
  new MiAccountStrategy({ ...base, passReqToCallback: true }, (req, accessToken, refreshToken, params, profile, done) =>
    done(null, { id: profile.id, url: req.url, host: req.headers.host, mac: params.mac_key.length }),
  ),
);
const verifyReq5: MiAccountVerifyWithRequestAndProfile = (req, accessToken, refreshToken, profile, done) =>
  done(null, { id: profile.id, url: req.url });
passport.use('mi-req-4', new MiAccountStrategy({ ...base, passReqToCallback: true }, verifyReq5));

// A request annotated with the framework's own type is accepted too.
passport.use(
  'mi-req-express',
  new MiAccountStrategy(
    { ...base, passReqToCallback: true },
    (req: express.Request, accessToken, refreshToken, params, profile, done) =>
      done(null, { id: profile.id, path: req.path, mac: params.mac_key.length }),
  ),
);

const app = express();
app.use(passport.initialize());
app.get(
  '/auth/mi',
  passport.authenticate('mi-account', { scope: ['profile', 'openid'], skipConfirm: false, locale: 'auto', failureRedirect: '/login' }),
);
const perLogin: MiAccountAuthenticateOptions = { scope: 'profile', skipConfirm: true, locale: 'en_US', failureMessage: true };
app.get('/auth/mi/callback', passport.authenticate('mi-account', perLogin), (req, res) => {
  res.json(req.user ?? null);
});
// @ts-expect-error skipConfirm is a boolean: the per-login options are typed, not any.
passport.authenticate('mi-account', { skipConfirm: 'yes' });

// A custom callback: the info of a login the strategy refuses is typed (reason to branch on, Mi's code).
app.get('/auth/mi/custom', (req, res, next) =>
  passport.authenticate('mi-account', (err: unknown, user: Express.User | false, info?: MiAccountFailureInfo) => {
    if (err) return next(err);
    if (!user) return res.status(info?.reason === 'access_denied' ? 403 : 401).json({ reason: info?.reason, code: info?.code });
    res.json(user);
  })(req, res, next),
);

// The subpaths: the login button, and the protocol helpers.
app.get('/login', (req, res) => {
  res.send(miAccountButton({ href: '/auth/mi', locale: localeFromAcceptLanguage(req.headers['accept-language']) }));
});
const registered: RedirectUriResult = validateRedirectUri('https://app.example/auth/mi/callback', 'https://app.example/');

export { app, registered };
`;

/** tsconfig of a type-checking consumer: strict, module node16 (CJS or ESM decided by package.json "type"). */
export function typesTsconfig(): string {
  return JSON.stringify({
    compilerOptions: {
      strict: true,
      module: 'node16',
      moduleResolution: 'node16',
      target: 'ES2022',
      esModuleInterop: true,
      noEmit: true,
      skipLibCheck: false,
      types: ['node'],
    },
    files: ['index.ts'],
  });
}

/** NestJS 11 + @nestjs/passport: strategy class (params through callbackArity), guard, controller, module. */
export const NEST_MAIN = `import 'reflect-metadata';
import { Controller, Get, Injectable, Module, Req, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import session from 'express-session';
import { MiAccountStrategy, type MiAccountProfile, type MiAccountTokenParams } from 'passport-mi-account';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { freePort, startEmulator, login, options } = require('./harness.cjs');

async function main(): Promise<void> {
  const port: number = await freePort();
  const emulator = await startEmulator(port);

  // callbackArity true: passport-oauth2 sees validate's arity and passes the token response as params.
  @Injectable()
  class MiAccountAuthStrategy extends PassportStrategy(MiAccountStrategy, 'mi-account', true) {
    constructor() {
      super(options(emulator));
    }
    validate(accessToken: string, refreshToken: string, params: MiAccountTokenParams, profile: MiAccountProfile) {
      return { id: profile.id, name: profile.displayName, macKey: typeof params.mac_key, openId: params.openId };
    }
  }

  // The trap: the same validate without callbackArity would get the profile as params.
  class Trap extends PassportStrategy(MiAccountStrategy, 'mi-account-trap') {
    constructor() {
      super(options(emulator));
    }
    validate(accessToken: string, refreshToken: string, params: MiAccountTokenParams, profile: MiAccountProfile) {
      return { accessToken, refreshToken, params, profile };
    }
  }
  let trap = 'not refused';
  try {
    new Trap();
  } catch (err) {
    trap = (err as Error).message;
  }

  @Injectable()
  class MiAccountGuard extends AuthGuard('mi-account') {}

  @Controller('auth/mi')
  class AuthController {
    @Get()
    @UseGuards(MiAccountGuard)
    start(): void {}

    @Get('callback')
    @UseGuards(MiAccountGuard)
    callback(@Req() req: { user?: unknown }): { user: unknown } {
      return { user: req.user };
    }
  }

  @Module({
    imports: [PassportModule.register({ session: false })],
    controllers: [AuthController],
    providers: [MiAccountAuthStrategy],
  })
  class AppModule {}

  const app = await NestFactory.create(AppModule, { logger: false });
  app.use(session({ secret: 'nest-session-secret', resave: false, saveUninitialized: false }));
  await app.listen(port, '127.0.0.1');
  const result = await login('http://127.0.0.1:' + port + '/auth/mi');
  await app.close();
  await emulator.close();
  console.log('RESULT ' + JSON.stringify({ ...result, trap }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
`;

export const NEST_TSCONFIG = JSON.stringify({
  compilerOptions: {
    strict: true,
    module: 'commonjs',
    moduleResolution: 'node10',
    target: 'ES2022',
    esModuleInterop: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    skipLibCheck: true,
    outDir: 'dist',
    types: ['node'],
  },
  files: ['main.ts'],
});

/** Fastify 5 + @fastify/passport with @fastify/session. */
export const FASTIFY_MAIN = `'use strict';
const Fastify = require('fastify');
const { default: fastifyPassport } = require('@fastify/passport');
const { MiAccountStrategy } = require('passport-mi-account');
const { freePort, startEmulator, login, options } = require('./harness.cjs');

async function main() {
  const port = await freePort();
  const emulator = await startEmulator(port);
  const app = Fastify();
  await app.register(require('@fastify/cookie'));
  await app.register(require('@fastify/session'), {
    secret: 'a-fastify-session-secret-of-32-characters-or-more',
    cookie: { secure: false },
  });
  await app.register(fastifyPassport.initialize());
  await app.register(fastifyPassport.secureSession());
  fastifyPassport.use(
    'mi-account',
    new MiAccountStrategy(options(emulator), (accessToken, refreshToken, params, profile, done) =>
      done(null, { id: profile.id, name: profile.displayName, macKey: typeof params.mac_key, openId: params.openId }),
    ),
  );
  fastifyPassport.registerUserSerializer(async (user) => user);
  fastifyPassport.registerUserDeserializer(async (user) => user);
  app.get('/auth/mi', { preValidation: fastifyPassport.authenticate('mi-account') }, async () => 'redirecting');
  app.get(
    '/auth/mi/callback',
    { preValidation: fastifyPassport.authenticate('mi-account', { successRedirect: '/profile', failureRedirect: '/failed' }) },
    async () => 'logged in',
  );
  app.get('/profile', async (request) => ({ user: request.user ?? null }));
  await app.listen({ port, host: '127.0.0.1' });
  const result = await login('http://127.0.0.1:' + port + '/auth/mi');
  await app.close();
  await emulator.close();
  console.log('RESULT ' + JSON.stringify(result));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
`;

/** Koa 3 + koa-passport with koa-session. */
export const KOA_MAIN = `'use strict';
const Koa = require('koa');
const { createSession } = require('koa-session');
const passport = require('koa-passport');
const { MiAccountStrategy } = require('passport-mi-account');
const { miAccountButton } = require('passport-mi-account/button');
const { freePort, startEmulator, login, options } = require('./harness.cjs');

async function main() {
  const port = await freePort();
  const emulator = await startEmulator(port);
  passport.use(
    new MiAccountStrategy(options(emulator), (accessToken, refreshToken, params, profile, done) =>
      done(null, { id: profile.id, name: profile.displayName, macKey: typeof params.mac_key, openId: params.openId }),
    ),
  );
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user, done) => done(null, user));
  const app = new Koa();
  app.keys = ['koa-session-key'];
  app.use(createSession({}, app));
  app.use(passport.initialize());
  app.use(passport.session());
  app.use(async (ctx, next) => {
    if (ctx.path === '/auth/mi') return passport.authenticate('mi-account')(ctx, next);
    if (ctx.path === '/auth/mi/callback') {
      return passport.authenticate('mi-account', { successRedirect: '/profile', failureRedirect: '/failed' })(ctx, next);
    }
    if (ctx.path === '/profile') ctx.body = { user: ctx.state.user ?? null };
    if (ctx.path === '/login') ctx.body = miAccountButton({ href: '/auth/mi', locale: ctx.get('accept-language') });
  });
  const server = app.listen(port, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const page = await fetch('http://127.0.0.1:' + port + '/login', { headers: { 'accept-language': 'fr' } }).then((r) => r.text());
  const result = { ...(await login('http://127.0.0.1:' + port + '/auth/mi')), button: page.includes('href="/auth/mi"') && page.includes('lang="fr"') };
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await emulator.close();
  console.log('RESULT ' + JSON.stringify(result));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
`;
