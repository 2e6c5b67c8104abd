// How a Mi Account error code is read off the wire (protocol §3, §4, §8).

/**
 * The Mi error code in an `error` or `code` field: an integer, or a string of 1–9 decimal digits (surrounding
 * blanks ignored); `undefined` for anything else, so that an unreadable value is never taken for a Mi code.
 *
 * @example
 * readMiErrorCode(96013)      // 96013
 * readMiErrorCode(' 96012 ')  // 96012
 * readMiErrorCode('0x10')     // undefined
 */
export function readMiErrorCode(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,9}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}
