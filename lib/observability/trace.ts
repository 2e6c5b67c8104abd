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

const requestTracer = diagnosticsChannel.tracingChannel(MI_ACCOUNT_REQUEST_CHANNEL);
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
