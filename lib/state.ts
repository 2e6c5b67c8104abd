import type { Request } from 'express';
import { MiAccountError } from './errors';

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

function isMessage(value: unknown): value is { message: string } {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}
