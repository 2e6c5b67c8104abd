// The underlying error of a MiAccountError, copied without its secrets.
import { redact } from './redact';

/**
 * A copy of an error (code, message, nested cause) safe to attach as `cause`: secrets redacted, no request objects.
 * Never throws.
 *
 * @example
 * new MiAccountRequestError({ step: 'token exchange', cause: sanitizeCause(err, [clientSecret, code]) });
 */
export function sanitizeCause(err: unknown, secrets: ReadonlyArray<string | undefined>, depth = 0): Error {
  if (!(err instanceof Error)) return new Error(redact(safeString(err), secrets));
  const copy = new Error(redact(safeString(err.message), secrets));
  copy.name = safeString(err.name);
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') Object.assign(copy, { code });
  copy.stack = redact(safeString(err.stack ?? ''), secrets);
  if (err.cause !== undefined && depth < 3) copy.cause = sanitizeCause(err.cause, secrets, depth + 1);
  return copy;
}

// String() throws for objects without a usable toString (Object.create(null)); an error path must not throw.
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
