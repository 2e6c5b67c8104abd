import * as diagnosticsChannel from 'node:diagnostics_channel';
import {
  MI_ACCOUNT_LOGIN_CHANNEL,
  MI_ACCOUNT_REQUEST_CHANNEL,
  type MiAccountLoginEvent,
  type MiAccountLoginEventName,
  type MiAccountRequestContext,
} from './channels';
import { startDebugLog } from './debug-log';
import type { MiAccountStep } from '../errors/reasons';

export { MI_ACCOUNT_LOGIN_CHANNEL, MI_ACCOUNT_REQUEST_CHANNEL };
export type { MiAccountLoginEvent, MiAccountLoginEventName, MiAccountRequestContext };

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

// The DEBUG log subscribes at the first call or milestone, so loading the library never loads `debug`.
let debugLogChecked = false;
function checkDebugLog(): void {
  if (debugLogChecked) return;
  debugLogChecked = true;
  startDebugLog();
}

// TracingChannel#hasSubscribers exists only from Node 20.13; the five channels answer on every version.
function requestsObserved(): boolean {
  checkDebugLog();
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
  checkDebugLog();
  return loginChannel.hasSubscribers;
}

/** Publishes a milestone of the login handled for `req` (no-op without subscribers or for an untraced request). */
export function publishLogin(
  req: object,
  strategy: string,
  event: MiAccountLoginEventName,
  details: Partial<MiAccountLoginEvent> = {},
): void {
  if (!loginObserved()) return;
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
