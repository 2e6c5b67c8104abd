// The CSRF check of the implicit-grant callback: the state must be the one kept before the redirect.
import { MiImplicitGrantError } from './implicit-grant-error';

/**
 * Throws a `state_mismatch` {@link MiImplicitGrantError} unless `received` equals the kept state (trimmed),
 * compared in constant time. Each failure names its likely cause.
 *
 * @example
 * checkState(fragment.get('state'), sessionStorage.getItem('mi-state'));
 */
export function checkState(received: string | undefined, expected: string | null | undefined): void {
  const wanted = typeof expected === 'string' ? expected.trim() : '';
  if (wanted === '') {
    throw stateError(
      'no expected state was given: the state kept before the redirect was not found (sessionStorage is per tab and per origin; was the sign-in started in another tab or on another origin, or was storage cleared?); start the sign-in again',
    );
  }
  if (received === undefined || received === '') {
    throw stateError(
      'the callback carries no state: it was not produced by the sign-in this page started (possible CSRF); start the sign-in again',
    );
  }
  if (!constantTimeEqual(received, wanted)) {
    throw stateError(
      'the state in the callback differs from the one kept before the redirect: it belongs to another sign-in attempt (an older tab, a second sign-in in parallel) or to a forged link; start the sign-in again',
    );
  }
}

function stateError(hint: string): MiImplicitGrantError {
  return new MiImplicitGrantError('state_mismatch', { step: 'state', hint });
}

// Same work whatever the position of the first difference.
function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}
