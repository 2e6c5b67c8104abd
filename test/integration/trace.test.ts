import * as diagnosticsChannel from 'node:diagnostics_channel';
import { format, inspect } from 'node:util';
import createDebug from 'debug';
import { attachDebugLog, MI_ACCOUNT_DEBUG_NAMESPACE } from '../../lib/observability/debug-log';
import {
  MI_ACCOUNT_LOGIN_CHANNEL,
  MI_ACCOUNT_REQUEST_CHANNEL,
  MiAccountLoginEvent,
  MiAccountRequestContext,
} from '../../lib/observability/trace';
import type { TokenSet } from '../../lib';
import { CLIENT_SECRET, Harness, login, loginAs, startHarness } from '../helpers/mi';

const ALL_SCOPES = ['profile', 'openid', 'phone', 'email'];
const TIMEOUT_MS = 300;

// Everything published or logged, as text: every event of every channel and every debug line.
const published: string[] = [];
const debugLines: string[] = [];
// Context objects of finished calls, and login milestones, for the behavioural assertions.
const calls: MiAccountRequestContext[] = [];
const milestones: MiAccountLoginEvent[] = [];
// Every secret that existed during the logins: client secrets, codes, states, tokens, mac_keys.
const secrets = new Set<string>([CLIENT_SECRET]);

const requestChannel = diagnosticsChannel.tracingChannel(MI_ACCOUNT_REQUEST_CHANNEL);
const loginChannel = diagnosticsChannel.channel(MI_ACCOUNT_LOGIN_CHANNEL);
const dump = (value: unknown) => `${JSON.stringify(value)}\n${inspect(value, { depth: 10, showHidden: true })}`;
const record = (phase: string) => (message: unknown) => {
  published.push(`${phase} ${dump(message)}`);
  const error = (message as MiAccountRequestContext).error;
  if (error instanceof Error) published.push(String(error), error.stack ?? '', inspect(error.cause, { depth: 5 }));
};
const handlers = {
  start: record('start'),
  end: record('end'),
  asyncStart: record('asyncStart'),
  asyncEnd: (message: unknown) => {
    record('asyncEnd')(message);
    // A snapshot: the same object is published on every event of the call.
    // Pre-connects (no HTTP request) have their own test in test/transport/preconnect.test.ts.
    if ((message as MiAccountRequestContext).step !== 'preconnect')
      calls.push({ ...(message as MiAccountRequestContext) });
  },
  error: record('error'),
};
const onLogin = (message: unknown) => {
  record('login')(message);
  milestones.push(message as MiAccountLoginEvent);
};
const originalLog = createDebug.log;
let detachDebugLog: () => void = () => undefined;

beforeAll(() => {
  requestChannel.start.subscribe(handlers.start);
  requestChannel.end.subscribe(handlers.end);
  requestChannel.asyncStart.subscribe(handlers.asyncStart);
  requestChannel.asyncEnd.subscribe(handlers.asyncEnd);
  requestChannel.error.subscribe(handlers.error);
  loginChannel.subscribe(onLogin);
  createDebug.enable(MI_ACCOUNT_DEBUG_NAMESPACE);
  createDebug.log = (...args: unknown[]) => debugLines.push(format(...args));
  detachDebugLog = attachDebugLog(requestChannel, loginChannel);
});

afterAll(() => {
  requestChannel.start.unsubscribe(handlers.start);
  requestChannel.end.unsubscribe(handlers.end);
  requestChannel.asyncStart.unsubscribe(handlers.asyncStart);
  requestChannel.asyncEnd.unsubscribe(handlers.asyncEnd);
  requestChannel.error.unsubscribe(handlers.error);
  loginChannel.unsubscribe(onLogin);
  detachDebugLog();
  createDebug.disable();
  createDebug.log = originalLog;
});

/** Records the code and state of every hop, and the tokens of every exchange, as secrets. */
function collectSecrets(h: Harness, hops: string[] = []): void {
  for (const hop of hops) {
    const params = new URL(hop).searchParams;
    for (const name of ['code', 'state']) {
      const value = params.get(name);
      if (value) secrets.add(value);
    }
  }
  for (const verified of h.app.verified) {
    secrets.add(verified.accessToken);
    if (verified.refreshToken) secrets.add(verified.refreshToken);
    secrets.add(String(verified.params.mac_key));
  }
}

