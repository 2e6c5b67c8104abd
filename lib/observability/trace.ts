import * as diagnosticsChannel from 'node:diagnostics_channel';
import { attachDebugLog } from './debug-log';
import type { MiAccountStep } from '../errors/errors';

/** Name of the `node:diagnostics_channel` tracing channel on which every call to Mi Account is published. */
export const MI_ACCOUNT_REQUEST_CHANNEL = 'passport-mi-account:request';
/** Name of the `node:diagnostics_channel` channel on which the strategy publishes its login milestones. */
export const MI_ACCOUNT_LOGIN_CHANNEL = 'passport-mi-account:login';

/**
 * The context object of one call to Mi Account on the `passport-mi-account:request` tracing channel. The same object
 * is published on `start`, `end`, `asyncStart`, `asyncEnd` and `error`; it holds nothing secret (no query string,
 * no token, no code, no client secret).
 *
 * @example
 * diagnosticsChannel.tracingChannel('passport-mi-account:request').subscribe({
 *   asyncEnd: (ctx) => console.log(ctx.step, ctx.endpoint, ctx.status, ctx.durationMs),
 *   start() {}, end() {}, asyncStart() {}, error() {},
 * });
 */
export interface MiAccountRequestContext {
  /**
   * The login step: `'token exchange'`, `'token refresh'` or `'open api'`; `'preconnect'` for a failed connection opened
   * ahead of a login (method `'CONNECT'`, endpoint `''`, no status: no HTTP request is sent, only the TCP and TLS
   * handshakes; a failure carries the socket error and changes nothing for the login).
   */
  step: MiAccountStep | 'preconnect';
  /** HTTP method; `'CONNECT'` for a pre-connect. */
  method: 'GET' | 'POST' | 'CONNECT';
  /** `host[:port]` of the Mi Account server. */
  host: string;
  /** Path of the endpoint, e.g. `/oauth2/token` or `/user/profile`; never the query. */
  endpoint: string;
  /** 1, or 2 when the call was sent again on a fresh connection after a reused one failed. */
  attempt: number;
  /** HTTP status of Mi's answer; absent when none arrived (network error, timeout). */
  status?: number;
  /** Mi Account's numeric error code (e.g. 96013), when its answer carried one. */
  code?: number;
  /** Milliseconds from the start of the call until its answer was read (or it failed). */
  durationMs?: number;
  /** Set by the tracing channel when the call failed: a `MiAccountError` (no secret in it), or a pre-connect's socket error. */
  error?: unknown;
}

/** What a login milestone on `passport-mi-account:login` reports. */
export type MiAccountLoginEventName = 'redirect' | 'callback' | 'tokens' | 'profile' | 'success' | 'failure';

/**
 * One milestone of a login on the `passport-mi-account:login` channel. Nothing secret: no code, token, mac_key,
 * state or client secret, and no user data.
 *
 * @example
 * diagnosticsChannel.subscribe('passport-mi-account:login', (event) => console.log(event.event, event.elapsedMs));
 */
export interface MiAccountLoginEvent {
  /**
   * `redirect`: the browser is sent to Mi Account's authorization page; `callback`: Mi Account's callback arrived;
   * `tokens`: the code was exchanged; `profile`: the profile was loaded; `success`: the verify callback accepted the
   * user; `failure`: the login failed (`reason`, `status`, and `code`/`step` for Mi Account errors).
   */
  event: MiAccountLoginEventName;
  /** Strategy name, e.g. `'mi-account'`. */
  strategy: string;
  /** Numbers the HTTP requests seen by the strategy in this process, so the milestones of one callback can be grouped. */
  loginId: number;
  /** Milliseconds since the strategy received this HTTP request (the redirect or the callback). */
  elapsedMs: number;
  /** Why the login failed: the message given to `fail`, or the error's message for a Mi Account error. */
  reason?: string;
  /** HTTP status a `fail` answers with (absent for an error, which goes to the app's error handler). */
  status?: number;
  /** Mi Account's numeric error code of a failure, when there is one. */
  code?: number;
  /** Step of a failing Mi Account error, e.g. `'token exchange'`. */
  step?: string;
  /** Name of the error class of an `error` failure, e.g. `'MiAccountRequestError'`. */
  errorName?: string;
  /** The redirect URI sent to Mi Account (`redirect`). */
  redirectURI?: string;
  /** Granted scopes (`tokens`, `profile`) or requested scopes (`redirect`), numeric strings. */
  scope?: string[];
  /** Seconds the access token lives (`tokens`). */
  expiresIn?: number;
  /** Number of `profile.warnings` (`profile`). */
  warnings?: number;
}

/** The five channels of a tracing channel, and `tracePromise`, as far as this library uses them. */
export interface RequestTracer {
  readonly start: diagnosticsChannel.Channel;
  readonly end: diagnosticsChannel.Channel;
  readonly asyncStart: diagnosticsChannel.Channel;
  readonly asyncEnd: diagnosticsChannel.Channel;
  readonly error: diagnosticsChannel.Channel;
  tracePromise<T>(fn: () => Promise<T>, context: object): Promise<T>;
}

