import type { AddressInfo } from 'node:net';
import * as http from 'node:http';
import type { Server } from 'node:http';
import express from 'express';
import { Passport } from 'passport';
import { MiAccountStrategy, type MiAccountStrategyOptions } from '../../lib';

type AppFactory = () => {
  set(setting: string, value: unknown): unknown;
  get: (path: string, handler: never) => unknown;
  listen(port: number, host: string, callback: () => void): Server;
};

const FORWARDED = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com' };

/** Starts an Express app with the given trust proxy setting; returns the redirect_uri a login sends to Mi. */
async function redirectUriSent(
  createApp: AppFactory,
  trustProxy: unknown,
  headers: Record<string, string>,
  strategyOptions: Partial<MiAccountStrategyOptions> = {},
): Promise<{ redirectUri: string | null; appOrigin: string }> {
  const strategy = new MiAccountStrategy(
    {
      clientID: '2882303761517383915',
      clientSecret: 'trust-proxy-secret',
      callbackURL: '/auth/mi/callback',
      authorizationURL: 'http://127.0.0.1:9/oauth2/authorize',
      state: false,
      ...strategyOptions,
    } as MiAccountStrategyOptions,
    (_a: string, _r: string, _p: Record<string, unknown>, profile: unknown, done: (e: null, u: object) => void) =>
      done(null, { profile }),
  );
  const app = createApp();
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy);
  const passport = new Passport();
  passport.use(strategy);
  app.get('/auth/mi', passport.authenticate('mi-account', { session: false }) as never);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const appOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // node:http, not fetch: fetch may not set the Host header.
    const location = await new Promise<string | undefined>((resolve, reject) => {
      http
        .get(`${appOrigin}/auth/mi`, { headers, agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.headers.location));
        })
        .on('error', reject);
    });
    return { redirectUri: location ? new URL(location).searchParams.get('redirect_uri') : null, appOrigin };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const FRAMEWORKS: Array<[string, AppFactory]> = [
  ['Express 5', express as unknown as AppFactory],
  ['Express 4', require('express4') as AppFactory],
];

describe.each(FRAMEWORKS)('relative callbackURL under %s trust proxy', (_name, createApp) => {
  // The test requests come from 127.0.0.1: that is the peer the trust setting is applied to.
  it.each([
    ['true', true],
    ['a hop count of 1', 1],
    ['a hop count of 2', 2],
    ["the address list 'loopback'", 'loopback'],
    ["the address list '10.0.0.1, 127.0.0.1'", '10.0.0.1, 127.0.0.1'],
    ["the subnet list ['127.0.0.0/8']", ['127.0.0.0/8']],
    ['a function trusting the peer', (address: string) => address === '127.0.0.1'],
  ])('uses X-Forwarded-Proto and X-Forwarded-Host when the app trusts %s', async (_label, setting) => {
    const { redirectUri } = await redirectUriSent(createApp, setting, FORWARDED);
    expect(redirectUri).toBe('https://app.example.com/auth/mi/callback');
  });

  it.each([
    ['no trust proxy setting', undefined],
    ['false', false],
    ['a hop count of 0', 0],
    ["an address list without the peer ('10.0.0.0/8')", '10.0.0.0/8'],
    ['a function refusing the peer', () => false],
  ])('ignores the forwarded headers with %s', async (_label, setting) => {
    const { redirectUri, appOrigin } = await redirectUriSent(createApp, setting, FORWARDED);
    expect(redirectUri).toBe(`${appOrigin}/auth/mi/callback`);
  });

  it('takes the first value of comma-separated forwarded headers (the outermost proxy), as req.protocol does', async () => {
    const { redirectUri } = await redirectUriSent(createApp, 'loopback', {
      'x-forwarded-proto': 'https, http',
      'x-forwarded-host': 'app.example.com:8443, internal:3000',
    });
    expect(redirectUri).toBe('https://app.example.com:8443/auth/mi/callback');
  });

  it('keeps the Host header when only X-Forwarded-Proto is sent', async () => {
    const { redirectUri } = await redirectUriSent(createApp, 1, {
      'x-forwarded-proto': 'https',
      host: 'public.example.com',
    });
    expect(redirectUri).toBe('https://public.example.com/auth/mi/callback');
  });

  it('ignores a forwarded protocol other than http or https', async () => {
    const { redirectUri } = await redirectUriSent(createApp, true, {
      'x-forwarded-proto': 'javascript',
      'x-forwarded-host': 'app.example.com',
    });
    expect(redirectUri).toBe('http://app.example.com/auth/mi/callback');
  });

  it('trusts the forwarded headers with the strategy option proxy: true even when the app does not', async () => {
    const { redirectUri } = await redirectUriSent(createApp, undefined, FORWARDED, { proxy: true });
    expect(redirectUri).toBe('https://app.example.com/auth/mi/callback');
  });

  it('ignores the forwarded headers with the strategy option proxy: false even when the app trusts them', async () => {
    const { redirectUri, appOrigin } = await redirectUriSent(createApp, true, FORWARDED, { proxy: false });
    expect(redirectUri).toBe(`${appOrigin}/auth/mi/callback`);
  });
});