/** Watches the token exchanges of a harness (calling through) so that tokens of failed logins are scanned too. */
function watchTokens(h: Harness): () => Promise<void> {
  const spy = jest.spyOn(h.app.strategy.client, 'exchangeCode');
  return async () => {
    for (const result of spy.mock.results) {
      const tokens = (await (result.value as Promise<TokenSet>).catch(() => undefined)) as TokenSet | undefined;
      if (!tokens) continue;
      secrets.add(tokens.accessToken);
      secrets.add(tokens.macKey);
      if (tokens.refreshToken) secrets.add(tokens.refreshToken);
    }
    spy.mockRestore();
  };
}

const eventsOf = (loginId: number) => milestones.filter((m) => m.loginId === loginId).map((m) => m.event);
const lastCallback = () => [...milestones].reverse().find((m) => m.event === 'callback')!;

describe('tracing channels and debug log during full logins over HTTP', () => {
  it('a successful login: redirect, callback, tokens, profile, success; every call with status and duration', async () => {
    const h = await startHarness({ scope: ALL_SCOPES });
    const tokensOf = watchTokens(h);
    try {
      calls.length = 0;
      milestones.length = 0;
      const { final, hops } = await login(h.app);
      expect(final.status).toBe(200);
      collectSecrets(h, hops);
      await tokensOf();

      const redirect = milestones.find((m) => m.event === 'redirect')!;
      expect(redirect).toMatchObject({ strategy: 'mi-account', scope: ['1', '3', '4', '6'] });
      expect(redirect.redirectURI).toBe(`${h.app.url}/auth/mi/callback`);
      const callback = lastCallback();
      expect(eventsOf(callback.loginId)).toEqual(['callback', 'tokens', 'profile', 'success']);
      const done = milestones.filter((m) => m.loginId === callback.loginId);
      expect(done.map((m) => m.elapsedMs)).toEqual([...done.map((m) => m.elapsedMs)].sort((a, b) => a - b));
      expect(done[1]).toMatchObject({ scope: ['1', '3', '4', '6'], expiresIn: expect.any(Number) });

      const host = new URL(h.emulator.url).host;
      expect(calls.map((c) => [c.step, c.method, c.host, c.endpoint, c.attempt, c.status, c.code]).sort()).toEqual(
        [
          ['open api', 'GET', host, '/user/phoneAndEmail', 1, 200, undefined],
          ['open api', 'GET', host, '/user/profile', 1, 200, undefined],
          ['token exchange', 'GET', host, '/oauth2/token', 1, 200, undefined],
        ].sort(),
      );
      for (const call of calls) {
        expect(call.durationMs).toBeGreaterThan(0);
        expect(call.error).toBeUndefined();
        // The tracing channel puts the traced function's value on the context: here nothing, never the token set.
        expect((call as { result?: unknown }).result).toBeUndefined();
      }
      const log = debugLines.join('\n');
      expect(log).toMatch(new RegExp(`token exchange GET ${host}/oauth2/token → 200 in \\d+\\.\\d ms`));
      expect(log).toMatch(new RegExp(`open api GET ${host}/user/profile → 200 in \\d+\\.\\d ms`));
      expect(log).toMatch(/login #\d+ redirect to Mi Account at \d+\.\d ms \(redirect_uri http:\/\/127\.0\.0\.1/);
      expect(log).toMatch(/login #\d+ tokens obtained at \d+\.\d ms \(scope 1 3 4 6, expires in \d+ s\)/);
      expect(log).toMatch(/login #\d+ profile loaded at \d+\.\d ms/);
      expect(log).toMatch(/login #\d+ login succeeded at \d+\.\d ms/);
    } finally {
      await h.close();
    }
  });

  it('a refusal on the consent page: callback, then failure with its reason; no call to Mi Account', async () => {
    const h = await startHarness({}, { autoApprove: undefined });
    try {
      calls.length = 0;
      milestones.length = 0;
      const final = await loginAs(h.app, '1001', 'deny');
      expect(final.status).toBe(403);
      const callback = lastCallback();
      expect(eventsOf(callback.loginId)).toEqual(['callback', 'failure']);
      const failure = milestones.find((m) => m.loginId === callback.loginId && m.event === 'failure')!;
      expect(failure.status).toBe(403);
      expect(failure.reason).toBeTruthy();
      expect(calls).toEqual([]);
      expect(debugLines.join('\n')).toMatch(/login #\d+ login failed at \d+\.\d ms \(status 403/);
    } finally {
      await h.close();
    }
  });

  it('a Mi Account error (App Secret refused, 96003): the call carries the code, the failure the code and step', async () => {
    const h = await startHarness({}, {}, { clientSecret: 'the-secret-the-emulator-expects' });
    secrets.add('the-secret-the-emulator-expects');
    try {
      calls.length = 0;
      milestones.length = 0;
      const { final, hops } = await login(h.app);
      expect(final.status).toBe(500);
      collectSecrets(h, hops);
      const [call] = calls;
      expect(calls).toHaveLength(1);
      expect(call).toMatchObject({ step: 'token exchange', endpoint: '/oauth2/token', attempt: 1, code: 96003 });
      expect(call!.status).toEqual(expect.any(Number));
      expect(call!.error).toMatchObject({ name: 'MiAccountError', code: 96003 });
      const callback = lastCallback();
      expect(eventsOf(callback.loginId)).toEqual(['callback', 'failure']);
      expect(milestones.find((m) => m.event === 'failure')).toMatchObject({
        code: 96003,
        step: 'token exchange',
        errorName: 'MiAccountError',
      });
      expect(debugLines.join('\n')).toMatch(/token exchange GET \S+\/oauth2\/token → \d+, code 96003 in \d+\.\d ms — /);
    } finally {
      await h.close();
    }
  });

  it('a timeout on /user/profile: the call ends without a status, in about the timeout, with the error', async () => {
    const h = await startHarness({ scope: ALL_SCOPES, timeout: TIMEOUT_MS });
    const tokensOf = watchTokens(h);
    try {
      calls.length = 0;
      milestones.length = 0;
      h.emulator.setFault('/user/profile', 'hang');
      const { final, hops } = await login(h.app);
      expect(final.status).toBe(500);
      collectSecrets(h, hops);
      await tokensOf();
      const profileCall = calls.find((c) => c.endpoint === '/user/profile')!;
      expect(profileCall.status).toBeUndefined();
      expect(profileCall.code).toBeUndefined();
      expect(profileCall.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
      expect(profileCall.error).toMatchObject({ name: 'MiAccountRequestError' });
      expect(String((profileCall.error as Error).message)).toContain(`timed out after ${TIMEOUT_MS} ms`);
      expect(eventsOf(lastCallback().loginId)).toEqual(['callback', 'tokens', 'failure']);
      expect(debugLines.join('\n')).toMatch(
        /open api GET \S+\/user\/profile → no response in \d+\.\d ms — .*timed out/,
      );
    } finally {
      await h.close();
    }
  });

  it('a timeout on the token exchange also ends in a failure milestone', async () => {
    const h = await startHarness({ timeout: TIMEOUT_MS });
    try {
      calls.length = 0;
      milestones.length = 0;
      h.emulator.setFault('/oauth2/token', 'hang');
      const { final, hops } = await login(h.app);
      expect(final.status).toBe(500);
      collectSecrets(h, hops);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ step: 'token exchange', endpoint: '/oauth2/token' });
      expect(calls[0]!.status).toBeUndefined();
      expect(eventsOf(lastCallback().loginId)).toEqual(['callback', 'failure']);
    } finally {
      await h.close();
    }
  });

  it('no event context and no log line holds a secret, raw or encoded', () => {
    // Non-vacuous: the logins above published events, logged lines and produced secrets.
    expect(published.length).toBeGreaterThan(40);
    expect(debugLines.length).toBeGreaterThan(15);
    expect(secrets.size).toBeGreaterThan(12);
    const text = `${published.join('\n')}\n${debugLines.join('\n')}`;
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(8);
      for (const [encoding, form] of encodings(secret)) {
        // The failure names the encoding only: the test output must not print the secret either.
        if (text.includes(form)) throw new Error(`a secret (${secret.length} characters) appears ${encoding}`);
      }
    }
  });
});

function encodings(secret: string): Map<string, string> {
  return new Map([
    ['raw', secret],
    ['URI-encoded', encodeURIComponent(secret)],
    ['form-encoded', new URLSearchParams([['', secret]]).toString().slice(1)],
    ['JSON-escaped', JSON.stringify(secret).slice(1, -1)],
    ['in base64', Buffer.from(secret).toString('base64').replace(/=+$/, '')],
    ['in base64url', Buffer.from(secret).toString('base64url')],
    ['in hex', Buffer.from(secret).toString('hex')],
  ]);
}
