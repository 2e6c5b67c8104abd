import * as diagnosticsChannel from 'node:diagnostics_channel';
import createDebug from 'debug';
import {
  attachDebugLog,
  formatLogin,
  formatRequest,
  MI_ACCOUNT_DEBUG_NAMESPACE,
} from '../../lib/observability/debug-log';
import { MiAccountError, MiAccountRequestError } from '../../lib/errors/errors';
import { observeLogin } from '../../lib/strategy/login-trace';
import {
  MI_ACCOUNT_LOGIN_CHANNEL,
  MI_ACCOUNT_REQUEST_CHANNEL,
  MiAccountLoginEvent,
  MiAccountRequestContext,
  traceRequest,
} from '../../lib/observability/trace';

const CALL = { step: 'token exchange', method: 'GET', host: 'mi.test:8080', endpoint: '/oauth2/token' } as const;

/** The events of one traced call, in order, as `<event>` names. */
function recordEvents(name: string): { events: string[]; stop(): void } {
  const events: string[] = [];
  const names = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'];
  const handlers = names.map((event) => {
    const handler = () => events.push(event);
    diagnosticsChannel.subscribe(`tracing:${name}:${event}`, handler);
    return [event, handler] as const;
  });
  return {
    events,
    stop: () =>
      handlers.forEach(([event, handler]) => diagnosticsChannel.unsubscribe(`tracing:${name}:${event}`, handler)),
  };
}

describe('traceRequest', () => {
  const tracer = diagnosticsChannel.tracingChannel(MI_ACCOUNT_REQUEST_CHANNEL);

  it('builds no context when nobody listens: run gets undefined', async () => {
    let seen: unknown = 'not called';
    await traceRequest(CALL, async (context) => {
      seen = context;
    });
    expect(seen).toBeUndefined();
  });

  it('publishes start, end, asyncStart, asyncEnd for a call, and error before asyncStart for a failed one', async () => {
    const recorder = recordEvents(MI_ACCOUNT_REQUEST_CHANNEL);
    try {
      await expect(traceRequest(CALL, async () => 'value')).resolves.toBe('value');
      expect(recorder.events).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
      recorder.events.length = 0;
      const failure = new Error('boom');
      await expect(traceRequest(CALL, () => Promise.reject(failure))).rejects.toBe(failure);
      expect(recorder.events).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    } finally {
      recorder.stop();
    }
  });

  it('fills status, duration and attempt before asyncEnd; the value reaches the caller, not the context', async () => {
    const ends: MiAccountRequestContext[] = [];
    const onEnd = (message: unknown) => ends.push({ ...(message as MiAccountRequestContext) });
    tracer.asyncEnd.subscribe(onEnd);
    try {
      const value = await traceRequest(CALL, async (context) => {
        context!.status = 200;
        return { accessToken: 'secret-token-value' };
      });
      expect(value).toEqual({ accessToken: 'secret-token-value' });
      expect(ends).toHaveLength(1);
      expect(ends[0]).toMatchObject({ ...CALL, attempt: 1, status: 200 });
      expect(ends[0]!.durationMs).toBeGreaterThanOrEqual(0);
      expect(JSON.stringify(ends[0])).not.toContain('secret-token-value');
    } finally {
      tracer.asyncEnd.unsubscribe(onEnd);
    }
  });

  it('takes Mi Account’s code and status from a failing read, before the error event', async () => {
    const errors: MiAccountRequestContext[] = [];
    const onError = (message: unknown) => errors.push({ ...(message as MiAccountRequestContext) });
    tracer.error.subscribe(onError);
    try {
      const failure = new MiAccountError({ step: 'token exchange', code: 96013, responseStatus: 200 });
      await expect(traceRequest(CALL, () => Promise.reject(failure))).rejects.toBe(failure);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code: 96013, status: 200, error: failure });
      expect(errors[0]!.durationMs).toBeGreaterThanOrEqual(0);
    } finally {
      tracer.error.unsubscribe(onError);
    }
  });
});

