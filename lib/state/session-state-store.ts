import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { MiAccountError } from '../errors/errors';

type StoreCallback = (err: Error | null, ok?: unknown, info?: unknown) => void;

/** The shape of passport-oauth2 state stores (arity decides which arguments they take). */
export interface StateStoreLike {
  /** Creates a state for a new login and passes it to the callback (its last argument). */
  store(...args: unknown[]): void;
  /** Checks the state of a callback and passes `(err, ok, info)` to the callback (its last argument). */
  verify(...args: unknown[]): void;
}

export const STATE_FAILURE_CAUSES =
  'Usual causes: the session cookie did not come back with the callback (the login started on another host or port — ' +
  'localhost vs 127.0.0.1 — or the cookie is SameSite=Strict or Secure on http), several app instances without a shared ' +
  'session store, an expired session, or the callback URL was opened twice.';

/**
 * Wraps a passport-oauth2 state store so that state failures say why they usually happen.
 * Keeps the arity of the wrapped methods, which passport-oauth2 inspects.
 */
export function explainStateFailures(inner: StateStoreLike): StateStoreLike {
  const explained =
    (callback: StoreCallback): StoreCallback =>
    (err, ok, info) => {
      if (err && /session support/i.test(err.message)) {
        return callback(
          new MiAccountError({
            step: 'state',
            reason: 'configuration',
            status: 500, // a missing session middleware is the app's configuration, not a forged callback
            hint: 'passport-oauth2 keeps the state in the session, and there is none: add express-session (or another session middleware) before passport, or give a `store`',
            cause: err,
          }),
        );
      }
      if (!err && !ok) {
        const message = isMessage(info) ? info.message : 'Unable to verify authorization request state.';
        return callback(null, false, {
          ...(typeof info === 'object' ? info : {}),
          message: `${message} ${STATE_FAILURE_CAUSES}`,
          reason: 'state_mismatch',
        });
      }
      return callback(err, ok, info);
    };
  const verify =
    inner.verify.length === 4
      ? (req: Request, state: string, meta: unknown, callback: StoreCallback) =>
          inner.verify(req, state, meta, explained(callback))
      : (req: Request, state: string, callback: StoreCallback) => inner.verify(req, state, explained(callback));
  return { store: inner.store.bind(inner), verify };
}

/** The request as a session state store reads it: the session express-session (or another middleware) attached. */
interface SessionRequest {
  session?: Record<string, { state?: string } | undefined>;
}

const NO_SESSION =
  'OAuth 2.0 authentication requires session support when using state. Did you forget to use express-session middleware?';

/**
 * The state store passport-oauth2 uses by default (a single-use random state in `req.session[key].state`), with the
 * same messages: created here so the strategy can hand it, wrapped, to passport-oauth2 as its `store` option.
 *
 * @example
 * new SessionStateStore('oauth2:account.xiaomi.com')
 */
export class SessionStateStore implements StateStoreLike {
  /** @param key - the session key the state is kept under */
  constructor(private readonly key: string) {}

  /** Creates the state of a new login and keeps it in the session. Two parameters: no per-login state object. */
  store(req: SessionRequest, callback: (err: Error | null, state?: string) => void): void {
    if (!req.session) return callback(new Error(NO_SESSION));
    const state = randomBytes(18).toString('base64url');
    const kept = req.session[this.key] ?? {};
    kept.state = state;
    req.session[this.key] = kept;
    callback(null, state);
  }

  /** Checks the state of a callback against the one in the session, and forgets it (a state works once). */
  verify(req: SessionRequest, providedState: unknown, callback: StoreCallback): void {
    if (!req.session) return callback(new Error(NO_SESSION));
    const kept = req.session[this.key];
    const state = kept?.state;
    if (!kept || !state) return callback(null, false, { message: 'Unable to verify authorization request state.' });
    delete kept.state;
    if (Object.keys(kept).length === 0) Reflect.deleteProperty(req.session, this.key);
    if (state !== providedState) return callback(null, false, { message: 'Invalid authorization request state.' });
    callback(null, true);
  }
}

/** passport-oauth2's default session key: `'oauth2:'` and the host name of the authorization URL. */
export function defaultSessionKey(authorizationURL: string): string {
  let hostname: string | null = null;
  try {
    hostname = new URL(authorizationURL).hostname.replace(/^\[(.*)\]$/, '$1') || null;
  } catch {
    // passport-oauth2's url.parse gives a null host name for a URL it cannot read.
  }
  return `oauth2:${hostname}`;
}

function isMessage(value: unknown): value is { message: string } {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}
