import * as diagnosticsChannel from 'node:diagnostics_channel';
import type { Channel } from 'node:diagnostics_channel';
import { oneLine } from '../protocol/one-line';
import {
  MI_ACCOUNT_LOGIN_CHANNEL,
  MI_ACCOUNT_REQUEST_CHANNEL,
  type MiAccountLoginEvent,
  type MiAccountRequestContext,
} from './channels';

/** The `debug` namespace of this library: `DEBUG=passport-mi-account node app.js`. */
export const MI_ACCOUNT_DEBUG_NAMESPACE = 'passport-mi-account';

/** What the log needs of a `debug` logger; declared here so the shipped types do not need `@types/debug`. */
export interface DebugLogger {
  (formatter: string, ...args: unknown[]): void;
  /** Whether `DEBUG` enables this namespace. */
  readonly enabled: boolean;
}

/** The two channels the log reads (the request tracing channel's `asyncEnd`, and the login channel). */
interface LoggedChannels {
  readonly asyncEnd: Channel;
}

/**
 * Logs one line per call to Mi Account and per login milestone through `debug`, when `DEBUG` enables
 * `passport-mi-account`. Subscribes only then, so a disabled log costs nothing. Returns a function that unsubscribes.
 */
export function attachDebugLog(
  requests: LoggedChannels,
  logins: Channel,
  log: DebugLogger = createLogger(),
): () => void {
  if (!log.enabled) return () => undefined;
  const onRequest = (message: unknown) => log('%s', formatRequest(message as MiAccountRequestContext));
  const onLogin = (message: unknown) => log('%s', formatLogin(message as MiAccountLoginEvent));
  requests.asyncEnd.subscribe(onRequest);
  logins.subscribe(onLogin);
  return () => {
    requests.asyncEnd.unsubscribe(onRequest);
    logins.unsubscribe(onLogin);
  };
}

// DEBUG as the library found it when it loaded, as `debug` reads it when it loads (not on every call).
const namedAtLoad = debugNames(process.env.DEBUG, MI_ACCOUNT_DEBUG_NAMESPACE);
let started = false;

/**
 * Attaches the log to the library's channels (found by name, as any subscriber finds them) when the `DEBUG`
 * environment variable named `passport-mi-account` as the library loaded; only then is `debug` loaded, at the first
 * call to Mi Account or login milestone (lib/observability/trace calls this then). Runs once.
 */
export function startDebugLog(): void {
  if (started) return;
  started = true;
  if (!namedAtLoad) return;
  // The channel names of a tracing channel (Node's own, and lib/observability/trace's fallback).
  const requests = { asyncEnd: diagnosticsChannel.channel(`tracing:${MI_ACCOUNT_REQUEST_CHANNEL}:asyncEnd`) };
  attachDebugLog(requests, diagnosticsChannel.channel(MI_ACCOUNT_LOGIN_CHANNEL));
}

/**
 * Whether the `DEBUG` value `value` enables `namespace`, by the rules of `debug` 4: names separated by commas or
 * blanks, `*` matching anything, a name after `-` excluded.
 */
export function debugNames(value: string | undefined, namespace: string): boolean {
  const names = (value ?? '')
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean);
  const matches = (template: string) => {
    const pattern = template.split('*').map((part) => part.replace(/[.+?^$()|[\]{}\\]/g, '\\$&'));
    return new RegExp(`^${pattern.join('.*')}$`).test(namespace);
  };
  if (names.some((name) => name.startsWith('-') && matches(name.slice(1)))) return false;
  return names.some((name) => !name.startsWith('-') && matches(name));
}

// `debug` is loaded on first use only: requiring the library costs nothing when nobody debugs it.
function createLogger(): DebugLogger {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
  const createDebug = require('debug') as (namespace: string) => DebugLogger;
  return createDebug(MI_ACCOUNT_DEBUG_NAMESPACE);
}

/** `token exchange GET 127.0.0.1:8080/oauth2/token → 200 in 12.3 ms` (a failure adds the error's message). */
export function formatRequest(context: MiAccountRequestContext): string {
  const retry = context.attempt > 1 ? ` (attempt ${context.attempt})` : '';
  const outcome = [
    context.status === undefined ? 'no response' : String(context.status),
    context.code === undefined ? '' : `code ${context.code}`,
  ]
    .filter(Boolean)
    .join(', ');
  // Errors of this library carry no secret in their message; anything else is named only.
  const error = context.error;
  const failure =
    error === undefined
      ? ''
      : ` — ${error instanceof Error && /^MiAccount/.test(error.name) ? oneLine(error.message, MAX_TEXT_LENGTH) : error instanceof Error ? error.name : 'failed'}`;
  return `${context.step} ${context.method} ${context.host}${context.endpoint}${retry} → ${outcome} in ${ms(context.durationMs)}${failure}`;
}

// Each entry is one log line: outside text it quotes (Mi's descriptions, a callback's) is made one line and clipped.
const MAX_TEXT_LENGTH = 500;

const MILESTONES: Record<MiAccountLoginEvent['event'], string> = {
  redirect: 'redirect to Mi Account',
  callback: 'callback received',
  tokens: 'tokens obtained',
  profile: 'profile loaded',
  success: 'login succeeded',
  failure: 'login failed',
};

/** `login #3 tokens obtained at 12.3 ms (scope 1 3, expires in 7776000 s)` */
export function formatLogin(event: MiAccountLoginEvent): string {
  const details = [
    event.redirectURI ? `redirect_uri ${oneLine(event.redirectURI, MAX_TEXT_LENGTH)}` : '',
    event.scope ? `scope ${event.scope.join(' ')}` : '',
    event.expiresIn === undefined ? '' : `expires in ${event.expiresIn} s`,
    event.warnings ? `${event.warnings} warning(s)` : '',
    event.status === undefined ? '' : `status ${event.status}`,
    event.code === undefined ? '' : `code ${event.code}`,
    event.reason ? oneLine(event.reason, MAX_TEXT_LENGTH) : '',
  ].filter(Boolean);
  return `login #${event.loginId} ${MILESTONES[event.event]} at ${ms(event.elapsedMs)}${details.length > 0 ? ` (${details.join(', ')})` : ''} [${event.strategy}]`;
}

function ms(value: number | undefined): string {
  return value === undefined ? '? ms' : `${value.toFixed(1)} ms`;
}