describe('observeLogin', () => {
  const actions = () => ({
    name: 'mi-account',
    redirect: jest.fn(),
    fail: jest.fn(),
    error: jest.fn(),
    success: jest.fn(),
  });

  it('leaves passport’s actions untouched when nobody listens', () => {
    const target = actions();
    const { fail, success } = target;
    observeLogin(target, { query: { code: 'abc' } });
    expect(target.fail).toBe(fail);
    expect(target.success).toBe(success);
  });

  it('publishes callback and one failure per fail(), also when the same object is observed twice', () => {
    const events: MiAccountLoginEvent[] = [];
    const onLogin = (message: unknown) => events.push(message as MiAccountLoginEvent);
    diagnosticsChannel.subscribe(MI_ACCOUNT_LOGIN_CHANNEL, onLogin);
    try {
      const target = actions();
      const fail = target.fail;
      const req = { query: { code: 'the-code' } };
      observeLogin(target, req);
      observeLogin(target, req);
      target.fail({ message: 'Unable to verify authorization request state.' }, 403);
      expect(fail).toHaveBeenCalledTimes(1);
      expect(fail).toHaveBeenCalledWith({ message: 'Unable to verify authorization request state.' }, 403);
      expect(events.map((e) => e.event)).toEqual(['callback', 'callback', 'failure']);
      expect(events[2]).toMatchObject({ reason: 'Unable to verify authorization request state.', status: 403 });
      expect(new Set(events.map((e) => e.loginId)).size).toBe(1);
    } finally {
      diagnosticsChannel.unsubscribe(MI_ACCOUNT_LOGIN_CHANNEL, onLogin);
    }
  });

  it('names an error that is not the library’s without quoting its message (it is the app’s text)', () => {
    const events: MiAccountLoginEvent[] = [];
    const onLogin = (message: unknown) => events.push(message as MiAccountLoginEvent);
    diagnosticsChannel.subscribe(MI_ACCOUNT_LOGIN_CHANNEL, onLogin);
    try {
      const target = actions();
      observeLogin(target, { query: {} });
      target.error(new TypeError('db said: token=abc123 is invalid'));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ event: 'failure', errorName: 'TypeError' });
      expect(JSON.stringify(events[0])).not.toContain('abc123');
    } finally {
      diagnosticsChannel.unsubscribe(MI_ACCOUNT_LOGIN_CHANNEL, onLogin);
    }
  });
});

describe('debug log', () => {
  it('subscribes to nothing when DEBUG does not enable passport-mi-account', () => {
    const tracer = diagnosticsChannel.tracingChannel(MI_ACCOUNT_REQUEST_CHANNEL);
    const logins = diagnosticsChannel.channel(MI_ACCOUNT_LOGIN_CHANNEL);
    const detach = attachDebugLog(tracer, logins, createDebug(`${MI_ACCOUNT_DEBUG_NAMESPACE}-disabled-for-test`));
    expect(tracer.asyncEnd.hasSubscribers).toBe(false);
    expect(logins.hasSubscribers).toBe(false);
    detach();
  });

  it('formats a call with its outcome and timing, and a failed call with the error message', () => {
    expect(formatRequest({ ...CALL, attempt: 1, status: 200, durationMs: 12.345 })).toBe(
      'token exchange GET mi.test:8080/oauth2/token → 200 in 12.3 ms',
    );
    const error = new MiAccountRequestError({ step: 'open api', hint: 'timed out after 300 ms' });
    expect(
      formatRequest({ ...CALL, step: 'open api', endpoint: '/user/profile', attempt: 2, durationMs: 300.04, error }),
    ).toBe(`open api GET mi.test:8080/user/profile (attempt 2) → no response in 300.0 ms — ${error.message}`);
    expect(formatRequest({ ...CALL, attempt: 1, durationMs: 1, error: new TypeError('x=secret') })).toBe(
      'token exchange GET mi.test:8080/oauth2/token → no response in 1.0 ms — TypeError',
    );
  });

  it('formats a milestone with its timing and details', () => {
    expect(
      formatLogin({
        event: 'tokens',
        strategy: 'mi-account',
        loginId: 7,
        elapsedMs: 8.04,
        scope: ['1', '3'],
        expiresIn: 60,
      }),
    ).toBe('login #7 tokens obtained at 8.0 ms (scope 1 3, expires in 60 s) [mi-account]');
    expect(
      formatLogin({ event: 'failure', strategy: 'mi', loginId: 8, elapsedMs: 1, status: 403, reason: 'cancelled' }),
    ).toBe('login #8 login failed at 1.0 ms (status 403, cancelled) [mi]');
  });
});