type DiagnosticsChannelModule = Pick<typeof diagnosticsChannel, 'channel'> & {
  tracingChannel?: (name: string) => RequestTracer;
};

/**
 * The tracing channel `name`: Node's own when it has one (Node ≥ 18.19 / 19.9), else the same five named channels
 * (`tracing:<name>:start`…) published in the same order, so subscribers see one protocol on every Node version.
 */
export function createTracingChannel(name: string, dc: DiagnosticsChannelModule = diagnosticsChannel): RequestTracer {
  if (typeof dc.tracingChannel === 'function') return dc.tracingChannel(name);
  const [start, end, asyncStart, asyncEnd, error] = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'].map((event) =>
    dc.channel(`tracing:${name}:${event}`),
  ) as [
    diagnosticsChannel.Channel,
    diagnosticsChannel.Channel,
    diagnosticsChannel.Channel,
    diagnosticsChannel.Channel,
    diagnosticsChannel.Channel,
  ];
  return {
    start,
    end,
    asyncStart,
    asyncEnd,
    error,
    tracePromise<T>(fn: () => Promise<T>, context: Record<string, unknown>): Promise<T> {
      start.publish(context);
      try {
        return fn().then(
          (result) => {
            context.result = result;
            asyncStart.publish(context);
            asyncEnd.publish(context);
            return result;
          },
          (err: unknown) => {
            context.error = err;
            error.publish(context);
            asyncStart.publish(context);
            asyncEnd.publish(context);
            throw err;
          },
        );
      } finally {
        end.publish(context);
      }
    },
  };
}

const requestTracer = createTracingChannel(MI_ACCOUNT_REQUEST_CHANNEL);
const loginChannel = diagnosticsChannel.channel(MI_ACCOUNT_LOGIN_CHANNEL);

// TracingChannel#hasSubscribers exists only from Node 20.13; the five channels answer on every version.
function requestsObserved(): boolean {
  const t = requestTracer;
  return (
    t.start.hasSubscribers ||
    t.asyncEnd.hasSubscribers ||
    t.error.hasSubscribers ||
    t.end.hasSubscribers ||
    t.asyncStart.hasSubscribers
  );
}

/** Where a call to Mi Account goes, as given to {@link traceRequest}. */
export interface TracedCall {
  step: MiAccountStep | 'preconnect';
  method: 'GET' | 'POST' | 'CONNECT';
  host: string;
  endpoint: string;
}

/**
 * Runs one call to Mi Account, published on the request channel when someone listens. `run` gets the context (to
 * record `status`) or `undefined` when nobody listens; a Mi error code and the duration are filled in before
 * `asyncEnd`. The value of `run` is never put on the context (it may hold tokens).
 */
export function traceRequest<T>(
  call: TracedCall,
  run: (context: MiAccountRequestContext | undefined) => Promise<T>,
): Promise<T> {
  // Not async itself: without a subscriber the call costs one check and no extra promise.
  return requestsObserved() ? traced(call, run) : run(undefined);
}

async function traced<T>(call: TracedCall, run: (context: MiAccountRequestContext) => Promise<T>): Promise<T> {
  const context: MiAccountRequestContext = {
    step: call.step,
    method: call.method,
    host: call.host,
    endpoint: call.endpoint,
    attempt: 1,
  };
  const started = performance.now();
  let value: T | undefined;
  await requestTracer.tracePromise(async () => {
    try {
      value = await run(context);
    } catch (err) {
      // responseStatus is Mi's own HTTP status; `status` on the error is what the app should answer.
      const failure = err as { code?: unknown; responseStatus?: unknown };
      if (typeof failure.code === 'number') context.code = failure.code;
      if (context.status === undefined && typeof failure.responseStatus === 'number')
        context.status = failure.responseStatus;
      throw err;
    } finally {
      context.durationMs = performance.now() - started;
    }
  }, context);
  return value as T;
}

// When each traced HTTP request reached the strategy, and its number: the milestones' elapsedMs and loginId.
const loginStarts = new WeakMap<object, { started: number; loginId: number }>();
let loginCount = 0;

/** True when someone listens to the login channel: callers build nothing otherwise. */
export function loginObserved(): boolean {
  return loginChannel.hasSubscribers;
}

/** Publishes a milestone of the login handled for `req` (no-op without subscribers or for an untraced request). */
export function publishLogin(
  req: object,
  strategy: string,
  event: MiAccountLoginEventName,
  details: Partial<MiAccountLoginEvent> = {},
): void {
  if (!loginChannel.hasSubscribers) return;
  let start = loginStarts.get(req);
  if (!start) {
    start = { started: performance.now(), loginId: (loginCount += 1) };
    loginStarts.set(req, start);
  }
  const message: MiAccountLoginEvent = {
    event,
    strategy,
    loginId: start.loginId,
    elapsedMs: performance.now() - start.started,
    ...details,
  };
  loginChannel.publish(message);
}

attachDebugLog(requestTracer, loginChannel);
