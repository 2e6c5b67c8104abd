import { MiAccountError } from '../errors/errors';
import { oneLine } from '../protocol/one-line';
import type { MiAccountProfile } from '../client/profile';
import type { TokenSet } from '../client/response';
import { loginObserved, MiAccountLoginEvent, publishLogin } from '../observability/trace';

/** The per-request actions passport adds to a strategy object (passport-strategy's augmented methods). */
interface PassportActions {
  name?: string;
  redirect(url: string, status?: number): void;
  fail(challenge?: unknown, status?: number): void;
  error(err: Error): void;
  success(user: unknown, info?: unknown): void;
}

type Action = keyof Omit<PassportActions, 'name'>;
const ORIGINAL = Symbol('passport-mi-account original action');
const MAX_REASON_LENGTH = 200;

/**
 * Publishes the milestones of the request passport hands to `target` on the login channel: `callback` now when it is
 * Mi Account's callback, then `redirect`, `success` or `failure` when passport is told the outcome. Does nothing when
 * nobody listens. `target` is passport's per-request strategy object, which stands for the login in every milestone
 * (also in {@link tokensObtained} and {@link profileLoaded}); its actions are wrapped, not changed.
 */
export function observeLogin(target: PassportActions, req: { query?: unknown; body?: unknown }): void {
  if (!loginObserved()) return;
  const strategy = target.name ?? 'mi-account';
  const query = (req.query ?? {}) as Record<string, unknown>;
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (query.error !== undefined || query.code !== undefined || body.code !== undefined) {
    publishLogin(target, strategy, 'callback');
  }
  wrap(target, 'redirect', (url: unknown) => publishLogin(target, strategy, 'redirect', redirectDetails(url)));
  wrap(target, 'fail', (challenge: unknown, status: unknown) =>
    publishLogin(target, strategy, 'failure', {
      reason: truncate(typeof challenge === 'string' ? challenge : (challenge as { message?: unknown })?.message),
      status: typeof status === 'number' ? status : 401,
      code: numeric((challenge as { code?: unknown })?.code),
    }),
  );
  wrap(target, 'error', (err: unknown) => publishLogin(target, strategy, 'failure', errorDetails(err)));
  wrap(target, 'success', () => publishLogin(target, strategy, 'success'));
}

/**
 * Publishes `tokens` for `login` (passport's strategy object of the request, as given to {@link observeLogin}): granted
 * scopes and lifetime, never a token.
 */
export function tokensObtained(login: object, strategy: string, tokens: TokenSet): void {
  if (!loginObserved()) return;
  publishLogin(login, strategy, 'tokens', { scope: tokens.scope, expiresIn: tokens.expiresIn });
}

/** Wraps a profile callback: a loaded profile publishes `profile` for `login` (scopes, warning count; no user data). */
export function profileLoaded<T extends (err?: unknown, profile?: MiAccountProfile) => void>(
  login: object,
  strategy: string,
  done: T,
): T {
  if (!loginObserved()) return done;
  return ((err?: unknown, profile?: MiAccountProfile) => {
    if (profile)
      publishLogin(login, strategy, 'profile', { scope: profile.scopes, warnings: profile.warnings?.length ?? 0 });
    done(err, profile);
  }) as T;
}

// Calls `before` then the action passport installed; re-wrapping unwraps first, so a strategy object reused across
// requests (a direct authenticate() call in tests) never stacks wrappers.
function wrap(target: PassportActions, action: Action, before: (...args: unknown[]) => void): void {
  const current = target[action] as ((...args: unknown[]) => void) & { [ORIGINAL]?: (...args: unknown[]) => void };
  if (typeof current !== 'function') return;
  const original = current[ORIGINAL] ?? current;
  const wrapped = Object.assign(
    function (this: unknown, ...args: unknown[]) {
      try {
        before(...args);
      } catch {
        // A throwing subscriber must not change the login's outcome.
      }
      return original.apply(this, args);
    },
    { [ORIGINAL]: original },
  );
  (target as unknown as Record<Action, unknown>)[action] = wrapped;
}

// The scope and redirect_uri sent to Mi Account, read from the redirect URL; its state is left out.
function redirectDetails(url: unknown): { scope?: string[] | undefined; redirectURI?: string | undefined } {
  try {
    const params = new URL(String(url)).searchParams;
    const scope = params.get('scope');
    return { scope: scope ? scope.split(' ') : undefined, redirectURI: params.get('redirect_uri') ?? undefined };
  } catch {
    return {};
  }
}

// A Mi Account error's message carries no secret (by construction); another error is named only, as its text is the app's.
function errorDetails(err: unknown): Partial<MiAccountLoginEvent> {
  const name = err instanceof Error ? err.name : typeof err;
  if (err instanceof MiAccountError) {
    return { reason: truncate(err.message), code: err.code, step: err.step, errorName: name };
  }
  return { reason: `${name} from the app or a library`, errorName: name };
}

// A reason may quote outside text (a callback's error_description): one line, so a subscriber's log gets no forged line.
function truncate(value: unknown): string | undefined {
  return typeof value === 'string' ? oneLine(value, MAX_REASON_LENGTH) : undefined;
}

function numeric(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}
