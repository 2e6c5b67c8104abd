import { MiAccountError } from '../errors/errors';
import { readAuthorizationError } from '../protocol/authorization-error';
import { oneLine } from '../protocol/one-line';
import type { StateStoreLike } from '../state/session-state-store';

/** Most characters of an `error_description` quoted in a failure message or a MiAccountError. */
const MAX_DESCRIPTION_LENGTH = 300;

/** The actions passport gives the strategy object of one login (passport-strategy's augmented methods). */
export interface LoginActions {
  fail(challenge: object, status: number): void;
  error(err: Error): void;
}

/** What passport-oauth2 hands a state store as `meta` (a store's `verify` of arity 4 reads it). */
export interface StateMeta {
  authorizationURL: string;
  tokenURL: string;
  clientID: string;
  callbackURL: string | undefined;
}

/**
 * Ends a callback that carries `?error=` (the user refused, or Mi Account reports a problem). It is believed only once
 * its state verifies, like a code callback: otherwise anyone could send a user to the callback with their own error
 * text. An unverified one is a state failure that shows none of its text. Without a store (`state: false`) there is
 * nothing to verify.
 *
 * @example
 * reportAuthorizationError(this, req, req.query, store, meta) // this: passport's strategy object of the login
 */
export function reportAuthorizationError(
  login: LoginActions,
  req: object,
  query: Record<string, unknown>,
  store: StateStoreLike | undefined,
  meta: StateMeta,
): void {
  if (!store) return authorizationError(login, query);
  const verified = (err: Error | null, ok?: unknown, info?: unknown) => {
    if (err) return login.error(err);
    if (!ok) return login.fail(info as { message: string }, 403);
    authorizationError(login, query);
  };
  try {
    if (store.verify.length === 4) store.verify(req, query.state, meta, verified);
    else store.verify(req, query.state, verified);
  } catch (err) {
    login.error(err as Error);
  }
}

// A refusal (96012, access_denied) is the user's choice: a failure (403). Anything else is a MiAccountError.
function authorizationError(login: LoginActions, query: Record<string, unknown>): void {
  const { error, code, cancelled, description: text } = readAuthorizationError(query.error, query.error_description);
  const description = text === undefined ? undefined : oneLine(text, MAX_DESCRIPTION_LENGTH);
  if (cancelled) {
    return login.fail(
      { message: description || 'The Mi Account sign-in was cancelled.', code, reason: 'access_denied' },
      403,
    );
  }
  login.error(
    new MiAccountError({
      step: 'authorization',
      code,
      description:
        code === undefined && error ? `${oneLine(error, 60)}${description ? `: ${description}` : ''}` : description,
    }),
  );
}
